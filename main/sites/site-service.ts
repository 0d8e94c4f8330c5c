/**
 * The sites as the rest of main sees them: one facade over the three parts of this folder, so
 * compose.ts, the handlers, the demo and the CLI wire one object.
 *   - SiteRegistry (site-registry.ts): the configured sites, sites.json, load problems;
 *   - SiteSession (site-session.ts): one per site, its adapter's sign-in and re-login;
 *   - CameraCatalogue (camera-catalogue.ts): the cameras of signed-in sites, kept current.
 * Adapter calls from elsewhere go through `withCamera` (or `withSite` for a site's own data):
 * the session is checked, and an expired one renewed once, in one place.
 */
import type { AddSite, Camera, LoadProblem, SiteConfig, SiteState } from '../../preload/contract/index.js';
import { AppFailure } from '../../preload/contract/index.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { Logger } from '../logging/logger.js';
import type { VmsAdapter } from '../vms/adapter.js';
import type { BrowserOpener } from '../vms/browser-opener.js';
import { CameraCatalogue } from './camera-catalogue.js';
import { createAdapter, type AdapterOptions } from './site-adapter.js';
import { SiteRegistry } from './site-registry.js';
import type { SiteRepository } from './site-repository.js';
import { SiteSession } from './site-session.js';

export interface SiteServiceOptions extends Omit<AdapterOptions, 'log'> {
  repository: SiteRepository;
  credentials: CredentialStore;
  log: Logger;
  /** How often cameras of sites without push status are refreshed, ms (0: never). */
  refreshMs?: number;
  /**
   * Opens the authorization address of an OAuth sign-in (Electron: the system browser). Without
   * one, the address is only published in SiteState.oauth for the UI to show as a link.
   */
  browserOpener?: BrowserOpener;
}

export class SiteService {
  private readonly registry: SiteRegistry<SiteSession>;
  private readonly catalogue: CameraCatalogue;
  private readonly siteListeners = new Set<(sites: SiteState[]) => void>();
  private browserOpener?: BrowserOpener;
  /** What was wrong with sites.json at start (for app:info and the command line). */
  readonly loadProblems: LoadProblem[];

  constructor(private readonly options: SiteServiceOptions) {
    this.browserOpener = options.browserOpener;
    this.catalogue = new CameraCatalogue({ sites: () => this.registry.all(), log: options.log, ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}) });
    this.registry = new SiteRegistry({ repository: options.repository, credentials: options.credentials, log: options.log, open: (config) => this.open(config) });
    this.loadProblems = this.registry.loadProblems;
  }

  /** For shells that get the service from compose(): how OAuth sign-ins reach a browser. */
  useBrowserOpener(opener: BrowserOpener | undefined): void {
    this.browserOpener = opener;
  }

  list(): SiteState[] {
    return this.registry.all().map((site) => site.state());
  }

  cameras(): Camera[] {
    return this.catalogue.list();
  }

  onSitesChanged(listener: (sites: SiteState[]) => void): () => void {
    this.siteListeners.add(listener);
    return () => this.siteListeners.delete(listener);
  }

  onCamerasChanged(listener: (cameras: Camera[]) => void): () => void {
    return this.catalogue.onChanged(listener);
  }

  /** Adds a site and signs in right away when a password was given (or none is needed). */
  async add(typed: AddSite): Promise<SiteState> {
    const { site, input } = this.registry.add(typed);
    this.announceSites();
    if (input.password !== undefined || site.adapter.capabilities.signIn === 'none') {
      return site.signIn({ password: input.password ?? '', savePassword: input.savePassword });
    }
    return site.state();
  }

  /**
   * Adds a site for this run only (the demo site: its simulator picks new ports each launch)
   * with a fixed id, so layouts that reference its cameras keep working across restarts.
   */
  async addTransient(config: SiteConfig, password: string, options: { browserOpener?: BrowserOpener } = {}): Promise<SiteState> {
    await this.registry.find(config.id)?.dispose();
    const site = this.open(config, options.browserOpener);
    this.registry.putTransient(site);
    this.announceSites();
    return site.signIn({ password });
  }

  async remove(siteId: string): Promise<void> {
    const site = this.registry.get(siteId);
    await site.end();
    await site.dispose();
    await this.registry.remove(siteId);
    this.announceSites();
    this.catalogue.announce();
  }

  /** Signs in with the given password, or the saved secret when none is given. */
  async signIn(input: { siteId: string; password?: string; savePassword?: boolean }): Promise<SiteState> {
    if (input.password === undefined) await this.registry.loadCleanup; // a password moved out of a saved address
    return this.registry.get(input.siteId).signIn(input);
  }

  chooseTwoFactor(siteId: string, channel: 'sms' | 'email'): Promise<SiteState> {
    return this.registry.get(siteId).chooseTwoFactor(channel);
  }

  verifyTwoFactor(siteId: string, code: string): Promise<SiteState> {
    return this.registry.get(siteId).verifyTwoFactor(code);
  }

  signOut(siteId: string): Promise<SiteState> {
    return this.registry.get(siteId).signOut();
  }

  /**
   * Runs an adapter call for a camera ("<site id>/<camera id>") its site lists: in the site's
   * session, signing in again once and retrying once when it expired. `call` gets the camera's
   * id within its site.
   */
  async withCamera<T>(cameraId: string, call: (adapter: VmsAdapter, siteCameraId: string, site: SiteConfig) => Promise<T>): Promise<T> {
    const slash = cameraId.indexOf('/');
    const site = slash > 0 ? this.registry.find(cameraId.slice(0, slash)) : undefined;
    const siteCameraId = cameraId.slice(slash + 1);
    if (!site || !this.catalogue.holds(site, siteCameraId)) throw new AppFailure('not-found', `There is no camera ${JSON.stringify(cameraId)}.`);
    return site.run((adapter) => call(adapter, siteCameraId, site.config));
  }

  /** Runs an adapter call about the site itself (its layouts) in its session, like withCamera. */
  async withSite<T>(siteId: string, call: (adapter: VmsAdapter, site: SiteConfig) => Promise<T>): Promise<T> {
    const site = this.registry.get(siteId);
    return site.run((adapter) => call(adapter, site.config));
  }

  /** Signs in every site that has a saved secret (at start-up); failures show on the Sites screen. */
  async restoreSessions(): Promise<void> {
    await this.registry.loadCleanup;
    await Promise.all(this.registry.all().map((site) => site.restore()));
  }

  async dispose(): Promise<void> {
    this.catalogue.dispose();
    await this.registry.loadCleanup;
    for (const site of this.registry.all()) await site.dispose();
  }

  private open(config: SiteConfig, browserOpener?: BrowserOpener): SiteSession {
    const { credentials, log } = this.options;
    return new SiteSession({
      config,
      adapter: createAdapter(config, this.options),
      credentials,
      log,
      cameras: this.catalogue,
      changed: () => this.announceSites(),
      opener: () => browserOpener ?? this.browserOpener,
    });
  }

  private announceSites(): void {
    const sites = this.list();
    for (const listener of this.siteListeners) listener(sites);
  }
}
