// exacqVision server exports against the simulator over real HTTP: export.web formats → create →
// progress → download → finish, the file probed with ffprobe and the export gone from the server
// afterwards; finish also after a stall and after an abort; a refused range; and a hand-written
// server for malformed answers (finish still called).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import type { HttpRequest, HttpResponse } from '../../../main/net/http-client.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { ExacqClient } from '../../../main/vms/exacq/client.js';
import { createExacqAdapterFactory } from '../../../main/vms/exacq/adapter.js';
import { ExacqServerExport } from '../../../main/vms/exacq/server-export.js';
import { isExportStalled } from '../../../main/vms/export-wait.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { expectClean, failure, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { downloadAll, firstAndLastFrame, probe, progressLog, twoMinutesOf } from './server-export-helpers.js';

type ExacqSite = SiteDescription & { cameraIds: number[] };

let sim: SimulatorHandle;
let site: ExacqSite;
let scratch: string;
const admin = simAdmin(() => sim.adminUrl);

/** Remembers the export ids the adapter asked about, so the test can look at them on the server. */
class ExportIdsHttp extends SpyHttp {
  readonly exportIds = new Set<string>();
  override request(req: HttpRequest): Promise<HttpResponse> {
    if (typeof req.query?.export === 'string') this.exportIds.add(req.query.export);
    return super.request(req);
  }
}

async function signedIn(exportTiming?: { stallMs: number }) {
  const config: SiteConfig = { id: 'depot', name: 'Depot exacq', kind: 'exacq', url: site.url, username: site.username };
  const http = new ExportIdsHttp({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }, secretWires.exacq);
  const log = memoryLogger();
  const adapter = createExacqAdapterFactory(exportTiming ? { exportTiming } : {}).create({ site: config, http, log, now: () => sim.context.now() });
  await adapter.signIn({ username: site.username, password: site.password });
  await adapter.listCameras();
  return { adapter, http, log };
}

/** What the simulator answers about an export now: 404 once it is finished. */
async function exportStatus(id: string): Promise<number> {
  return (await fetch(`${site.url.replace(/\/+$/, '')}/v1/export.web?export=${id}`)).status;
}

beforeAll(async () => {
  sim = await startTestSimulator([exacqModule], { cameras: 4, rtsp: false });
  site = sim.sites.exacq as ExacqSite;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-exacq-export-'));
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { stallExports: false });
});

describe('exacqVision server export', () => {
  it('says exportPath "server" with a 10-minute range per export', async () => {
    const { adapter } = await signedIn();
    expect(adapter.capabilities.exportPath).toBe('server');
    expect(adapter.serverExport?.maxRangeMs).toBe(10 * 60_000);
  });

  it('create → progress → download → finish: H.264, 2 min within one GOP, and the export is gone afterwards', async () => {
    const { adapter, http } = await signedIn();
    const { fromMs, toMs, gopS, frameMs } = twoMinutesOf(sim.context.media, 0, sim.context.now());
    const progress = progressLog();
    const file = await adapter.serverExport!.prepare(String(site.cameraIds[0]), fromMs, toMs, { signal: AbortSignal.timeout(120_000), onProgress: progress.onProgress });
    expect(file).toMatchObject({ format: 'mp4', headers: {}, resumable: false });
    const exportId = new URL(file.url).searchParams.get('export')!;
    expect(new URL(file.url).searchParams.has('s')).toBe(false);

    const steps = progress.steps.map((s) => s.step);
    expect(steps[0]).toBe('Asking exacqVision for the clip');
    expect(steps.at(-1)).toBe('exacqVision has the clip ready');
    const percents = steps.filter((s) => s.startsWith('exacqVision is preparing the clip (')).map((s) => Number(/\((\d+) %\)/.exec(s)![1]));
    expect(percents.length).toBeGreaterThan(1);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const fractions = progress.steps.map((s) => s.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const [path] = await downloadAll(file, scratch, 'exacq');
    const probed = await probe(path!);
    expect(probed.videoCodec).toBe('h264');
    expect(Math.abs(probed.durationS - 120)).toBeLessThanOrEqual(gopS + 0.2);
    // Never late, at most one GOP early, and up to the end (the simulator's timecode in each frame).
    const frames = await firstAndLastFrame(path!);
    expect(frames.firstMs).toBeLessThanOrEqual(fromMs);
    expect(frames.firstMs).toBeGreaterThanOrEqual(fromMs - gopS * 1000);
    expect(frames.lastMs).toBeGreaterThanOrEqual(toMs - frameMs - 1);

    expect(await exportStatus(exportId)).toBe(200);
    await file.finish();
    expect(await exportStatus(exportId)).toBe(404);
    await file.finish(); // a second finish is harmless
    expect([...http.exportIds]).toEqual([exportId]);
  }, 180_000);

  it('a stalled export is reported as stalled and finished on the server', async () => {
    const { adapter, http } = await signedIn({ stallMs: 1500 });
    await admin('/faults', { stallExports: true });
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 1, sim.context.now());
    const err = await failure(adapter.serverExport!.prepare(String(site.cameraIds[1]), fromMs, toMs, { signal: AbortSignal.timeout(60_000), onProgress: () => undefined }));
    expect(isExportStalled(err)).toBe(true);
    expect(err.error.message).toMatch(/^Depot exacq: exacqVision made no progress on the clip for \d+ s at 0 %; Tessera gave up on this attempt\.$/);
    expectClean(err, http);
    const [exportId] = [...http.exportIds];
    expect(exportId).toBeDefined();
    expect(await exportStatus(exportId!)).toBe(404);
  }, 60_000);

  it('aborting while the export is made finishes it on the server and rejects with the abort', async () => {
    const { adapter, http } = await signedIn();
    await admin('/faults', { stallExports: true });
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 2, sim.context.now());
    const controller = new AbortController();
    const pending = adapter.serverExport!.prepare(String(site.cameraIds[2]), fromMs, toMs, { signal: controller.signal, onProgress: () => undefined });
    const exportId = await waitUntil('the export to be created', 30_000, () => [...http.exportIds][0]);
    controller.abort(new Error('operator cancelled'));
    await expect(pending).rejects.toThrow('operator cancelled');
    expect(await exportStatus(exportId)).toBe(404);
  }, 60_000);

  it('a range with nothing recorded is "no-recording" in the server\'s words', async () => {
    const { adapter } = await signedIn();
    const before = sim.context.media.historyStartMs - 3600_000;
    const err = await failure(adapter.serverExport!.prepare(String(site.cameraIds[0]), before, before + 60_000, { signal: AbortSignal.timeout(30_000), onProgress: () => undefined }));
    expect(err.error).toMatchObject({ code: 'no-recording', message: `Depot exacq: exacqVision refused the export of camera ${site.cameraIds[0]} (no video in the requested range).` });
  });
});

