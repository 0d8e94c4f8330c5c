// Eagle Eye v1 server exports against the simulator over real HTTP: the MP4 form of /asset/play
// polled 201 → 202 → 200, downloaded once with the URL and headers prepare() returns, probed with
// ffprobe; a transcode that never finishes reported as stalled; an abort; and hand-written
// servers for a malformed answer and for a 200 whose body must not be read twice.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { createEagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { EenV1Client } from '../../../main/vms/eagle-eye-v1/client.js';
import { toEenTimestamp } from '../../../main/vms/eagle-eye-v1/mapper.js';
import { EenV1ServerExport } from '../../../main/vms/eagle-eye-v1/server-export.js';
import { isExportStalled } from '../../../main/vms/export-wait.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { downloadAll, firstAndLastFrame, probe, progressLog, twoMinutesOf } from './server-export-helpers.js';

let sim: SimulatorHandle;
let site: SiteDescription;
let scratch: string;
const admin = simAdmin(() => sim.adminUrl);

async function signedIn(exportTiming?: { stallMs: number }) {
  const config: SiteConfig = { id: 'hq', name: 'HQ Eagle Eye', kind: 'eagleeye-v1', url: site.url, username: site.username };
  const http = new SpyHttp({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }, secretWires['eagleeye-v1']);
  const adapter = createEagleEyeV1AdapterFactory(exportTiming ? { exportTiming } : {}).create({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn({ username: site.username, password: site.password });
  await adapter.listCameras();
  return { adapter, http };
}

beforeAll(async () => {
  sim = await startTestSimulator([eagleEyeV1Module], { cameras: 4, rtsp: false });
  site = sim.sites['eagleeye-v1'] as SiteDescription;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-een1-export-'));
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { slowTranscodeFactor: 1 });
});

describe('Eagle Eye v1 server export', () => {
  it('says exportPath "server", and one export covers at most the 5-minute clip limit', async () => {
    const { adapter } = await signedIn();
    expect(adapter.capabilities.exportPath).toBe('server');
    expect(adapter.serverExport?.maxRangeMs).toBe(5 * 60_000);
    const now = sim.context.now();
    const err = await failure(adapter.serverExport!.prepare('x', now - 6 * 60_000, now - 1000, { signal: new AbortController().signal, onProgress: () => undefined }));
    expect(err.error).toMatchObject({ code: 'bad-request', message: 'HQ Eagle Eye: one export from this site covers at most 5 min; the range must be split.' });
  });

  it('prepares 2 minutes (201 → 202 → 200), and the file downloads once: H.264, 2 min within one GOP', async () => {
    const { adapter } = await signedIn();
    const camera = sim.context.media.cameras[0]!;
    const { fromMs, toMs, gopS, frameMs } = twoMinutesOf(sim.context.media, 0, sim.context.now());
    const progress = progressLog();
    const file = await adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: AbortSignal.timeout(120_000), onProgress: progress.onProgress });
    expect(file).toMatchObject({ format: 'mp4', headers: { cookie: expect.stringMatching(/^auth_key=/) } });
    expect(file.url).not.toContain('auth_key');
    expect(file.sizeBytes).toBeGreaterThan(100_000);
    // The clip is asked from the start of its video plus time_offset, as the seed requires.
    const url = new URL(file.url);
    expect(Number(url.searchParams.get('time_offset'))).toBe(30_000);
    expect(url.searchParams.get('end_timestamp')).toBe(toEenTimestamp(toMs));
    expect(progress.steps.map((s) => s.step)).toEqual(['Looking up the recording on Eagle Eye', 'Eagle Eye is preparing the clip', 'Eagle Eye has the clip ready']);
    expect(progress.steps.at(-1)!.fraction).toBe(1);

    const [path] = await downloadAll(file, scratch, 'een1');
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

  it('a transcode that never finishes is reported as stalled, in words, and may be retried', async () => {
    const { adapter, http } = await signedIn({ stallMs: 1500 });
    await admin('/faults', { slowTranscodeFactor: 10_000 });
    const camera = sim.context.media.cameras[1]!;
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 1, sim.context.now());
    const err = await failure(adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: AbortSignal.timeout(60_000), onProgress: () => undefined }));
    expect(isExportStalled(err)).toBe(true);
    expect(err.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(err.error.message).toMatch(/^HQ Eagle Eye: Eagle Eye made no progress on the clip for \d+ s; Tessera gave up on this attempt\.$/);
    expectClean(err, http);
  }, 60_000);

  it('aborting while the clip is prepared rejects with the abort at once', async () => {
    const { adapter } = await signedIn();
    await admin('/faults', { slowTranscodeFactor: 10_000 });
    const camera = sim.context.media.cameras[2]!;
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 2, sim.context.now());
    const controller = new AbortController();
    const progress = progressLog();
    const pending = adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: controller.signal, onProgress: progress.onProgress });
    await waitUntil('the transcode to be waited on', 30_000, () => (progress.steps.some((s) => s.step === 'Eagle Eye is preparing the clip') ? true : undefined));
    const abortedAt = Date.now();
    controller.abort(new Error('operator cancelled'));
    await expect(pending).rejects.toThrow('operator cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  }, 60_000);

  it('a range with no recording is "no-recording", naming the camera', async () => {
    const { adapter } = await signedIn();
    const camera = sim.context.media.cameras[0]!;
    const beforeHistory = sim.context.media.historyStartMs - 3600_000;
    const err = await failure(adapter.serverExport!.prepare(camera.esn, beforeHistory, beforeHistory + 60_000, { signal: AbortSignal.timeout(30_000), onProgress: () => undefined }));
    expect(err.error.code).toBe('no-recording');
    expect(err.error.message).toContain(`camera "${camera.name}" has no recording between`);
  });
});

