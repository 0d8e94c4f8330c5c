/**
 * Eagle Eye Networks API v1 wire calls (seeds 000/001, VMS-APIS §2). The session is the
 * `auth_key` cookie authorize sets; it lives in the site's HttpClient cookie jar and is sent as a
 * cookie, never put in a URL Tessera builds (messages and logs never see it). Every answer is
 * checked the same way: 401 → sessionExpired (the SiteService signs in again once), then the
 * seed's codes in words that name the site and what was being done — never a path or query.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import { looksLikeHtml, type HttpClient, type HttpRequest, type HttpResponse } from '../../net/http-client.js';
import { sessionExpired, wrongCredentials } from '../session-errors.js';
import {
  authenticateAnswerSchema,
  deviceListSchema,
  imageListSchema,
  layoutListSchema,
  layoutSchema,
  mp4PendingSchema,
  pollAnswerSchema,
  userSchema,
  videoListSchema,
  type AuthenticateAnswer,
  type PollAnswer,
  type WireDeviceRow,
  type WireImageRow,
  type WireLayout,
  type WireUser,
  type WireVideoRow,
} from './wire-types.js';

/** Logout is a courtesy: never hold up sign-out or quitting for long. */
const logoutTimeoutMs = 3000;
/** A preview JPEG is small; anything this big is not one. */
const maxJpegBytes = 8 * 1024 * 1024;

/** authenticate refusals (seed 001, in its precedence order) in an operator's words. */
const authenticateRefusals: Record<number, string> = {
  402: 'the Eagle Eye account is suspended',
  460: 'the Eagle Eye account is inactive',
  461: 'the Eagle Eye account is not activated yet (pending)',
  412: 'the user is disabled, or locked after too many wrong two-factor codes',
  462: 'the user is not activated yet (pending)',
};

function isJpeg(body: Buffer): boolean {
  return body.length > 3 && body[0] === 0xff && body[1] === 0xd8;
}

/** An empty answer (GET /poll after its hold) reads as "nothing changed", not as malformed JSON. */
function isEmpty(response: HttpResponse): boolean {
  return response.body.toString('utf8').trim() === '';
}

export type ImageMode = 'asset' | 'prev' | 'next' | 'after';

/** A picture and its headers as sent: x-ee-timestamp, x-ee-prev, x-ee-next (`type-timestamp` or `unknown`). */
export interface WireImage {
  jpeg: Buffer;
  timestamp: string | null;
  prev: string | null;
  next: string | null;
}

/** One request of an MP4 download: still being made, or ready (the file itself, not read here). */
export type Mp4Answer = { kind: 'pending' } | { kind: 'ready'; sizeBytes?: number; resumable: boolean };

/** An answer that is the media file itself rather than JSON or an error page. */
function isMediaAnswer(status: number, headers: Headers): boolean {
  const type = headers.get('content-type') ?? '';
  return status === 200 && !/json|html|text\//i.test(type);
}

export class EenV1Client {
  constructor(private readonly http: HttpClient) {}

  private get site(): string {
    return this.http.site;
  }

  /** The session id; undefined before authorize and after logout. Main only. */
  get authKey(): string | undefined {
    return this.http.cookie('auth_key');
  }

  /** Step 1: user name and password → the single-use token (and the two-factor channels, if any). */
  async authenticate(username: string, password: string): Promise<AuthenticateAnswer> {
    const response = await this.http.request({ method: 'POST', path: 'g/aaa/authenticate', form: { username, password } });
    if (response.status === 200 && !looksLikeHtml(response)) return this.http.parseJson(response, authenticateAnswerSchema, 'the sign-in answer (authenticate)');
    if (looksLikeHtml(response) || response.status === 404 || response.status === 405) {
      // A web page (or nothing) where the API should be: the address is not an Eagle Eye v1 host.
      throw new AppFailure('bad-response', `${this.site}: no Eagle Eye API v1 answers at this address (HTTP ${response.status}${looksLikeHtml(response) ? ', a web page' : ''}); check the address.`, {
        status: response.status,
      });
    }
    if (response.status === 401) throw wrongCredentials(this.site);
    const refusal = authenticateRefusals[response.status];
    if (refusal) throw new AppFailure('unauthorized', `${this.site}: sign-in refused: ${refusal}.`, { status: response.status });
    if (response.status === 400) throw new AppFailure('unauthorized', `${this.site}: sign-in refused: the user name or password is missing or malformed (HTTP 400).`, { status: 400 });
    throw this.unexpected(response, 'signing in');
  }

