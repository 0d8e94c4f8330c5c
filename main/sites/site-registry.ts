/**
 * The configured sites (config and persistence): sites.json through the SiteRepository, what was
 * wrong with it at start (loadProblems), credentials found in saved or typed addresses moved out
 * of them (url-credentials.ts), and the sites of this run only (demo sites: never written).
 * It keeps one `Site` per configured site (the SiteService keeps a SiteSession) and knows nothing
 * of adapters or sign-in: a stored site whose `open` throws is set aside with the reason, so one
 * site never stops a start.
 */
import { randomUUID } from 'node:crypto';
import { AppFailure, type AddSite, type LoadProblem, type SiteConfig } from '../../preload/contract/index.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { Logger } from '../logging/logger.js';
import type { SiteRepository } from './site-repository.js';
import { cleanLoadedSites, extractAddCredentials } from './url-credentials.js';

export interface SiteRegistryOptions<Site> {
  repository: SiteRepository;
  credentials: CredentialStore;
  log: Logger;
  /** What is kept per site; throwing marks a stored site as unusable (set aside with the reason). */
  open(config: SiteConfig): Site;
}

export class SiteRegistry<Site extends { readonly config: SiteConfig }> {
  private readonly sites = new Map<string, Site>();
  /** Ids of sites that live only while this run does (demo sites). */
  private readonly transient = new Set<string>();
  /** What was wrong with sites.json at start (for app:info and the command line). */
  readonly loadProblems: LoadProblem[];
  /** Moving passwords found in saved addresses to the credential store; sign-ins with a saved secret wait for it. */
  readonly loadCleanup: Promise<void>;

  constructor(private readonly options: SiteRegistryOptions<Site>) {
    const loaded = options.repository.load();
    if (loaded.problem) options.log.warn('sites file could not be used as it was; moved aside', loaded.problem);
    const cleaned = cleanLoadedSites(loaded.value, options);
    const unusable: string[] = [];
    cleaned.configs.forEach((config, index) => {
      // The stored shape is checked on load; this is the guarantee that one site never stops a start.
      try {
        if (this.sites.has(config.id)) throw new Error(`the id ${config.id} is used twice`);
        this.sites.set(config.id, options.open(config));
      } catch (err) {
        unusable.push(`entry ${index + 1} (${config.name}): ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    const problems = loaded.problem ? [loaded.problem] : [];
    if (unusable.length > 0) {
      options.log.warn('sites that could not be opened were left out', { unusable });
      problems.push(options.repository.setAsideKeeping(unusable, this.all().map((site) => site.config)));
    }
    this.loadProblems = problems;
    this.loadCleanup = cleaned.changed ? cleaned.moved.then(() => this.persistSafely()) : Promise.resolve();
  }

  all(): Site[] {
    return [...this.sites.values()];
  }

  find(siteId: string): Site | undefined {
    return this.sites.get(siteId);
  }

  get(siteId: string): Site {
    const site = this.sites.get(siteId);
    if (!site) throw new AppFailure('not-found', `There is no site with id ${JSON.stringify(siteId)}.`);
    return site;
  }

  /**
   * A new site from the form or the command line, saved; credentials typed into its addresses
   * come back in `input` (user and password), never in the config.
   */
  add(typed: AddSite): { site: Site; input: AddSite } {
    const { input, moved } = extractAddCredentials(typed);
    if (moved.username || moved.password) {
      this.options.log.info('took the credentials out of the typed address', { site: input.name, took: [moved.username && 'user', moved.password && 'password'].filter(Boolean).join(' and ') });
    }
    if (this.all().some((s) => s.config.name.toLowerCase() === input.name.toLowerCase())) {
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
    const site = this.options.open(config);
    this.sites.set(config.id, site);
    this.persist();
    return { site, input };
  }

  /** A site for this run only, replacing one with its id (its previous instance is the caller's to dispose). */
  putTransient(site: Site): void {
    this.transient.add(site.config.id);
    this.sites.set(site.config.id, site);
  }

  /** Forgets the site and its saved secret. */
  async remove(siteId: string): Promise<void> {
    this.sites.delete(siteId);
    this.transient.delete(siteId);
    await this.options.credentials.delete(siteId).catch((err: unknown) => this.options.log.warn('could not delete a saved credential', { siteId, error: err }));
    this.persist();
  }

  private persist(): void {
    this.options.repository.save(this.all().filter((site) => !this.transient.has(site.config.id)).map((site) => site.config));
  }

  private persistSafely(): void {
    try {
      this.persist();
    } catch (err) {
      this.options.log.warn('could not write the sites file without the credentials of its addresses', { error: err });
    }
  }
}
