/**
 * AIPIX VMS Client API wire calls (VMS-APIS §5). Every request goes through the site's
 * HttpClient with the headers AIPIX expects of a client (Authorization, Accept, X-Client,
 * X-UUID). A 401 while holding a token is sessionExpired (the SiteService signs in again once);
 * messages name the site, never the token or a media link (links carry `?token=`).
 */
import { createHash } from 'node:crypto';
import { AppFailure } from '../../../preload/contract/index.js';
import type { HttpClient, HttpResponse } from '../../net/http-client.js';
import { sessionExpired, wrongCredentials } from '../session-errors.js';
import {
  archiveDownloadLinkSchema,
  archiveLinkSchema,
  cameraPageSchema,
  liveLinkSchema,
  previewLinksSchema,
  tokenAnswerSchema,
  tooManySessionsSchema,
  validationSchema,
  wireCameraSchema,
  type WireCamera,
  type WireCameraPage,
  type WireSession,
} from './wire-types.js';

/**
 * X-Client: what kind of app this is (web | ios-cctv | android-cctv | thick-legal). "web" is the
 * generic client every server accepts; the thick-client value may unlock licence-bound features
 * Tessera does not use.
 */
const clientKind = 'web';

/** Link lifetime Tessera asks the integration API for, s: a still is fetched right away. */
const previewTtlS = 60;

export type TokenOutcome = { kind: 'ok' } | { kind: 'too-many'; sessions: WireSession[] };
export type StreamType = 'high' | 'low';

/**
 * The X-UUID of this install for a site: stable across runs (so a 419 can recognise sessions an
 * earlier run left behind), different per site, shaped like a v4 UUID.
 */
