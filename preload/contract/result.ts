/**
 * Errors cross every boundary (IPC, WebSocket bridge, CLI) as data, never as throws: Electron
 * keeps only `message` of an error thrown from a handler, and a browser bridge keeps nothing.
 */

/** The closed set of error codes. Add a code here, never a free-form string elsewhere. */
export const errorCodes = {
  'bad-request': { retryable: false, what: 'the request did not match the contract' },
  'unknown-channel': { retryable: false, what: 'no such channel' },
  'untrusted-sender': { retryable: false, what: 'the caller is not a Tessera window' },
  'not-found': { retryable: false, what: 'the thing asked for does not exist' },
  conflict: { retryable: false, what: 'the thing changed or already exists' },
  unauthorized: { retryable: false, what: 'the site refused the credentials; sign in again' },
  'two-factor-required': { retryable: false, what: 'the site needs a two-factor code' },
  unreachable: { retryable: true, what: 'the site or device could not be reached' },
  timeout: { retryable: true, what: 'the site did not answer in time' },
  tls: { retryable: false, what: 'the site’s certificate was not accepted' },
  'bad-response': { retryable: true, what: 'the site answered something unexpected' },
  unsupported: { retryable: false, what: 'the site or codec does not support this' },
  'storage-unavailable': { retryable: false, what: 'passwords cannot be stored on this system' },
  io: { retryable: true, what: 'reading or writing a file failed' },
  'no-recording': { retryable: false, what: 'nothing was recorded at that time' },
  'not-recorded': { retryable: false, what: 'the camera has no recordings Tessera can reach (plain RTSP)' },
  'reverse-unsupported': { retryable: false, what: 'the site cannot play this camera backwards' },
  'disk-full': { retryable: false, what: 'the destination has no room left' },
  internal: { retryable: false, what: 'a bug in Tessera' },
} as const satisfies Record<string, { retryable: boolean; what: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface AppError {
  code: ErrorCode;
  /** One sentence an operator can read. Never holds a secret. */
  message: string;
  retryable: boolean;
  /** Extra machine-readable facts (field paths of a validation error, HTTP status…). */
  detail?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function appError(code: ErrorCode, message: string, detail?: Record<string, unknown>): AppError {
  return detail === undefined
    ? { code, message, retryable: errorCodes[code].retryable }
    : { code, message, retryable: errorCodes[code].retryable, detail };
}

export function fail<T = never>(code: ErrorCode, message: string, detail?: Record<string, unknown>): Result<T> {
  return { ok: false, error: appError(code, message, detail) };
}

/**
 * Thrown inside main-process services to end a request with a specific code; the router turns
 * it into a failed Result. Anything else thrown becomes `internal`.
 */
export class AppFailure extends Error {
  readonly error: AppError;
  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'AppFailure';
    this.error = appError(code, message, detail);
  }
}
