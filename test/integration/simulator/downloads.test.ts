/**
 * Export downloads of Eagle Eye v1 (video.mp4), exacqVision (export.web) and AIPIX (archive MP4)
 * against the simulator: each file says when it was recorded (creation_time = its first frame's
 * timecode), and the fault knobs behave: stallExports holds every vendor's export, cutDownloads
 * drops the connection part-way. (Eagle Eye v3: een-v3.test.ts, "exports".)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aipixCameraId } from '../../../simulator/aipix/cameras.js';
import { aipixModule } from '../../../simulator/aipix/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import { ffprobeBin } from '../../../simulator/media/binaries.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { eenV1AuthKey } from '../../support/een-v1-login.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';
import { localTime, postForm } from './exacq-helpers.js';

const run = promisify(execFile);
/** Camera 1: 1 s GOP. */
const CAMERA = 1;

describe('export downloads', () => {
  let sim: SimulatorHandle;
  let segment: Segment;
  let dir: string;
  let fromMs: number;
  let toMs: number;

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module, exacqModule, aipixModule], { cameras: 2, rtsp: false });
    segment = longestFinishedSegment(sim.context.media, CAMERA, Date.now());
    fromMs = segment.startMs + 10_000;
    toMs = fromMs + 8_000;
    dir = await mkdtemp(join(tmpdir(), 'tessera-downloads-'));
  });

  afterEach(() => {
    Object.assign(sim.context.faults, { stallExports: false, cutDownloads: 0 });
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** creation_time of an MP4 (epoch ms) and its first frame's timecode. */
  async function stamps(body: Buffer, name: string): Promise<{ created: number; firstFrame: number | null }> {
    const file = join(dir, name);
    await writeFile(file, body);
    const { stdout } = await run(ffprobeBin(), ['-v', 'error', '-show_entries', 'format_tags=creation_time', '-of', 'csv=p=0', file]);
    return { created: Date.parse(stdout.trim()), firstFrame: await timecodeOfVideo(file) };
  }

  /** Eagle Eye v1 video.mp4: polls 201/202 until 200 or `polls` answers; the statuses and the last answer. */
  async function eenMp4(polls: number): Promise<{ statuses: number[]; last: Response }> {
    const site = sim.sites['eagleeye-v1'] as SiteDescription;
    const headers = { cookie: `auth_key=${await eenV1AuthKey(site)}` };
    const esn = sim.context.media.cameras[CAMERA]!.esn;
    // The start must be a clip's start (seed 000); time_offset moves into it.
    const url = `${site.url}/asset/play/video.mp4?id=${esn}&start_timestamp=${formatEen(segment.startMs)}&end_timestamp=${formatEen(toMs)}&time_offset=${fromMs - segment.startMs}&quality=low`;
    const statuses: number[] = [];
    for (let i = 0; i < polls; i += 1) {
      const res = await fetch(url, { headers });
      statuses.push(res.status);
      if (res.status === 200) return { statuses, last: res };
      await res.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { statuses, last: await fetch(url, { headers }) };
  }

  async function exacqExport(): Promise<{ status: (action?: string) => Promise<Response> }> {
    const site = sim.sites.exacq as SiteDescription;
    const v1 = (path: string, q: Record<string, string>): string => `${site.url}/v1/${path}?${new URLSearchParams(q).toString()}`;
    const login = (await (await postForm(`${site.url}/v1/login.web`, { u: site.username, p: site.password, s: '0', responseVersion: '2' })).json()) as Record<string, string>;
    const s = login.sessionID ?? login.sessionId!;
    const { timezone: tz } = (await (await fetch(v1('config.web', { s, output: 'json' }))).json()) as { timezone: number };
    // The sub stream (the camera's id + 1): cheaper to cut.
    const camera = (site.cameraIds as number[])[CAMERA]! + 1;
    const created = (await (await fetch(v1('export.web', { s, camera: String(camera), start: localTime(fromMs, tz), end: localTime(toMs, tz), format: 'mp4' }))).json()) as { export_id: string };
    return { status: (action) => fetch(v1('export.web', { export: created.export_id, ...(action ? { action } : {}) })) };
  }

  async function aipixArchiveUrl(cameraIndex = CAMERA, startMs = fromMs): Promise<string> {
    const site = sim.sites.aipix as SiteDescription;
    const headers = { Accept: 'application/json', 'X-Client': 'web', 'X-UUID': 'tessera-test', 'content-type': 'application/json' };
    const token = (await (await fetch(`${site.url}/api/v1/token`, { method: 'POST', headers, body: JSON.stringify({ login: site.username, password: site.password, session_id: null }) })).json()) as { access_token: string };
    const start = new Date(startMs).toISOString();
    const res = await fetch(`${site.url}/api/v1/cameras/${aipixCameraId(cameraIndex)}/streams/archive?start=${start}&duration=8&source=mp4&type=low`, { headers: { ...headers, Authorization: token.access_token } });
    return ((await res.json()) as { url: string }).url;
  }

  it('Eagle Eye v1 video.mp4 carries creation_time = its first frame', async () => {
    const { statuses, last } = await eenMp4(100);
    expect(statuses.at(-1)).toBe(200);
    const { created, firstFrame } = await stamps(Buffer.from(await last.arrayBuffer()), 'een.mp4');
    expect(firstFrame).toBe(fromMs);
    expect(created).toBe(firstFrame);
  });

  it('exacqVision export.web carries creation_time = its first frame', async () => {
    const job = await exacqExport();
    await waitUntil('the exacq export', 60_000, async () => (((await (await job.status()).json()) as { progress: number }).progress === 100 ? true : undefined), 250);
    const { created, firstFrame } = await stamps(Buffer.from(await (await job.status('download')).arrayBuffer()), 'exacq.mp4');
    expect(firstFrame).toBe(fromMs);
    expect(created).toBe(firstFrame);
  });

  it('AIPIX archive MP4 carries creation_time = its first frame', async () => {
    const { created, firstFrame } = await stamps(Buffer.from(await (await fetch(await aipixArchiveUrl())).arrayBuffer()), 'aipix.mp4');
    expect(firstFrame).toBe(fromMs);
    expect(created).toBe(firstFrame);
  });

  it('AIPIX archive MP4 of a time nothing was recorded: 404, not a server error', async () => {
    const media = sim.context.media;
    // A planned gap of camera 0 in its history: after one segment, before the next.
    const segments = media.segments(0, media.historyStartMs, Date.now() - 60_000);
    const gap = segments.slice(1).map((seg, i) => ({ fromMs: segments[i]!.endMs, toMs: seg.startMs })).find((g) => g.toMs - g.fromMs >= 20_000);
    expect(gap, 'the simulator plans a gap of 20 s or more in the last hour').toBeDefined();
    const res = await fetch(await aipixArchiveUrl(0, gap!.fromMs + 5_000));
    expect(res.status).toBe(404);
  });

  it('stallExports: Eagle Eye v1 answers 202 for ever, AIPIX sends the first part of the file and then nothing', async () => {
    sim.context.faults.stallExports = true;
    const { statuses } = await eenMp4(12); // the default job is ready after 3 polls
    expect(statuses.slice(-5)).toEqual([202, 202, 202, 202, 202]);
    const res = await fetch(await aipixArchiveUrl());
    expect(res.status).toBe(200);
    const size = Number(res.headers.get('content-length'));
    const reader = res.body!.getReader();
    let received = 0;
    const quiet = new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), 1_500));
    for (;;) {
      const next = await Promise.race([reader.read(), quiet]);
      if (next === 'quiet' || next.done) break;
      received += next.value.length;
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(size);
    await reader.cancel();
    sim.context.faults.stallExports = false;
    expect((await eenMp4(3)).statuses.at(-1)).toBe(200);
  });

  it('cutDownloads: the connection drops part-way through every vendor\'s download', async () => {
    sim.context.faults.cutDownloads = 0.5;
    const een = await eenMp4(100);
    expect(een.statuses.at(-1)).toBe(200);
    await expect(een.last.arrayBuffer()).rejects.toThrow();
    const job = await exacqExport();
    await waitUntil('the exacq export', 60_000, async () => (((await (await job.status()).json()) as { progress: number }).progress === 100 ? true : undefined), 250);
    await expect((await job.status('download')).arrayBuffer()).rejects.toThrow();
    await expect((await fetch(await aipixArchiveUrl())).arrayBuffer()).rejects.toThrow();
  });
});
