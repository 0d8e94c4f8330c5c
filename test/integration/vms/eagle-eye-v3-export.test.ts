// Eagle Eye v3 server exports against the simulator over real HTTP (signed in through the OAuth
// flow, this test playing the browser): POST /exports → GET /jobs/{id} → the file downloaded with
// the Bearer token, probed with ffprobe; the job deleted by finish, after a stall and after an
// abort; and a hand-written server for the how-to notes' spellings ({jobId}, processing/done),
// several files, a file on a foreign host and a malformed job.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure, type SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient, type HttpRequest } from '../../../main/net/http-client.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { createEagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import type { EenV3Client } from '../../../main/vms/eagle-eye-v3/client.js';
import { EenV3ServerExport, jobPhase } from '../../../main/vms/eagle-eye-v3/server-export.js';
import { isExportStalled } from '../../../main/vms/export-wait.js';
import type { z } from 'zod';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { failure, simAdmin } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { downloadAll, firstAndLastFrame, probe, progressLog, twoMinutesOf } from './server-export-helpers.js';

interface V3Site {
  url: string;
  username: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

let sim: SimulatorHandle;
let site: V3Site;
let scratch: string;
const admin = simAdmin(() => sim.adminUrl);

/** An HttpClient that remembers the export job ids it polled, and the Bearer it used. */
class JobIdsHttp extends HttpClient {
  readonly jobIds = new Set<string>();
  bearer = '';
  override request(req: HttpRequest) {
    const m = /^jobs\/([\w-]+)$/.exec(req.path);
    if (m) this.jobIds.add(m[1]!);
    if (req.headers?.authorization?.startsWith('Bearer ')) this.bearer = req.headers.authorization;
    return super.request(req);
  }

  /** What the simulator answers about a job now, asked as the adapter would (404 once deleted). */
  async jobStatus(id: string): Promise<number> {
    return (await fetch(`${site.apiUrl}/api/v3.0/jobs/${id}`, { headers: { authorization: this.bearer } })).status;
  }
}

async function signedIn(exportTiming?: { stallMs: number }): Promise<{ adapter: VmsAdapter; http: JobIdsHttp }> {
  const config: SiteConfig = { id: 'v3x', name: 'Harbour EEN', kind: 'eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId };
  const http = new JobIdsHttp({ baseUrl: config.url, siteName: config.name, timeoutMs: 30_000 });
  const adapter = createEagleEyeV3AdapterFactory(exportTiming ? { exportTiming } : {}).create({ site: config, http, log: memoryLogger(), now: () => sim.context.now() });
  const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
  if (outcome.kind !== 'browser') throw new Error(`expected a browser step, got ${outcome.kind}`);
  await fetch(outcome.authorizationUrl);
  await outcome.completion;
  return { adapter, http };
}

beforeAll(async () => {
  sim = await startTestSimulator([createEagleEyeV3Module()], { cameras: 4, rtsp: false });
  site = sim.sites['eagleeye-v3'] as unknown as V3Site;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-een3-export-'));
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { stallExports: false });
});

describe('Eagle Eye v3 server export', () => {
  it('POST /exports → job → file: H.264, 2 min within one GOP; finish deletes the job', async () => {
    const { adapter, http } = await signedIn();
    expect(adapter.capabilities.exportPath).toBe('server');
    expect(adapter.serverExport!.maxRangeMs).toBe(30 * 60_000);
    const camera = sim.context.media.cameras[0]!;
    const { fromMs, toMs, gopS, frameMs } = twoMinutesOf(sim.context.media, 0, sim.context.now());
    const progress = progressLog();
    const file = await adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: AbortSignal.timeout(120_000), onProgress: progress.onProgress });
    expect(file).toMatchObject({ format: 'mp4', headers: { authorization: expect.stringMatching(/^Bearer \S+/) }, resumable: false });
    expect(file.more).toBeUndefined();
    expect(file.url).toMatch(/\/api\/v3\.0\/downloads\/[\w-]+:download$/);
    expect(file.sizeBytes).toBeGreaterThan(100_000);
    const steps = progress.steps.map((s) => s.step);
    expect(steps[0]).toBe('Asking Eagle Eye for the clip');
    expect(steps).toContain('Eagle Eye has queued the export');
    expect(steps.some((s) => /^Eagle Eye is preparing the clip \(\d+ %\)$/.test(s))).toBe(true);
    expect(steps.at(-1)).toBe('Eagle Eye has the clip ready');

    const [path] = await downloadAll(file, scratch, 'een3');
    const probed = await probe(path!);
    expect(probed.videoCodec).toBe('h264');
    expect(Math.abs(probed.durationS - 120)).toBeLessThanOrEqual(gopS + 0.2);
    // Never late, at most one GOP early, and up to the end (the simulator's timecode in each frame).
    const frames = await firstAndLastFrame(path!);
    expect(frames.firstMs).toBeLessThanOrEqual(fromMs);
    expect(frames.firstMs).toBeGreaterThanOrEqual(fromMs - gopS * 1000);
    expect(frames.lastMs).toBeGreaterThanOrEqual(toMs - frameMs - 1);

    const [jobId] = [...http.jobIds];
    expect(await http.jobStatus(jobId!)).toBe(200);
    await file.finish();
    expect(await http.jobStatus(jobId!)).toBe(404);
  }, 180_000);

