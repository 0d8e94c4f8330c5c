/**
 * Owns every configured site: its adapter, its session state and its cameras. Main is the only
 * holder of credentials; what leaves this service (SiteState, Camera) carries none.
 *
 * Session rules: a call that finds the session expired signs in again once (saved password or
 * refresh token) and is retried once; if that sign-in fails the site shows "needs sign-in" and
 * the error says to sign in again, never a silent loop.
 */
import { randomUUID } from 'node:crypto';
import {
  AppFailure,
  type AddSite,
  type Camera,
  type LoadProblem,
  type ServerLayout,
  type ServerTour,
  type SiteConfig,
  type SiteState,
  type SiteStatus,
} from '../../preload/contract/index.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { Logger } from '../logging/logger.js';
import type { PreviewFeed } from '../media/preview-feeds.js';
import type { AdapterFactory, CameraRecord, SignInOutcome, VmsAdapter } from '../vms/adapter.js';
import type { BrowserOpener } from '../vms/browser-opener.js';
import { HttpClient } from '../net/http-client.js';
import { recordedMedia } from '../vms/capabilities.js';
import { adapterFactory } from '../vms/registry.js';
import { isSessionExpired } from '../vms/session-errors.js';
import type { SiteRepository } from './site-repository.js';
import { cleanLoadedSites, extractAddCredentials } from './url-credentials.js';

interface SiteEntry {
  config: SiteConfig;
  adapter: VmsAdapter;
  status: SiteStatus;
  lastError?: { code: string; message: string };
  twoFactor?: { channels: ('sms' | 'email')[]; codeSent: boolean };
  /** Secret for this run when the operator chose not to save it (re-login after expiry). */
  sessionSecret?: string;
  cameras: CameraRecord[];
  /** Whether a secret for this site is in the credential store. */
  saved: boolean;
  /** Demo sites live only while their simulator runs: never written to sites.json. */
  transient?: boolean;
  stopWatching?: () => void;
  /** One re-login at a time per site. */
  relogin?: Promise<void>;
  /** OAuth: while the browser step of a sign-in is pending, the address to open. */
  oauth?: { authorizationUrl: string };
  /** OAuth: opens the browser for this site instead of the service's opener (demo sites). */
  browserOpener?: BrowserOpener;
  /** Bumped per sign-in attempt and sign-out: a superseded attempt must not touch the state. */
  attempt?: number;
  /** Bumped when the adapter rotates the secret (OAuth refresh tokens). */
  secretVersion?: number;
  /** Rotated secrets are written in order, so an older one never overwrites a newer one. */
  secretWrites?: Promise<void>;
}

export interface SiteServiceOptions {
  repository: SiteRepository;
  credentials: CredentialStore;
  log: Logger;
  now?: () => number;
  /** How often cameras of sites without push status are refreshed, ms. */
  refreshMs?: number;
  httpTimeoutMs?: number;
  /** Adapter factories by kind (default: the registry); tests script adapters here. */
  factoryFor?: (kind: SiteConfig['kind']) => AdapterFactory;
  /**
   * Opens the authorization address of an OAuth sign-in (Electron: the system browser). Without
   * one, the address is only published in SiteState.oauth for the UI to show as a link.
   */
  browserOpener?: BrowserOpener;
}

export class SiteService {
  private readonly sites = new Map<string, SiteEntry>();
  private readonly siteListeners = new Set<(sites: SiteState[]) => void>();
  private readonly cameraListeners = new Set<(cameras: Camera[]) => void>();
  private refreshTimer?: NodeJS.Timeout;
  private readonly now: () => number;
  private browserOpener?: BrowserOpener;
  /** What was wrong with sites.json at start (for app:info and the command line). */
  readonly loadProblems: LoadProblem[];
  /** Moving passwords found in saved addresses to the credential store (url-credentials.ts). */
  private readonly loadCleanup: Promise<void>;

