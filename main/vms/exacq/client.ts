/**
 * exacqVision Web Service wire calls (seed 003, VMS-APIS §4). Every request goes through the
 * site's HttpClient; every answer is checked for the three ways a dead session shows up
 * (HTTP 401/403, `{"success":false}` with 200, the HTML login page with 200), which become
 * sessionExpired so the SiteService signs in again once. Messages name the site, never the
 * session id (which travels in the query as `s=`).
 */
import { AppFailure } from '../../../preload/contract/index.js';
import { looksLikeHtml, type HttpClient, type HttpResponse } from '../../net/http-client.js';
import { sessionExpired, wrongCredentials } from '../session-errors.js';
import {
  configAnswerSchema,
  errorAnswerSchema,
  exportCreatedSchema,
  exportFormatsSchema,
  exportStatusSchema,
  loginAnswerSchema,
  searchAnswerSchema,
  stepAnswerSchema,
  timestampAnswerSchema,
  toursAnswerSchema,
  viewsAnswerSchema,
  type WireConfig,
  type WireExportStatus,
  type WireSearch,
  type WireTour,
  type WireView,
} from './wire-types.js';

/** A JPEG is small; anything this big is not one. */
const maxJpegBytes = 8 * 1024 * 1024;
/** Logout is a courtesy: never hold up sign-out or quitting for long. */
const logoutTimeoutMs = 3000;
/** Finishing an export frees the server's resources; it also runs after a cancel, so it is kept short. */
const finishTimeoutMs = 5000;

/** video.web format 5: H.264 (the seed's Get Video enum). */
const ExacqH264 = 5;
/** The head of a multipart stream up to its first part's headers is small; a stream that sends this much without one is not multipart. */
const maxPartHeadBytes = 64 * 1024;

/**
 * The headers of the first part of a multipart body (`--boundary`, `Name: value` lines, a blank
 * line), lower-cased names; undefined until the blank line has arrived.
 */
export function partHeaders(bytes: Buffer): Map<string, string> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  while (lines.length && !lines[0]!.startsWith('--')) lines.shift(); // a preamble before the first boundary
  if (!lines.length) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function isJpeg(body: Buffer): boolean {
  return body.length > 3 && body[0] === 0xff && body[1] === 0xd8;
}

/** A short, single-line hint from a plain-text or JSON error body (no secrets: exacq echoes no query). */
function bodyHint(response: HttpResponse): string {
  const type = response.headers.get('content-type') ?? '';
  const text = response.body.subarray(0, 512).toString('utf8');
  if (type.includes('json')) {
    try {
      const parsed = errorAnswerSchema.safeParse(JSON.parse(response.body.toString('utf8')));
      if (parsed.success && parsed.data.error) return `: ${parsed.data.error.replace(/\s+/g, ' ').slice(0, 120)}`;
    } catch {
      // not JSON after all: fall through to the text form
    }
    return '';
  }
  if (type.startsWith('text/plain') && /^[\x20-\x7e\s]{1,120}$/.test(text.trim())) return `: ${text.trim().replace(/\s+/g, ' ')}`;
  return '';
}

/** `{"success": false, …}`: exacq's 200-with-failure answer. Malformed JSON is left to the schema check. */
function saysNoSuccess(body: Buffer): boolean {
  try {
    const parsed = errorAnswerSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success && parsed.data.success === false;
  } catch {
    return false;
  }
}

/** The reason of a `{success:false, error:"…"}` answer, on one short line; undefined for anything else. */
function refusalOf(body: Buffer): string | undefined {
  try {
    const parsed = errorAnswerSchema.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success || parsed.data.success !== false || !parsed.data.error) return undefined;
    return parsed.data.error.replace(/\s+/g, ' ').trim().slice(0, 160);
  } catch {
    return undefined;
  }
}

export class ExacqClient {
  constructor(private readonly http: HttpClient) {}

  private get site(): string {
    return this.http.site;
  }

  /**
   * API paths live under /v1/. Operators type the server address (http://nvr) or, having read the
   * docs, the API address (http://nvr/v1): both work.
   */
  path(endpoint: string): string {
    return new URL(this.http.baseUrl).pathname.replace(/\/+$/, '').endsWith('/v1') ? endpoint : `v1/${endpoint}`;
  }

