/**
 * exacqVision Web Service sites (seed 003, VMS-APIS §4): a login.web session passed as `s=`,
 * cameras from config.web (showAll adds each camera's second quality stream, offered as "sub"),
 * live JPEG and native H.264 from video.web, recorded media through stateful searches
 * (recorded.ts), views and tours as server layouts.
 */
import { AppFailure, type ServerLayout, type ServerTour } from '../../../preload/contract/index.js';
import type { AdapterContext, AdapterFactory, CameraRecord, Credentials, ServerExport, SignInOutcome, VmsAdapter } from '../adapter.js';
import { capabilitiesOf, type AdapterCapabilities, type DeclaredCapabilities } from '../capabilities.js';
import type { LiveSource } from '../../media/sources.js';
import { isSessionExpired } from '../session-errors.js';
import type { ExportTiming } from '../export-wait.js';
import { ExacqClient } from './client.js';
import { ExacqFormat, toCameraRecords, toServerLayout, toServerTour, type ExacqCameras } from './mapper.js';
import { ExacqRecorded } from './recorded.js';
import { ExacqServerExport } from './server-export.js';

const declared: DeclaredCapabilities = { liveFormats: ['h264', 'jpeg'], ptz: false, signIn: 'password' };

export interface ExacqOptions {
  /** Pauses and stall window of exports (tests shorten them). */
  exportTiming?: Partial<ExportTiming>;
}

export class ExacqAdapter implements VmsAdapter {
  readonly kind = 'exacq' as const;
  readonly recorded: ExacqRecorded;
  readonly serverExport: ServerExport;
  private readonly client: ExacqClient;
  /** The login.web session id: travels in every query as `s=`; never logged, never leaves main. */
  private session: string | null = null;
  /** config.web `timezone` (hours); undefined until the camera list was read. */
  private timezoneHours: number | undefined;
  private known: ExacqCameras | undefined;
  private warnedTimezone = false;

  constructor(
    private readonly ctx: AdapterContext,
    options: ExacqOptions = {},
  ) {
    this.client = new ExacqClient(ctx.http);
    const client = this.client;
    this.recorded = new ExacqRecorded({
      name: ctx.site.name,
      client,
      log: ctx.log,
      now: () => ctx.now(),
      session: () => this.requireSession(),
      timezone: () => this.timezone(),
      jpegFormat: (cameraId) => this.jpegFormat(cameraId),
      h264Stream: (cameraId, profile) => this.h264Stream(cameraId, profile),
      nameOf: (cameraId) => this.nameOf(cameraId),
    });
    this.serverExport = new ExacqServerExport({
      client: this.client,
      site: ctx.site.name,
      log: ctx.log,
      session: () => this.requireSession(),
      timezone: () => this.timezone(),
      nameOf: (id) => this.nameOf(id),
      now: () => ctx.now(),
      ...(options.exportTiming ? { timing: options.exportTiming } : {}),
    });
  }

  private get site(): string {
    return this.ctx.site.name;
  }

  async signIn(credentials: Credentials): Promise<SignInOutcome> {
    // Signing in again while a session lives ends that session first (the server keeps it until
    // it times out otherwise); a failure here never stops the sign-in.
    const previous = this.session;
    this.session = null;
    if (previous) await this.client.logout(previous).catch((err: unknown) => this.ctx.log.debug('logout of the previous session failed', { site: this.site, error: err }));
    this.session = await this.client.login(credentials.username, credentials.password);
    return { kind: 'signed-in' };
  }

  async signOut(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.known = undefined;
    if (session) await this.client.logout(session);
  }

  async listCameras(): Promise<CameraRecord[]> {
    return (await this.refresh()).cameras;
  }

  get capabilities(): AdapterCapabilities {
    return capabilitiesOf(declared, this);
  }

  async still(cameraId: string, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const { session, format } = await this.jpegFormat(cameraId);
    return { jpeg: await this.client.liveJpeg(session, cameraId, format, width), timestampMs: this.ctx.now() };
  }

  async serverLayouts(): Promise<{ layouts: ServerLayout[]; tours: ServerTour[] }> {
    const session = this.requireSession();
    // The views/tours paths were lost from the seed (VMS-APIS §4.8): a server without them has none.
    const [views, tours] = await Promise.all([
      this.client.views(session).catch((err: unknown) => this.noneIfMissing(err, 'views')),
      this.client.tours(session).catch((err: unknown) => this.noneIfMissing(err, 'tours')),
    ]);
    const siteId = this.ctx.site.id;
    const layouts = views.map((view) => toServerLayout(view, siteId));
    const byId = new Map(layouts.map((layout) => [layout.id, layout]));
    return { layouts, tours: tours.map((tour) => toServerTour(tour, byId, siteId)) };
  }

