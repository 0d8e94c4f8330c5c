// `npm run bench:scrub`: Tessera's looking-back paths on `tessera serve --demo` (the simulator's
// Eagle Eye v1, v3, exacqVision and AIPIX sites), measured in Debian Chromium over serve's own
// transport, then the lab notes' bare harness (LAB-NOTES §5) in the same run; the table and JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { needsBuild } from '../../scripts/needs-build.js';
import { firstJsonLine, installCleanup, start, stop, stopAll, useReaper } from '../live/children.js';
import { loadAverage } from '../live/proc.js';
import { camerasOf, connectBridge, removeTempDirs, root, tempDir } from '../live/tessera.js';
import { baselineRecording, ffmpegSsTimes, positions, serveRecording } from './baseline.js';
import { runCapMs } from './options.js';
import { baselineProbe, scrubProbe } from './page-probe.js';
import { formatScrubReport, ratio, summarize, verdicts } from './report.js';
import { demoCoverage, measureSync } from './sync.js';

// The flags of playwright.config.ts and of the lab notes' harness.
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
const chromiumBin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const vendors = [
  { vendor: 'Eagle Eye v1', siteId: 'demo-eagleeye-v1' },
  { vendor: 'Eagle Eye v3', siteId: 'demo-eagleeye-v3' },
  { vendor: 'exacqVision', siteId: 'demo-exacq' },
  { vendor: 'AIPIX', siteId: 'demo-aipix' },
];
// The demo's first camera of each site keeps a keyframe every second (simulator/media/catalogue.ts).
const demoGopMs = 1000;
const cacheDir = join(root, 'node_modules/.cache/tessera-bench');

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
};
const stillPath = (cameraId, atMs) => `media/still?${new URLSearchParams({ camera: cameraId, at: String(atMs), width: '320' })}`;

/** The camera's longest recorded period of the last hour ending a minute or more back (null if under a minute). */
async function longestPeriod(bridge, cameraId) {
  const toMs = Date.now() - 60_000;
  const cov = await bridge.request('recordings:coverage', { cameraId, fromMs: toMs - 3600_000, toMs });
  const longest = [...cov.periods].sort((a, b) => b.toMs - b.fromMs - (a.toMs - a.fromMs))[0];
  return longest && longest.toMs - longest.fromMs >= 60_000 ? longest : null;
}

/** The site's first camera with a minute of recording in the last hour (the simulator plans gaps). */
async function recordedCamera(bridge, siteId) {
  const seen = [];
  for (const cam of await camerasOf(bridge, siteId, 1, 90_000)) {
    const period = await longestPeriod(bridge, cam.id).catch((err) => (seen.push(`${cam.name}: ${err.message}`), null));
    if (period) return { cam, period };
    seen.push(`${cam.name}: under a minute`);
  }
  throw new Error(`no camera of ${siteId} has a minute of recording in the last hour (${seen.join('; ')})`);
}

/** n instants inside the period, whole seconds apart (no two uncached asks share a cache bucket). */
function recordedInstants(period, n, seed) {
  return positions(n, (period.toMs - period.fromMs - 20_000) / 1000, seed).map((s) => period.fromMs + 10_000 + Math.round(s) * 1000 + (seed % 7) * 37);
}

async function startDemoServe() {
  const dataDir = tempDir('bench-scrub-serve-');
  const child = start(process.execPath, [join(root, 'bin/tessera.js'), 'serve', '--demo', '--json', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, TESSERA_SIM_CACHE: process.env.TESSERA_SIM_CACHE ?? join(cacheDir, 'sim-media') },
  });
  const ready = await firstJsonLine(child, 'tessera serve --demo', 240_000);
  child.stdout.resume();
  child.stderr.resume();
  return { child, dataDir, url: ready.url, token: ready.token };
}