  /** The absolute URL of an API call (for media the broker pulls itself). Carries the session: main only. */
  url(endpoint: string, query: Record<string, string | number | undefined>): string {
    return this.http.url(this.path(endpoint), query).toString();
  }

  /** POST login.web → the session id; a refused password is wrongCredentials. */
  async login(username: string, password: string): Promise<string> {
    const response = await this.http.request({
      method: 'POST',
      path: this.path('login.web'),
      form: { u: username, p: password, s: '0', responseVersion: '2' },
    });
    if (looksLikeHtml(response) || response.status === 404) {
      // A web page (or nothing) where the API should be: the address points at something else,
      // e.g. the exacqVision web client instead of its Web Service.
      throw new AppFailure(
        'bad-response',
        `${this.site}: no exacqVision Web Service answers at this address (HTTP ${response.status}${looksLikeHtml(response) ? ', a web page' : ''}); check the address and port.`,
        { status: response.status },
      );
    }
    if (response.status === 401 || response.status === 403) throw wrongCredentials(this.site);
    this.failOnServerError(response, 'signing in');
    const answer = this.http.parseJson(response, loginAnswerSchema, 'the sign-in answer');
    // A refusal may still carry a session id: success decides (VMS-APIS §4.3).
    if (!answer.success) throw wrongCredentials(this.site);
    const sessionId = answer.sessionId ?? answer.sessionID;
    if (!sessionId) throw new AppFailure('bad-response', `${this.site}: the sign-in answer has no session id.`);
    return sessionId;
  }

  /** POST logout.web (answers 302 to the login page). Also closes a search when given its id. */
  async logout(id: string): Promise<void> {
    await this.http.request({ method: 'POST', path: this.path('logout.web'), form: { s: id }, timeoutMs: logoutTimeoutMs });
  }

  async config(session: string, showAll: boolean): Promise<WireConfig> {
    const response = await this.http.request({ path: this.path('config.web'), query: { s: session, output: 'json', showAll: showAll ? 'true' : undefined } });
    this.checkSession(response, 'reading the camera list');
    return this.http.parseJson(response, configAnswerSchema, 'the camera list (config.web)');
  }

  /** The current picture of a camera as JPEG (format 6 transcoded, or 0 native). */
  async liveJpeg(session: string, camera: string, format: number, width?: number): Promise<Buffer> {
    const response = await this.http.request({
      path: this.path('video.web'),
      query: { s: session, camera, format, w: width },
      maxBytes: maxJpegBytes,
    });
    this.checkSession(response, `fetching the live picture of camera ${camera}`);
    return this.jpegOf(response, `the live picture of camera ${camera}`);
  }

  /** search.web over [start, end] for one camera (times already in exacq form). */
  async search(session: string, camera: string, start: string, end: string): Promise<WireSearch> {
    const response = await this.http.request({ path: this.path('search.web'), query: { s: session, camera, start, end, output: 'json', start_paused: 1 } });
    this.checkSession(response, `searching the recordings of camera ${camera}`);
    return this.http.parseJson(response, searchAnswerSchema, 'the recording search answer');
  }

  /** The recorded frame at `time` of a search ("frame at time": video.web with search_id and time). */
  async frameAt(session: string, searchId: string, camera: string, time: string, format: number, width?: number): Promise<Buffer | null> {
    const response = await this.http.request({
      path: this.path('video.web'),
      query: { s: session, search_id: searchId, camera, format, time, w: width },
      maxBytes: maxJpegBytes,
    });
    // 404 = no video at that time (a gap); a dead session shows up in one of its other forms.
    if (response.status === 404 && !looksLikeHtml(response)) return null;
    this.checkSession(response, `fetching a recorded picture of camera ${camera}`);
    return this.jpegOf(response, `the recorded picture of camera ${camera}`);
  }

  /** timestamp.web: the play head of a search, as exacq writes it (with ms where the server gives them). */
  async playhead(searchId: string): Promise<string> {
    const response = await this.http.request({ path: this.path('timestamp.web'), query: { search_id: searchId, output: 'json', use_ms: 1 } });
    this.checkSession(response, 'reading the play head of a search');
    const answer = this.http.parseJson(response, timestampAnswerSchema, 'the play head (timestamp.web)');
    return (answer.timeWithMs ?? answer.time)!;
  }

