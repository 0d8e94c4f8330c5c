// The camera catalogue through the SiteService with a scripted adapter: status pushes change the
// list, a push channel that lost its session signs in again once and re-reads, sites without push
// are re-read on a timer, and withCamera hands the adapter the camera's id within its site.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../preload/contract/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import type { AdapterFactory, CameraRecord, StatusChange, VmsAdapter } from '../../../main/vms/adapter.js';
import { sessionExpired } from '../../../main/vms/session-errors.js';
import { capabilitiesOf } from '../../../main/vms/capabilities.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';

const capabilities = capabilitiesOf({ liveFormats: ['rtsp'], ptz: false, signIn: 'password' }, { kind: 'exacq' });

/** One site whose cameras and session the test drives; `push` gives it a status channel. */
class ScriptedSite {
  cameras: CameraRecord[] = [{ id: '1', name: 'Gate', state: 'online', recording: true, groups: [], profiles: [] }];
  sessionValid = false;
  signIns = 0;
  lists = 0;
  watching = 0;
  onChange?: (changes: StatusChange[]) => void;
  onLost?: () => void;
  constructor(private readonly push: boolean) {}
  adapter(): VmsAdapter {
    const adapter: VmsAdapter = {
      kind: 'exacq',
      capabilities,
      signIn: async () => {
        this.signIns += 1;
        this.sessionValid = true;
        return { kind: 'signed-in' };
      },
      signOut: async () => void (this.sessionValid = false),
      listCameras: async () => {
        this.lists += 1;
        if (!this.sessionValid) throw sessionExpired('Yard', 'HTTP 401');
        return this.cameras.map((c) => ({ ...c }));
      },
      still: async (cameraId) => ({ jpeg: Buffer.from(cameraId), timestampMs: 1 }),
      dispose: async () => undefined,
    };
    if (this.push) {
      adapter.watchStatus = (onChange, onLost) => {
        this.watching += 1;
        this.onChange = onChange;
        this.onLost = onLost;
        return () => void (this.watching -= 1);
      };
    }
    return adapter;
  }
}

function setup(push: boolean, refreshMs = 0) {
  const vms = new ScriptedSite(push);
  const factory: AdapterFactory = { kind: 'exacq', create: () => vms.adapter() };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cameras-'));
  const service = new SiteService({ repository: new SiteRepository(join(dir, 'sites.json')), credentials: sessionOnlyStore(), log: memoryLogger(), refreshMs, factoryFor: () => factory });
  const announced: Camera[][] = [];
  service.onCamerasChanged((cameras) => announced.push(cameras));
  return { vms, service, announced };
}

const add = { name: 'Yard', kind: 'exacq' as const, url: 'http://127.0.0.1:9', username: 'op', password: 'pw', savePassword: false };

describe('camera catalogue', () => {
  it('applies status pushes to the listed cameras and announces them', async () => {
    const { vms, service, announced } = setup(true);
    const site = await service.add(add);
    expect(vms.watching).toBe(1);
    vms.onChange!([{ id: '1', state: 'offline', recording: false, stateDetail: 'no signal' }]);
    expect(service.cameras()).toEqual([expect.objectContaining({ id: `${site.id}/1`, state: 'offline', recording: false, stateDetail: 'no signal' })]);
    expect(announced.at(-1)).toEqual(service.cameras());
    vms.onChange!([{ id: '1', state: 'online', recording: true }]);
    expect(service.cameras()[0]).not.toHaveProperty('stateDetail');
  });

  it('signs in again once and re-reads the list when the push channel lost its session', async () => {
    const { vms, service } = setup(true);
    await service.add(add);
    vms.sessionValid = false;
    vms.cameras.push({ id: '2', name: 'Dock', state: 'online', recording: false, groups: [], profiles: [] });
    vms.onLost!();
    await waitUntil('the re-read list', 2000, () => (service.cameras().length === 2 ? true : undefined));
    expect(vms.signIns).toBe(2);
  });

  it('stops following on sign-out and forgets the cameras', async () => {
    const { vms, service } = setup(true);
    const site = await service.add(add);
    await service.signOut(site.id);
    expect(vms.watching).toBe(0);
    expect(service.cameras()).toEqual([]);
    expect(service.list()[0]).toMatchObject({ status: 'signed-out', cameraCount: 0 });
  });

  it('re-reads the cameras of a site without push on a timer, and not those of a site with push', async () => {
    const polled = setup(false, 20);
    const pushed = setup(true, 20);
    try {
      await polled.service.add(add);
      await pushed.service.add(add);
      polled.vms.cameras[0]!.state = 'offline';
      await waitUntil('the polled camera offline', 2000, () => (polled.service.cameras()[0]?.state === 'offline' ? true : undefined));
      expect(polled.vms.lists).toBeGreaterThan(1);
      expect(pushed.vms.lists).toBe(1);
    } finally {
      await polled.service.dispose();
      await pushed.service.dispose();
    }
  });
});

describe('SiteService.withCamera', () => {
  it("hands the adapter the camera's id within its site and the site's config", async () => {
    const { service } = setup(false);
    const site = await service.add(add);
    const seen = await service.withCamera(`${site.id}/1`, async (adapter, id, config) => ({ id, name: config.name, still: (await adapter.still(id)).jpeg.toString() }));
    expect(seen).toEqual({ id: '1', name: 'Yard', still: '1' });
  });

  it('refuses a camera its site does not list, and one of a site that is not signed in', async () => {
    const { service } = setup(false);
    const site = await service.add(add);
    let called = 0;
    const call = async () => void (called += 1);
    await expect(service.withCamera(`${site.id}/9`, call)).rejects.toMatchObject({ error: { code: 'not-found' } });
    await expect(service.withCamera('1', call)).rejects.toMatchObject({ error: { code: 'not-found' } });
    await service.signOut(site.id);
    await expect(service.withCamera(`${site.id}/1`, call)).rejects.toMatchObject({ error: { code: 'not-found' } });
    expect(called).toBe(0);
  });
});
