/**
 * Wire calls of Eagle Eye v3: the token endpoint on the auth host, every /api/v3.0 call on the
 * account's API host (`httpsBaseUrl`), and the media-session cookie on the media host. Holds the
 * tokens: an access token close to expiry, or refused with 401, is refreshed here once and the
 * call retried, without a browser. A refresh token that is refused ends as sessionExpired with
 * `refreshRefused`, so the SiteService shows "sign in again" instead of looping.
 *
 * Messages name the site and the host, never a token, cookie or secret.
 */
import type { z } from 'zod';
import { AppFailure } from '../../../preload/contract/index.js';
import { redactString } from '../../logging/redact.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../net/http-client.js';
import { looksLikeHtml } from '../../net/http-client.js';
import { basicClientAuth, eenScope } from './oauth.js';
import { apiV3ErrorSchema, clientSettingsSchema, mediaSessionSchema, oauthErrorSchema, pageSchema, tokenResponseSchema, type TokenResponse } from './wire-types.js';

/** Refresh this long before the access token runs out (EEN tokens live about 12 h). */
const refreshMarginMs = 60_000;
/** Lists longer than this many pages are refused: a server that never ends a list is broken. */
export const maxPages = 200;
const imageMaxBytes = 16 * 1024 * 1024;

export interface EenV3ClientOptions {
  http: HttpClient;
  site: string;
  clientId: string;
  /** The address the operator configured (the auth host), e.g. https://auth.eagleeyenetworks.com */
  configuredUrl: string;
  now(): number;
  /** After every token answer: the refresh token to keep (undefined: none is usable any more). */
  onRefreshToken(refreshToken: string | undefined): void;
}

/** A failure that means "the refresh token is gone: only the browser can sign in again". */
export function refreshRefused(site: string, why: string): AppFailure {
  return new AppFailure('unauthorized', `${site}: the saved Eagle Eye sign-in is no longer valid (${why}); sign in again in the browser.`, {
    sessionExpired: true,
    refreshRefused: true,
  });
}

export function isRefreshRefused(err: unknown): boolean {
  return err instanceof AppFailure && err.error.detail?.refreshRefused === true;
}

/** Server text for a message: short and scrubbed of anything token-like. */
function serverWords(text: string | undefined): string {
  return text ? redactString(text.replace(/\s+/g, ' ').trim()).slice(0, 160) : '';
}

/**
 * Follows `nextPageToken` to the end of a list ("" or null ends it). Refuses a list that does not
 * end within `limit` pages or that hands back a token it already gave (a loop).
 */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined) => Promise<{ results: T[]; nextPageToken?: string | null }>,
  opts: { site: string; what: string; limit?: number },
): Promise<T[]> {
  const limit = opts.limit ?? maxPages;
  const seen = new Set<string>();
  const out: T[] = [];
  let token: string | undefined;
  for (let pages = 0; ; pages += 1) {
    if (pages >= limit) throw new AppFailure('bad-response', `${opts.site}: ${opts.what} did not end after ${limit} pages; Tessera stopped reading it.`);
    const page = await fetchPage(token);
    out.push(...page.results);
    const next = page.nextPageToken;
    if (next === undefined || next === null || next === '') return out;
    if (seen.has(next)) throw new AppFailure('bad-response', `${opts.site}: ${opts.what} repeats a page (the server handed back the same page token).`);
    seen.add(next);
    token = next;
  }
}

/** How long one media-session cookie is reused before a fresh one is asked for, ms. */
const mediaSessionReuseMs = 10 * 60_000;

export class EenV3Client {
  private accessToken: string | undefined;
  private accessExpiresMs = 0;
  private refreshToken: string | undefined;
  private clientSecret = '';
  private apiBase: string | undefined;
  private refreshing: Promise<void> | undefined;
  /** The media-session cookie of this sign-in, reused for a while (see mediaCookie). */
  private mediaSession: { cookie: Promise<string>; untilMs: number } | undefined;
  private readonly authOrigin: string;
  private readonly scheme: string;