  /** playspeed.web/{speed}: 100 = 1×, negative plays backwards, 0 pauses. */
  async setPlayspeed(searchId: string, speed: number): Promise<void> {
    const response = await this.http.request({ path: this.path(`playspeed.web/${speed}`), query: { search_id: searchId, output: 'json' } });
    this.checkSession(response, 'setting the play speed of a search');
  }

  /** step.web/{±n}: moves the play head n frames; the frame it lands on. */
  async step(searchId: string, frames: number): Promise<number> {
    const response = await this.http.request({ path: this.path(`step.web/${frames >= 0 ? '+' : ''}${frames}`), query: { search_id: searchId, output: 'json' } });
    this.checkSession(response, 'stepping a search');
    return this.http.parseJson(response, stepAnswerSchema, 'the step answer (step.web)').frame;
  }

  /** The H.264 (format 5) stream of a search, raw Annex-B: what the playback pipeline reads. Carries the session: main only. */
  searchStreamUrl(session: string, searchId: string, camera: string, multipart = false): string {
    return this.url('video.web', { s: session, search_id: searchId, camera, format: ExacqH264, ...(multipart ? { multipart_encode: 1 } : {}) });
  }

  /**
   * The headers of the first part of a search's multipart H.264 stream (`Frame`, `TimeOffset`:
   * where in the search its first frame lies), read and then closed: the stream itself gives no
   * time, the part headers do.
   */
  async firstPartHeaders(session: string, searchId: string, camera: string, timeoutMs: number): Promise<Map<string, string>> {
    const response = await this.http.request({
      path: this.path('video.web'),
      query: { s: session, search_id: searchId, camera, format: ExacqH264, multipart_encode: 1 },
      maxBytes: maxPartHeadBytes,
      timeoutMs,
      readUntil: (bytes) => partHeaders(bytes) !== undefined,
    });
    this.checkSession(response, `opening the recorded video of camera ${camera}`);
    const headers = partHeaders(response.body);
    if (!headers) {
      const hint = response.body.length === 0 ? 'an empty answer' : `${response.headers.get('content-type') ?? 'no content type'}, ${response.body.length} bytes`;
      throw new AppFailure('bad-response', `${this.site}: the recorded video of camera ${camera} did not start as multipart frames (${hint}).`);
    }
    return headers;
  }

  async views(session: string): Promise<WireView[]> {
    const response = await this.http.request({ path: this.path('views.web'), query: { s: session, output: 'json' } });
    this.checkSession(response, 'reading the views');
    return this.http.parseJson(response, viewsAnswerSchema, 'the view list');
  }

  async tours(session: string): Promise<WireTour[]> {
    const response = await this.http.request({ path: this.path('tours.web'), query: { s: session, output: 'json' } });
    this.checkSession(response, 'reading the tours');
    return this.http.parseJson(response, toursAnswerSchema, 'the tour list').tours;
  }

  /** export.web with no parameters: the formats the server exports to. */
  async exportFormats(signal?: AbortSignal): Promise<string[]> {
    const response = await this.http.request({ path: this.path('export.web'), ...(signal ? { signal } : {}) });
    this.checkAnswer(response, 'listing the export formats');
    return this.http.parseJson(response, exportFormatsSchema, 'the export formats (export.web)').formats;
  }

  /**
   * export.web create → the export id. A refusal with a reason (`{success:false, error}`) is
   * said in the server's words; only a bare `{success:false}` is the dead-session answer.
   */
  async createExport(session: string, camera: string, start: string, end: string, name: string, signal?: AbortSignal): Promise<string> {
    const response = await this.http.request({ path: this.path('export.web'), query: { s: session, camera, start, end, format: 'mp4', name }, ...(signal ? { signal } : {}) });
    const what = `creating an export of camera ${camera}`;
    const refusal = response.status === 200 && !looksLikeHtml(response) ? refusalOf(response.body) : undefined;
    if (refusal !== undefined) {
      const code = /no (video|data|recording)|nothing/i.test(refusal) ? 'no-recording' : 'bad-response';
      throw new AppFailure(code, `${this.site}: exacqVision refused the export of camera ${camera} (${refusal}).`);
    }
    this.checkSession(response, what);
    const answer = this.http.parseJson(response, exportCreatedSchema, 'the new export (export.web)');
    if (!answer.export_id) throw new AppFailure('bad-response', `${this.site}: the answer to ${what} holds no export id.`);
    return answer.export_id;
  }

