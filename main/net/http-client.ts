/**
 * The one HTTP client every VMS adapter uses: a base address, timeouts, a size cap, a cookie
 * jar for the site's host, redirects followed only on the same host (a redirect elsewhere is an
 * error, never silently followed with our cookies), and errors as AppFailures that name the site.
 * Generic (no vendor, no media): main/vms and main/media both build on it, so it sits below both.
 */
import { AppFailure } from '../../preload/contract/index.js';
import type { z } from 'zod';
import { networkFailure } from './http-errors.js';

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path relative to the base address, or an absolute URL on the same host. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Reads an endless answer (a video stream) only until this says the bytes so far are enough,
   * then closes it: the answer's body is what was read by then. Without it the whole body is read.
   */
  readUntil?: (received: Buffer) => boolean;
  /**
   * The caller's own cancel (an export the operator abandoned). Aborting it rejects with the
   * signal's reason, not with a timeout failure: the caller knows why it stopped.
   */
  signal?: AbortSignal;
  /**
   * Answers whose body is not wanted (returned with an empty body, the transfer cancelled): a
   * server that answers a status poll with the finished file itself (Eagle Eye v1 video.mp4)
   * would otherwise be downloaded twice.
   */
  skipBody?(status: number, headers: Headers): boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** Final URL after same-host redirects. */
  url: string;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Site name for messages, e.g. "Head office". */
  siteName: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** Other hosts this site may legitimately send us to (e.g. an OAuth or media host). */
  extraHosts?: string[];
}

const maxRedirects = 3;

export class HttpClient {
  private base: URL;
  private readonly cookies = new Map<string, string>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly extraHosts: Set<string>;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.extraHosts = new Set(options.extraHosts ?? []);
  }

  get baseUrl(): string {
    return this.base.toString();
  }

  get site(): string {
    return this.options.siteName;
  }

  /** Moves every later request to another host of the same service (Eagle Eye's branded host). */
  rebase(baseUrl: string): void {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  allowHost(host: string): void {
    this.extraHosts.add(host);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string | undefined): void {
    if (value === undefined) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  clearCookies(): void {
    this.cookies.clear();
  }

  url(path: string, query?: HttpRequest['query']): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    if (/^[a-z]+:\/\//i.test(path)) this.assertAllowed(new URL(path));
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = this.url(req.path, req.query);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', ...req.headers };
    let body: string | undefined;
    if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    let method = req.method ?? 'GET';
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    for (let hop = 0; ; hop += 1) {
      const jar = this.cookieHeader(url);
      let response: Response;
      try {
        response = await fetch(url, { method, headers: jar ? { ...headers, cookie: jar } : headers, body, redirect: 'manual', signal });
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        throw networkFailure(err, this.site, url.host, timeoutMs);
      }
      this.storeCookies(url, response.headers);
      const next = redirectTarget(response, url);
      if (next) {
        await response.body?.cancel();
        if (!this.isAllowed(next)) {
          throw new AppFailure('bad-response', `${this.site}: ${url.host} redirected to another host (${next.host}); Tessera does not follow it.`, { status: response.status });
        }
        if (hop >= maxRedirects) throw new AppFailure('bad-response', `${this.site}: too many redirects from ${url.host}.`);
        url = next;
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      if (req.skipBody?.(response.status, response.headers)) {
        await response.body?.cancel();
        return { status: response.status, headers: response.headers, body: Buffer.alloc(0), url: url.toString() };
      }
      try {
        const bytes = await readCapped(response, req.maxBytes ?? this.maxBytes, this.site, url.host, req.readUntil);
        return { status: response.status, headers: response.headers, body: bytes, url: url.toString() };
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        throw networkFailure(err, this.site, url.host, timeoutMs);
      }
    }
  }

  /** Parses a JSON answer and checks it against a schema; anything else is a specific bad-response. */
  parseJson<T>(response: HttpResponse, schema: z.ZodType<T>, what: string): T {
    const text = response.body.toString('utf8');
    if (looksLikeHtml(response)) throw new AppFailure('bad-response', `${this.site}: expected ${what} but got a web page (HTTP ${response.status}).`, { status: response.status });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const hint = text.length === 0 ? 'an empty answer' : 'malformed or truncated JSON';
      throw new AppFailure('bad-response', `${this.site}: expected ${what} but got ${hint}.`, { status: response.status });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppFailure('bad-response', `${this.site}: ${what} is not in the expected shape (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}).`, {
        status: response.status,
      });
    }
    return parsed.data;
  }

  private isAllowed(url: URL): boolean {
    return url.host === this.base.host || this.extraHosts.has(url.host);
  }

  private assertAllowed(url: URL): void {
    if (!this.isAllowed(url)) throw new AppFailure('bad-response', `${this.site}: refused to send a request to an unexpected host (${url.host}).`);
  }

  private cookieHeader(url: URL): string | undefined {
    if (url.host !== this.base.host || this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private storeCookies(url: URL, headers: Headers): void {
    if (url.host !== this.base.host) return;
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** Where a redirect answer points (resolved against the asked URL), or null when it is not one. */
export function redirectTarget(response: Response, from: URL): URL | null {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return null;
  return new URL(location, from);
}

export function looksLikeHtml(response: Pick<HttpResponse, 'headers' | 'body'>): boolean {
  if ((response.headers.get('content-type') ?? '').includes('text/html')) return true;
  const start = response.body.subarray(0, 64).toString('utf8').trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

/**
 * The body up to maxBytes (a larger declared or actual size is a bad-response naming site and host);
 * with `enough`, only until it says the bytes so far suffice (the rest is cancelled).
 */
export async function readCapped(response: Response, maxBytes: number, site: string, host: string, enough?: (received: Buffer) => boolean): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new AppFailure('bad-response', `${site}: the answer from ${host} is too large (${declared} bytes).`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      // Throwing out of for-await cancels the body stream.
      throw new AppFailure('bad-response', `${site}: the answer from ${host} is too large (over ${maxBytes} bytes).`);
    }
    chunks.push(Buffer.from(chunk));
    if (enough) {
      const sofar = Buffer.concat(chunks);
      // Returning out of for-await cancels the body stream too.
      if (enough(sofar)) return sofar;
    }
  }
  return Buffer.concat(chunks);
}