export function deviceUuid(siteId: string): string {
  const hex = createHash('sha256').update(`tessera-aipix-device:${siteId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The first validation message, on one line and short (a server sentence, never our secret). */
function firstMessage(response: HttpResponse): string | undefined {
  try {
    const parsed = validationSchema.safeParse(JSON.parse(response.body.toString('utf8')));
    if (!parsed.success) return undefined;
    const text = Object.values(parsed.data.errors ?? {})[0]?.[0] ?? parsed.data.message ?? undefined;
    return text ? text.replace(/\s+/g, ' ').trim().slice(0, 160) : undefined;
  } catch {
    return undefined;
  }
}

function validationKeys(response: HttpResponse): string[] {
  try {
    const parsed = validationSchema.safeParse(JSON.parse(response.body.toString('utf8')));
    return parsed.success ? Object.keys(parsed.data.errors ?? {}) : [];
  } catch {
    return [];
  }
}

export class AipixClient {
  /** "Bearer <id>|<secret>" as the token answer gave it. Never logged, never leaves main. */
  private authorization: string | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly deviceId: string,
  ) {}

  private get site(): string {
    return this.http.site;
  }

  get hasToken(): boolean {
    return this.authorization !== null;
  }

  forgetToken(): void {
    this.authorization = null;
  }

  private headers(): Record<string, string> {
    return {
      accept: 'application/json',
      'x-client': clientKind,
      'x-uuid': this.deviceId,
      ...(this.authorization ? { authorization: this.authorization } : {}),
    };
  }

  /**
   * POST /api/v1/token. `removeSessionId` names a session to end first (the 419 way out). A
   * refused password (422 on login/password) is wrongCredentials.
   */
  async token(login: string, password: string, removeSessionId: string | null): Promise<TokenOutcome> {
    this.authorization = null;
    const response = await this.http.request({
      method: 'POST',
      path: 'api/v1/token',
      headers: this.headers(),
      json: { login, password, session_id: removeSessionId },
    });
    if (response.status === 419) {
      const parsed = (() => {
        try {
          return tooManySessionsSchema.safeParse(JSON.parse(response.body.toString('utf8')));
        } catch {
          return undefined;
        }
      })();
      return { kind: 'too-many', sessions: parsed?.success ? (parsed.data.sessions ?? []) : [] };
    }
    if (response.status === 422) {
      const keys = validationKeys(response);
      if (keys.includes('login') || keys.includes('password')) throw wrongCredentials(this.site);
      const hint = firstMessage(response);
      if (keys.includes('session_id')) throw new AppFailure('conflict', `${this.site}: the server would not end an old session to make room (${hint ?? 'HTTP 422'}).`);
      throw new AppFailure('unauthorized', `${this.site}: the server refused the sign-in (${hint ?? 'HTTP 422'}).`, { status: 422 });
    }
    if (response.status === 401) throw wrongCredentials(this.site);
    if (response.status === 404 || response.status === 405) {
      throw new AppFailure('bad-response', `${this.site}: no AIPIX API answers at this address (HTTP ${response.status}); check the address.`, { status: response.status });
    }
    this.check(response, 'signing in');
    const answer = this.http.parseJson(response, tokenAnswerSchema, 'the sign-in answer');
    // The token comes with its "Bearer " prefix (VMS-APIS §5.1); add it only if a server leaves it out.
    this.authorization = /^bearer\s+\S/i.test(answer.access_token) ? answer.access_token : `Bearer ${answer.access_token}`;
    return { kind: 'ok' };
  }

  async cameraPage(page: number, perPage: number): Promise<WireCameraPage> {
    const response = await this.api('api/v1/cameras', { page, per_page: perPage }, 'reading the camera list');
    return this.http.parseJson(response, cameraPageSchema, `page ${page} of the camera list`);
  }

  async camera(id: string): Promise<WireCamera> {
    const response = await this.api(`api/v1/cameras/${encodeURIComponent(id)}`, {}, `reading camera ${id}`);
    return this.http.parseJson(response, wireCameraSchema, `camera ${id}`);
  }

  /** A fresh live link (client API): `source` hls or rtsp. */
  async liveLink(id: string, type: StreamType, source: 'hls' | 'rtsp') {
    const response = await this.api(`api/v1/cameras/${encodeURIComponent(id)}/streams`, { type, source }, `asking for a live link of camera ${id}`);
    return this.http.parseJson(response, liveLinkSchema, 'the live link');
  }

  /** A fresh archive link from `start` (ISO) for `durationS` seconds. */
  async archiveLink(id: string, start: string, durationS: number, type: StreamType) {
    const response = await this.api(`api/v1/cameras/${encodeURIComponent(id)}/streams/archive`, { start, duration: durationS, source: 'hls', type }, `asking for an archive link of camera ${id}`);
    return this.http.parseJson(response, archiveLinkSchema, 'the archive link');
  }

  /**
   * The archive download link of [from, to) (ISO times): an MP4 made as it is downloaded; the
   * link's own token authorises it (no Authorization header).
   */
  async archiveDownloadLink(id: string, from: string, to: string, signal?: AbortSignal): Promise<string> {
    const response = await this.api(`api/v1/cameras/${encodeURIComponent(id)}/archive/link`, { from, to }, `asking for the archive download of camera ${id}`, signal);
    return this.http.parseJson(response, archiveDownloadLinkSchema, 'the archive download link').link;
  }

  /** Integration API preview (seed 004): a JPEG link, live, or archive at `date` (ISO). Needs the camera's UUID. */
  async previewJpegLink(uuid: string, type: StreamType, date: string | undefined): Promise<string> {
    const response = await this.http.request({
      method: 'POST',
      path: 'api/v1/cameras/preview',
      headers: this.headers(),
      json: { cameras: [{ uuid, stream_type: type, ...(date ? { date } : {}) }], source: 'jpg', ttl: previewTtlS },
    });
    this.check(response, 'asking for a preview picture');
    return this.http.parseJson(response, previewLinksSchema, 'the preview link')[0]!.url;
  }

  /**
   * GET a media link (playlist, preview picture). Links may point at a media server on another
   * host: that host is allowed for this site because the API handed it out. No Authorization
   * header: the link's own token authorises it.
   */
  async media(url: string, maxBytes: number): Promise<HttpResponse> {
    const target = new URL(url);
    this.http.allowHost(target.host);
    return this.http.request({ path: target.toString(), headers: { accept: '*/*' }, maxBytes });
  }

  private async api(path: string, query: Record<string, string | number>, what: string, signal?: AbortSignal): Promise<HttpResponse> {
    if (!this.authorization) throw new AppFailure('unauthorized', `${this.site} is not signed in.`);
    const response = await this.http.request({ path, query, headers: this.headers(), ...(signal ? { signal } : {}) });
    this.check(response, what);
    return response;
  }

  private check(response: HttpResponse, what: string): void {
    const { status } = response;
    if (status < 400) return;
    if (status === 401) {
      // 401 means "a token was sent but is invalid": ours has expired or was removed.
      if (this.authorization) throw sessionExpired(this.site, 'HTTP 401');
      throw new AppFailure('unauthorized', `${this.site} is not signed in.`);
    }
    const hint = firstMessage(response);
    const detail = { status };
    if (status === 403) throw new AppFailure('unauthorized', `${this.site}: access refused while ${what} (HTTP 403${hint ? `: ${hint}` : ''}).`, detail);
    if (status === 404) throw new AppFailure('not-found', `${this.site}: not found on the server while ${what} (HTTP 404).`, detail);
    if (status === 422) throw new AppFailure('bad-request', `${this.site}: the server refused ${what} (${hint ?? 'HTTP 422'}).`, detail);
    if (status === 503) throw new AppFailure('unreachable', `${this.site}: the server is unavailable while ${what} (HTTP 503).`, detail);
    if (status >= 500) throw new AppFailure('bad-response', `${this.site}: the server failed while ${what} (HTTP ${status}).`, detail);
    throw new AppFailure('bad-response', `${this.site}: the server refused ${what} (HTTP ${status}${hint ? `: ${hint}` : ''}).`, detail);
  }
}