  it('a job that stands still is reported as stalled and deleted', async () => {
    const { adapter, http } = await signedIn({ stallMs: 1500 });
    await admin('/faults', { stallExports: true });
    const camera = sim.context.media.cameras[1]!;
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 1, sim.context.now());
    const err = await failure(adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: AbortSignal.timeout(60_000), onProgress: () => undefined }));
    expect(isExportStalled(err)).toBe(true);
    expect(err.error.message).toMatch(/^Harbour EEN: Eagle Eye made no progress on the clip for \d+ s at 0 %; Tessera gave up on this attempt\.$/);
    const [jobId] = [...http.jobIds];
    expect(jobId).toBeDefined();
    expect(await http.jobStatus(jobId!)).toBe(404);
  }, 60_000);

  it('aborting while the job runs deletes it and rejects with the abort', async () => {
    const { adapter, http } = await signedIn();
    await admin('/faults', { stallExports: true });
    const camera = sim.context.media.cameras[2]!;
    const { fromMs, toMs } = twoMinutesOf(sim.context.media, 2, sim.context.now());
    const controller = new AbortController();
    const pending = adapter.serverExport!.prepare(camera.esn, fromMs, toMs, { signal: controller.signal, onProgress: () => undefined });
    const jobId = await waitUntil('the job to be polled', 30_000, () => [...http.jobIds][0]);
    controller.abort(new Error('operator cancelled'));
    await expect(pending).rejects.toThrow('operator cancelled');
    expect(await http.jobStatus(jobId)).toBe(404);
  }, 60_000);
});

describe('jobPhase', () => {
  it('reads the spec states and the how-to notes\' states', () => {
    expect(['pending', 'started', 'processing', 'success', 'done', 'failure', 'failed', 'revoked', 'cancelled', 'Started'].map(jobPhase)).toEqual([
      'queued', 'working', 'working', 'done', 'done', 'failed', 'failed', 'cancelled', 'cancelled', 'working',
    ]);
    expect(jobPhase('archived')).toBeUndefined();
  });
});

