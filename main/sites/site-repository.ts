/**
 * The configured sites, without secrets: <data>/sites.json, versioned and written atomically.
 * A stored site must be one Tessera can open: a schema-valid entry whose address does not parse
 * would fail when its adapter is built, so that check is part of the stored shape, and a file
 * with such entries starts with the others (see JsonFile).
 */
import { z } from 'zod';
import { siteConfigSchema, type LoadProblem, type SiteConfig } from '../../preload/contract/index.js';
import { JsonFile, type LoadOutcome } from '../persistence/json-file.js';
import { salvageEntries } from '../persistence/salvage.js';

export const SITES_VERSION = 1;

/** Why the site's address cannot be used, or undefined. RTSP sites carry their cameras' URLs instead. */
export function siteAddressProblem(config: Pick<SiteConfig, 'kind' | 'url'>): string | undefined {
  if (config.kind === 'rtsp') return undefined;
  const shown = `“${shorten(config.url)}”`;
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return `address ${shown} is not a URL`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `address ${shown} is not an http:// or https:// address`;
}

/** For the operator's eyes: at most 80 characters, and never a password written into the address. */
function shorten(url: string): string {
  const hidden = url.replace(/\/\/[^/@]*@/, '//…@');
  return hidden.length > 80 ? `${hidden.slice(0, 79)}…` : hidden;
}

export const storedSiteSchema = siteConfigSchema.superRefine((config, ctx) => {
  const problem = siteAddressProblem(config);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [] });
});
const sitesSchema = z.array(storedSiteSchema);

function describeSites(sites: SiteConfig[], partial: boolean): string {
  const count = `${sites.length} site${sites.length === 1 ? '' : 's'}`;
  if (!partial || sites.length === 0) return 'no sites';
  return `the other ${count}`;
}

export class SiteRepository {
  private readonly file: JsonFile<SiteConfig[]>;
  constructor(path: string, now?: () => number) {
    this.file = new JsonFile(path, sitesSchema, SITES_VERSION, () => [], {}, {
      salvage: salvageEntries(storedSiteSchema),
      describe: describeSites,
      ...(now ? { now } : {}),
    });
  }
  load(): LoadOutcome<SiteConfig[]> {
    return this.file.load();
  }
  /** Sites the service could not open: the file is kept aside and `kept` becomes sites.json. */
  setAsideKeeping(problems: string[], kept: SiteConfig[]): LoadProblem {
    return this.file.setAsideKeeping(problems, kept);
  }
  save(sites: SiteConfig[]): void {
    this.file.save(sites);
  }
}
