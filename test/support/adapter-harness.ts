/**
 * What the adapter tests share: an HttpClient that remembers the secrets a vendor's wire carries
 * (so a failure's message can be checked for them), the failure a promise rejects with, the check
 * that it is clean, the simulator's fault knobs, a JPEG check, and in-memory stdio for the CLI.
 */
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { AppFailure } from '../../preload/contract/index.js';
import type { RecordedMedia } from '../../main/vms/adapter.js';
import { HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from '../../main/net/http-client.js';

/** Where one vendor's secrets travel, and what a leaked one would look like in a failure. */
export interface SecretWire {
  /** Secrets in a request, read before it is sent (kept even if it then fails). */
  sent(req: HttpRequest): Iterable<string | undefined>;
  /** Secrets an answer carried (body, or cookies the client now holds). */
  received?(res: HttpResponse, http: HttpClient): Iterable<string | undefined>;
  /** A shape no failure may show, whichever secret it is, in its message... */
  message?: RegExp;
  /** ...or in its detail (as JSON). */
  detail?: RegExp;
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

export const secretWires = {
  /** exacqVision: the session id rides in `s` (query or form); `0` means none; searches have ids too. */
  exacq: {
    sent: (req) => [req.query?.s, req.query?.search_id, req.form?.s].filter((v): v is string => typeof v === 'string' && v !== '0'),
    message: uuid,
  },
  /** Eagle Eye v1: password and token in forms; session, two-factor and poll cookies; a token in JSON answers. */
  'eagleeye-v1': {
    sent: (req) => [req.form?.password, req.form?.token],
    received: (res, http) => [...['auth_key', 'tfa_key', 'ee-poll-ses'].map((name) => http.cookie(name)), /"token"\s*:\s*"([^"]+)"/.exec(res.body.toString('utf8'))?.[1]],
    detail: /auth_key|c001~/,
  },
  /** AIPIX: a bearer token in the Authorization header; link tokens in `token=` of media paths. */
  aipix: {
    sent: (req) => [req.headers?.authorization?.replace(/^Bearer\s+/i, ''), /[?&]token=([^&]+)/.exec(req.path)?.[1]],
    message: /Bearer|token=/,
  },
} satisfies Record<string, SecretWire>;

/** An HttpClient that remembers every secret it sent or received, so failures can be checked for them. */
export class SpyHttp extends HttpClient {
  readonly secrets = new Set<string>();

  constructor(
    options: HttpClientOptions,
    readonly wire: SecretWire,
  ) {
    super(options);
  }

  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.remember(this.wire.sent(req));
    const response = await super.request(req);
    if (this.wire.received) this.remember(this.wire.received(response, this));
    return response;
  }

  private remember(values: Iterable<string | undefined>): void {
    for (const value of values) if (value) this.secrets.add(value);
  }
}

/** The AppFailure the promise rejects with; any other outcome fails the test. */
export async function failure(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppFailure) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

/** The failure names the site and carries no secret the client sent or received. */
export function expectClean(err: AppFailure, http: SpyHttp, siteName = http.site): void {
  expect(err.error.message).toContain(siteName);
  for (const secret of http.secrets) expect(err.error.message).not.toContain(secret);
  if (http.wire.message) expect(err.error.message).not.toMatch(http.wire.message);
  if (http.wire.detail) expect(JSON.stringify(err.error.detail ?? {})).not.toMatch(http.wire.detail);
}

/**
 * Turns the simulator's fault knobs (POST to its admin port, e.g. `/faults`, `/sessions/expire`,
 * `/cameras/1/offline`). Takes the admin address lazily: the simulator starts in `beforeAll`.
 * A refused knob throws, so a misspelt one cannot pass for a fault that never happened.
 */
export function simAdmin(adminUrl: () => string): (path: string, body?: unknown) => Promise<void> {
  return async (path, body) => {
    const res = await fetch(`${adminUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    if (res.status !== 200) throw new Error(`simulator admin ${path} answered ${res.status}: ${await res.text()}`);
  };
}

/** Starts like a JPEG (SOI marker): enough to tell a picture from an error page. */
export const isJpeg = (b: Buffer): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8;

/**
 * In-memory stdio for `runCli`: `stdinLine` is written to stdin with a newline and stdin ended
 * (the `--password-stdin` way); without it stdin stays open and empty. The CLI runs until its
 * command ends unless given a `stopSignal` (serve waits on it).
 */
export function cliIo(stdinLine?: string, stopSignal: Promise<void> = new Promise<void>(() => undefined)) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  if (stdinLine !== undefined) stdin.end(`${stdinLine}\n`);
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { io: { stdout, stderr, stdin, env: {}, stopSignal }, out: () => out, err: () => err };
}

/** A recorded part with only the pieces a unit test uses; any other piece fails the test when called. */
export function recordedParts(parts: Partial<RecordedMedia>): RecordedMedia {
  const unused = (name: string) => () => Promise.reject(new Error(`recorded.${name} is not used by this test`));
  return {
    coverage: unused('coverage'),
    marks: unused('marks'),
    still: unused('still'),
    video: unused('video'),
    reverse: 'keyframes',
    ...parts,
  };
}
