/** The queue's persistence and rules, with no job ever running (the site is never ready). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../preload/contract/index.js';
import { ExportManager } from '../../../main/export/export-manager.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-queue-'));
  dirs.push(dir);
  return dir;
}

function manager(dir: string, ready: () => boolean = () => false): ExportManager {
  return new ExportManager({
    file: join(dir, 'exports.json'),
    log: memoryLogger(),
    describe: async (id) => ({ cameraName: id.endsWith('2') ? 'Gate' : 'Dock', siteName: 'HQ', vendor: 'exacq', operator: 'alice' }),
    siteReady: ready,
    withServerExport: () => Promise.reject(new Error('not in this test')),
    signingKey: () => Promise.reject(new Error('not in this test')),
    now: () => Date.UTC(2026, 10, 22, 3),
  });
}

const job = (over: Partial<ExportJob>): ExportJob => ({
  id: 'job-1', cameraId: 'site-1/cam-1', cameraName: 'Dock', siteName: 'HQ', vendor: 'exacq', operator: 'alice',
  fromMs: 0, toMs: 60_000, burnTimestamp: false, file: '/tmp/x.mp4', state: 'queued', progress: 0, bytes: 0, step: 'Waiting', createdMs: 0, attempts: 0, ...over,
});

describe('export queue', () => {
  it('makes one job per camera in a folder named after the incident, and waits (paused) while the site is signed out', async () => {
    const dir = tempDir();
    const exports = manager(dir);
    exports.start();
    const jobs = await exports.create({ cameraIds: ['site-1/cam-1', 'site-1/cam-2'], fromMs: Date.UTC(2026, 10, 22, 2, 10), toMs: Date.UTC(2026, 10, 22, 2, 15), folder: dir, incident: 'Dock theft' });
    expect(jobs.map((j) => j.file)).toEqual([join(dir, 'Dock theft', 'Dock_20261122T021000Z-20261122T021500Z.mp4'), join(dir, 'Dock theft', 'Gate_20261122T021000Z-20261122T021500Z.mp4')]);
    expect(exports.list().jobs.map((j) => [j.state, j.step])).toEqual([
      ['paused', 'Waiting for HQ to be signed in'],
      ['paused', 'Waiting for HQ to be signed in'],
    ]);
    expect(exports.list().lastFolder).toBe(dir);
    const saved = JSON.parse(readFileSync(join(dir, 'exports.json'), 'utf8')) as { version: number; data: { jobs: unknown[] } };
    expect(saved.version).toBe(1);
    expect(saved.data.jobs).toHaveLength(2);
    expect(exports.cancel(jobs[0]!.id).state).toBe('cancelled');
    expect(() => exports.remove(jobs[1]!.id)).toThrow(/Cancel the export before removing it/);
    exports.remove(jobs[0]!.id);
    expect(exports.list().jobs).toHaveLength(1);
  });

  it('a paused job starts by itself once its site is signed in', async () => {
    const dir = tempDir();
    let signedIn = false;
    const exports = manager(dir, () => signedIn);
    exports.start();
    const [made] = await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: 0, toMs: 1000, folder: dir, incident: 'Later' });
    expect(exports.list().jobs[0]).toMatchObject({ state: 'paused', attempts: 0 });
    signedIn = true;
    exports.sitesChanged();
    // It ran (the stand-in site then fails it): attempts counts the start.
    await waitUntil('the job to run', 2000, () => exports.list().jobs.find((j) => j.id === made!.id && j.state === 'failed'));
    expect(exports.list().jobs[0]).toMatchObject({ attempts: 1, error: { code: 'internal' } });
    await exports.dispose();
  });

  it('refuses a relative or missing destination folder', async () => {
    const exports = manager(tempDir());
    await expect(exports.create({ cameraIds: ['site-1/cam-1'], fromMs: 0, toMs: 1000, folder: 'relative/dir', incident: 'X' })).rejects.toThrow(/full folder path/);
    await expect(exports.create({ cameraIds: ['site-1/cam-1'], fromMs: 0, toMs: 1000, folder: '/no/such/folder', incident: 'X' })).rejects.toThrow(/does not exist/);
    await expect(exports.create({ cameraIds: ['site-1/cam-1'], fromMs: 0, toMs: 1000, folder: '/tmp', incident: '../escape' })).rejects.toThrow(/letters, digits/);
  });

  it('a job that was running when Tessera stopped is queued again at start', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'exports.json'), JSON.stringify({ version: 1, data: { jobs: [job({ state: 'running', step: 'Downloading' }), job({ id: 'job-2', state: 'done' })], concurrency: 1 } }));
    const exports = manager(dir);
    expect(exports.list().jobs.map((j) => [j.state, j.step])).toEqual([
      ['queued', 'Resuming after Tessera restarted'],
      ['done', 'Waiting'],
    ]);
    expect(exports.loadProblem).toBeUndefined();
  });

  it('a broken exports.json is set aside and reported, keeping the jobs it could read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'exports.json'), JSON.stringify({ version: 1, data: { jobs: [job({ state: 'done' }), { id: 'bad', state: 'exploded' }], concurrency: 1 } }));
    const exports = manager(dir);
    expect(exports.list().jobs.map((j) => j.id)).toEqual(['job-1']);
    expect(exports.loadProblem).toMatchObject({ file: 'exports.json', startedWith: 'the 1 exports it could read' });
    expect(readdirSync(dir).some((n) => /^exports\.corrupt-.*\.json$/.test(n))).toBe(true);
  });

  it('a file that is not JSON at all starts an empty list, reported', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'exports.json'), '{"version":1,');
    const exports = manager(dir);
    expect(exports.list().jobs).toEqual([]);
    expect(exports.loadProblem).toMatchObject({ startedWith: 'an empty export list' });
  });
});
