/**
 * Turns low-level fetch failures into AppFailures an operator can act on. Messages name the
 * site and the host, never the path or query (which may carry session ids or tokens).
 */
import { AppFailure } from '../../preload/contract/index.js';

const tlsCodes = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const unreachableWords: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

function seconds(ms: number): string {
  return ms < 10_000 ? String(Math.round(ms / 100) / 10) : String(Math.round(ms / 1000));
}

function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function networkFailure(err: unknown, site: string, host: string, timeoutMs: number): AppFailure {
  if (err instanceof AppFailure) return err;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new AppFailure('timeout', `${site}: ${host} did not answer within ${seconds(timeoutMs)} s.`);
  }
  const code = causeCode(err);
  if (code && (tlsCodes.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) {
    return new AppFailure('tls', `${site}: the certificate of ${host} was not accepted (${code}).`, { tlsCode: code });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new AppFailure('timeout', `${site}: could not connect to ${host} in time.`);
  const words = code ? (unreachableWords[code] ?? code) : 'network error';
  return new AppFailure('unreachable', `${site}: could not reach ${host} (${words}).`, code ? { networkCode: code } : undefined);
}