describe('Eagle Eye v3 server export against a hand-written server', () => {
  let server: Server;
  let base: string;
  let job: unknown;
  let createDelayMs = 0;
  const deleted: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/exports') {
        setTimeout(() => {
          res.writeHead(201);
          res.end('{"jobId":"j-1"}');
        }, createDelayMs);
      } else if (req.method === 'DELETE') {
        deleted.push(req.url ?? '');
        res.writeHead(204);
        res.end();
      } else res.end(typeof job === 'string' ? job : JSON.stringify(job));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function exporter(): EenV3ServerExport {
    const http = new HttpClient({ baseUrl: base, siteName: 'Odd EEN', timeoutMs: 5000 });
    // The parts of EenV3Client an export uses, without OAuth: the same requests, a fixed token.
    const client = {
      call: async (req: HttpRequest, what: string) => {
        const response = await http.request(req);
        if (response.status >= 400) throw new AppFailure(response.status === 404 ? 'not-found' : 'bad-response', `Odd EEN: ${what} failed (HTTP ${response.status})`);
        return response;
      },
      getJson: async <T>(path: string, _query: unknown, schema: z.ZodType<T>, what: string) => http.parseJson(await http.request({ path }), schema, what),
      bearer: async () => 'token-1',
    } as unknown as EenV3Client;
    return new EenV3ServerExport({ client, http, site: 'Odd EEN', log: memoryLogger(), nameOf: (id) => id, now: () => Date.UTC(2026, 0, 2), timing: { firstPollMs: 10, stallMs: 5000 } });
  }
  const from = Date.UTC(2026, 0, 1);
  const run = () => exporter().prepare('1000abcd', from, from + 120_000, { signal: AbortSignal.timeout(10_000), onProgress: () => undefined });

  it('reads {jobId} and "done"; several files come back as more parts in order', async () => {
    deleted.length = 0;
    job = { state: 'done', progress: 1, result: { files: [{ name: 'a.mp4', size: 10, mimetype: 'video/mp4', url: `${base}/files/a:download` }, { name: 'b.mp4', size: 20, mimetype: 'video/mp4', url: `${base}/files/b:download` }] } };
    const file = await run();
    expect(file).toMatchObject({ url: `${base}/files/a:download`, sizeBytes: 10, headers: { authorization: 'Bearer token-1' }, more: [{ url: `${base}/files/b:download`, sizeBytes: 20 }] });
    await file.finish();
    await file.finish();
    expect(deleted).toEqual(['/jobs/j-1']);
  });

  it('a cancel while the job is being created still deletes it, once its id is known', async () => {
    deleted.length = 0;
    createDelayMs = 300;
    job = { state: 'pending', progress: 0 };
    const controller = new AbortController();
    const pending = exporter().prepare('1000abcd', from, from + 120_000, { signal: controller.signal, onProgress: () => undefined });
    setTimeout(() => controller.abort(new Error('operator cancelled')), 100);
    await expect(pending).rejects.toThrow('operator cancelled');
    createDelayMs = 0;
    expect(deleted).toEqual(['/jobs/j-1']);
  });

  it('a file on a host the site never named is refused (the token goes nowhere else), and the job deleted', async () => {
    deleted.length = 0;
    job = { state: 'success', progress: 1, result: { files: [{ name: 'a.mp4', size: 10, mimetype: 'video/mp4', url: 'http://203.0.113.9/steal' }] } };
    const err = await failure(run());
    expect(err.error).toMatchObject({ code: 'bad-response', message: 'Odd EEN: refused to send a request to an unexpected host (203.0.113.9).' });
    expect(deleted).toEqual(['/jobs/j-1']);
  });

  it('a malformed job is a bad-response naming the field, and the job deleted', async () => {
    deleted.length = 0;
    job = { state: 'started', progress: 7 };
    const err = await failure(run());
    expect(err.error.code).toBe('bad-response');
    expect(err.error.message).toMatch(/^Odd EEN: the export job \(GET \/jobs\) is not in the expected shape \(progress: /);
    expect(deleted).toEqual(['/jobs/j-1']);
  });

  it('a failed job with nothing recorded is "no-recording" in the server\'s words', async () => {
    job = { state: 'failure', progress: 0, error: { code: 404, status: 'notFound', message: 'Nothing is recorded in the requested period' } };
    const err = await failure(run());
    expect(err.error).toMatchObject({ code: 'no-recording', message: 'Odd EEN: Eagle Eye could not make the export of camera 1000abcd (Nothing is recorded in the requested period).' });
  });
});
