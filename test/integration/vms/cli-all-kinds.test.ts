// Issue 4's "done when", from the CLI against one simulator serving every kind: each of the five
// kinds signs in ad hoc, `cameras --json` lists the cameras with the statuses the simulator has
// (one camera taken offline, Eagle Eye v3's media-less cameras in their fixed states), `snapshot`
// writes a live JPEG and `snapshot --at` a recorded one (plain RTSP: exit 1, no recordings), and
// the secret read from stdin shows up neither on stdout/stderr nor in the CLI's log files.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SiteKind } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { aipixModule } from '../../../simulator/aipix/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { buildDirectory, statusOf } from '../../../simulator/een-v3/cameras.js';
import { defaultEenV3Options, eagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { rtspCameraId } from '../../../main/vms/rtsp/rtsp-urls.js';
import { cliIo } from '../../support/adapter-harness.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe, jpegSize } from '../simulator/exacq-helpers.js';

type Row = { id: string; name: string; status: string; site: string };
type ExacqSite = SiteDescription & { cameraIds: number[] };
type AipixSite = SiteDescription & { cameras: { id: number }[] };
type V3Site = SiteDescription & { clientId: string; clientSecret: string };

/** The camera whose stills are asked for (online); OFFLINE is taken offline before the tests. */
const STILL = 1;
const OFFLINE = 2;

let sim: SimulatorHandle;
let scratch: string;
/** A time inside a finished recording of camera STILL, shared by every kind so one chunk is encoded. */
let atMs: number;

const host = (url: string): string => new URL(url).host;
const mediaStatus = (index: number): string => (sim.context.media.isOnline(index) ? 'online' : 'offline');
const rtspUrl = (index: number): string => {
  const url = sim.context.media.rtspUrl(index, 'main');
  if (!url) throw new Error('the simulator started without its RTSP server (GStreamer missing?)');
  return url;
};

/** How each kind is reached ad hoc, which secret it reads from stdin, and what it should list. */
interface KindCase {
  kind: SiteKind;
  /** --kind/--url/--user/… for a command about camera `index` (only rtsp's URL depends on it). */
  args(index: number): string[];
  secret(): string;
  cameraId(index: number): string;
  /** `cameras --json` in full, from the simulator's own description and state. */
  expected(): Row[];
}

const site = <T extends SiteDescription>(kind: string): T => sim.sites[kind] as T;
const userArgs = (kind: SiteKind, d: SiteDescription): string[] => ['--kind', kind, '--url', d.url, '--user', d.username];
const perMediaCamera = (url: string, id: (index: number) => string): Row[] =>
  sim.context.media.cameras.map((c) => ({ id: id(c.index), name: c.name, status: mediaStatus(c.index), site: host(url) }));

/** CLI words for the v3 connection statuses (written out here, not taken from the adapter's mapper). */
const v3CliStatus: Record<string, string> = { online: 'online', deviceOffline: 'offline', off: 'off', invalidCredentials: 'unauthorized' };

const kinds: KindCase[] = [
  {
    kind: 'eagleeye-v1',
    args: () => userArgs('eagleeye-v1', site('eagleeye-v1')),
    secret: () => site('eagleeye-v1').password,
    cameraId: (i) => sim.context.media.cameras[i]!.esn,
    expected: () => perMediaCamera(site('eagleeye-v1').url, (i) => sim.context.media.cameras[i]!.esn),
  },
  {
    kind: 'eagleeye-v3',
    args: () => [...userArgs('eagleeye-v3', site('eagleeye-v3')), '--client-id', site<V3Site>('eagleeye-v3').clientId, '--oauth-headless'],
    secret: () => site<V3Site>('eagleeye-v3').clientSecret,
    cameraId: (i) => sim.context.media.cameras[i]!.esn,
    // The simulator's directory: the media cameras plus its media-less ones in fixed states.
    expected: () =>
      buildDirectory(sim.context.media.cameras, defaultEenV3Options).map((c) => {
        const status = statusOf(c, sim.context.media, defaultEenV3Options);
        const cli = v3CliStatus[status];
        if (!cli) throw new Error(`this test has no CLI word for the v3 status ${status}`);
        return { id: c.esn, name: c.name, status: cli, site: host(site('eagleeye-v3').url) };
      }),
  },
  {
    kind: 'exacq',
    args: () => userArgs('exacq', site('exacq')),
    secret: () => site('exacq').password,
    cameraId: (i) => String(site<ExacqSite>('exacq').cameraIds[i]),
    expected: () => perMediaCamera(site('exacq').url, (i) => String(site<ExacqSite>('exacq').cameraIds[i])),
  },
  {
    kind: 'aipix',
    args: () => userArgs('aipix', site('aipix')),
    secret: () => site('aipix').password,
    cameraId: (i) => String(site<AipixSite>('aipix').cameras[i]!.id),
    expected: () => perMediaCamera(site('aipix').url, (i) => String(site<AipixSite>('aipix').cameras[i]!.id)),
  },
  {
    // One camera per invocation: the URL is the camera, and the camera is named after its host.
    kind: 'rtsp',
    args: (i) => ['--kind', 'rtsp', '--url', rtspUrl(i), '--user', sim.context.username],
    secret: () => sim.context.password,
    cameraId: (i) => rtspCameraId(rtspUrl(i)),
    expected: () => sim.context.media.cameras.map((c) => ({ id: rtspCameraId(rtspUrl(c.index)), name: host(rtspUrl(c.index)), status: mediaStatus(c.index), site: host(rtspUrl(c.index)) })),
  },
];
const recordingKinds = kinds.filter((k) => k.kind !== 'rtsp');

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with the secret on stdin, and checks the secret shows up nowhere it prints. */
async function cli(k: KindCase, args: string[]): Promise<CliRun> {
  const t = cliIo(k.secret());
  const code = await runCli([...args, '--password-stdin', '--data-dir', dataDir(k)], t.io);
  expect(t.out() + t.err()).not.toContain(k.secret());
  return { code, out: t.out(), err: t.err() };
}

const dataDir = (k: KindCase): string => join(scratch, k.kind);

/** Every log file the CLI wrote for this kind is free of its secret. */
async function expectLogsClean(k: KindCase): Promise<void> {
  const dir = dataDir(k);
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  for (const f of files) expect(await readFile(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(k.secret());
}

/** A JPEG that ffprobe decodes, at the size of one of the camera's streams (kinds differ in which). */
async function expectJpeg(file: string): Promise<void> {
  const jpeg = await readFile(file);
  expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  const size = jpegSize(jpeg);
  const probe = await ffprobe(file);
  expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'mjpeg', width: size.width, height: size.height });
  const { profiles } = sim.context.media.cameras[STILL]!;
  expect(Object.values(profiles).map(({ width, height }) => ({ width, height }))).toContainEqual(size);
}

beforeAll(async () => {
  sim = await startTestSimulator([eagleEyeV1Module, eagleEyeV3Module, exacqModule, aipixModule], { cameras: 3 });
  const offline = await fetch(`${sim.adminUrl}/cameras/${OFFLINE}/offline`, { method: 'POST' });
  expect(offline.status).toBe(200);
  scratch = await mkdtemp(join(tmpdir(), 'tessera-cli-kinds-'));
  const done = longestFinishedSegment(sim.context.media, STILL, sim.context.now());
  atMs = Math.floor((done.startMs + 30_000) / 1000) * 1000 + 500;
}, 120_000);

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

it.each(kinds)('$kind: cameras --json lists every camera with the status the simulator has', async (k) => {
  // rtsp lists the one camera its URL names, so it is asked once per camera.
  const indexes = k.kind === 'rtsp' ? sim.context.media.cameras.map((c) => c.index) : [STILL];
  const rows: Row[] = [];
  for (const index of indexes) {
    const run = await cli(k, ['cameras', ...k.args(index), '--json']);
    expect(run, run.err).toMatchObject({ code: 0, err: '' });
    rows.push(...(JSON.parse(run.out) as Row[]));
  }
  const byId = (a: Row, b: Row) => a.id.localeCompare(b.id);
  expect(rows.sort(byId)).toEqual(k.expected().sort(byId));
  expect(rows.map((r) => r.status)).toContain('offline');
  await expectLogsClean(k);
}, 60_000);

it.each(kinds)('$kind: snapshot writes the live JPEG', async (k) => {
  const file = join(scratch, `${k.kind}-live.jpg`);
  const before = Date.now();
  const run = await cli(k, ['snapshot', ...k.args(STILL), '--camera', k.cameraId(STILL), '-o', file, '--json']);
  expect(run, run.err).toMatchObject({ code: 0, err: '' });
  const printed = JSON.parse(run.out) as { file: string; bytes: number; timestamp: string };
  await expectJpeg(file);
  expect(printed.bytes).toBe((await readFile(file)).length);
  // Live: taken during this run (a cached still may be up to a few seconds old).
  expect(Date.parse(printed.timestamp)).toBeGreaterThan(before - 5_000);
  expect(Date.parse(printed.timestamp)).toBeLessThanOrEqual(Date.now());
  await expectLogsClean(k);
}, 60_000);

it.each(recordingKinds)('$kind: snapshot --at writes the recorded JPEG of that moment', async (k) => {
  const file = join(scratch, `${k.kind}-recorded.jpg`);
  const at = new Date(atMs).toISOString();
  const run = await cli(k, ['snapshot', ...k.args(STILL), '--camera', k.cameraId(STILL), '--at', at, '-o', file, '--json']);
  expect(run, run.err).toMatchObject({ code: 0, err: '' });
  const printed = JSON.parse(run.out) as { timestamp: string };
  await expectJpeg(file);
  // The picture showing at that moment (recordings have one still a second): no later than
  // asked, and from the same second of the recording.
  const shown = Date.parse(printed.timestamp);
  expect(shown).toBeLessThanOrEqual(atMs);
  expect(shown).toBeGreaterThan(atMs - 1_000);
  await expectLogsClean(k);
}, 90_000);

it('rtsp: snapshot --at exits 1 with one stderr line saying the site has no recordings', async () => {
  const k = kinds.find((c) => c.kind === 'rtsp')!;
  const file = join(scratch, 'rtsp-recorded.jpg');
  const run = await cli(k, ['snapshot', ...k.args(STILL), '--camera', k.cameraId(STILL), '--at', new Date(atMs).toISOString(), '-o', file]);
  expect(run.code).toBe(1);
  expect(run.out).toBe('');
  const lines = run.err.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/this site has no recordings Tessera can show \(RTSP \/ ONVIF cameras\)/);
  await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  await expectLogsClean(k);
}, 60_000);
