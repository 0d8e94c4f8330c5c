/**
 * Eagle Eye Networks API v3 (OAuth). Sign-in is the authorization-code flow in the system
 * browser with a loopback redirect (oauth.ts); the adapter keeps the rotating refresh token
 * fresh and hands every new one to the SiteService as the site's secret, so later sign-ins need
 * no browser. Access tokens are refreshed here, transparently; only a refresh token the server no
 * longer accepts sends the operator back to the browser ("sign in again").
 *
 * The operator enters: the auth host as the address (https://auth.eagleeyenetworks.com), the
 * application's client id (SiteConfig.oauthClientId), its client secret as the password, and
 * optionally the e-mail as user name (sent as login_hint).
 *
 * Status: no push (the SiteService refreshes the camera list every 30 s). Recordings: recorded.ts.
 */
import { AppFailure, type ServerLayout, type ServerTour } from '../../../preload/contract/index.js';
import type { PreviewFeed } from '../../media/preview-feeds.js';
import type { AdapterContext, AdapterFactory, CameraRecord, Credentials, RecordedMedia, ServerExport, SignInOutcome, VmsAdapter } from '../adapter.js';
import { capabilitiesOf, type AdapterCapabilities, type DeclaredCapabilities } from '../capabilities.js';
import type { LiveSource } from '../../media/sources.js';
import type { ExportTiming } from '../export-wait.js';
import { EenV3Client, isRefreshRefused } from './client.js';
import { fromEenTimestamp, toCameraRecord, toServerLayout } from './mapper.js';
import { EenV3Recorded } from './recorded.js';
import { EenV3ServerExport } from './server-export.js';
import { authorizationUrl, browserTimeoutMs, createPkce, parseStoredSecret, randomState, serializeStoredSecret, startLoopbackListener, type LoopbackListener } from './oauth.js';
import { wireCameraSchema, wireFeedSchema, wireLayoutSchema } from './wire-types.js';

const declared: DeclaredCapabilities = { liveFormats: ['hls', 'rtsp', 'mjpeg'], ptz: false, signIn: 'oauth' };

export interface EagleEyeV3Options {
  /** How long a browser sign-in may take before the loopback listener gives up (default 5 min). */
  browserTimeoutMs?: number;
  /** Pauses and stall window of exports (tests shorten them). */
  exportTiming?: Partial<ExportTiming>;
}

class EagleEyeV3Adapter implements VmsAdapter {
  readonly kind = 'eagleeye-v3' as const;
  readonly recorded: RecordedMedia;
  readonly serverExport: ServerExport;
  private readonly client: EenV3Client;
  private readonly site: string;
  private clientSecret = '';
  private pendingBrowser: LoopbackListener | undefined;
  private readonly secretListeners = new Set<(secret: string) => void>();

  constructor(
    private readonly ctx: AdapterContext,
    private readonly options: EagleEyeV3Options,
  ) {
    this.site = ctx.site.name;
    this.client = new EenV3Client({
      http: ctx.http,
      site: ctx.site.name,
      clientId: ctx.site.oauthClientId ?? '',
      configuredUrl: ctx.site.url,
      now: ctx.now,
      onRefreshToken: (refreshToken) => this.announceSecret(refreshToken),
    });
    this.recorded = new EenV3Recorded({ client: this.client, site: this.site, log: ctx.log, now: ctx.now });
    this.serverExport = new EenV3ServerExport({
      client: this.client,
      http: ctx.http,
      site: this.site,
      log: ctx.log,
      nameOf: (id) => id,
      now: () => ctx.now(),
      ...(options.exportTiming ? { timing: options.exportTiming } : {}),
    });
  }

  onSecretRotated(listener: (secret: string) => void): void {
    this.secretListeners.add(listener);
  }

