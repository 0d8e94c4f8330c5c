/**
 * A site's adapter and the HTTP client it talks through, built the same way for the app's sites
 * (SiteService) and the CLI's one-off site.
 */
import type { SiteConfig } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { AdapterFactory, VmsAdapter } from '../vms/adapter.js';
import { HttpClient } from '../net/http-client.js';
import { adapterFactory } from '../vms/registry.js';

export interface AdapterOptions {
  log: Logger;
  now?: () => number;
  httpTimeoutMs?: number;
  /** Adapter factories by kind (default: the registry); tests script adapters here. */
  factoryFor?: (kind: SiteConfig['kind']) => AdapterFactory;
}

/** The site's adapter over its own HTTP client (RTSP sites have no HTTP address: theirs is never used). Throws for an unusable config. */
export function createAdapter(config: SiteConfig, options: AdapterOptions): VmsAdapter {
  const factory = (options.factoryFor ?? adapterFactory)(config.kind);
  const http = new HttpClient({ baseUrl: config.kind === 'rtsp' ? 'http://127.0.0.1/' : config.url, siteName: config.name, timeoutMs: options.httpTimeoutMs ?? 15_000 });
  return factory.create({ site: config, http, log: options.log.child(`site.${config.kind}`), now: options.now ?? Date.now });
}
