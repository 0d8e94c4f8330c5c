/**
 * Who may talk to a serve-mode server, as pure functions over headers (unit-tested without
 * sockets). Every request must name one of our own hosts in `Host` (DNS rebinding), come from
 * our own origin when it has an `Origin`, and carry a credential:
 *   - the sockets (/bridge, /media/stream/*) need the per-launch token in the query: only the
 *     page holds it (it keeps it in sessionStorage, which is per origin, port included);
 *   - the renderer's files also accept the page cookie, so a reload works once the token has
 *     left the address bar. Cookies ignore ports, so every other local service on 127.0.0.1 sees
 *     that cookie: it is therefore not the token but a separate random key that opens only the
 *     (public) renderer files, and its name carries a per-launch id so two instances or two
 *     launches never clobber or reuse each other's.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NetworkInterfaceInfo } from 'node:os';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The page cookie's name for one launch (`launchId`: a few random bytes, hex). */
export function pageCookieName(launchId: string): string {
  return `tessera_page_${launchId}`;
}

export function newLaunchId(): string {
  return randomBytes(6).toString('hex');
}

export function sameToken(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenFromQuery(url: URL): string | undefined {
  return url.searchParams.get('token') ?? undefined;
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // malformed percent-encoding: no credential
    }
  }
  return undefined;
}

/** `0.0.0.0` and `::` listen on every interface (`::` takes IPv4 too on dual-stack systems). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The addresses of this machine's interfaces, as a browser writes them in a Host header. */
export function interfaceHostNames(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .map((info) => (info.family === 'IPv6' ? `[${info.address.toLowerCase()}]` : info.address));
}

/**
 * The `host:port` values a request may name. Bound to every interface, a wall PC reaches us by
 * one of the machine's addresses, so those are ours too (pass them as `interfaceNames`).
 */
export function allowedHosts(host: string, port: number, interfaceNames: readonly string[] = []): Set<string> {
  const bound = host.includes(':') && !host.startsWith('[') ? `[${host.toLowerCase()}]` : host.toLowerCase();
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bound, ...interfaceNames]);
  return new Set([...names].map((name) => `${name}:${port}`));
}

export function hostAllowed(hostHeader: string | undefined, hosts: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && hosts.has(hostHeader.toLowerCase());
}

/** No Origin (same-origin GET, curl) is fine; any other origin is a page we did not serve. */
export function originAllowed(origin: string | undefined, hosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  try {
    const parsed = new URL(origin);
    return parsed.protocol === 'http:' && hosts.has(parsed.host);
  } catch {
    return false;
  }
}

/**
 * A request target ("/path?query") as a URL whose path decodes, or null (answered 400, never
 * thrown): absolute or `*` targets, and malformed percent-encoding such as `/%zz`.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/')) return null;
  try {
    // Prefixed, not resolved against a base: "//evil.example/x" stays a path, not a host.
    const url = new URL(`http://serve.invalid${target}`);
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return null;
  }
}