  constructor(private readonly options: SiteServiceOptions) {
    this.now = options.now ?? Date.now;
    this.browserOpener = options.browserOpener;
    const loaded = options.repository.load();
    if (loaded.problem) options.log.warn('sites file could not be used as it was; moved aside', loaded.problem);
    const cleaned = cleanLoadedSites(loaded.value, options);
    const unusable: string[] = [];
    cleaned.configs.forEach((config, index) => {
      // The stored shape is checked on load; this is the guarantee that one site never stops a start.
      try {
        if (this.sites.has(config.id)) throw new Error(`the id ${config.id} is used twice`);
        this.sites.set(config.id, this.entryFor(config));
      } catch (err) {
        unusable.push(`entry ${index + 1} (${config.name}): ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    const problems = loaded.problem ? [loaded.problem] : [];
    if (unusable.length > 0) {
      options.log.warn('sites that could not be opened were left out', { unusable });
      problems.push(options.repository.setAsideKeeping(unusable, [...this.sites.values()].map((e) => e.config)));
    }
    this.loadProblems = problems;
    this.loadCleanup = cleaned.changed ? cleaned.moved.then(() => this.persistSafely()) : Promise.resolve();
    const refreshMs = options.refreshMs ?? 30_000;
    if (refreshMs > 0) {
      this.refreshTimer = setInterval(() => void this.refreshPolledSites(), refreshMs);
      this.refreshTimer.unref();
    }
  }

  /** For shells that get the service from compose(): how OAuth sign-ins reach a browser. */
  useBrowserOpener(opener: BrowserOpener | undefined): void {
    this.browserOpener = opener;
  }

  list(): SiteState[] {
    return [...this.sites.values()].map((entry) => this.stateOf(entry));
  }

  cameras(): Camera[] {
    return [...this.sites.values()].flatMap((entry) =>
      entry.status === 'signed-in'
        ? entry.cameras.map((cam) => ({
            id: `${entry.config.id}/${cam.id}`,
            siteId: entry.config.id,
            siteName: entry.config.name,
            name: cam.name,
            state: cam.state,
            recording: cam.recording,
            ...(cam.stateDetail ? { stateDetail: cam.stateDetail } : {}),
            groups: cam.groups,
            profiles: cam.profiles,
          }))
        : [],
    );
  }

  onSitesChanged(listener: (sites: SiteState[]) => void): () => void {
    this.siteListeners.add(listener);
    return () => this.siteListeners.delete(listener);
  }

  onCamerasChanged(listener: (cameras: Camera[]) => void): () => void {
    this.cameraListeners.add(listener);
    return () => this.cameraListeners.delete(listener);
  }

  /** Adds a site and signs in right away when a password was given (or none is needed). */
  async add(typed: AddSite): Promise<SiteState> {
    const { input, moved } = extractAddCredentials(typed);
    if (moved.username || moved.password) {
      this.options.log.info('took the credentials out of the typed address', { site: input.name, took: [moved.username && 'user', moved.password && 'password'].filter(Boolean).join(' and ') });
    }
    if ([...this.sites.values()].some((s) => s.config.name.toLowerCase() === input.name.toLowerCase())) {
      throw new AppFailure('conflict', `There is already a site named "${input.name}".`);
    }
    const config: SiteConfig = {
      id: randomUUID().slice(0, 8),
      name: input.name,
      kind: input.kind,
      url: input.url,
      username: input.username,
      ...(input.rtspCameras ? { rtspCameras: input.rtspCameras } : {}),
      ...(input.oauthClientId ? { oauthClientId: input.oauthClientId } : {}),
    };
    const entry = this.entryFor(config);
    this.sites.set(config.id, entry);
    this.persist();
    this.announceSites();
    if (input.password !== undefined || entry.adapter.capabilities.signIn === 'none') {
      return this.signIn({ siteId: config.id, password: input.password ?? '', savePassword: input.savePassword });
    }
    return this.stateOf(entry);
  }

  /**
   * Adds a site for this run only (the demo site: its simulator picks new ports each launch)
   * with a fixed id, so layouts that reference its cameras keep working across restarts.
   */
  async addTransient(config: SiteConfig, password: string, options: { browserOpener?: BrowserOpener } = {}): Promise<SiteState> {
    const existing = this.sites.get(config.id);
    if (existing) {
      existing.stopWatching?.();
      await existing.adapter.dispose();
    }
    const entry: SiteEntry = { ...this.entryFor(config), transient: true, ...(options.browserOpener ? { browserOpener: options.browserOpener } : {}) };
    this.sites.set(config.id, entry);
    this.announceSites();
    return this.signIn({ siteId: config.id, password });
  }

  async remove(siteId: string): Promise<void> {
    const entry = this.get(siteId);
    await this.endSession(entry);
    await entry.adapter.dispose();
    this.sites.delete(siteId);
    await this.options.credentials.delete(siteId).catch((err: unknown) => this.options.log.warn('could not delete a saved credential', { siteId, error: err }));
    this.persist();
    this.announceSites();
    this.announceCameras();
  }

  /** Signs in with the given password, or the saved secret when none is given. */
  async signIn(input: { siteId: string; password?: string; savePassword?: boolean }): Promise<SiteState> {
    if (input.password === undefined) await this.loadCleanup; // a password moved out of a saved address
    const entry = this.get(input.siteId);
    const needsNone = entry.adapter.capabilities.signIn === 'none';
    const secret = input.password ?? entry.sessionSecret ?? (needsNone ? '' : await this.options.credentials.get(entry.config.id));
    if (secret === null || secret === undefined) {
      throw new AppFailure('unauthorized', `${entry.config.name}: no saved password; enter it to sign in.`);
    }
    const attempt = (entry.attempt = (entry.attempt ?? 0) + 1);
    this.setStatus(entry, 'signing-in');
    try {
      const rotations = entry.secretVersion;
      const outcome = await entry.adapter.signIn({ username: entry.config.username, password: secret });
      // A secret the adapter rotated during sign-in (a new refresh token) is newer than `secret`.
      if (entry.secretVersion === rotations) entry.sessionSecret = secret;
      if (input.password !== undefined) {
        if (input.savePassword && !needsNone) {
          await this.options.credentials.set(entry.config.id, entry.sessionSecret ?? secret);
          entry.saved = true;
        } else if (input.savePassword === false) {
          await this.options.credentials.delete(entry.config.id);
          entry.saved = false;
        }
      }
      if (outcome.kind === 'two-factor') {
        entry.twoFactor = { channels: outcome.channels, codeSent: false };
        this.setStatus(entry, 'two-factor');
        return this.stateOf(entry);
      }
      if (outcome.kind === 'browser') await this.finishBrowserSignIn(entry, outcome);
      await this.afterSignIn(entry);
    } catch (err) {
      if (entry.attempt === attempt) this.fail(entry, err);
      throw err;
    }
    return this.stateOf(entry);
  }

  /**
   * OAuth: publishes the authorization address (SiteState.oauth), hands it to the opener, and
   * waits until the browser came back and the adapter exchanged the code. An opener that fails
   * abandons the sign-in with its reason rather than waiting out the timeout.
   */
  private async finishBrowserSignIn(entry: SiteEntry, outcome: Extract<SignInOutcome, { kind: 'browser' }>): Promise<void> {
    const pending = { authorizationUrl: outcome.authorizationUrl };
    entry.oauth = pending;
    this.announceSites();
    const opener = entry.browserOpener ?? this.browserOpener;
    try {
      const openFailed = new Promise<never>((_resolve, reject) => void opener?.open(outcome.authorizationUrl).catch(reject));
      await Promise.race([outcome.completion, openFailed]);
    } catch (err) {
      // Still the current attempt (not superseded): end the listener that waits in vain.
      if (entry.oauth === pending) await entry.adapter.signOut().catch(() => undefined);
      throw err;
    } finally {
      if (entry.oauth === pending) delete entry.oauth;
    }
  }

  async chooseTwoFactor(siteId: string, channel: 'sms' | 'email'): Promise<SiteState> {
    const entry = this.get(siteId);
    if (entry.status !== 'two-factor' || !entry.adapter.chooseTwoFactor) throw new AppFailure('conflict', `${entry.config.name} is not waiting for a two-factor code.`);
    await entry.adapter.chooseTwoFactor(channel);
    entry.twoFactor = { channels: entry.twoFactor?.channels ?? [channel], codeSent: true };
    this.announceSites();
    return this.stateOf(entry);
  }

  async verifyTwoFactor(siteId: string, code: string): Promise<SiteState> {
    const entry = this.get(siteId);
    if (entry.status !== 'two-factor' || !entry.adapter.verifyTwoFactor) throw new AppFailure('conflict', `${entry.config.name} is not waiting for a two-factor code.`);
    try {
      await entry.adapter.verifyTwoFactor(code);
    } catch (err) {
      // A wrong code keeps the site waiting for another try; anything else is a failure.
      if (err instanceof AppFailure && err.error.code === 'two-factor-required') {
        entry.lastError = { code: err.error.code, message: err.error.message };
        this.announceSites();
      } else this.fail(entry, err);
      throw err;
    }
    delete entry.twoFactor;
    await this.afterSignIn(entry).catch((err: unknown) => {
      this.fail(entry, err);
      throw err;
    });
    return this.stateOf(entry);
  }

  async signOut(siteId: string): Promise<SiteState> {
    const entry = this.get(siteId);
    await this.endSession(entry);
    delete entry.sessionSecret;
    this.setStatus(entry, 'signed-out');
    this.announceCameras();
    return this.stateOf(entry);
  }

  async layouts(siteId: string): Promise<{ layouts: ServerLayout[]; tours: ServerTour[] }> {
    const entry = this.get(siteId);
    const adapter = entry.adapter;
    if (!adapter.serverLayouts) return { layouts: [], tours: [] };
    return this.withSession(entry, () => adapter.serverLayouts!());
  }

  async still(cameraId: string, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const { entry, siteCameraId } = this.resolveCamera(cameraId);
    return this.withSession(entry, () => entry.adapter.still(siteCameraId, width));
  }

  /** The recorded still at atMs; 'unsupported' where the camera's site serves no recordings. */
  async recordedStill(cameraId: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const { entry, siteCameraId } = this.resolveCamera(cameraId);
    const recorded = recordedMedia(entry.adapter, entry.config.name);
    return this.withSession(entry, () => recorded.still(siteCameraId, atMs, width));
  }

  /** For the preview feeds (main only): the camera's MJPEG preview stream, null when its site has none. */
  async previewFeed(cameraId: string): Promise<PreviewFeed | null> {
    const { entry, siteCameraId } = this.resolveCamera(cameraId);
    if (!entry.adapter.previewFeed) return null;
    return this.withSession(entry, () => entry.adapter.previewFeed!(siteCameraId));
  }

  /** For the media broker (main only): where to pull live video of a camera. */
  async liveSource(cameraId: string, profile: 'main' | 'sub') {
    const { entry, siteCameraId } = this.resolveCamera(cameraId);
    if (!entry.adapter.liveSource) throw new AppFailure('unsupported', `${entry.config.name} offers no live video Tessera can play.`);
    return this.withSession(entry, () => entry.adapter.liveSource!(siteCameraId, profile));
  }

  /** Signs in every site that has a saved secret (at start-up); failures show on the Sites screen. */
  async restoreSessions(): Promise<void> {
    await this.loadCleanup;
    await Promise.all(
      [...this.sites.values()].map(async (entry) => {
        const saved = await this.options.credentials.get(entry.config.id).catch(() => null);
        entry.saved = saved !== null;
        this.announceSites();
        if (saved === null && entry.adapter.capabilities.signIn !== 'none') return;
        await this.signIn({ siteId: entry.config.id }).catch(() => undefined); // state and lastError tell the operator
      }),
    );
  }

  async dispose(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await this.loadCleanup;
    for (const entry of this.sites.values()) {
      entry.stopWatching?.();
      await entry.adapter.dispose();
    }
  }

  /** Runs a call in the site's session; on expiry, signs in again once and retries once. */
  async withSession<T>(entry: SiteEntry, call: () => Promise<T>): Promise<T> {
    if (entry.status !== 'signed-in') {
      throw new AppFailure('unauthorized', `${entry.config.name} is not signed in.`);
    }
    try {
      return await call();
    } catch (err) {
      if (!isSessionExpired(err)) throw err;
      this.options.log.info('session expired; signing in again', { site: entry.config.name });
      await this.relogin(entry);
      return call();
    }
  }

  private async relogin(entry: SiteEntry): Promise<void> {
    entry.relogin ??= (async () => {
      try {
        const secret = entry.sessionSecret ?? (await this.options.credentials.get(entry.config.id));
        if (secret === null || secret === undefined) throw new AppFailure('unauthorized', 'no saved password');
        const outcome = await entry.adapter.signIn({ username: entry.config.username, password: secret });
        if (outcome.kind === 'two-factor') throw new AppFailure('two-factor-required', 'a two-factor code is needed');
        if (outcome.kind === 'browser') {
          // A background re-login never opens a browser on its own: the operator signs in again.
          outcome.completion.catch(() => undefined);
          await entry.adapter.signOut().catch(() => undefined);
          throw new AppFailure('unauthorized', 'the site needs the browser sign-in again');
        }
      } catch (err) {
        const reason = err instanceof AppFailure ? err.error.message : 'unknown error';
        entry.status = 'needs-sign-in';
        entry.lastError = { code: 'unauthorized', message: `${entry.config.name}: the session expired and signing in again failed (${reason}). Sign in again.` };
        this.announceSites();
        this.announceCameras();
        throw new AppFailure('unauthorized', entry.lastError.message);
      } finally {
        entry.relogin = undefined;
      }
    })();
    return entry.relogin;
  }

  private async afterSignIn(entry: SiteEntry): Promise<void> {
    entry.cameras = await entry.adapter.listCameras();
    delete entry.lastError;
    this.setStatus(entry, 'signed-in');
    entry.stopWatching?.();
    entry.stopWatching = entry.adapter.watchStatus?.((changes) => {
      const byId = new Map(changes.map((c) => [c.id, c]));
      entry.cameras = entry.cameras.map((cam) => {
        const change = byId.get(cam.id);
        if (!change) return cam;
        const { stateDetail: _old, ...rest } = cam;
        return { ...rest, state: change.state, recording: change.recording, ...(change.stateDetail ? { stateDetail: change.stateDetail } : {}) };
      });
      this.announceCameras();
    }, () => void this.refreshAfterSessionLost(entry));
    this.announceCameras();
  }

  /** A push channel saw the session end: sign in again (once) and re-read the cameras. */
  private async refreshAfterSessionLost(entry: SiteEntry): Promise<void> {
    if (entry.status !== 'signed-in') return;
    try {
      entry.cameras = await this.withSession(entry, () => entry.adapter.listCameras());
      this.announceCameras();
    } catch (err) {
      this.options.log.warn('signing in again after the status channel lost its session failed', { site: entry.config.name, error: err });
    }
  }

  private async refreshPolledSites(): Promise<void> {
    for (const entry of this.sites.values()) {
      if (entry.status !== 'signed-in' || entry.adapter.watchStatus) continue;
      try {
        entry.cameras = await this.withSession(entry, () => entry.adapter.listCameras());
        this.announceCameras();
      } catch (err) {
        this.options.log.warn('camera refresh failed', { site: entry.config.name, error: err });
      }
    }
  }

  private async endSession(entry: SiteEntry): Promise<void> {
    entry.stopWatching?.();
    delete entry.stopWatching;
    if (entry.oauth) {
      // A browser sign-in still waiting: abandon it (the attempt counter makes it a no-op).
      delete entry.oauth;
      entry.attempt = (entry.attempt ?? 0) + 1;
      await entry.adapter.signOut().catch(() => undefined);
    }
    if (entry.status === 'signed-in' || entry.status === 'two-factor') {
      await entry.adapter.signOut().catch((err: unknown) => this.options.log.warn('sign-out failed', { site: entry.config.name, error: err }));
    }
    entry.cameras = [];
  }

  private fail(entry: SiteEntry, err: unknown): void {
    const error = err instanceof AppFailure ? err.error : { code: 'internal', message: `${entry.config.name}: sign-in failed unexpectedly.` };
    if (!(err instanceof AppFailure)) this.options.log.error('sign-in failed', { site: entry.config.name, error: err });
    entry.lastError = { code: error.code, message: error.message };
    entry.cameras = [];
    this.setStatus(entry, error.code === 'unauthorized' ? 'needs-sign-in' : 'error');
    this.announceCameras();
  }

  private resolveCamera(cameraId: string): { entry: SiteEntry; siteCameraId: string } {
    const slash = cameraId.indexOf('/');
    const entry = slash > 0 ? this.sites.get(cameraId.slice(0, slash)) : undefined;
    const siteCameraId = cameraId.slice(slash + 1);
    if (!entry || !entry.cameras.some((c) => c.id === siteCameraId)) throw new AppFailure('not-found', `There is no camera ${JSON.stringify(cameraId)}.`);
    return { entry, siteCameraId };
  }

  private get(siteId: string): SiteEntry {
    const entry = this.sites.get(siteId);
    if (!entry) throw new AppFailure('not-found', `There is no site with id ${JSON.stringify(siteId)}.`);
    return entry;
  }

  private entryFor(config: SiteConfig): SiteEntry {
    const factory = (this.options.factoryFor ?? adapterFactory)(config.kind);
    const http = new HttpClient({ baseUrl: config.kind === 'rtsp' ? 'http://127.0.0.1/' : config.url, siteName: config.name, timeoutMs: this.options.httpTimeoutMs ?? 15_000 });
    const adapter = factory.create({ site: config, http, log: this.options.log.child(`site.${config.kind}`), now: this.now });
    adapter.onSecretRotated?.((secret) => {
      const entry = this.sites.get(config.id);
      if (!entry || entry.adapter !== adapter) return;
      entry.sessionSecret = secret;
      entry.secretVersion = (entry.secretVersion ?? 0) + 1;
      // Kept only where the operator chose to keep a secret; in order, skipping superseded ones.
      entry.secretWrites = (entry.secretWrites ?? Promise.resolve())
        .then(async () => {
          if (entry.sessionSecret !== secret) return;
          if ((await this.options.credentials.get(config.id)) !== null) await this.options.credentials.set(config.id, secret);
        })
        .catch((err: unknown) => this.options.log.warn('could not keep the rotated secret', { site: config.name, error: err }));
    });
    return { config, adapter, status: 'signed-out', cameras: [], saved: false };
  }

  private stateOf(entry: SiteEntry): SiteState {
    return {
      ...entry.config,
      status: entry.status,
      ...(entry.lastError ? { lastError: entry.lastError } : {}),
      capabilities: entry.adapter.capabilities,
      cameraCount: entry.cameras.length,
      ...(entry.status === 'signed-in' && entry.adapter.cameraListNote?.() ? { cameraListWarning: entry.adapter.cameraListNote()! } : {}),
      credentialSaved: entry.saved,
      ...(entry.twoFactor ? { twoFactor: entry.twoFactor } : {}),
      ...(entry.oauth ? { oauth: entry.oauth } : {}),
    };
  }

  private setStatus(entry: SiteEntry, status: SiteStatus): void {
    entry.status = status;
    this.announceSites();
  }

  private persist(): void {
    this.options.repository.save([...this.sites.values()].filter((e) => !e.transient).map((e) => e.config));
  }

  private persistSafely(): void {
    try {
      this.persist();
    } catch (err) {
      this.options.log.warn('could not write the sites file without the credentials of its addresses', { error: err });
    }
  }

  private announceSites(): void {
    const sites = this.list();
    for (const listener of this.siteListeners) listener(sites);
  }

  private announceCameras(): void {
    const cameras = this.cameras();
    for (const listener of this.cameraListeners) listener(cameras);
  }
}