  /** Step 2 (two-factor only): the service sends the 4-digit code by SMS or e-mail. */
  async sendTwoFactorCode(token: string, channel: 'sms' | 'email'): Promise<void> {
    const response = await this.http.request({ method: 'POST', path: 'g/aaa/two_factor_authenticate', form: { token, two_factor_authentication_type: channel } });
    const by = channel === 'sms' ? 'SMS' : 'e-mail';
    if (response.status === 200) return;
    if (response.status === 412) throw new AppFailure('unsupported', `${this.site}: Eagle Eye cannot send the code by ${by} for this user; choose the other way.`, { status: 412 });
    if (response.status === 415) throw new AppFailure('unsupported', `${this.site}: Eagle Eye does not send codes by ${by}; choose the other way.`, { status: 415 });
    if (response.status === 400 || response.status === 401) {
      throw new AppFailure('unauthorized', `${this.site}: the sign-in expired before the code was sent (HTTP ${response.status}); sign in again.`, { status: response.status });
    }
    throw this.unexpected(response, 'asking for the two-factor code');
  }

  /**
   * Step 3: token (+ the code for two-factor) → the user; sets the auth_key cookie (and tfa_key
   * after a two-factor sign-in, which spares this device the code next time).
   */
  async authorize(token: string, code?: string): Promise<WireUser> {
    const form: Record<string, string> = { token };
    if (code !== undefined) form.two_factor_authentication_code = code;
    const response = await this.http.request({ method: 'POST', path: 'g/aaa/authorize', form });
    if (response.status === 200 && !looksLikeHtml(response)) {
      const user = this.http.parseJson(response, userSchema, 'the sign-in answer (authorize)');
      if (!this.authKey) throw new AppFailure('bad-response', `${this.site}: the sign-in answer set no session (no auth_key cookie).`);
      return user;
    }
    if (code !== undefined) {
      if (response.status === 406) {
        throw new AppFailure('two-factor-required', `${this.site}: the two-factor code was not accepted; check it and try again (more than 3 wrong codes lock the account).`, { status: 406 });
      }
      if (response.status === 429) {
        throw new AppFailure('unauthorized', `${this.site}: too many wrong two-factor codes; Eagle Eye has locked the account and only Eagle Eye support can unlock it.`, { status: 429 });
      }
      if (response.status === 401) {
        throw new AppFailure('unauthorized', `${this.site}: the two-factor code or the sign-in has expired (codes are valid for 15 minutes); sign in again.`, { status: 401 });
      }
    }
    if (response.status === 400 || response.status === 401) {
      throw new AppFailure('unauthorized', `${this.site}: the sign-in was not completed (HTTP ${response.status}: the token was refused or expired); sign in again.`, { status: response.status });
    }
    throw this.unexpected(response, 'completing the sign-in');
  }

  /** POST /g/aaa/logout (204). Forgets the session cookie whatever the answer. */
  async logout(): Promise<void> {
    try {
      await this.http.request({ method: 'POST', path: 'g/aaa/logout', timeoutMs: logoutTimeoutMs });
    } finally {
      this.forgetSession();
    }
  }

  /** Drops auth_key (and poll cookies) but keeps tfa_key: the device stays trusted for two-factor. */
  forgetSession(): void {
    for (const name of ['auth_key', 'ee-poll-ses', 'poll_id']) this.http.setCookie(name, undefined);
  }

  /** GET /g/aaa/isauth: 200 while the session lives; 401 → sessionExpired. */
  async checkSession(): Promise<void> {
    const response = await this.http.request({ path: 'g/aaa/isauth' });
    this.check(response, 'checking the session');
  }

  async deviceList(): Promise<WireDeviceRow[]> {
    const response = await this.http.request({ path: 'g/device/list' });
    this.check(response, 'reading the camera list');
    return this.http.parseJson(response, deviceListSchema, 'the camera list (/g/device/list)');
  }

