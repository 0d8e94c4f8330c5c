// An AdapterContext for making an adapter without talking to anything: constructors only keep it.
import type { SiteConfig, SiteKind } from '../../../preload/contract/index.js';
import type { AdapterContext } from '../../../main/vms/adapter.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { memoryLogger } from '../../support/memory-logger.js';

export function adapterContext(kind: SiteKind, site: Partial<SiteConfig> = {}): AdapterContext {
  const config: SiteConfig = { id: 'depot', name: 'Depot', kind, url: 'http://127.0.0.1:9', username: 'op', ...site };
  return { site: config, http: new HttpClient({ baseUrl: config.url || 'http://127.0.0.1:9', siteName: config.name }), log: memoryLogger(), now: () => 0 };
}