  async signIn(credentials: Credentials): Promise<SignInOutcome> {
    this.abandonBrowser(new AppFailure('conflict', `${this.site}: a newer sign-in replaced this one.`));
    if (!this.ctx.site.oauthClientId) {
      throw new AppFailure('bad-request', `${this.site}: no OAuth client id is set; add the site again with the client id of your Eagle Eye application.`);
    }
    const secret = parseStoredSecret(credentials.password);
    if (!secret.clientSecret) throw new AppFailure('unauthorized', `${this.site}: enter the client secret of your Eagle Eye application to sign in.`);
    this.clientSecret = secret.clientSecret;
    this.client.setClientSecret(secret.clientSecret);
    if (secret.refreshToken) {
      try {
        await this.client.signInWithRefreshToken(secret.refreshToken);
        return { kind: 'signed-in' };
      } catch (err) {
        if (!isRefreshRefused(err)) throw err;
        this.ctx.log.info('the kept refresh token was refused; the browser sign-in is needed', { site: this.site });
      }
    }
    return this.startBrowserSignIn(credentials.username.trim());
  }

  private async startBrowserSignIn(loginHint: string): Promise<SignInOutcome> {
    const pkce = createPkce();
    const state = randomState();
    const listener = await startLoopbackListener({ state, site: this.site, timeoutMs: this.options.browserTimeoutMs ?? browserTimeoutMs });
    this.pendingBrowser = listener;
    const url = authorizationUrl({
      authOrigin: this.client.authorizationOrigin,
      clientId: this.ctx.site.oauthClientId!,
      redirectUri: listener.redirectUri,
      state,
      codeChallenge: pkce.challenge,
      ...(loginHint ? { loginHint } : {}),
    });
    const completion = (async () => {
      try {
        const code = await listener.code;
        await this.client.exchangeCode(code, pkce.verifier, listener.redirectUri);
      } finally {
        if (this.pendingBrowser === listener) this.pendingBrowser = undefined;
      }
    })();
    // A caller that drops the outcome (CLI refusal, background re-login) must not leave an unhandled rejection.
    completion.catch(() => undefined);
    return { kind: 'browser', authorizationUrl: url, completion };
  }

  async signOut(): Promise<void> {
    // EEN documents no token revocation a client can rely on: forget the tokens here. The kept
    // refresh token (in the credential store) still signs in again without a browser.
    this.abandonBrowser(new AppFailure('conflict', `${this.site}: the browser sign-in was cancelled.`));
    this.client.forget();
  }

  async listCameras(): Promise<CameraRecord[]> {
    const cameras = await this.client.list('cameras', { include: 'status,tags,locationSummary' }, wireCameraSchema, 'the camera list');
    return cameras.map(toCameraRecord);
  }

  get capabilities(): AdapterCapabilities {
    return capabilitiesOf(declared, this);
  }

  // liveImage.jpeg knows only type=preview and no size parameters.
  async still(cameraId: string): Promise<{ jpeg: Buffer; timestampMs: number }> {
    try {
      const { jpeg, headers } = await this.client.jpeg('media/liveImage.jpeg', { deviceId: cameraId, type: 'preview' }, `the live picture of camera ${cameraId}`);
      return { jpeg, timestampMs: fromEenTimestamp(headers.get('x-een-timestamp')) ?? this.ctx.now() };
    } catch (err) {
      if (err instanceof AppFailure && err.error.detail?.status === 503) {
        throw new AppFailure('unreachable', `${this.site}: camera ${cameraId} has no live picture now (it is offline or not available).`, { status: 503 });
      }
      throw err;
    }
  }

