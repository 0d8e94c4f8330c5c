/**
 * `ApiV3Error` bodies, as in the vendor spec:
 * {"code":401,"status":"unauthenticated","message":"…","details":[{"type":"errorInfo","reason":"…","domain":"apiv3","metadata":{"path":"…"}}]}
 */
import type { ServerResponse } from 'node:http';

export type ApiV3Status =
  | 'invalidArgument'
  | 'unauthenticated'
  | 'permissionDenied'
  | 'notFound'
  | 'tooManyRequests'
  | 'methodNotSupported'
  | 'unavailable'
  | 'conflict'
  | 'failedPrecondition'
  | 'internal';

export type ApiV3Reason =
  | 'unauthenticated'
  | 'unexpectedArgument'
  | 'missingRequiredArgument'
  | 'wrongArgumentValue'
  | 'invalidPermission'
  | 'resourceNotFound'
  | 'endpointNotFound'
  | 'methodNotSupported'
  | 'tooManyRequests'
  | 'deviceUnavailable'
  | 'invalidJSON'
  | 'contentNotSupported'
  | 'unexpectedError';

export interface ApiV3ErrorBody {
  code: number;
  status: ApiV3Status;
  message: string;
  details: ({ type: 'errorInfo'; reason: ApiV3Reason; domain: string; metadata: { path: string; method?: string } } | { type: 'badRequest'; argumentViolations: { argumentName: string; description: string }[] })[];
}

/** Thrown by route code; the router turns it into the JSON body. */
export class ApiV3Failure extends Error {
  constructor(
    readonly code: number,
    readonly status: ApiV3Status,
    readonly reason: ApiV3Reason,
    message: string,
    readonly argument?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const fail = {
  missing: (names: string[]) => new ApiV3Failure(400, 'invalidArgument', 'missingRequiredArgument', `Missing required arguments: ${names.join(', ')}`),
  unexpected: (name: string) => new ApiV3Failure(400, 'invalidArgument', 'unexpectedArgument', `Unexpected argument: ${name}`, name),
  wrong: (name: string, why: string) => new ApiV3Failure(400, 'invalidArgument', 'wrongArgumentValue', `Invalid Argument: ${name} ${why}`, name),
  unauthenticated: () => new ApiV3Failure(401, 'unauthenticated', 'unauthenticated', 'The client caller does not have a valid authentication credential', undefined, { 'www-authenticate': 'Bearer' }),
  forbidden: (message = 'The client caller does not have permission for the specified operation') => new ApiV3Failure(403, 'permissionDenied', 'invalidPermission', message),
  notFound: (message = 'The requested resource was not found') => new ApiV3Failure(404, 'notFound', 'resourceNotFound', message),
  endpoint: () => new ApiV3Failure(404, 'notFound', 'endpointNotFound', 'The API endpoint was not found'),
  method: () => new ApiV3Failure(405, 'methodNotSupported', 'methodNotSupported', 'The method is not supported for this endpoint'),
  tooMany: (retryAfterSeconds: number) => new ApiV3Failure(429, 'tooManyRequests', 'tooManyRequests', 'Too many requests', undefined, { 'retry-after': String(retryAfterSeconds) }),
  unavailable: (message: string) => new ApiV3Failure(503, 'unavailable', 'deviceUnavailable', message),
  invalidJson: () => new ApiV3Failure(400, 'invalidArgument', 'invalidJSON', 'Invalid JSON'),
};

export function errorBody(failure: ApiV3Failure, path: string, method: string): ApiV3ErrorBody {
  const body: ApiV3ErrorBody = {
    code: failure.code,
    status: failure.status,
    message: failure.message,
    details: [{ type: 'errorInfo', reason: failure.reason, domain: 'apiv3', metadata: { path, method } }],
  };
  if (failure.argument) body.details.push({ type: 'badRequest', argumentViolations: [{ argumentName: failure.argument, description: failure.message }] });
  return body;
}

export function sendFailure(res: ServerResponse, failure: ApiV3Failure, path: string, method: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(failure.code, { 'content-type': 'application/json', ...failure.headers });
  res.end(JSON.stringify(errorBody(failure, path, method)));
}
