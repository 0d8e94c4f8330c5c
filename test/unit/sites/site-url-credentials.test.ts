// SiteService with credentials typed inside addresses: taken out on add (user field, password),
// and out of an old sites.json on load (the password moved to the credential store), so neither
// the file nor anything published to windows ever holds them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository, SITES_VERSION } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import type { AdapterFactory, Credentials, VmsAdapter } from '../../../main/vms/adapter.js';
import { capabilitiesOf } from '../../../main/vms/capabilities.js';
import { wrongCredentials } from '../../../main/vms/session-errors.js';
import { memoryLogger } from '../../support/memory-logger.js';

const capabilities = capabilitiesOf({ liveFormats: ['rtsp'], ptz: false, signIn: 'password' }, { kind: 'exacq' });
const secret = 'Tr0ub4dor-3';

function setup(files: { sites?: unknown } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sites-'));
  if (files.sites) writeFileSync(join(dir, 'sites.json'), JSON.stringify(files.sites));
  const signIns: Credentials[] = [];
  const adapter = (): VmsAdapter => ({
    kind: 'exacq',
    capabilities,
    signIn: async (c) => {
      signIns.push(c);
      if (c.username !== 'admin' || c.password !== secret) throw wrongCredentials('Depot');
      return { kind: 'signed-in' };
    },
    signOut: async () => undefined,
    listCameras: async () => [],
    still: async () => ({ jpeg: Buffer.alloc(0), timestampMs: 0 }),
    dispose: async () => undefined,
  });
  const factory: AdapterFactory = { kind: 'exacq', create: adapter };
  const log = memoryLogger();
  const credentials = sessionOnlyStore();
  const service = new SiteService({ repository: new SiteRepository(join(dir, 'sites.json')), credentials, log, refreshMs: 0, factoryFor: () => factory });
  const published: string[] = [];
  service.onSitesChanged((sites) => published.push(JSON.stringify(sites)));
  return { dir, service, log, credentials, signIns, published };
}

describe('SiteService and credentials inside addresses', () => {
  it('sites:add with http://admin:secret@host signs in with them, and neither sites.json nor any published list holds them', async () => {
    const { dir, service, signIns, published } = setup();
    const state = await service.add({ name: 'Depot', kind: 'exacq', url: `http://admin:${secret}@127.0.0.1:9/`, username: '', savePassword: true });
    expect(state).toMatchObject({ status: 'signed-in', url: 'http://127.0.0.1:9/', username: 'admin', credentialSaved: true });
    expect(signIns).toEqual([{ username: 'admin', password: secret }]);
    const everything = [readFileSync(join(dir, 'sites.json'), 'utf8'), ...published, JSON.stringify(service.list())].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/admin@/);
  });

  it('refuses a typed address whose user contradicts the User field, before anything is saved', async () => {
    const { service } = setup();
    await expect(service.add({ name: 'Depot', kind: 'exacq', url: `http://admin:${secret}@127.0.0.1:9/`, username: 'op', savePassword: true })).rejects.toMatchObject({ error: { code: 'bad-request' } });
    expect(service.list()).toEqual([]);
  });

  it('an old sites.json with a password in an address: stripped on load, the password moved to the credential store, the log says so without it', async () => {
    const stored = [{ id: 'dep0t', name: 'Depot', kind: 'exacq', url: `http://admin:${secret}@127.0.0.1:9/`, username: '' }];
    const { dir, service, log, credentials, signIns } = setup({ sites: { version: SITES_VERSION, data: stored } });
    expect(JSON.stringify(service.list())).not.toContain(secret);
    expect(service.list()[0]).toMatchObject({ url: 'http://127.0.0.1:9/', username: 'admin' });
    await service.restoreSessions();
    expect(await credentials.get('dep0t')).toBe(secret);
    expect(signIns).toEqual([{ username: 'admin', password: secret }]);
    expect(service.list()[0]).toMatchObject({ status: 'signed-in', credentialSaved: true });
    expect(readFileSync(join(dir, 'sites.json'), 'utf8')).not.toContain(secret);
    expect(log.lines.map((l) => l.message)).toContain('moved the password from the site’s address to the credential store');
    expect(JSON.stringify(log.lines)).not.toContain(secret);
  });
});
