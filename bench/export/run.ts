/**
 * `npm run bench:export`: how fast an evidence export is next to ffmpeg doing the bare minimum,
 * in the same run on the same machine.
 *
 * 1. A recording of `--minutes` (default 10) is made once (testsrc2 + sine, 1280x720 25 fps,
 *    keyframe every 2 s; cached in the temp folder) and cut into 5-minute server parts by a
 *    127.0.0.1 HTTP server (test/support/export-source.ts), cut before timing starts: preparing
 *    a clip is the VMS's work, not Tessera's.
 * 2. Copy: bare `ffmpeg -c copy -movflags +faststart` of the same source, once from the server's
 *    address (the whole range as one clip: what a script would fetch) and once from the local file
 *    (no network at all), vs the ExportManager exporting the same range (download of both parts,
 *    stitch, faststart, probe, SHA-256, signature, rename). Median of `--runs` (default 3).
 * 3. Burn-in over `--burn-minutes` (default 1: a transcode takes minutes): the same drawtext
 *    transcode as a bare ffmpeg vs the ExportManager with burnTimestamp. One run each.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sessionOnlyStore } from '../../main/credentials/session-only-store.js';
import { ExportManager } from '../../main/export/export-manager.js';
import { burnFilter } from '../../main/export/ffmpeg-export.js';
import { loadSigningKey } from '../../main/export/signing-key.js';
import { createLogger } from '../../main/logging/logger.js';
import { ClipServer, ffmpegBin } from '../../test/support/export-source.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const minutes = option('minutes', 10);
const burnMinutes = option('burn-minutes', 1);
const runs = option('runs', 3);
const ORIGIN = Date.UTC(2026, 10, 22, 2, 0, 0);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function recording(dir: string): Promise<string> {
  const file = join(dir, `bench-${minutes}min-720p.mp4`);
  try {
    statSync(file);
    return file;
  } catch {
    process.stderr.write(`making a ${minutes}-minute 720p recording (once; cached in ${dir})…\n`);
  }
  mkdirSync(dir, { recursive: true });
  await run(ffmpegBin, ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000', '-t', String(minutes * 60), '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '2M', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '32k', '-ac', '1', '-movflags', '+faststart', `${file}.tmp.mp4`]);
  await run('mv', [`${file}.tmp.mp4`, file]);
  return file;
}

async function exportWithTessera(server: ClipServer, work: string, spanMs: number, burn: boolean): Promise<number> {
  const folder = mkdtempSync(join(work, 'tessera-'));
  const store = sessionOnlyStore();
  const exports = new ExportManager({
    file: join(folder, 'exports.json'),
    log: createLogger({ dir: join(folder, 'logs') }, 'bench'),
    describe: async () => ({ cameraName: 'Bench camera', siteName: 'Bench', vendor: 'eagleeye-v1', operator: 'bench' }),
    siteReady: () => true,
    withServerExport: (_id, fn) => fn(server.exporter(5 * 60_000), 'cam-1'),
    signingKey: () => loadSigningKey(store),
  });
  exports.start();
  // Where the time goes: how long each step (in the job's words) lasted.
  const steps: { step: string; at: number }[] = [];
  const off = exports.onChanged((list) => {
    const step = list.jobs[0]?.step;
    if (step && steps.at(-1)?.step !== step) steps.push({ step, at: performance.now() });
  });
  try {
    return await timed(async () => {
      const [job] = await exports.create({ cameraIds: ['bench/cam-1'], fromMs: ORIGIN, toMs: ORIGIN + spanMs, folder, incident: 'Bench', burnTimestamp: burn });
      for (let waited = 0; waited < 30 * 60_000; waited += 20) {
        const now = exports.list().jobs.find((j) => j.id === job!.id)!;
        if (now.state === 'done') return;
        if (now.state === 'failed' || now.state === 'cancelled') throw new Error(`the export ${now.state}: ${now.error?.message ?? ''}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the export did not end within 30 minutes');
    });
  } finally {
    off();
    lastSteps = steps.map((s, i) => `${s.step} ${seconds((steps[i + 1]?.at ?? s.at) - s.at)}`).join(' · ');
    await exports.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}
let lastSteps = '';

async function warm(server: ClipServer, spanMs: number): Promise<void> {
  for (let from = ORIGIN; from < ORIGIN + spanMs; from += 5 * 60_000) {
    const response = await fetch(`${server.url}/clip/${from}-${Math.min(ORIGIN + spanMs, from + 5 * 60_000)}.mp4`, { headers: { authorization: 'Bearer export-test' } });
    await response.arrayBuffer();
  }
}

const cache = join(tmpdir(), 'tessera-bench-export');
const source = await recording(cache);
const work = mkdtempSync(join(tmpdir(), 'tessera-bench-export-run-'));
const server = await ClipServer.start(source, join(work, 'server'), { originMs: ORIGIN });
try {
  const spanMs = minutes * 60_000;
  await warm(server, spanMs);
  const whole = `${server.url}/clip/${ORIGIN}-${ORIGIN + spanMs}.mp4`;
  await (await fetch(whole, { headers: { authorization: 'Bearer export-test' } })).arrayBuffer();
  const bare: number[] = [];
  const bareHttp: number[] = [];
  const tessera: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    bareHttp.push(await timed(() => run(ffmpegBin, ['-nostdin', '-loglevel', 'error', '-y', '-headers', 'authorization: Bearer export-test\r\n', '-i', whole, '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-movflags', '+faststart', join(work, 'bare-http.mp4')])));
    bare.push(await timed(() => run(ffmpegBin, ['-nostdin', '-loglevel', 'error', '-y', '-i', source, '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-movflags', '+faststart', join(work, 'bare.mp4')])));
    tessera.push(await exportWithTessera(server, work, spanMs, false));
  }
  const copySteps = lastSteps;
  const burnMs = burnMinutes * 60_000;
  await warm(server, burnMs);
  const bareBurn = await timed(() => run(ffmpegBin, ['-nostdin', '-loglevel', 'error', '-y', '-t', String(burnMinutes * 60), '-i', source, '-map', '0:v:0', '-map', '0:a:0?', '-vf', burnFilter('Bench camera', ORIGIN), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'copy', '-movflags', '+faststart', join(work, 'bare-burn.mp4')]));
  const tesseraBurn = await exportWithTessera(server, work, burnMs, true);
  const rows = [
    [`copy, ${minutes} min, from the server (median of ${runs})`, seconds(median(bareHttp)), seconds(median(tessera)), (median(tessera) / median(bareHttp)).toFixed(1)],
    [`copy, ${minutes} min, bare from a local file`, seconds(median(bare)), seconds(median(tessera)), (median(tessera) / median(bare)).toFixed(1)],
    [`burned-in time, ${burnMinutes} min`, seconds(bareBurn), seconds(tesseraBurn), (tesseraBurn / bareBurn).toFixed(2)],
  ];
  const header = ['export', 'bare ffmpeg s', 'Tessera s', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`);
  process.stdout.write(`source: ${(statSync(source).size / 1e6).toFixed(1)} MB, 1280x720 25 fps H.264 + AAC; copy runs bare from the server ${bareHttp.map(seconds).join('/')} s, from the file ${bare.map(seconds).join('/')} s, Tessera ${tessera.map(seconds).join('/')} s\n`);
  process.stdout.write(`Tessera's last copy, s per step: ${copySteps}\nTessera's burn-in, s per step: ${lastSteps}\n`);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
