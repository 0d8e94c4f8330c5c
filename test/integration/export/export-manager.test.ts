/**
 * The export queue end to end: a real HTTP server cutting a real ffmpeg-made recording, the
 * manager downloading, stitching (ranges split at the vendor's limit), signing and verifying.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { ExportManager } from '../../../main/export/export-manager.js';
import { manifestPath, verifyExport, workDir } from '../../../main/export/export-runner.js';
import { loadSigningKey } from '../../../main/export/signing-key.js';
import type { ServerExport } from '../../../main/vms/adapter.js';
import { ClipServer, makeRecording, probeDuration, SOURCE_GOP_S, topLevelBoxes } from '../../support/export-source.js';
import { cliIo } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';

const ORIGIN = Date.UTC(2026, 10, 22, 10, 0, 0);
const root = mkdtempSync(join(tmpdir(), 'tessera-export-'));
let recording: string;
let server: ClipServer;
const managers: ExportManager[] = [];

beforeAll(async () => {
  recording = await makeRecording(join(root, 'source'), 200);
  server = await ClipServer.start(recording, join(root, 'server'), { originMs: ORIGIN });
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.dispose();
  server.stallNext = 0;
  server.stallPrepareNext = 0;
  server.splitNext = 0;
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

function manager(name: string, exporter: ServerExport, extra: { stallMs?: number; coverage?: () => Promise<{ fromMs: number; toMs: number }[]> } = {}): { exports: ExportManager; folder: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const store = sessionOnlyStore();
  const exports = new ExportManager({
    file: join(dir, 'exports.json'),
    log: memoryLogger(),
    describe: async () => ({ cameraName: 'Loading dock', siteName: 'Test site', vendor: 'eagleeye-v1', operator: 'alice' }),
    siteReady: () => true,
    withServerExport: (_cameraId, fn) => fn(exporter, 'cam-1'),
    signingKey: () => loadSigningKey(store),
    stallMs: extra.stallMs ?? 10_000,
    ...(extra.coverage ? { coverage: extra.coverage } : {}),
    publishEveryMs: 20,
  });
  exports.start();
  managers.push(exports);
  return { exports, folder: dir };
}

function settled(exports: ExportManager, id: string, timeoutMs = 45_000): Promise<ExportJob> {
  return waitUntil(`export ${id} to end`, timeoutMs, () => exports.list().jobs.find((j) => j.id === id && ['done', 'failed', 'cancelled'].includes(j.state)));
}

describe('export manager', () => {
  it('exports 2 minutes split into 1-minute server parts as one faststart MP4 with a signed manifest that verify accepts and rejects after one byte changes', async () => {
    const { exports, folder } = manager('split', server.exporter(60_000));
    const before = { prepared: server.prepared, finished: server.finished };
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN + 30_000, toMs: ORIGIN + 150_000, folder, incident: 'Dock theft', burnTimestamp: false });
    const done = await settled(exports, job!.id);
    expect(done.state, done.error?.message).toBe('done');
    expect(done.file).toBe(join(folder, 'Dock theft', 'Loading dock_20261122T100030Z-20261122T100230Z.mp4'));
    expect(server.prepared - before.prepared).toBe(2);
    expect(server.finished - before.finished).toBe(2);
    const bytes = readFileSync(done.file);
    const boxes = topLevelBoxes(bytes);
    expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    const duration = await probeDuration(done.file);
    expect(Math.abs(duration - 120)).toBeLessThanOrEqual(SOURCE_GOP_S);
    const manifest = JSON.parse(readFileSync(manifestPath(done.file), 'utf8')) as { file: { sha256: string; sizeBytes: number }; operator: string; actual: { firstFrameMs: number; source: string }; streams: { codec: string }[] };
    const { createHash } = await import('node:crypto');
    expect(manifest.file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(manifest.file.sizeBytes).toBe(bytes.length);
    expect(manifest.operator).toBe('alice');
    expect(manifest.actual).toMatchObject({ source: 'recording-time' });
    expect(manifest.actual.firstFrameMs).toBeLessThanOrEqual(ORIGIN + 30_000);
    expect(manifest.actual.firstFrameMs).toBeGreaterThanOrEqual(ORIGIN + 30_000 - SOURCE_GOP_S * 1000);
    expect(manifest.streams.map((s) => s.codec).sort()).toEqual(['aac', 'h264']);
    expect(await verifyExport(done.file)).toMatchObject({ ok: true });
    expect(existsSync(workDir(done))).toBe(false);

    const intact = cliIo();
    expect(await runCli(['verify', done.file, '--json', '--data-dir', folder], intact.io)).toBe(0);
    expect(JSON.parse(intact.out())).toMatchObject({ ok: true, camera: 'Loading dock', sha256: manifest.file.sha256 });

    const changed = Buffer.from(bytes);
    changed[Math.floor(changed.length / 2)]! ^= 0x01;
    writeFileSync(done.file, changed);
    expect(await verifyExport(done.file)).toEqual({ ok: false, reason: 'the file’s SHA-256 differs from the manifest’s (the file was changed)' });
    const broken = cliIo();
    expect(await runCli(['verify', done.file, '--data-dir', folder], broken.io)).toBe(1);
    expect(broken.err()).toContain('is NOT intact: the file’s SHA-256 differs from the manifest’s');
    writeFileSync(done.file, bytes);
    const signed = readFileSync(manifestPath(done.file), 'utf8');
    writeFileSync(manifestPath(done.file), signed.replace('"alice"', '"mallory"'));
    expect(await verifyExport(done.file)).toMatchObject({ ok: false, reason: expect.stringContaining('signature does not match') });
  });

  it('burns the camera name and time in when asked (a transcode, progress counted in frames)', async () => {
    const { exports, folder } = manager('burn', server.exporter(300_000));
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN + 10_000, toMs: ORIGIN + 20_000, folder, incident: 'Burn', burnTimestamp: true });
    const steps = new Set<string>();
    const off = exports.onChanged((list) => list.jobs.forEach((j) => steps.add(j.step)));
    const done = await settled(exports, job!.id);
    off();
    expect(done.state, done.error?.message).toBe('done');
    expect([...steps]).toContain('Burning in the camera name and time (transcoding)');
    expect(await verifyExport(done.file)).toMatchObject({ ok: true, body: { burnedTimestamp: true } });
  });

  it('a server job that stalls is tried again, and a part the server makes as two files is stitched in order', async () => {
    const { exports, folder } = manager('more', server.exporter(300_000));
    server.stallPrepareNext = 1;
    server.splitNext = 1;
    const before = { prepared: server.prepared, requests: server.requests.length };
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN + 60_000, toMs: ORIGIN + 80_000, folder, incident: 'More', burnTimestamp: false });
    const done = await settled(exports, job!.id);
    expect(done.state, done.error?.message).toBe('done');
    expect(server.prepared - before.prepared).toBe(1);
    expect(server.requests.slice(before.requests).map((r) => r.path)).toEqual([`/clip/${ORIGIN + 60_000}-${ORIGIN + 70_000}.mp4`, `/clip/${ORIGIN + 70_000}-${ORIGIN + 80_000}.mp4`]);
    expect(Math.abs((await probeDuration(done.file)) - 20)).toBeLessThanOrEqual(SOURCE_GOP_S);
    expect(await verifyExport(done.file)).toMatchObject({ ok: true });
  });

  it('lists in the manifest the gaps the site’s recording list shows inside the range', async () => {
    const recorded = [{ fromMs: ORIGIN, toMs: ORIGIN + 14_000 }, { fromMs: ORIGIN + 16_500, toMs: ORIGIN + 60_000 }];
    const { exports, folder } = manager('gaps', server.exporter(300_000), { coverage: async () => recorded });
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN + 10_000, toMs: ORIGIN + 20_000, folder, incident: 'Gaps', burnTimestamp: false });
    const done = await settled(exports, job!.id);
    expect(done.state, done.error?.message).toBe('done');
    expect(await verifyExport(done.file)).toMatchObject({ ok: true, body: { gaps: [{ fromMs: ORIGIN + 14_000, toMs: ORIGIN + 16_500 }] } });
  });

  it('cancel stops the job, releases the server job and leaves nothing behind', async () => {
    const slow = await ClipServer.start(recording, join(root, 'slow-server'), { originMs: ORIGIN, bytesPerSecond: 40_000 });
    try {
      const { exports, folder } = manager('cancel', slow.exporter(60_000));
      const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN, toMs: ORIGIN + 120_000, folder, incident: 'Cancelled', burnTimestamp: false });
      await waitUntil('the download to start', 20_000, () => (exports.list().jobs[0]?.bytes ?? 0) > 0 || undefined);
      exports.cancel(job!.id);
      const ended = await settled(exports, job!.id);
      expect(ended.state).toBe('cancelled');
      await waitUntil('the work folder to go', 5000, () => !existsSync(workDir(ended)) || undefined);
      expect(readdirSync(join(folder, 'Cancelled'))).toEqual([]);
      expect(slow.finished).toBe(slow.prepared);
    } finally {
      await slow.close();
    }
  });

  it('a stalled download is reported, retried from where it stopped, and the export completes', async () => {
    const { exports, folder } = manager('stall', server.exporter(300_000), { stallMs: 800 });
    server.stallNext = 1;
    const seen = server.requests.length;
    const steps: string[] = [];
    const off = exports.onChanged((list) => list.jobs.forEach((j) => steps.push(j.step)));
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN + 40_000, toMs: ORIGIN + 70_000, folder, incident: 'Stall', burnTimestamp: false });
    const done = await settled(exports, job!.id);
    off();
    expect(done.state, done.error?.message).toBe('done');
    expect(steps.some((s) => /stopped sending the export.*Trying again/.test(s))).toBe(true);
    const mine = server.requests.slice(seen);
    expect(mine).toHaveLength(2);
    expect(mine[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(await verifyExport(done.file)).toMatchObject({ ok: true });
  });

  it('a camera that recorded nothing in the range fails with no-recording, and retry/remove follow the state rules', async () => {
    const { exports, folder } = manager('gap', server.exporter(60_000));
    const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN - 120_000, toMs: ORIGIN - 60_000, folder, incident: 'Nothing', burnTimestamp: false });
    const failed = await settled(exports, job!.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'no-recording' } });
    expect(() => exports.cancel(job!.id)).toThrow(/failed cannot be cancelled/);
    exports.remove(job!.id);
    expect(exports.list().jobs).toEqual([]);
  });

  it.for([
    ['announced (refused before writing)', false],
    ['unannounced (found while writing)', true],
  ] as const)('a full disk, size %s, fails the job with disk-full and leaves no file under the final name nor work files', async ([, noLength], ctx) => {
    const mount = join(root, `tiny-${noLength}`);
    mkdirSync(mount, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', mount], { stdio: 'pipe' });
    } catch (err) {
      ctx.skip(`cannot mount a small tmpfs here (needs root): ${String(err).split('\n')[0]}`);
      return;
    }
    const big = await makeRecording(join(root, 'big-source'), 60, '640x360');
    const bigServer = await ClipServer.start(big, join(root, `big-server-${noLength}`), { originMs: ORIGIN, noLength });
    try {
      const { exports } = manager(`disk-full-${noLength}`, bigServer.exporter(300_000));
      const [job] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: ORIGIN, toMs: ORIGIN + 60_000, folder: mount, incident: 'Full', burnTimestamp: false });
      const failed = await settled(exports, job!.id);
      expect(failed).toMatchObject({ state: 'failed', error: { code: 'disk-full' } });
      expect(failed.error!.message).toMatch(/destination is full/);
      expect(failed.bytes > 0).toBe(noLength);
      expect(existsSync(failed.file)).toBe(false);
      expect(existsSync(workDir(failed))).toBe(false);
    } finally {
      await bigServer.close();
      execFileSync('umount', [mount]);
    }
  });
});
