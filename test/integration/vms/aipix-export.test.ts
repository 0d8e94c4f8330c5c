// AIPIX server exports against the simulator over real HTTP: the archive download link of a
// 2-minute range, downloaded with the URL prepare() returns and probed with ffprobe; an abort
// while the link is asked for; and a hand-written server for a malformed link answer.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { AipixAdapter } from '../../../main/vms/aipix/adapter.js';
import { createAipixModule } from '../../../simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { downloadAll, firstAndLastFrame, probe, progressLog, twoMinutesOf } from './server-export-helpers.js';

type AipixSite = SiteDescription & { cameras: { id: number; uuid: string; name: string }[] };

let sim: SimulatorHandle;
let site: AipixSite;
let scratch: string;
const admin = simAdmin(() => sim.adminUrl);

async function signedIn(url = site.url, name = 'Plaza AIPIX') {
  const config: SiteConfig = { id: 'plaza', name, kind: 'aipix', url, username: site.username };
  const http = new SpyHttp({ baseUrl: url, siteName: config.name, timeoutMs: 30_000 }, secretWires.aipix);
  const adapter = new AipixAdapter({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn({ username: site.username, password: site.password });
  return { adapter, http };
}

beforeAll(async () => {
  sim = await startTestSimulator([createAipixModule({ maxSessions: 100 })], { cameras: 4, rtsp: false });
  site = sim.sites.aipix as AipixSite;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-aipix-export-'));
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { latencyMs: 0 });
});

describe('AIPIX server export', () => {
  it('the archive download link of 2 minutes: H.264, 2 min within one GOP; finish has nothing to release', async () => {
    const { adapter } = await signedIn();
    expect(adapter.capabilities.exportPath).toBe('server');
    expect(adapter.serverExport.maxRangeMs).toBe(10 * 60_000);
    const { fromMs, toMs, gopS, frameMs } = twoMinutesOf(sim.context.media, 0, sim.context.now());
    const progress = progressLog();
    const file = await adapter.serverExport.prepare(String(site.cameras[0]!.id), fromMs, toMs, { signal: AbortSignal.timeout(60_000), onProgress: progress.onProgress });
    expect(file).toMatchObject({ format: 'mp4', headers: {}, resumable: false });
    expect(file.url).toMatch(/\/archive\/[0-9a-f-]{36}\/video\.mp4\?token=/);
    expect(progress.steps).toEqual([
      { fraction: 0, step: 'Asking AIPIX for the clip' },
      { fraction: 1, step: 'AIPIX has the clip ready' },
    ]);
    const [path] = await downloadAll(file, scratch, 'aipix');
    const probed = await probe(path!);
    expect(probed.videoCodec).toBe('h264');
    expect(Math.abs(probed.durationS - 120)).toBeLessThanOrEqual(gopS + 0.2);
    // Never late, at most one GOP early, and up to the end (the simulator's timecode in each frame).
    const frames = await firstAndLastFrame(path!);
    expect(frames.firstMs).toBeLessThanOrEqual(fromMs);
    expect(frames.firstMs).toBeGreaterThanOrEqual(fromMs - gopS * 1000);
    expect(frames.lastMs).toBeGreaterThanOrEqual(toMs - frameMs - 1);
    await file.finish();
  }, 180_000);

  it('aborting while the link is asked for rejects with the abort at once', async () => {
    const { adapter } = await signedIn();
    await admin('/faults', { latencyMs: 3000 });
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 1, sim.context.now());
    const controller = new AbortController();
    const pending = adapter.serverExport.prepare(String(site.cameras[1]!.id), fromMs, toMs, { signal: controller.signal, onProgress: () => undefined });
    setTimeout(() => controller.abort(new Error('operator cancelled')), 200);
    const started = Date.now();
    await expect(pending).rejects.toThrow('operator cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an unknown camera is a failure naming the site, with no token in it', async () => {
    const { adapter, http } = await signedIn();
    const now = sim.context.now();
    const err = await failure(adapter.serverExport.prepare('999', now - 120_000, now - 60_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined }));
    expect(err.error.code).toBe('not-found');
    expectClean(err, http);
  });
});

describe('AIPIX server export against a hand-written server', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/token') res.end(JSON.stringify({ user: { id: 1 }, access_token: 'Bearer 1|abc' }));
      else res.end('{"link":"ftp://archive.example/video.mp4"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a link that is not http(s) is a bad-response naming the answer', async () => {
    const { adapter } = await signedIn(base, 'Odd AIPIX');
    const now = sim.context.now();
    const err = await failure(adapter.serverExport.prepare('1', now - 120_000, now - 60_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined }));
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(/^Odd AIPIX: the archive download link is not in the expected shape \(link: /);
  });
});