  async layoutIds(): Promise<string[]> {
    const response = await this.http.request({ path: 'g/layout/list' });
    this.check(response, 'reading the layouts');
    return this.http.parseJson(response, layoutListSchema, 'the layout list').map((row) => row[0]);
  }

  async layout(id: string): Promise<WireLayout> {
    const response = await this.http.request({ path: 'g/layout', query: { id } });
    this.check(response, 'reading a layout');
    return this.http.parseJson(response, layoutSchema, 'a layout (/g/layout)');
  }

  /**
   * /asset/{mode}/image.jpeg: the JPEG and its x-ee-timestamp (`type-YYYYMMDDhhmmss.mmm`).
   * null when the service has no such image (404).
   */
  async image(mode: ImageMode, cameraId: string, timestamp: string, assetClass: 'all' | 'pre' | 'thumb'): Promise<WireImage | null> {
    const response = await this.http.request({
      path: `asset/${mode}/image.jpeg`,
      query: { id: cameraId, timestamp, asset_class: assetClass },
      maxBytes: maxJpegBytes,
    });
    if (response.status === 404 && !looksLikeHtml(response)) return null;
    this.check(response, `fetching a picture of camera ${cameraId}`);
    if (!isJpeg(response.body)) {
      const type = response.headers.get('content-type') ?? 'no content type';
      const hint = response.body.length === 0 ? 'an empty answer' : `${type}, ${response.body.length} bytes`;
      throw new AppFailure('bad-response', `${this.site}: expected a JPEG picture of camera ${cameraId} but got ${hint}.`, { status: response.status });
    }
    return { jpeg: response.body, timestamp: response.headers.get('x-ee-timestamp'), prev: response.headers.get('x-ee-prev'), next: response.headers.get('x-ee-next') };
  }

  /** GET /asset/list/video over [start, end): one row per clip, or per joined span with coalesce. */
  async videoList(cameraId: string, start: string, end: string, coalesce: boolean, signal?: AbortSignal): Promise<WireVideoRow[]> {
    const response = await this.http.request({
      path: 'asset/list/video',
      query: { id: cameraId, start_timestamp: start, end_timestamp: end, ...(coalesce ? { options: 'coalesce' } : {}) },
      ...(signal ? { signal } : {}),
    });
    this.check(response, `listing the recordings of camera ${cameraId}`);
    return this.http.parseJson(response, videoListSchema, `the recording list of camera ${cameraId} (/asset/list/video)`);
  }

  /** GET /asset/list/image over [start, end) for one asset class. */
  async imageList(cameraId: string, start: string, end: string, assetClass: 'all' | 'pre' | 'thumb'): Promise<WireImageRow[]> {
    const response = await this.http.request({ path: 'asset/list/image', query: { id: cameraId, start_timestamp: start, end_timestamp: end, asset_class: assetClass } });
    this.check(response, `listing the pictures of camera ${cameraId}`);
    return this.http.parseJson(response, imageListSchema, `the picture list of camera ${cameraId} (/asset/list/image)`);
  }

  /**
   * A short piece of recorded FLV, read whole (a few seconds: the keyframe probe). null when the
   * service has no video there (404).
   */
  async recordedFlv(query: Record<string, string>, maxBytes: number, timeoutMs: number, enough?: (received: Buffer) => boolean): Promise<Buffer | null> {
    const response = await this.http.request({ path: 'asset/play/video.flv', query, maxBytes, timeoutMs, headers: { accept: 'video/x-flv, */*;q=0.5' }, ...(enough ? { readUntil: enough } : {}) });
    if (response.status === 404 && !looksLikeHtml(response)) return null;
    this.check(response, `reading recorded video of camera ${query.id ?? ''}`);
    return response.body;
  }