  constructor(private readonly o: EenV3ClientOptions) {
    const configured = new URL(o.configuredUrl);
    this.authOrigin = configured.origin;
    this.scheme = configured.protocol;
  }

  get signedIn(): boolean {
    return this.accessToken !== undefined && this.apiBase !== undefined;
  }

  /** Where the browser goes: the configured (auth) host. */
  get authorizationOrigin(): string {
    return this.authOrigin;
  }

  setClientSecret(secret: string): void {
    this.clientSecret = secret;
  }

  forget(): void {
    this.mediaSession = undefined;
    this.accessToken = undefined;
    this.accessExpiresMs = 0;
    this.refreshToken = undefined;
  }

  // ------------------------------------------------------------------ tokens

  async exchangeCode(code: string, codeVerifier: string, redirectUri: string): Promise<void> {
    const tokens = await this.tokenCall({ grant_type: 'authorization_code', scope: eenScope, code, redirect_uri: redirectUri, code_verifier: codeVerifier }, 'code');
    this.mediaSession = undefined; // a new sign-in: the old media session ends with the old one
    await this.adopt(tokens);
  }

  /** Sign-in with a kept refresh token (no browser). Refusal → refreshRefused. */
  async signInWithRefreshToken(refreshToken: string): Promise<void> {
    this.refreshToken = refreshToken;
    this.mediaSession = undefined;
    await this.refresh();
  }

  /** One refresh at a time; callers that arrive meanwhile share it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const current = this.refreshToken;
    if (!current) throw refreshRefused(this.o.site, 'no refresh token was issued');
    let tokens: TokenResponse;
    try {
      tokens = await this.tokenCall({ grant_type: 'refresh_token', scope: eenScope, refresh_token: current }, 'refresh');
    } catch (err) {
      if (isRefreshRefused(err)) {
        // Rotated away, revoked or expired: keep nothing that cannot work again.
        this.forget();
        this.o.onRefreshToken(undefined);
      }
      throw err;
    }
    await this.adopt(tokens);
  }

  private async tokenCall(form: Record<string, string>, grant: 'code' | 'refresh'): Promise<TokenResponse> {
    const response = await this.o.http.request({
      method: 'POST',
      path: `${this.authOrigin}/oauth2/token`,
      form,
      headers: { authorization: basicClientAuth(this.o.clientId, this.clientSecret) },
    });
    if (response.status === 200) return this.o.http.parseJson(response, tokenResponseSchema, 'the token answer');
    const site = this.o.site;
    const body = oauthErrorSchema.safeParse(safeJson(response));
    const error = body.success ? body.data.error : undefined;
    const description = serverWords(body.success ? body.data.error_description : undefined);
    if (error === 'invalid_client') {
      throw new AppFailure('unauthorized', `${site}: the authorization server did not accept the client id or client secret.`, { status: response.status });
    }
    if (error === 'invalid_grant' || (response.status === 401 && grant === 'refresh')) {
      if (grant === 'refresh') throw refreshRefused(site, description || 'the refresh token was refused');
      throw new AppFailure('unauthorized', `${site}: the authorization server refused the sign-in code${description ? ` (${description})` : ''}; sign in again.`, { status: response.status });
    }
    if (error === 'invalid_scope' || response.status === 403) {
      throw new AppFailure('unauthorized', `${site}: the application may not use the ${eenScope} scope${description ? ` (${description})` : ''}.`, { status: response.status });
    }
    if (response.status >= 500) throw new AppFailure('unreachable', `${site}: the authorization server failed (HTTP ${response.status}).`, { status: response.status });
    if (!body.success) this.o.http.parseJson(response, oauthErrorSchema, 'the token error answer');
    throw new AppFailure('bad-response', `${site}: the authorization server refused the token request (HTTP ${response.status}${error ? `, ${error.slice(0, 40)}` : ''}${description ? `: ${description}` : ''}).`, {
      status: response.status,
    });
  }

  /** Takes a token answer: keeps the tokens, moves to the account's API host. */
  private async adopt(tokens: TokenResponse): Promise<void> {
    if (tokens.token_type && tokens.token_type.toLowerCase() !== 'bearer') {
      throw new AppFailure('bad-response', `${this.o.site}: the authorization server issued a "${tokens.token_type.slice(0, 20)}" token, not a Bearer token.`);
    }
    this.accessToken = tokens.access_token;
    this.accessExpiresMs = this.o.now() + tokens.expires_in * 1000;
    // Non-rotating tokens come back unchanged (or not at all); rotating ones replace the old.
    if (tokens.refresh_token) this.refreshToken = tokens.refresh_token;
    const base = tokens.httpsBaseUrl ?? (this.apiBase ? undefined : await this.clientSettings());
    if (base) this.useApiHost(base.hostname, base.port);
    this.o.onRefreshToken(this.refreshToken);
  }