async function measureTessera(o, serve, bridge, browser) {
  const page = await browser.newPage();
  await page.addInitScript(scrubProbe, { token: serve.token });
  await page.goto(serve.url);
  await page.waitForFunction(() => Boolean(window.__scrub), undefined, { timeout: 30_000 });
  const rows = [];
  const cams = [];
  for (const [i, v] of vendors.entries()) {
    const { cam, period } = await recordedCamera(bridge, v.siteId);
    cams.push({ id: cam.id, period });
    const at = recordedInstants(period, o.samples, 11 + i);
    const row = { vendor: v.vendor, cameraId: cam.id, camera: cam.name, errors: [], uncachedRaw: [], cachedRaw: [], seekRaw: [], atInstantRaw: [], firstFrameBeforeMs: [], stepRaw: [], stepBy: null, frameDiffMs: [] };
    for (const pass of ['uncachedRaw', 'cachedRaw']) {
      for (const atMs of at) {
        const r = await page.evaluate((p) => window.__scrub.still(p), stillPath(cam.id, atMs));
        if (r.status === 200) {
          row[pass].push(r.ms);
          if (pass === 'uncachedRaw') row.frameDiffMs.push(Math.abs(r.frameTimeMs - atMs));
        } else if (row.errors.length < 5) row.errors.push(`still ${atMs}: ${r.status} ${r.code ?? ''} ${r.text ?? ''}`.trim());
      }
    }
    for (const atMs of recordedInstants(period, o.opens, 31 + i)) {
      try {
        const opened = await page.evaluate(([c, a]) => window.__scrub.open(c, a), [cam.id, atMs]);
        row.seekRaw.push(opened.firstFrameMs);
        row.atInstantRaw.push(opened.atInstantMs ?? Number.NaN);
        row.firstFrameBeforeMs.push(opened.firstFrameOffsetMs);
        row.firstByteMs = opened.firstByteMs;
        try {
          const s = await page.evaluate((id) => window.__scrub.step(id), opened.playbackId);
          row.stepRaw.push(s.ms);
          row.stepBy = s.by;
        } catch (err) {
          if (row.errors.length < 5) row.errors.push(`step: ${err.message.split('\n')[0]}`);
        }
        await page.evaluate((id) => window.__scrub.close(id), opened.playbackId);
      } catch (err) {
        if (row.errors.length < 5) row.errors.push(`open ${atMs}: ${err.message.split('\n')[0]}`);
      }
    }
    log(`${v.vendor}: ${row.uncachedRaw.length} stills, ${row.seekRaw.length} opens, ${row.errors.length} errors`);
    rows.push(row);
  }
  // Memory after o.scrubs scrubs: each scrub asks every vendor's tile for the still at a new instant.
  const before = { main: rssMb(serve.child.pid), heap: await page.evaluate(() => window.__scrub.heapMb()) };
  const instants = cams.map((c, i) => recordedInstants(c.period, o.scrubs, 51 + i));
  for (let s = 0; s < o.scrubs; s += 1) await page.evaluate((paths) => Promise.all(paths.map((p) => window.__scrub.still(p))), cams.map((c, i) => stillPath(c.id, instants[i][s])));
  const memory = { scrubs: o.scrubs, mainRssMb: { before: before.main, after: rssMb(serve.child.pid) }, pageHeapMb: { before: before.heap, after: await page.evaluate(() => window.__scrub.heapMb()) } };
  await page.close();
  return { rows, memory };
}

async function measureBaseline(o, browser) {
  const file = await baselineRecording(cacheDir, o.baselineMinutes);
  const xs = positions(o.samples, o.baselineMinutes * 60);
  const work = mkdtempSync(join(tmpdir(), 'bench-scrub-'));
  const ffmpegSs = await ffmpegSsTimes(file, xs, work);
  const server = await serveRecording(file);
  try {
    const page = await browser.newPage();
    await page.addInitScript(baselineProbe);
    await page.goto(server.url);
    const { seeks, steps } = await page.evaluate(([src, p]) => window.__seek(src, p), [`${server.url}rec.mp4`, xs]);
    await page.close();
    return { ffmpegSs: summarize(ffmpegSs), rendererSeek: summarize(seeks), rendererStep: summarize(steps), recording: { minutes: o.baselineMinutes, gopMs: 2000 } };
  } finally {
    await server.close();
  }
}

