// The SiteService's session rules with a scripted adapter (the wire is tested per adapter
// against the simulator): re-login once on expiry, "needs sign-in" when that fails, two-factor,
// and no secret in anything that leaves the service.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../preload/contract/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import type { AdapterFactory, Credentials, VmsAdapter } from '../../../main/vms/adapter.js';
import { capabilitiesOf } from '../../../main/vms/capabilities.js';
import { sessionExpired, wrongCredentials } from '../../../main/vms/session-errors.js';
import { memoryLogger } from '../../support/memory-logger.js';

const capabilities = capabilitiesOf({ liveFormats: ['rtsp'], ptz: false, signIn: 'password' }, { kind: 'exacq' });

/** A VMS in a box: one valid password, an optional two-factor step, a session that can expire. */
class ScriptedVms {
  password = 'right';
  twoFactor = false;
  sessionValid = false;
  signIns = 0;
  sentCode = false;
  adapter(): VmsAdapter {
    return {
      kind: 'exacq',
      capabilities,
      signIn: async (c: Credentials) => {
        this.signIns += 1;
        if (c.password !== this.password) throw wrongCredentials('Depot');
        if (this.twoFactor) return { kind: 'two-factor', channels: ['sms', 'email'] };
        this.sessionValid = true;
        return { kind: 'signed-in' };
      },
      chooseTwoFactor: async () => void (this.sentCode = true),
      verifyTwoFactor: async (code) => {
        if (code !== '1234') throw new AppFailure('two-factor-required', 'Depot: the two-factor code was not accepted.');
        this.sessionValid = true;
      },
      signOut: async () => void (this.sessionValid = false),
      listCameras: async () => {
        if (!this.sessionValid) throw sessionExpired('Depot', 'HTTP 401');
        return [{ id: '7', name: 'Dock', state: 'online', recording: true, groups: ['Yard'], profiles: [{ name: 'main' }] }];
      },
      still: async () => {
        if (!this.sessionValid) throw sessionExpired('Depot', 'HTTP 401');
        return { jpeg: Buffer.from([0xff, 0xd8]), timestampMs: 5 };
      },
      dispose: async () => undefined,
    };
  }
}

function setup() {
  const vms = new ScriptedVms();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sites-'));
  const factory: AdapterFactory = { kind: 'exacq', create: () => vms.adapter() };
  const log = memoryLogger();
  const service = new SiteService({ repository: new SiteRepository(join(dir, 'sites.json')), credentials: sessionOnlyStore(), log, refreshMs: 0, factoryFor: () => factory });
  const events: string[] = [];
  service.onSitesChanged((sites) => events.push(JSON.stringify(sites)));
  return { vms, service, dir, log, events };
}

const add = { name: 'Depot', kind: 'exacq' as const, url: 'http://127.0.0.1:9', username: 'op', savePassword: true };

describe('SiteService', () => {
  it('adds a site, signs in, lists its cameras with global ids, and stores no secret in the sites file', async () => {
    const { service, dir, events } = setup();
    const state = await service.add({ ...add, password: 'right' });
    expect(state).toMatchObject({ name: 'Depot', status: 'signed-in', cameraCount: 1, credentialSaved: true });
    expect(service.cameras()).toEqual([expect.objectContaining({ id: `${state.id}/7`, siteName: 'Depot', name: 'Dock', groups: ['Yard'] })]);
    expect(readFileSync(join(dir, 'sites.json'), 'utf8')).not.toContain('right');
    expect(events.join('')).not.toContain('right');
  });

  it('refuses a wrong password with needs-sign-in and the reason in words', async () => {
    const { service } = setup();
    await expect(service.add({ ...add, password: 'wrong' })).rejects.toThrow(/not accepted/);
    expect(service.list()[0]).toMatchObject({ status: 'needs-sign-in', lastError: { code: 'unauthorized', message: 'Depot: the user name or password was not accepted.' } });
    expect(service.cameras()).toEqual([]);
  });

  it('signs in again once when the session expires mid-use, then retries the call', async () => {
    const { vms, service } = setup();
    const site = await service.add({ ...add, password: 'right' });
    vms.sessionValid = false;
    const before = vms.signIns;
    expect((await service.withCamera(`${site.id}/7`, (adapter, id) => adapter.still(id))).timestampMs).toBe(5);
    expect(vms.signIns).toBe(before + 1);
  });

  it('shows "sign in again" when the re-login fails, without looping', async () => {
    const { vms, service } = setup();
    const site = await service.add({ ...add, password: 'right' });
    vms.sessionValid = false;
    vms.password = 'changed-on-server';
    const before = vms.signIns;
    await expect(service.withCamera(`${site.id}/7`, (adapter, id) => adapter.still(id))).rejects.toThrow(/signing in again failed .* Sign in again\./);
    expect(vms.signIns).toBe(before + 1);
    expect(service.list()[0]!.status).toBe('needs-sign-in');
    await expect(service.withCamera(`${site.id}/7`, (adapter, id) => adapter.still(id))).rejects.toThrow(/no camera|not signed in/);
    expect(vms.signIns).toBe(before + 1);
  });

  it('walks the two-factor steps and keeps waiting after a wrong code', async () => {
    const { vms, service } = setup();
    vms.twoFactor = true;
    const site = await service.add({ ...add, password: 'right' });
    expect(site).toMatchObject({ status: 'two-factor', twoFactor: { channels: ['sms', 'email'], codeSent: false } });
    expect((await service.chooseTwoFactor(site.id, 'sms')).twoFactor?.codeSent).toBe(true);
    await expect(service.verifyTwoFactor(site.id, '9999')).rejects.toThrow(/not accepted/);
    expect(service.list()[0]!.status).toBe('two-factor');
    expect(await service.verifyTwoFactor(site.id, '1234')).toMatchObject({ status: 'signed-in', cameraCount: 1 });
  });

  it('refuses a duplicate name and unknown ids with specific errors', async () => {
    const { service } = setup();
    await service.add({ ...add, password: 'right' });
    await expect(service.add({ ...add, password: 'right' })).rejects.toMatchObject({ error: { code: 'conflict' } });
    await expect(service.signIn({ siteId: 'nope' })).rejects.toMatchObject({ error: { code: 'not-found' } });
    await expect(service.withCamera('nope/1', (adapter, id) => adapter.still(id))).rejects.toMatchObject({ error: { code: 'not-found' } });
  });

  it('remembers sites across restarts and signs out on remove', async () => {
    const { vms, service, dir } = setup();
    const site = await service.add({ ...add, password: 'right' });
    const again = new SiteService({ repository: new SiteRepository(join(dir, 'sites.json')), credentials: sessionOnlyStore(), log: memoryLogger(), refreshMs: 0, factoryFor: () => ({ kind: 'exacq', create: () => vms.adapter() }) });
    expect(again.list()).toEqual([expect.objectContaining({ id: site.id, name: 'Depot', status: 'signed-out' })]);
    await service.remove(site.id);
    expect(vms.sessionValid).toBe(false);
    expect(service.list()).toEqual([]);
  });
});