  /**
   * GET /api/v3.0/clientSettings on the global API host, for a token answer without httpsBaseUrl.
   * The global host is api.<domain> where the configured host is auth.<domain>.
   */
  private async clientSettings(): Promise<{ hostname: string; port?: number | undefined }> {
    const configured = new URL(this.authOrigin);
    configured.hostname = configured.hostname.replace(/^auth\./, 'api.');
    this.o.http.allowHost(configured.host);
    const response = await this.o.http.request({ path: `${configured.origin}/api/v3.0/clientSettings`, headers: { authorization: `Bearer ${this.accessToken ?? ''}` } });
    if (response.status !== 200) throw this.failure(response, 'the client settings');
    return this.o.http.parseJson(response, clientSettingsSchema, 'the client settings').httpsBaseUrl;
  }

  /** The scheme stays the configured one (the simulator speaks http); host and port come from the answer. */
  private useApiHost(hostname: string, port: number | undefined): void {
    if (!/^[a-z0-9.-]+$/i.test(hostname) && !/^\[[0-9a-f:]+\]$/i.test(hostname)) {
      throw new AppFailure('bad-response', `${this.o.site}: the token answer names an API host that is not a host name.`);
    }
    const url = new URL(`${this.scheme}//${hostname}`);
    if (port !== undefined) url.port = String(port);
    const base = `${url.origin}/api/v3.0/`;
    if (base === this.apiBase) return;
    this.apiBase = base;
    this.o.http.allowHost(new URL(this.authOrigin).host);
    this.o.http.rebase(base);
    // EEN's media host sits next to the API host: api.c001… → media.c001…
    if (/^api\./.test(url.hostname)) this.o.http.allowHost(url.host.replace(/^api\./, 'media.'));
  }

  // ------------------------------------------------------------------ API calls

  /** The current access token (refreshed first when close to expiry), for media URLs and headers. */
  async bearer(): Promise<string> {
    if (!this.accessToken) throw new AppFailure('unauthorized', `${this.o.site} is not signed in.`);
    if (this.refreshToken && this.o.now() >= this.accessExpiresMs - refreshMarginMs) await this.refresh();
    return this.accessToken;
  }

