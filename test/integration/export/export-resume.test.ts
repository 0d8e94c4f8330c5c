/**
 * An export survives SIGKILL: a process exporting is killed mid-way, a new one started on the same
 * exports.json resumes the job, re-uses the part it had finished, and completes. Throughout, a
 * watcher checks that any file under the final name verifies (it must never see one that does not).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyExport } from '../../../main/export/export-runner.js';
import { ClipServer, makeRecording, probeDuration, SOURCE_GOP_S } from '../../support/export-source.js';
import { waitUntil } from '../../support/wait-until.js';

const ORIGIN = Date.UTC(2026, 10, 22, 2, 0, 0);
const root = mkdtempSync(join(tmpdir(), 'tessera-export-kill-'));
// Inside the worktree so the bundle's bare imports (zod, fluent-ffmpeg) resolve from node_modules.
const childScript = join(process.cwd(), 'node_modules', '.cache', 'tessera-tests', `export-child-${process.pid}.mjs`);
let server: ClipServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const recording = await makeRecording(join(root, 'source'), 200);
  // Slow enough that the kill lands between parts: a 1-minute part (~1.5 MB) takes a few seconds.
  server = await ClipServer.start(recording, join(root, 'server'), { originMs: ORIGIN, bytesPerSecond: 600_000 });
  await build({ entryPoints: [join(process.cwd(), 'test/support/export-child.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: childScript, logLevel: 'error' });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.close();
  rmSync(childScript, { force: true });
  rmSync(root, { recursive: true, force: true });
});

function startChild(args: string[]): { child: ChildProcess; exited: Promise<number | null>; lines: string[] } {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) console.error(stderr);
  });
  return { child, exited, lines };
}

it('SIGKILL mid-export, then a new start resumes the job, re-uses the finished part and completes; no unverifiable file ever appears under the final name', async () => {
  const dataDir = join(root, 'data');
  const folder = join(root, 'out');
  mkdirSync(folder, { recursive: true });
  const from = ORIGIN + 10_000;
  const to = ORIGIN + 190_000; // 3 minutes in three 1-minute server parts
  const args = (mode: string) => [dataDir, server.url, String(ORIGIN), '60000', folder, String(from), String(to), mode];
  const partPath = (i: number) => `/clip/${from + i * 60_000}-${from + (i + 1) * 60_000}.mp4`;

  // The watcher: every file that ever has the final name must verify at that moment.
  const bad: string[] = [];
  let watching = true;
  const watcher = (async () => {
    const incident = join(folder, 'Killed');
    while (watching) {
      for (const name of existsSync(incident) ? readdirSync(incident).filter((n) => n.endsWith('.mp4')) : []) {
        const checked = await verifyExport(join(incident, name)).catch((err: unknown) => ({ ok: false as const, reason: String(err) }));
        if (!checked.ok && existsSync(join(incident, name))) bad.push(`${name}: ${checked.reason}`);
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  })();

  const first = startChild(args('create'));
  await waitUntil('the second part to be requested', 30_000, () => server.requests.some((r) => r.path === partPath(1)) || undefined);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe(null);
  const saved = JSON.parse(readFileSync(join(dataDir, 'exports.json'), 'utf8')) as { data: { jobs: { state: string; file: string }[] } };
  expect(saved.data.jobs.map((j) => j.state)).toEqual(['running']);
  expect(existsSync(saved.data.jobs[0]!.file)).toBe(false);

  const second = startChild(args('resume'));
  expect(await waitUntil('the resumed process to end', 60_000, () => second.exited.then((c) => c ?? -1).then((c) => c, () => undefined))).toBe(0);
  watching = false;
  await watcher;

  const last = JSON.parse(second.lines.at(-1)!) as { state: string }[];
  expect(last.map((j) => j.state)).toEqual(['done']);
  const file = saved.data.jobs[0]!.file;
  expect(await verifyExport(file)).toMatchObject({ ok: true });
  expect(Math.abs((await probeDuration(file)) - 180)).toBeLessThanOrEqual(SOURCE_GOP_S);
  // The first part was finished before the kill: fetched once, not again after the restart.
  expect(server.requests.filter((r) => r.path === partPath(0))).toHaveLength(1);
  expect(server.requests.filter((r) => r.path === partPath(2))).toHaveLength(1);
  expect(bad).toEqual([]);
  expect(readdirSync(join(folder, 'Killed')).sort()).toEqual([`${file.split('/').at(-1)}`, `${file.split('/').at(-1)}.manifest.json`]);
});