  /** export.web?export=<id> (no session needed): the server's progress, or the reason it failed. */
  async exportStatus(exportId: string, signal?: AbortSignal): Promise<WireExportStatus> {
    const response = await this.http.request({ path: this.path('export.web'), query: { export: exportId }, ...(signal ? { signal } : {}) });
    if (response.status === 404 && !looksLikeHtml(response)) {
      throw new AppFailure('bad-response', `${this.site}: the export is gone from the server (removed after 15 minutes idle, or the server restarted).`, { status: 404 });
    }
    this.checkAnswer(response, 'reading the progress of an export');
    return this.http.parseJson(response, exportStatusSchema, 'the export progress (export.web)');
  }

  /** Where a finished export downloads (no session in it: the export id is the key). */
  exportDownloadUrl(exportId: string): string {
    return this.url('export.web', { export: exportId, action: 'download' });
  }

  /** export.web action=finish: frees the export on the server. */
  async finishExport(exportId: string): Promise<void> {
    const response = await this.http.request({ path: this.path('export.web'), query: { export: exportId, action: 'finish' }, timeoutMs: finishTimeoutMs });
    // Already gone (finished before, or cleaned up after 15 minutes idle): nothing left to free.
    if (response.status === 404) return;
    this.checkAnswer(response, 'finishing an export');
  }

  /** HTTP errors and web pages of calls that carry no session (a login page there is no expiry). */
  private checkAnswer(response: HttpResponse, what: string): void {
    if (looksLikeHtml(response)) throw new AppFailure('bad-response', `${this.site}: expected JSON while ${what} but got a web page (HTTP ${response.status}).`, { status: response.status });
    this.failOnServerError(response, what);
    if (response.status >= 400) {
      throw new AppFailure('bad-response', `${this.site}: the server refused ${what} (HTTP ${response.status}${bodyHint(response)}).`, { status: response.status });
    }
  }

  /**
   * The three faces of a dead session, then HTTP errors. `{success:false}` only counts as expiry
   * with HTTP 200: a 400 with success:false is a refused request (e.g. a format the camera lacks).
   */
  private checkSession(response: HttpResponse, what: string): void {
    if (response.status === 401 || response.status === 403) throw sessionExpired(this.site, `HTTP ${response.status}`);
    if (looksLikeHtml(response)) throw sessionExpired(this.site, 'the server answered with its login page');
    if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('json') && saysNoSuccess(response.body)) {
      throw sessionExpired(this.site, 'the server no longer knows the session');
    }
    this.failOnServerError(response, what);
    if (response.status === 404) throw new AppFailure('not-found', `${this.site}: not found on the server while ${what} (HTTP 404${bodyHint(response)}).`, { status: 404 });
    if (response.status >= 400) {
      throw new AppFailure('bad-response', `${this.site}: the server refused ${what} (HTTP ${response.status}${bodyHint(response)}).`, { status: response.status });
    }
  }

  private failOnServerError(response: HttpResponse, what: string): void {
    if (response.status === 503) {
      // Busy server or, on video.web, a camera without a picture ("Camera unavailable").
      throw new AppFailure('unreachable', `${this.site}: the server or camera is unavailable while ${what} (HTTP 503${bodyHint(response)}).`, { status: 503 });
    }
    if (response.status >= 500) {
      throw new AppFailure('bad-response', `${this.site}: the server failed while ${what} (HTTP ${response.status}).`, { status: response.status });
    }
  }

  private jpegOf(response: HttpResponse, what: string): Buffer {
    if (response.status !== 200 || !isJpeg(response.body)) {
      const type = response.headers.get('content-type') ?? 'no content type';
      const hint = response.body.length === 0 ? 'an empty answer' : `${type}, ${response.body.length} bytes`;
      throw new AppFailure('bad-response', `${this.site}: expected ${what} as a JPEG but got ${hint} (HTTP ${response.status}).`, { status: response.status });
    }
    return response.body;
  }
}