  /** A call on the API (or media) host with Bearer; on 401 one refresh and one retry. */
  async call(req: HttpRequest, what: string): Promise<HttpResponse> {
    const used = await this.bearer();
    let response = await this.o.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${used}` } });
    if (response.status === 401) {
      // Another call may have refreshed meanwhile (rotation voids the token we used): then just retry.
      if (this.accessToken === used) {
        if (!this.refreshToken) throw refreshRefused(this.o.site, 'the access token expired and no refresh token was issued');
        await this.refresh();
      }
      response = await this.o.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${this.accessToken ?? ''}` } });
      if (response.status === 401) {
        throw new AppFailure('unauthorized', `${this.o.site}: the site refused a freshly refreshed access token (${what}).`, { sessionExpired: true, status: 401 });
      }
    }
    if (response.status >= 400) throw this.failure(response, what);
    return response;
  }

  async getJson<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await this.call({ path, ...(query ? { query } : {}) }, what);
    return this.o.http.parseJson(response, schema, what);
  }

  async list<T>(path: string, query: Record<string, string | number | undefined>, item: z.ZodType<T>, what: string): Promise<T[]> {
    const schema = pageSchema(item);
    return collectPages(async (pageToken) => (await this.getJson(path, { ...query, pageSize: 100, pageToken }, schema, what)) as { results: T[]; nextPageToken?: string | null }, {
      site: this.o.site,
      what,
    });
  }

  /** A JPEG call: checks the bytes really are a JPEG. */
  async jpeg(path: string, query: HttpRequest['query'], what: string): Promise<{ jpeg: Buffer; headers: Headers }> {
    const response = await this.call({ path, ...(query ? { query } : {}), headers: { accept: 'image/jpeg' }, maxBytes: imageMaxBytes }, what);
    if (response.body.length < 4 || response.body[0] !== 0xff || response.body[1] !== 0xd8) {
      const hint = looksLikeHtml(response) ? 'a web page' : response.body.length === 0 ? 'an empty answer' : `${response.headers.get('content-type') ?? 'unknown'} data`;
      throw new AppFailure('bad-response', `${this.o.site}: expected ${what} as a JPEG but got ${hint}.`, { status: response.status });
    }
    return { jpeg: response.body, headers: response.headers };
  }

  /**
   * The media-session cookie (GET /media/session → {url}; GET url → 204 + Set-Cookie). Media
   * URLs (HLS, multipart, FLV, MP4) on the media host need it. Returns a Cookie header value.
   * A media session lasts as long as the sign-in it came from, so one is shared by every stream
   * for up to `mediaSessionReuseMs` (a 64-tile wall asked for 64 at once); a failed one is not kept.
   */
  mediaCookie(): Promise<string> {
    const now = this.o.now();
    if (this.mediaSession && now < this.mediaSession.untilMs) return this.mediaSession.cookie;
    const session = { cookie: this.newMediaCookie(), untilMs: now + mediaSessionReuseMs };
    this.mediaSession = session;
    session.cookie.catch(() => {
      if (this.mediaSession === session) this.mediaSession = undefined;
    });
    return session.cookie;
  }

  private async newMediaCookie(): Promise<string> {
    const { url } = await this.getJson('media/session', undefined, mediaSessionSchema, 'the media session');
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new AppFailure('bad-response', `${this.o.site}: the media session answer holds no address.`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new AppFailure('bad-response', `${this.o.site}: the media session address is not http(s).`);
    this.o.http.allowHost(target.host);
    const response = await this.call({ path: target.toString() }, 'the media session cookie');
    const cookies = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!.trim())
      .filter((pair) => pair.indexOf('=') > 0);
    if (cookies.length === 0) throw new AppFailure('bad-response', `${this.o.site}: ${target.host} set no media session cookie (HTTP ${response.status}).`, { status: response.status });
    return cookies.join('; ');
  }

  // ------------------------------------------------------------------ errors

  /** An error answer → AppFailure in words, from the ApiV3Error body when there is one. */
  failure(response: HttpResponse, what: string): AppFailure {
    const site = this.o.site;
    const status = response.status;
    const parsed = looksLikeHtml(response) ? undefined : apiV3ErrorSchema.safeParse(safeJson(response));
    const body = parsed?.success ? parsed.data : undefined;
    const words = serverWords(body?.message);
    const reason = body ? `${body.status}${words ? `: ${words}` : ''}` : `HTTP ${status}`;
    const detail = { status, ...(body ? { apiStatus: body.status } : {}) };
    if (status === 401) return new AppFailure('unauthorized', `${site}: the site refused the access token for ${what} (${reason}).`, { ...detail, sessionExpired: true });
    if (status === 403) return new AppFailure('unauthorized', `${site}: this account may not read ${what} (${reason}).`, detail);
    if (status === 404) return new AppFailure('not-found', `${site}: ${what} was not found (${reason}).`, detail);
    if (status === 429) {
      const retry = response.headers.get('retry-after');
      return new AppFailure('unreachable', `${site}: the site is limiting requests for ${what}${retry ? `; try again in ${retry.slice(0, 6)} s` : ''}.`, detail);
    }
    if (status >= 500) return new AppFailure('unreachable', `${site}: the site failed to answer ${what} (${reason}).`, detail);
    return new AppFailure('bad-response', `${site}: the site refused the request for ${what} (${reason}).`, detail);
  }
}

function safeJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