describe('Eagle Eye v1 server export against hand-written servers', () => {
  let server: Server;
  let base: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  let playRequests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/asset/list/video') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ s: '20260101000000.000', e: '20260101000500.000', id: 1 }]));
        return;
      }
      playRequests += 1;
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function exporter(): EenV1ServerExport {
    const http = new HttpClient({ baseUrl: base, siteName: 'Bad EEN', timeoutMs: 5000 });
    http.setCookie('auth_key', 'c001~secret');
    return new EenV1ServerExport({ client: new EenV1Client(http), site: 'Bad EEN', nameOf: (id) => id, now: () => Date.UTC(2026, 0, 2), timing: { firstPollMs: 10, stallMs: 5000 } });
  }
  const from = Date.UTC(2026, 0, 1, 0, 1);

  it('a 202 whose body is not JSON is a bad-response saying so', async () => {
    answer = (_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"id": "7f3');
    };
    const err = await failure(exporter().prepare('1000abcd', from, from + 120_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined }));
    expect(err.error).toMatchObject({ code: 'bad-response', message: 'Bad EEN: expected the answer about the MP4 clip of camera 1000abcd (HTTP 202) but got malformed or truncated JSON.' });
  });

  it('a 200 web page instead of the MP4 is a bad-response naming it', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Maintenance</body></html>');
    };
    const err = await failure(exporter().prepare('1000abcd', from, from + 120_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined }));
    expect(err.error).toMatchObject({ code: 'bad-response', message: 'Bad EEN: expected the MP4 clip of camera 1000abcd but got a web page.' });
  });

  it('the 200 that is the file is not read: prepare resolves while its body is still being sent', async () => {
    playRequests = 0;
    const held: ServerResponse[] = [];
    answer = (_req, res) => {
      if (playRequests === 1) {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"id":"job-1"}');
        return;
      }
      // 64 MB announced, 1 MB sent, the rest never: reading the body would hang until the timeout.
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(64 * 1024 * 1024), 'accept-ranges': 'bytes' });
      res.write(Buffer.alloc(1024 * 1024));
      held.push(res);
    };
    const file = await exporter().prepare('1000abcd', from, from + 120_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });
    expect(file).toMatchObject({ sizeBytes: 64 * 1024 * 1024, resumable: true, headers: { cookie: 'auth_key=c001~secret' } });
    expect(playRequests).toBe(2);
    for (const res of held) res.destroy();
  });
});
