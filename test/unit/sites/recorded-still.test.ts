// Live and recorded stills stay apart: cameras:still is the live still and never asks the recorded
// part; a recorded one is a GET of media/still (main/playback/still-transport.ts) that goes to the
// recorded part in the site's session with the picture's time in x-frame-time, and a site without
// one answers 404 'not-recorded' before any request reaches the VMS.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { sitesHandlers } from '../../../main/ipc/handlers/sites-handlers.js';
import { StillCache } from '../../../main/media/still-cache.js';
import { RecordedStills } from '../../../main/playback/recorded-stills.js';
import { stillResponse } from '../../../main/playback/still-transport.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { capabilitiesOf, recordedMedia } from '../../../main/vms/capabilities.js';
import { recordedParts } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';

function setup(withRecorded: boolean) {
  const asked: string[] = [];
  const recorded = recordedParts({
    still: async (cameraId, atMs, width) => {
      asked.push(`recorded ${cameraId} ${atMs} ${width}`);
      return { jpeg: Buffer.from([0xff, 0xd8]), timestampMs: atMs - 400 };
    },
  });
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
  const still = (cameraId: string, options: { width?: number }) => handler({ cameraId, ...options }, { trusted: true, caller: 'test' }) as Promise<{ timestampMs: number }>;
  const recordedStills = new RecordedStills({ fetch: (cameraId, atMs, width, signal) => service.withCamera(cameraId, (a, id, site) => recordedMedia(a, site.name).still(id, atMs, width, signal)) });
  const recordedStill = (cameraId: string, atMs: number, width?: number) =>
    stillResponse(recordedStills, new URL(`tessera://app/media/still?camera=${encodeURIComponent(cameraId)}&at=${atMs}${width ? `&width=${width}` : ''}`), new AbortController().signal, memoryLogger());
  return { service, asked, still, recordedStill };
}

const add = { name: 'Depot', kind: 'exacq' as const, url: 'http://127.0.0.1:9', username: 'op', password: 'pw', savePassword: false };

describe('live and recorded stills', () => {
  it('cameras:still asks the live still; media/still the recorded part, with the picture’s time', async () => {
    const { service, asked, still, recordedStill } = setup(true);
    const site = await service.add(add);
    expect(site.capabilities.recorded).toBe(true);
    expect((await still(`${site.id}/7`, { width: 320 })).timestampMs).toBe(5);
    const res = await recordedStill(`${site.id}/7`, 10_000, 640);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-frame-time')).toBe('9600');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8]));
    expect(asked).toEqual(['live 7 320', 'recorded 7 10000 640']);
  });

  it('a site without recordings answers not-recorded and asks nothing', async () => {
    const { service, asked, recordedStill } = setup(false);
    const site = await service.add(add);
    expect(site.capabilities.recorded).toBe(false);
    const res = await recordedStill(`${site.id}/7`, 10_000);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-error-code')).toBe('not-recorded');
    expect(await res.text()).toBe('Depot: this site has no recordings Tessera can show (exacqVision Web Service).\n');
    expect(asked).toEqual([]);
  });
});
