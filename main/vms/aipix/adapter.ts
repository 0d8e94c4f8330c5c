/**
 * AIPIX VMS sites through the VMS Client API (VMS-APIS §5): a bearer token from /api/v1/token
 * (with the 419 session cap handled as AIPIX allows), paginated cameras, and short-lived
 * tokenised media links fetched fresh for every use. Stills are cut from those links with
 * ffmpeg; where a server lists camera UUIDs, the integration API's JPEG previews are used instead.
 * Recorded media (coverage, stills, archive HLS) is in recorded.ts.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import { grabStill } from '../../media/grab-still.js';
import type { AdapterContext, AdapterFactory, CameraRecord, Credentials, ServerExport, SignInOutcome, VmsAdapter } from '../adapter.js';
import { capabilitiesOf, type AdapterCapabilities, type DeclaredCapabilities } from '../capabilities.js';
import type { LiveSource } from '../../media/sources.js';
import { looksLikeHtml } from '../../net/http-client.js';
import { AipixClient, deviceUuid, type StreamType } from './client.js';
import { readPage, shortfallNote } from './pagination.js';
import { fromAipixTime, sessionToRemove, streamTypeOf, toAipixTime, toCameraRecord } from './mapper.js';
import { AipixRecorded } from './recorded.js';
import { AipixServerExport } from './server-export.js';
import { maxPages, pageSize as defaultPageSize, type WireCamera } from './wire-types.js';

const declared: DeclaredCapabilities = { liveFormats: ['hls', 'rtsp'], ptz: false, signIn: 'password' };

const maxPlaylistBytes = 1024 * 1024;
const maxJpegBytes = 8 * 1024 * 1024;

export interface AipixAdapterOptions {
  /** Cameras per page (tests use small pages to exercise pagination). */
  pageSize?: number;
  /** Longest wait for ffmpeg to produce a still, ms. */
  stillTimeoutMs?: number;
}

