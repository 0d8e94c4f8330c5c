/**
 * Who may talk to a serve-mode server: a request must carry the per-launch token (query
 * `token`, or the cookie set when the page was first opened with it), must name one of our own
 * hosts in `Host` (DNS rebinding) and, when it has an `Origin`, come from our own origin.
 * Pure functions over headers so they are unit-tested without sockets.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies ignore ports, so the name carries the port: two instances never clobber each other. */
export function cookieName(port: number): string {
  return `tessera_token_${port}`;
}

export function sameToken(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenFromRequest(url: URL, cookieHeader: string | undefined, port: number): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const name = cookieName(port);
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host]);
  return new Set([...names].map((name) => `${name}:${port}`));
}

export function hostAllowed(hostHeader: string | undefined, host: string, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(host, port).has(hostHeader.toLowerCase());
}

/** No Origin (same-origin GET, curl) is fine; any other origin is a page we did not serve. */
export function originAllowed(origin: string | undefined, host: string, port: number): boolean {
  if (origin === undefined) return true;
  const hosts = allowedHosts(host, port);
  try {
    const parsed = new URL(origin);
    return parsed.protocol === 'http:' && hosts.has(parsed.host);
  } catch {
    return false;
  }
}
