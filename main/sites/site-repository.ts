/** The configured sites, without secrets: <data>/sites.json, versioned and written atomically. */
import { z } from 'zod';
import { siteConfigSchema, type SiteConfig } from '../../preload/contract/index.js';
import { JsonFile, type LoadOutcome } from '../persistence/json-file.js';

export const SITES_VERSION = 1;
const sitesSchema = z.array(siteConfigSchema);

export class SiteRepository {
  private readonly file: JsonFile<SiteConfig[]>;
  constructor(path: string) {
    this.file = new JsonFile(path, sitesSchema, SITES_VERSION, () => []);
  }
  load(): LoadOutcome<SiteConfig[]> {
    return this.file.load();
  }
  save(sites: SiteConfig[]): void {
    this.file.save(sites);
  }
}