export async function runScrub(o) {
  const started = Date.now();
  installCleanup(runCapMs(o));
  if (needsBuild()) {
    log('out/ is stale: npm run build');
    const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed');
  }
  await useReaper();
  log('starting tessera serve --demo (the first start makes the simulator’s video: a few minutes)');
  const serve = await startDemoServe();
  const bridge = await connectBridge(serve);
  const browser = await chromium.launch({ executablePath: chromiumBin, args: chromiumArgs, headless: true });
  let tessera;
  let baseline;
  try {
    tessera = await measureTessera(o, serve, bridge, browser);
    tessera.sync = [];
    if (o.sync.length) {
      const sites = await demoCoverage(bridge, vendors.map((v) => v.siteId));
      for (const tiles of o.sync) {
        const rows = await measureSync({ tiles, afterS: [10, ...(o.long ? [300] : [])], serve, bridge, browser, sites });
        log(`sync, ${tiles} tiles: ${rows.map((r) => r.note ?? `after ${r.afterS} s median ${r.median} ms, max ${r.max} ms`).join('; ')}`);
        tessera.sync.push(...rows);
      }
    }
    bridge.close();
    await stop(serve.child); // the baseline runs alone, as in bench:live
    baseline = await measureBaseline(o, browser);
  } finally {
    await browser.close().catch(() => undefined);
    await stopAll();
    removeTempDirs();
  }
  const vendorsOut = tessera.rows.map((r) => ({
    vendor: r.vendor, cameraId: r.cameraId, camera: r.camera, uncached: summarize(r.uncachedRaw), cached: summarize(r.cachedRaw), // The first open of a camera in a fresh serve is apart: main may first learn the recording's
    // keyframe spacing (README › Looking back); the later ones are the seek an operator repeats.
    firstOpenMs: r.seekRaw[0] ?? null, seek: summarize(r.seekRaw.length > 1 ? r.seekRaw.slice(1) : r.seekRaw), seekToInstant: summarize(r.atInstantRaw.length > 1 ? r.atInstantRaw.slice(1) : r.atInstantRaw), firstFrameBeforeInstantMs: r.firstFrameBeforeMs, step: { ...summarize(r.stepRaw), by: r.stepBy },
    stillOffsetMs: summarize(r.frameDiffMs), firstByteMs: r.firstByteMs ?? null, errors: r.errors,
  }));
  const pooled = (k) => summarize(tessera.rows.flatMap((r) => r[k]));
  const later = (xs) => (xs.length > 1 ? xs.slice(1) : xs);
  const all = { uncached: pooled('uncachedRaw'), cached: pooled('cachedRaw'), seek: summarize(tessera.rows.flatMap((r) => later(r.seekRaw))), firstOpen: summarize(tessera.rows.flatMap((r) => r.seekRaw.slice(0, 1))), step: pooled('stepRaw') };
  const sync = tessera.sync;
  const syncAll = summarize(sync.flatMap((r) => (r.median === null ? [] : [r.median])));
  const syncMax = sync.some((r) => r.max !== null) ? Math.max(...sync.filter((r) => r.max !== null).map((r) => r.max)) : null;
  const result = {
    vendors: vendorsOut,
    pooled: all,
    baseline,
    ratios: {
      'still uncached ÷ ffmpeg -ss (median)': ratio(all.uncached.median, baseline.ffmpegSs.median),
      'still cached ÷ in-renderer seek (median)': ratio(all.cached.median, baseline.rendererSeek.median),
      'seek-to-playing ÷ in-renderer seek (median)': ratio(all.seek.median, baseline.rendererSeek.median),
      'frame step ÷ in-renderer step (median)': ratio(all.step.median, baseline.rendererStep.median),
    },
    sync,
    memory: tessera.memory,
    targets: verdicts({ previewUncachedMedian: all.uncached.median, previewCachedMedian: all.cached.median, seekMedian: all.seek.median, firstOpenMedian: all.firstOpen.median, syncMedian: syncAll.max, syncMax }, demoGopMs),
    config: { samples: o.samples, scrubs: o.scrubs, opens: o.opens, baselineMinutes: o.baselineMinutes, long: o.long, syncTiles: o.sync, width: 320, gopMs: demoGopMs },
    machine: { loadAverageAtEnd: loadAverage(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), chromium: chromiumBin, node: process.version },
    notes: { mainRss: 'serve --demo runs the simulator in the same process: main RSS includes it' },
    runSeconds: Math.round((Date.now() - started) / 1000),
  };
  process.stdout.write(formatScrubReport(result));
  if (o.json) writeFileSync(o.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