  /**
   * One request of GET /asset/play/video.mp4 (seed 000 "Get Video"): 201 (the job was created)
   * and 202 (still being made) carry the job id; 200 is the file itself. Its body is left unread
   * (the export manager downloads it once); only its size and whether it may be resumed are kept.
   * The older docs' 502 ("being transcoded, fetch again") counts as still being made.
   */
  async mp4(query: Record<string, string>, cameraId: string, signal?: AbortSignal): Promise<Mp4Answer> {
    const response = await this.http.request({ path: 'asset/play/video.mp4', query, skipBody: isMediaAnswer, ...(signal ? { signal } : {}) });
    const { status } = response;
    const what = `the MP4 clip of camera ${cameraId}`;
    if (isMediaAnswer(status, response.headers)) {
      const length = Number(response.headers.get('content-length') ?? NaN);
      return { kind: 'ready', ...(Number.isSafeInteger(length) && length > 0 ? { sizeBytes: length } : {}), resumable: /\bbytes\b/i.test(response.headers.get('accept-ranges') ?? '') };
    }
    if (status === 200) {
      const hint = looksLikeHtml(response) ? 'a web page' : `${response.headers.get('content-type') ?? 'no content type'}, ${response.body.length} bytes`;
      throw new AppFailure('bad-response', `${this.site}: expected ${what} but got ${hint}.`, { status });
    }
    if (status === 201 || status === 202) {
      this.http.parseJson(response, mp4PendingSchema, `the answer about ${what} (HTTP ${status})`);
      return { kind: 'pending' };
    }
    if (status === 502) return { kind: 'pending' };
    if (status === 410) throw new AppFailure('no-recording', `${this.site}: the video of camera ${cameraId} is out of retention on Eagle Eye (HTTP 410).`, { status });
    if (status === 404 && !looksLikeHtml(response)) throw new AppFailure('no-recording', `${this.site}: Eagle Eye has no video of camera ${cameraId} in the requested time (HTTP 404).`, { status });
    this.check(response, `asking for ${what}`);
    throw this.unexpected(response, `asking for ${what}`);
  }

  /** POST /poll: registers the subscription; answers current values and sets the ee-poll-ses cookie. */
  async pollStart(cameras: readonly string[]): Promise<PollAnswer> {
    const subscription = Object.fromEntries(cameras.map((esn) => [esn, { resource: ['status'] }]));
    const response = await this.http.request({ method: 'POST', path: 'poll', json: { cameras: subscription } });
    this.check(response, 'subscribing to camera status');
    const answer = this.http.parseJson(response, pollAnswerSchema, 'the status subscription answer (/poll)');
    // The token equals the cookie the answer set; kept as the cookie in case a proxy dropped Set-Cookie.
    if (answer.token) this.http.setCookie('ee-poll-ses', answer.token);
    return answer;
  }

  /** GET /poll: held by the service until something changes (or its hold ends: an empty answer). */
  async pollNext(timeoutMs: number): Promise<PollAnswer> {
    const response = await this.http.request({ path: 'poll', timeoutMs });
    this.check(response, 'waiting for camera status');
    if (isEmpty(response)) return {};
    return this.http.parseJson(response, pollAnswerSchema, 'a status update (/poll)');
  }

  /** Absolute URL on the session's host (for media ffmpeg pulls itself, with the cookie as a header). */
  url(path: string, query: HttpRequest['query']): string {
    return this.http.url(path, query).toString();
  }

  private check(response: HttpResponse, what: string): void {
    if (response.status === 401) throw sessionExpired(this.site, 'HTTP 401');
    if (response.status >= 200 && response.status < 300) return;
    if (response.status === 403) throw new AppFailure('unauthorized', `${this.site}: this Eagle Eye user lacks the permission for ${what} (HTTP 403).`, { status: 403 });
    if (response.status === 404) throw new AppFailure('not-found', `${this.site}: not found on the server while ${what} (HTTP 404).`, { status: 404 });
    throw this.unexpected(response, what);
  }

  private unexpected(response: HttpResponse, what: string): AppFailure {
    const status = response.status;
    if (status === 503 || status === 502 || status === 504) {
      return new AppFailure('unreachable', `${this.site}: the Eagle Eye service is unavailable while ${what} (HTTP ${status}); try again shortly.`, { status });
    }
    if (status >= 500) return new AppFailure('bad-response', `${this.site}: the Eagle Eye service failed while ${what} (HTTP ${status}).`, { status });
    return new AppFailure('bad-response', `${this.site}: the Eagle Eye service refused ${what} (HTTP ${status}${looksLikeHtml(response) ? ', a web page' : ''}).`, { status });
  }
}