describe('exacqVision server export against a hand-written server', () => {
  let server: Server;
  let base: string;
  let status: (res: ServerResponse) => void;
  let formats = ['mp4', 'ps_zip'];
  let createDelayMs = 0;
  const finished: string[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const q = url.searchParams;
      res.setHeader('content-type', 'application/json');
      if (q.get('action') === 'finish') {
        finished.push(q.get('export')!);
        res.end('{"success":true}');
      } else if (q.has('export')) status(res);
      else if (q.has('camera')) setTimeout(() => res.end('{"success":true,"export_id":"e-1"}'), createDelayMs);
      else res.end(JSON.stringify({ success: true, formats }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function exporter(): ExacqServerExport {
    const http = new HttpClient({ baseUrl: base, siteName: 'Odd exacq', timeoutMs: 5000 });
    return new ExacqServerExport({
      client: new ExacqClient(http),
      site: 'Odd exacq',
      log: memoryLogger(),
      session: () => 'sess',
      timezone: async () => 0,
      nameOf: (id) => id,
      now: () => Date.UTC(2026, 0, 2),
      timing: { firstPollMs: 10, stallMs: 5000 },
    });
  }
  const from = Date.UTC(2026, 0, 1);
  const run = () => exporter().prepare('7', from, from + 120_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });

  it('a progress that is not a number is a bad-response naming the field, and the export is finished', async () => {
    finished.length = 0;
    status = (res) => res.end('{"success":true,"progress":"lots"}');
    const err = await failure(run());
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(/^Odd exacq: the export progress \(export\.web\) is not in the expected shape \(progress: /);
    expect(finished).toEqual(['e-1']);
  });

  it('a failed export is said in the server\'s words, and finished', async () => {
    finished.length = 0;
    status = (res) => res.end('{"success":false,"progress":12,"error":"disk\\nfull on archiver"}');
    const err = await failure(run());
    expect(err.error).toMatchObject({ code: 'bad-response', message: 'Odd exacq: exacqVision could not make the export of camera 7 (disk full on archiver).' });
    expect(finished).toEqual(['e-1']);
  });

  it('a cancel while the export is being created still finishes it, once its id is known', async () => {
    finished.length = 0;
    createDelayMs = 300;
    status = (res) => res.end('{"success":true,"progress":1}');
    const controller = new AbortController();
    const pending = exporter().prepare('7', from, from + 120_000, { signal: controller.signal, onProgress: () => undefined });
    setTimeout(() => controller.abort(new Error('operator cancelled')), 100);
    await expect(pending).rejects.toThrow('operator cancelled');
    createDelayMs = 0;
    expect(finished).toEqual(['e-1']);
  });

  it('a server without MP4 exports says which formats it has', async () => {
    formats = ['ps_zip'];
    const err = await failure(run());
    formats = ['mp4', 'ps_zip'];
    expect(err.error).toMatchObject({ code: 'unsupported', message: 'Odd exacq: this exacqVision server does not export MP4 (it offers ps_zip).' });
  });
});