export class AipixAdapter implements VmsAdapter {
  readonly kind = 'aipix' as const;
  readonly recorded: AipixRecorded;
  readonly serverExport: ServerExport;
  private readonly client: AipixClient;
  private readonly deviceId: string;
  /** Wire cameras of the last list, for stream types and UUIDs. */
  private cameras = new Map<string, WireCamera>();
  /** Set by listCameras when the server's own count and the list disagree. */
  private listNote: string | undefined;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly options: AipixAdapterOptions = {},
  ) {
    this.deviceId = deviceUuid(ctx.site.id);
    this.client = new AipixClient(ctx.http, this.deviceId);
    this.recorded = new AipixRecorded({
      name: ctx.site.name,
      client: this.client,
      now: () => ctx.now(),
      cameraOf: (cameraId) => this.cameraOf(cameraId),
      streamFor: (cam, profile) => this.streamFor(cam, profile),
      nameOf: (cam) => this.nameOf(cam),
      previewStill: (cam, uuid, atMs, width) => this.previewStill(cam, uuid, atMs, width),
      grab: (url, width, seekSeconds) => this.grab(url, width, seekSeconds, 'archive'),
      checkMedia: (status, what) => this.checkMedia(status, what),
    });
    this.serverExport = new AipixServerExport({ client: this.client, site: ctx.site.name, now: () => ctx.now() });
  }

  private get site(): string {
    return this.ctx.site.name;
  }

  async signIn(credentials: Credentials): Promise<SignInOutcome> {
    let outcome = await this.client.token(credentials.username, credentials.password, null);
    if (outcome.kind === 'too-many') {
      const pick = sessionToRemove(outcome.sessions, this.deviceId);
      if (!pick) throw this.tooManySessions();
      // AIPIX's way out of the cap: sign in again naming a session to end (VMS-APIS §5.1).
      this.ctx.log.info('AIPIX session limit reached (HTTP 419): ending the least recently used session and signing in again, as the AIPIX token API allows', {
        site: this.site,
        leftByThisDevice: pick.ours,
        lastUsed: pick.lastUsedMs === undefined ? 'unknown' : new Date(pick.lastUsedMs).toISOString(),
      });
      outcome = await this.client.token(credentials.username, credentials.password, pick.session.id);
      if (outcome.kind === 'too-many') throw this.tooManySessions();
    }
    return { kind: 'signed-in' };
  }

  /** AIPIX documents no logout for client tokens: the token is forgotten here (a later 419 reclaims it). */
  async signOut(): Promise<void> {
    this.client.forgetToken();
    this.cameras.clear();
  }

  async listCameras(): Promise<CameraRecord[]> {
    const perPage = this.options.pageSize ?? defaultPageSize;
    const found = new Map<string, WireCamera>();
    let firstPageSize = perPage;
    let reported: number | undefined;
    for (let page = 1; ; page += 1) {
      if (page > maxPages) {
        throw new AppFailure('bad-response', `${this.site}: the camera list goes on past ${maxPages} pages (${maxPages * perPage} cameras); Tessera reads no more than that.`);
      }
      const answer = await this.client.cameraPage(page, perPage);
      if (page === 1) firstPageSize = answer.data.length;
      const before = found.size;
      for (const cam of answer.data) if (!found.has(cam.id)) found.set(cam.id, cam);
      const verdict = readPage(answer, firstPageSize);
      reported = verdict.total ?? reported;
      // A page that adds nothing (empty, or the same page again) ends the walk instead of looping.
      if (!verdict.more || found.size === before) break;
    }
    this.cameras = found;
    this.listNote = shortfallNote(this.site, reported, found.size);
    if (this.listNote) this.ctx.log.warn('the camera list is shorter or longer than the server says', { site: this.site, reported, listed: found.size });
    return [...found.values()].map(toCameraRecord);
  }

  cameraListNote(): string | undefined {
    return this.listNote;
  }

  get capabilities(): AdapterCapabilities {
    return capabilitiesOf(declared, this);
  }

  async still(cameraId: string, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const cam = await this.cameraOf(cameraId);
    return cam.uuid ? this.previewStill(cam, cam.uuid, undefined, width) : this.liveStill(cam, width);
  }

  /**
   * A fresh live link for every call: AIPIX links carry a token that expires (`expired_at` where
   * the server states it; the client API often does not, so never reuse one). HLS first; RTSP
   * when the server offers no HLS for the camera.
   */
  async liveSource(cameraId: string, profile: 'main' | 'sub'): Promise<LiveSource> {
    const cam = await this.cameraOf(cameraId);
    const type = this.streamFor(cam, profile);
    let source: 'hls' | 'rtsp' = 'hls';
    let link;
    try {
      link = await this.client.liveLink(cam.id, type, 'hls');
    } catch (err) {
      if (!(err instanceof AppFailure && err.error.code === 'bad-request')) throw err;
      source = 'rtsp';
      link = await this.client.liveLink(cam.id, type, 'rtsp');
    }
    const expiresMs = fromAipixTime(link.expired_at);
    this.ctx.log.debug(expiresMs === undefined ? 'live link fetched (lifetime not stated)' : 'live link fetched', {
      site: this.site,
      camera: cam.id,
      source,
      ...(expiresMs === undefined ? {} : { validUntil: new Date(expiresMs).toISOString() }),
    });
    return source === 'hls' ? { kind: 'http', format: 'hls', url: link.url, headers: {} } : { kind: 'rtsp', url: link.url };
  }

  async dispose(): Promise<void> {
    await this.signOut();
  }

  private async liveStill(cam: WireCamera, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const type = width !== undefined && this.subFits(cam, width) ? 'low' : this.streamFor(cam, 'main');
    const link = await this.client.liveLink(cam.id, type, 'hls');
    // Read the playlist first: an offline camera is then a clear "offline", not an ffmpeg error.
    const playlist = await this.client.media(link.url, maxPlaylistBytes);
    if (playlist.status === 404) throw new AppFailure('unreachable', `${this.site}: camera "${this.nameOf(cam)}" has no live video right now (it may be offline).`);
    this.checkMedia(playlist.status, 'live');
    const jpeg = await this.grab(link.url, width);
    return { jpeg, timestampMs: this.ctx.now() };
  }

  /** Integration API preview JPEG (seed 004), for servers whose camera list carries UUIDs. */
  private async previewStill(cam: WireCamera, uuid: string, atMs: number | undefined, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const type = atMs === undefined && width !== undefined && this.subFits(cam, width) ? 'low' : this.streamFor(cam, 'main');
    const url = await this.client.previewJpegLink(uuid, type, atMs === undefined ? undefined : toAipixTime(atMs));
    const response = await this.client.media(url, maxJpegBytes);
    if (response.status === 404) {
      if (atMs !== undefined) throw this.noRecording(cam, atMs);
      throw new AppFailure('unreachable', `${this.site}: camera "${this.nameOf(cam)}" has no live picture right now (it may be offline).`);
    }
    this.checkMedia(response.status, atMs === undefined ? 'live' : 'archive');
    const body = response.body;
    if (looksLikeHtml(response) || body.length < 4 || body[0] !== 0xff || body[1] !== 0xd8) {
      throw new AppFailure('bad-response', `${this.site}: the preview link of camera "${this.nameOf(cam)}" gave no JPEG (${response.headers.get('content-type') ?? 'no content type'}, ${body.length} bytes).`);
    }
    return { jpeg: body, timestampMs: atMs ?? this.ctx.now() };
  }

  /**
   * An archive link's segments are cut on request and may take seconds to start: its reads may
   * stall for the whole still timeout (the overall timeout still bounds the grab).
   */
  private grab(url: string, width?: number, seekSeconds?: number, what: 'live' | 'archive' = 'live'): Promise<Buffer> {
    const timeoutMs = this.options.stillTimeoutMs ?? 20_000;
    return grabStill(url, { rtsp: false, site: this.site, ...(width ? { width } : {}), ...(seekSeconds ? { seekSeconds } : {}), ...(what === 'archive' ? { readTimeoutMs: timeoutMs } : {}), timeoutMs });
  }

  /** A media link the server just issued was refused: nothing a second try would fix now. */
  private checkMedia(status: number, what: 'live' | 'archive'): void {
    if (status === 401 || status === 403) throw new AppFailure('bad-response', `${this.site}: the media server refused a ${what} link the AIPIX server had just issued (HTTP ${status}).`, { status });
    if (status >= 400) throw new AppFailure(status >= 500 ? 'bad-response' : 'not-found', `${this.site}: the media server answered HTTP ${status} for a ${what} link.`, { status });
  }

  private async cameraOf(cameraId: string): Promise<WireCamera> {
    const known = this.cameras.get(cameraId);
    if (known) return known;
    if (!/^\d{1,20}$/.test(cameraId)) throw new AppFailure('not-found', `${this.site}: there is no camera ${cameraId}.`);
    const cam = await this.client.camera(cameraId);
    this.cameras.set(cam.id, cam);
    return cam;
  }

  /** The stream type for a profile, falling back to the camera's other stream when it has only one. */
  private streamFor(cam: WireCamera, profile: 'main' | 'sub'): StreamType {
    const types = new Set((cam.streams ?? []).map((s) => s.type));
    const wanted = streamTypeOf[profile];
    if (types.has(wanted) || types.size === 0) return wanted;
    return wanted === 'high' ? 'low' : 'high';
  }

  /** Whether the low stream is at least `width` wide (so a small still needs no big stream). */
  private subFits(cam: WireCamera, width: number): boolean {
    const low = cam.streams?.find((s) => s.type === 'low');
    return Boolean(low?.width && low.width >= width);
  }

  private nameOf(cam: WireCamera): string {
    return (cam.pretty_name ?? cam.name ?? '').trim() || cam.id;
  }

  private noRecording(cam: WireCamera, atMs: number, why?: string): AppFailure {
    return new AppFailure('no-recording', `${this.site}: camera "${this.nameOf(cam)}" has no recording at ${new Date(atMs).toISOString()}${why ? ` (${why})` : ''}.`);
  }

  private tooManySessions(): AppFailure {
    return new AppFailure(
      'conflict',
      `${this.site}: too many sessions are open for this user (HTTP 419, the AIPIX session limit). Sign out of AIPIX on another device, or ask the administrator to raise the limit.`,
      { status: 419 },
    );
  }
}

export const aipixAdapterFactory: AdapterFactory = {
  kind: 'aipix',
  create: (ctx) => new AipixAdapter(ctx),
};
