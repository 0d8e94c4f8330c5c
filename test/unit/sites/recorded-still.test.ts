// cameras:still keeps live and recorded stills apart: a live still never asks the recorded part,
// a recorded one goes to it (in the site's session), and a site without one says 'unsupported'
// before any request reaches the VMS.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { sitesHandlers } from '../../../main/ipc/handlers/sites-handlers.js';
import { StillCache } from '../../../main/media/still-cache.js';
import type { RecordedMedia, VmsAdapter } from '../../../main/vms/adapter.js';
import { capabilitiesOf } from '../../../main/vms/capabilities.js';
import { failure } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';

function setup(withRecorded: boolean) {
  const asked: string[] = [];
  const recorded: RecordedMedia = {
    still: async (cameraId, atMs, width) => {
      asked.push(`recorded ${cameraId} ${atMs} ${width}`);
      return { jpeg: Buffer.from([0xff, 0xd8]), timestampMs: atMs - 400 };
    },
  };
  const parts = withRecorded ? { recorded } : {};
  const adapter: VmsAdapter = {
    kind: 'exacq',
    capabilities: capabilitiesOf({ liveFormats: ['h264'], ptz: false, signIn: 'password' }, { kind: 'exacq', ...parts }),
    ...parts,
    signIn: async () => ({ kind: 'signed-in' }),
    signOut: async () => undefined,
    listCameras: async () => [{ id: '7', name: 'Dock', state: 'online', recording: true, groups: [], profiles: [{ name: 'main' }] }],
    still: async (cameraId, width) => {
      asked.push(`live ${cameraId} ${width}`);
      return { jpeg: Buffer.from([0xff, 0xd8]), timestampMs: 5 };
    },
    dispose: async () => undefined,
  };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sites-'));
  const service = new SiteService({
    repository: new SiteRepository(join(dir, 'sites.json')),
    credentials: sessionOnlyStore(),
    log: memoryLogger(),
    refreshMs: 0,
    factoryFor: () => ({ kind: 'exacq', create: () => adapter }),
  });
  const handler = sitesHandlers(service, new StillCache({ fetch: (cameraId, width) => service.withCamera(cameraId, (a, id) => a.still(id, width)) }))['cameras:still'];
  const still = (cameraId: string, options: { atMs?: number; width?: number }) => handler({ cameraId, ...options }, { trusted: true, caller: 'test' }) as Promise<{ timestampMs: number }>;
  return { service, asked, still };
}

const add = { name: 'Depot', kind: 'exacq' as const, url: 'http://127.0.0.1:9', username: 'op', password: 'pw', savePassword: false };

describe('cameras:still', () => {
  it('asks the live still for now and the recorded part for a time', async () => {
    const { service, asked, still } = setup(true);
    const site = await service.add(add);
    expect(site.capabilities.recorded).toBe(true);
    expect((await still(`${site.id}/7`, { width: 320 })).timestampMs).toBe(5);
    expect((await still(`${site.id}/7`, { atMs: 10_000, width: 640 })).timestampMs).toBe(9_600);
    expect(asked).toEqual(['live 7 320', 'recorded 7 10000 640']);
  });

  it('a site without recordings says so and asks nothing', async () => {
    const { service, asked, still } = setup(false);
    const site = await service.add(add);
    expect(site.capabilities.recorded).toBe(false);
    const err = await failure(still(`${site.id}/7`, { atMs: 10_000 }));
    expect(err.error).toMatchObject({ code: 'not-recorded', message: 'Depot: this site has no recordings Tessera can show (exacqVision Web Service).' });
    expect(asked).toEqual([]);
  });
});