  /**
   * RTSP first: ffmpeg pulls it in one connection, and its access_token is checked when the
   * stream starts, so a later token refresh (which voids the old access token) does not cut it.
   * Otherwise HLS (main only) or FLV from the media host, which need the media-session cookie
   * and — for HLS — the Bearer header on every request.
   */
  async liveSource(cameraId: string, profile: 'main' | 'sub'): Promise<LiveSource> {
    const type = profile === 'main' ? 'main' : 'preview';
    const what = `the live feeds of camera ${cameraId}`;
    const feeds = await this.client.list('feeds', { deviceId: cameraId, type, include: 'rtspUrl,hlsUrl,flvUrl' }, wireFeedSchema, what);
    const feed = feeds.find((f) => f.type === type) ?? feeds[0];
    // EEN answers an offline camera with an empty list.
    if (!feed) throw new AppFailure('unreachable', `${this.site}: camera ${cameraId} has no live video now (it is offline).`);
    if (feed.rtspUrl) {
      const token = await this.client.bearer();
      return { kind: 'rtsp', url: `${feed.rtspUrl}${feed.rtspUrl.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` };
    }
    const httpUrl = feed.hlsUrl ?? feed.flvUrl;
    if (!httpUrl) throw new AppFailure('unsupported', `${this.site}: camera ${cameraId} offers no live stream Tessera can play (no RTSP, HLS or FLV).`);
    const cookie = await this.client.mediaCookie();
    const token = await this.client.bearer();
    return { kind: 'http', format: feed.hlsUrl ? 'hls' : 'flv', url: httpUrl, headers: { cookie, authorization: `Bearer ${token}` } };
  }

  /**
   * The preview feed's `multipartUrl` (MJPEG, a couple of pictures a second, each part stamped
   * X-Een-Timestamp) behind the media-session cookie: JPEG tiles are answered from it instead of
   * one liveImage.jpeg request per picture, which waits for the camera's next preview.
   */
  async previewFeed(cameraId: string): Promise<PreviewFeed | null> {
    const feeds = await this.client.list('feeds', { deviceId: cameraId, type: 'preview', include: 'multipartUrl' }, wireFeedSchema, `the preview feed of camera ${cameraId}`);
    // An offline camera has no feeds for now (not "none at all"): try again later.
    if (feeds.length === 0) throw new AppFailure('unreachable', `${this.site}: camera ${cameraId} has no live feed now (it is offline).`);
    const url = feeds.find((f) => f.type === 'preview' && f.multipartUrl)?.multipartUrl;
    if (!url) return null;
    const cookie = await this.client.mediaCookie();
    return { url, headers: { cookie }, timestampOf: (headers) => fromEenTimestamp(headers['x-een-timestamp']) };
  }

  async serverLayouts(): Promise<{ layouts: ServerLayout[]; tours: ServerTour[] }> {
    const wire = await this.client.list('layouts', {}, wireLayoutSchema, 'the layouts');
    const layouts = wire.map((l) => {
      const { layout, dropped } = toServerLayout(l, this.ctx.site.id);
      if (dropped) this.ctx.log.info('layout has more panes than 16 rows hold; the rest are left out', { site: this.site, layout: layout.name, dropped });
      return layout;
    });
    // v3 has no tours (and no carousel panes); the user's layout rotation is not read yet.
    return { layouts, tours: [] };
  }

  async dispose(): Promise<void> {
    this.abandonBrowser(new AppFailure('conflict', `${this.site}: the browser sign-in was cancelled.`));
    this.client.forget();
    this.secretListeners.clear();
  }

  private abandonBrowser(reason: AppFailure): void {
    const pending = this.pendingBrowser;
    this.pendingBrowser = undefined;
    pending?.close(reason);
  }

  /** Never logged: the listener keeps it in the credential store. */
  private announceSecret(refreshToken: string | undefined): void {
    if (!this.clientSecret) return;
    const secret = serializeStoredSecret({ clientSecret: this.clientSecret, ...(refreshToken ? { refreshToken } : {}) });
    for (const listener of this.secretListeners) listener(secret);
  }
}

export function createEagleEyeV3AdapterFactory(options: EagleEyeV3Options = {}): AdapterFactory {
  return { kind: 'eagleeye-v3', create: (ctx) => new EagleEyeV3Adapter(ctx, options) };
}

export const eagleEyeV3AdapterFactory: AdapterFactory = createEagleEyeV3AdapterFactory();