  /**
   * Native H.264 (format 5) as an endless Annex-B body. The URL carries the session id, so it is
   * for the media broker in main only. The camera list is read first: it proves the session is
   * alive (a dead one would hand ffmpeg a login page) and gives the current streams.
   */
  async liveSource(cameraId: string, profile: 'main' | 'sub'): Promise<LiveSource> {
    const session = this.requireSession();
    const streamId = await this.h264Stream(cameraId, profile, true);
    return { kind: 'http', format: 'h264', url: this.client.url('video.web', { s: session, camera: streamId, format: ExacqFormat.h264 }), headers: {} };
  }

  /**
   * The stream id of a camera's profile (showAll's extra entry for "sub"), checked to offer H.264.
   * `fresh` reads the camera list even when known: live video proves the session that way (a
   * dead one would hand ffmpeg a login page) and gets the current streams.
   */
  private async h264Stream(cameraId: string, profile: 'main' | 'sub', fresh = false): Promise<string> {
    const known = fresh || !this.known?.formats.has(cameraId) ? await this.refresh() : this.known;
    if (!known.formats.has(cameraId)) throw this.noCamera(cameraId);
    const streamId = profile === 'sub' ? (known.subStreams.get(cameraId) ?? cameraId) : cameraId;
    const formats = known.formats.get(streamId) ?? [];
    if (formats.length > 0 && !formats.includes(ExacqFormat.h264)) {
      throw new AppFailure('unsupported', `${this.site}: camera ${this.nameOf(cameraId)} offers no H.264 stream (formats ${formats.join(', ')}).`);
    }
    return streamId;
  }

  async dispose(): Promise<void> {
    // Best effort: frees the server's session slot; a dead server must not hold up quitting.
    await this.signOut().catch((err: unknown) => this.ctx.log.debug('logout at dispose failed', { site: this.site, error: err }));
  }

  /** The session and the JPEG format to ask a camera's stills in (live and recorded alike). */
  private async jpegFormat(cameraId: string): Promise<{ session: string; format: number }> {
    const session = this.requireSession();
    const formats = await this.formatsOf(cameraId);
    // Transcoded JPEG honours w/h; native JPEG only exists on MJPEG cameras. An empty list = not told: try 6.
    const format = formats.length === 0 || formats.includes(ExacqFormat.transcodedJpeg) ? ExacqFormat.transcodedJpeg : formats.includes(ExacqFormat.nativeJpeg) ? ExacqFormat.nativeJpeg : undefined;
    if (format === undefined) throw new AppFailure('unsupported', `${this.site}: camera ${this.nameOf(cameraId)} offers no JPEG pictures.`);
    return { session, format };
  }

  /** Both camera lists (plain and showAll) in one go; a server without showAll just has no sub streams. */
  private async refresh(): Promise<ExacqCameras> {
    const session = this.requireSession();
    const [main, all] = await Promise.all([
      this.client.config(session, false),
      this.client.config(session, true).catch((err: unknown) => {
        if (isSessionExpired(err)) throw err;
        this.ctx.log.warn('config.web with showAll failed; cameras have no sub stream', { site: this.site, error: err });
        return undefined;
      }),
    ]);
    if (main.timezoneHours === undefined && !this.warnedTimezone) {
      this.warnedTimezone = true;
      this.ctx.log.warn('config.web has no timezone; sending times as UTC', { site: this.site });
    }
    this.timezoneHours = main.timezoneHours ?? 0;
    this.known = toCameraRecords(main.cameras, all?.cameras, main.timezoneHours);
    return this.known;
  }

  private async timezone(): Promise<number> {
    if (this.timezoneHours === undefined) await this.refresh();
    return this.timezoneHours ?? 0;
  }

  /** Formats of a camera id; reads the camera list once when the id is not known yet. */
  private async formatsOf(cameraId: string): Promise<number[]> {
    let formats = this.known?.formats.get(cameraId);
    if (formats === undefined) formats = (await this.refresh()).formats.get(cameraId);
    if (formats === undefined) throw this.noCamera(cameraId);
    return formats;
  }

  private noneIfMissing(err: unknown, what: string): never[] {
    if (err instanceof AppFailure && err.error.code === 'not-found') {
      this.ctx.log.info(`the server has no ${what} endpoint; none shown`, { site: this.site });
      return [];
    }
    throw err;
  }

  private nameOf(cameraId: string): string {
    const name = this.known?.cameras.find((cam) => cam.id === cameraId)?.name;
    return name ? `"${name}"` : cameraId;
  }

  private noCamera(cameraId: string): AppFailure {
    return new AppFailure('not-found', `${this.site}: there is no camera ${cameraId} on this server.`);
  }

  private requireSession(): string {
    if (!this.session) throw new AppFailure('unauthorized', `${this.site} is not signed in.`);
    return this.session;
  }
}

export function createExacqAdapterFactory(options: ExacqOptions = {}): AdapterFactory {
  return { kind: 'exacq', create: (ctx) => new ExacqAdapter(ctx, options) };
}

export const exacqAdapterFactory: AdapterFactory = createExacqAdapterFactory();
