/**
 * Eagle Eye Networks API v1 (legacy cookie session; seeds 000/001, VMS-APIS §2).
 *
 * Sign-in: authenticate (user name, password → single-use token) → for two-factor accounts the
 * operator chooses SMS or e-mail and enters the 4-digit code → authorize (sets the auth_key
 * cookie). Then the branded host, only when the operator gave Eagle Eye's login host
 * (branded-host.ts). After a two-factor sign-in the service sets tfa_key; it is kept in memory
 * for the adapter's life so a re-login after expiry needs no new code (as a browser would).
 *
 * Cameras from /g/device/list with the status bitmask decoded by the seed's rules; status kept
 * current by the HTTP long poll (/poll); layouts from /g/layout; stills from /asset/prev; live
 * video as FLV (`stream_<id>`, the native container, H.264 + AAC) with the cookie as a header.
 * Recordings (coverage, marks, recorded stills and video): recorded.ts.
 */
import { randomBytes } from 'node:crypto';
import { AppFailure, type ServerLayout, type ServerTour } from '../../../preload/contract/index.js';
import type { AdapterContext, AdapterFactory, CameraRecord, Credentials, RecordedMedia, ServerExport, SignInOutcome, StatusChange, VmsAdapter } from '../adapter.js';
import { capabilitiesOf, type AdapterCapabilities, type DeclaredCapabilities } from '../capabilities.js';
import type { LiveSource } from '../../media/sources.js';
import { isSessionExpired, sessionExpired } from '../session-errors.js';
import { brandedBaseUrl } from './branded-host.js';
import { EenV1Client } from './client.js';
import { EenV1Recorded } from './recorded.js';
import { decodeStatus, fromEenTimestamp, toDeviceList, toServerLayout, twoFactorChannels, type DecodedStatus, type DeviceList } from './mapper.js';
import { EenV1ServerExport } from './server-export.js';
import type { ExportTiming } from '../export-wait.js';
import { layoutConfigurationSchema, type PollAnswer, type WireLayout, type WireUser } from './wire-types.js';

const declared: DeclaredCapabilities = { liveFormats: ['flv', 'jpeg'], ptz: false, signIn: 'password' };

/** A "live" picture older than this is the last one of a camera that stopped sending. */
const liveStaleMs = 60_000;
/**
 * How far ahead a live FLV asks to run (`end_timestamp=+…`). The service follows the camera until
 * then; the broker reconnects (asking liveSource again) when it ends.
 */
const liveSpanMs = 4 * 3600_000;
/** GET /poll is held by the service until something changes (about 25 s on the simulator). */
const pollHoldTimeoutMs = 90_000;
const pollBackoffMs = { first: 1000, max: 30_000 };

type Watch = { stopped: boolean };

export interface EagleEyeV1Options {
  /** Longest wait of one GET /poll (default 90 s). */
  pollTimeoutMs?: number;
  /** Pauses and stall window of MP4 exports (tests shorten them). */
  exportTiming?: Partial<ExportTiming>;
}

class EagleEyeV1Adapter implements VmsAdapter {
  readonly kind = 'eagleeye-v1' as const;
  readonly recorded: RecordedMedia;
  readonly serverExport: ServerExport;
  private readonly client: EenV1Client;
  private readonly site: string;
  /** Between authenticate and authorize of a two-factor sign-in. The token is single-use. */
  private pending: { token: string; codeSent: boolean } | undefined;
  private user: WireUser | undefined;
  private known: DeviceList | undefined;
  /** Last meaningful status per camera: the seed keeps it when a value is 0 or "invalid". */
  private readonly states = new Map<string, DecodedStatus>();
  /** Counts sign-ins; a status poll that lost its session waits for the next one. */
  private epoch = 0;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly ctx: AdapterContext,
    private readonly options: EagleEyeV1Options,
  ) {
    this.site = ctx.site.name;
    this.client = new EenV1Client(ctx.http);
    this.serverExport = new EenV1ServerExport({
      client: this.client,
      site: this.site,
      nameOf: (id) => this.nameOf(id),
      now: () => ctx.now(),
      ...(options.exportTiming ? { timing: options.exportTiming } : {}),
    });
    this.recorded = new EenV1Recorded({
      client: this.client,
      site: this.site,
      log: ctx.log,
      nameOf: (cameraId) => this.nameOf(cameraId),
      mediaHeaders: () => {
        const authKey = this.client.authKey;
        if (!authKey) throw sessionExpired(this.site, 'no session');
        return { cookie: `auth_key=${authKey}` };
      },
      now: ctx.now,
    });
  }

  async signIn(credentials: Credentials): Promise<SignInOutcome> {
    this.pending = undefined;
    this.user = undefined;
    // Signing in again while a session lives ends that session first: Eagle Eye would keep it
    // open until it times out, one more session per sign-in. After an expiry this costs one
    // refused request; a failure here never stops the sign-in.
    if (this.client.authKey) await this.client.logout().catch((err: unknown) => this.ctx.log.debug('logout of the previous session failed', { site: this.site, error: err }));
    this.client.forgetSession();
    // Every sign-in starts at the address the operator gave (the login host), never the branded one.
    this.ctx.http.rebase(this.ctx.site.url);
    const answer = await this.client.authenticate(credentials.username.trim(), credentials.password);
    if (answer.two_factor_authentication_code) {
      const channels = twoFactorChannels(answer);
      if (channels.length === 0) throw new AppFailure('unsupported', `${this.site}: the account needs a two-factor code but has neither a phone nor an e-mail address to send it to.`);
      this.pending = { token: answer.token, codeSent: false };
      return { kind: 'two-factor', channels };
    }
    this.signedIn(await this.client.authorize(answer.token));
    return { kind: 'signed-in' };
  }

  async chooseTwoFactor(channel: 'sms' | 'email'): Promise<void> {
    const pending = this.requirePending();
    try {
      await this.client.sendTwoFactorCode(pending.token, channel);
    } catch (err) {
      // The token is gone on the server: the next step has to be a new sign-in.
      if (err instanceof AppFailure && err.error.code === 'unauthorized') this.pending = undefined;
      throw err;
    }
    pending.codeSent = true;
  }

  async verifyTwoFactor(code: string): Promise<void> {
    const pending = this.requirePending();
    const digits = code.trim();
    // Checked here: a malformed code must not count as one of the service's 3 allowed failures.
    if (!/^\d{4}$/.test(digits)) throw new AppFailure('two-factor-required', `${this.site}: the two-factor code is the 4 digits Eagle Eye sent; try again.`);
    // two-factor-required, not a conflict: the site keeps waiting for the code (SiteService).
    if (!pending.codeSent) throw new AppFailure('two-factor-required', `${this.site}: choose SMS or e-mail first, so Eagle Eye sends a code.`);
    let user: WireUser;
    try {
      user = await this.client.authorize(pending.token, digits);
    } catch (err) {
      // A wrong code (406) may be retried with the same token; anything else ends this sign-in.
      if (!(err instanceof AppFailure && err.error.code === 'two-factor-required')) this.pending = undefined;
      throw err;
    }
    this.pending = undefined;
    this.signedIn(user);
  }

  async signOut(): Promise<void> {
    this.pending = undefined;
    this.user = undefined;
    this.known = undefined;
    this.states.clear();
    if (this.client.authKey) await this.client.logout();
  }

  async listCameras(): Promise<CameraRecord[]> {
    const list = toDeviceList(await this.client.deviceList());
    const cameras = list.cameras.map((cam) => {
      const previous = this.states.get(cam.id);
      // "Unknown" (value 0 or the invalid bit) keeps whatever status was seen before.
      if (cam.state === 'unknown' && previous) return { ...withoutDetail(cam), ...previous };
      if (cam.state !== 'unknown') this.states.set(cam.id, { state: cam.state, recording: cam.recording, ...(cam.stateDetail ? { stateDetail: cam.stateDetail } : {}) });
      return cam;
    });
    this.known = { cameras, bridgeOf: list.bridgeOf };
    return cameras;
  }

  get capabilities(): AdapterCapabilities {
    return capabilitiesOf(declared, this);
  }

  // v1 images come in the sizes the camera sends (no width parameter): the caller scales.
  async still(cameraId: string): Promise<{ jpeg: Buffer; timestampMs: number }> {
    // The service still serves the last preview of a camera that went away: not a live picture.
    const known = this.states.get(cameraId);
    if (known && (known.state === 'offline' || known.state === 'off')) throw this.noLivePicture(cameraId, undefined, known.stateDetail);
    const picture = await this.client.image('prev', cameraId, 'now', 'pre');
    if (!picture) throw this.noLivePicture(cameraId);
    const now = this.ctx.now();
    const timestampMs = fromEenTimestamp(picture.timestamp) ?? now;
    if (now - timestampMs > liveStaleMs) throw this.noLivePicture(cameraId, timestampMs);
    return { jpeg: picture.jpeg, timestampMs };
  }

  async serverLayouts(): Promise<{ layouts: ServerLayout[]; tours: ServerTour[] }> {
    const ids = await this.client.layoutIds();
    const layouts: ServerLayout[] = [];
    // One at a time: a handful of layouts, and the service counts requests per session.
    for (const id of ids) {
      const wire = await this.client.layout(id).catch((err: unknown) => {
        // Deleted between the list and this read: not an error of the whole list.
        if (err instanceof AppFailure && err.error.code === 'not-found') return undefined;
        throw err;
      });
      if (!wire) continue;
      const configuration = this.configurationOf(wire);
      if (!configuration) continue;
      const { layout, dropped } = toServerLayout(wire, configuration, this.ctx.site.id);
      if (dropped > 0) this.ctx.log.info('layout has more panes than 16 rows hold; the rest are left out', { site: this.site, layout: layout.name, dropped });
      layouts.push(layout);
    }
    // v1 has no tours: carousel panes carry their own dwell times.
    return { layouts, tours: [] };
  }

  /**
   * Live FLV from /asset/play/video.flv with `start_timestamp=stream_<unique>`: one HTTP
   * connection ffmpeg reads, carrying H.264 + AAC. The session is checked first (isauth): the
   * broker asks again on every reconnect, and a dead session must become sessionExpired (so the
   * SiteService signs in again) rather than an ffmpeg failure. The cookie travels as a header, so
   * the URL holds no secret.
   */
  async liveSource(cameraId: string, profile: 'main' | 'sub'): Promise<LiveSource> {
    await this.client.checkSession();
    const authKey = this.client.authKey;
    if (!authKey || !this.user) throw sessionExpired(this.site, 'no session');
    const url = this.client.url('asset/play/video.flv', {
      id: cameraId,
      // "use something unique such as user id + epoch ms" (seed 000).
      start_timestamp: `stream_${this.user.id}-${this.ctx.now()}-${randomBytes(3).toString('hex')}`,
      end_timestamp: `+${liveSpanMs}`,
      quality: profile === 'sub' ? 'low' : 'high',
    });
    return { kind: 'http', format: 'flv', url, headers: { cookie: `auth_key=${authKey}` } };
  }

  /**
   * Status by the HTTP long poll: POST /poll subscribes the listed cameras to `status` (and
   * answers the current values), then GET /poll returns only what changed. A poll that finds the
   * session gone says so once (onSessionLost: the SiteService signs in again) and resumes after
   * the next sign-in; other failures retry with backoff.
   */
  watchStatus(onChange: (changes: StatusChange[]) => void, onSessionLost?: () => void): () => void {
    const watch: Watch = { stopped: false };
    void this.pollLoop(watch, onChange, onSessionLost);
    return () => {
      watch.stopped = true;
      this.wake();
    };
  }

  async dispose(): Promise<void> {
    this.epoch += 1;
    this.wake();
    // Best effort: ends the server session; a dead server must not hold up quitting.
    await this.signOut().catch((err: unknown) => this.ctx.log.debug('logout at dispose failed', { site: this.site, error: err }));
  }

  private async pollLoop(watch: Watch, onChange: (changes: StatusChange[]) => void, onSessionLost: (() => void) | undefined): Promise<void> {
    let subscribed = false;
    let failures = 0;
    while (!watch.stopped) {
      const epoch = this.epoch;
      const cameras = this.known?.cameras.map((c) => c.id) ?? [];
      if (cameras.length === 0 || !this.client.authKey) {
        await this.pause(() => watch.stopped || this.epoch !== epoch);
        subscribed = false;
        continue;
      }
      try {
        const answer = subscribed ? await this.client.pollNext(this.options.pollTimeoutMs ?? pollHoldTimeoutMs) : await this.client.pollStart(cameras);
        failures = 0;
        // A sign-in happened meanwhile: the subscription belongs to the old session.
        if (watch.stopped || this.epoch !== epoch) {
          subscribed = false;
          continue;
        }
        subscribed = true;
        const changes = this.applyStatus(answer);
        if (changes.length > 0) onChange(changes);
      } catch (err) {
        subscribed = false;
        if (watch.stopped) break;
        if (isSessionExpired(err)) {
          if (this.epoch !== epoch) continue;
          this.ctx.log.info('status poll: the session has expired; waiting for the next sign-in', { site: this.site });
          onSessionLost?.();
          await this.pause(() => watch.stopped || this.epoch !== epoch);
          continue;
        }
        failures += 1;
        const waitMs = Math.min(pollBackoffMs.max, pollBackoffMs.first * 2 ** (failures - 1));
        this.ctx.log.warn('status poll failed; retrying', { site: this.site, error: err, retryInMs: waitMs });
        await this.pause(() => watch.stopped, waitMs);
      }
    }
  }

  /** Changes against the last known status; values that mean "no change" are skipped. */
  private applyStatus(answer: PollAnswer): StatusChange[] {
    const known = new Set(this.known?.cameras.map((c) => c.id));
    const changes: StatusChange[] = [];
    for (const [esn, values] of Object.entries(answer.cameras ?? {})) {
      if (!known.has(esn) || values.status === undefined) continue;
      const decoded = decodeStatus(values.status);
      if (!decoded) continue;
      const previous = this.states.get(esn);
      if (previous && previous.state === decoded.state && previous.recording === decoded.recording && previous.stateDetail === decoded.stateDetail) continue;
      this.states.set(esn, decoded);
      changes.push({ id: esn, ...decoded });
    }
    return changes;
  }

  private signedIn(user: WireUser): void {
    this.user = user;
    const branded = brandedBaseUrl(this.ctx.site.url, user.active_brand_subdomain);
    if (branded) {
      this.ctx.http.rebase(branded);
      this.ctx.log.info('using the branded Eagle Eye host', { site: this.site, host: new URL(branded).host });
    }
    this.epoch += 1;
    this.wake();
  }

  /** Resolves when `until()` holds (checked on every wake) or after `ms`. Never keeps the process alive. */
  private pause(until: () => boolean, ms?: number): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.wakers.delete(check);
        resolve();
      };
      const check = (): void => {
        if (until()) done();
      };
      this.wakers.add(check);
      if (ms !== undefined) timer = setTimeout(done, ms).unref();
    });
  }

  private wake(): void {
    for (const check of [...this.wakers]) check();
  }

  /** The layout's configuration; a layout whose configuration cannot be read is skipped (logged). */
  private configurationOf(wire: WireLayout): ReturnType<typeof layoutConfigurationSchema.parse> | undefined {
    let raw: unknown = wire.configuration ?? { panes: [] };
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        raw = undefined;
      }
    }
    const parsed = layoutConfigurationSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.ctx.log.warn('a layout has a configuration Tessera cannot read; it is left out', { site: this.site, layout: wire.name });
    return undefined;
  }

  private nameOf(cameraId: string): string {
    const name = this.known?.cameras.find((cam) => cam.id === cameraId)?.name;
    return name ? `"${name}"` : cameraId;
  }

  private noLivePicture(cameraId: string, lastMs?: number, why = 'it is offline or off'): AppFailure {
    const since = lastMs === undefined ? '' : ` since ${new Date(lastMs).toISOString()}`;
    return new AppFailure('unreachable', `${this.site}: camera ${this.nameOf(cameraId)} has sent no live picture${since} (${why}).`);
  }

  private requirePending(): { token: string; codeSent: boolean } {
    if (!this.pending) throw new AppFailure('conflict', `${this.site} is not waiting for a two-factor code; sign in again.`);
    return this.pending;
  }
}

function withoutDetail(cam: CameraRecord): CameraRecord {
  const { stateDetail: _dropped, ...rest } = cam;
  return rest;
}

export function createEagleEyeV1AdapterFactory(options: EagleEyeV1Options = {}): AdapterFactory {
  return { kind: 'eagleeye-v1', create: (ctx) => new EagleEyeV1Adapter(ctx, options) };
}

export const eagleEyeV1AdapterFactory: AdapterFactory = createEagleEyeV1AdapterFactory();
