// `npm run bench:live`: one run = the Tessera phase, then the baseline phase, on the same sources
// and the same Chromium, then the table and the JSON. See options.js for the command line.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { chromium } from '@playwright/test';
import { needsBuild } from '../../scripts/needs-build.js';
import { firstJsonLine, installCleanup, start, stop, stopAll, useReaper } from './children.js';
import { runCapMs, simIndexes } from './options.js';
import { pageProbe } from './page-probe.js';
import { loadAverage, machineTicks, startSampler } from './proc.js';
import { clockEdgeLatencies, cpuByGroup, processesBlock, ratios, startStages, summary, tileRow, upstreamStartStages } from './stats.js';
import { formatReport } from './table.js';
import { addRtspSite, addSimSite, camerasOf, connectBridge, readServeLog, removeTempDirs, root, showLayout, simMountUrl, startServe, startSim, upstreamLog } from './tessera.js';

// The flags of playwright.config.ts (chromiumArgs), repeated here because that file is TypeScript.
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
const chromiumBin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const ffmpegBin = process.env.FFMPEG_BIN || 'ffmpeg';
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts each source mount with a cheap ffmpeg copy, one after the other, and keeps them read
 * until the phase's own players run: real cameras publish all the time, while the simulator
 * starts a camera's publisher on the first RTSP reader. One at a time on purpose: the
 * simulator's GStreamer relay answers DESCRIBE only once the publisher sends, and it handles
 * sessions in one thread, so many cold mounts opened at once stall every new session (seen as
 * "Invalid data found when processing input" in ffmpeg) for minutes on a loaded machine.
 * Fragmented MP4 out, as Tessera and the baseline write: MPEG-TS refuses a first packet without
 * a timestamp, which a GStreamer server playing a file sends, and the keeper then ended at once
 * while the bench waited its whole time for bytes. A keeper that ends is not waited for.
 */
async function warmSources(urls, perSourceMs = 20_000) {
  const keepers = [];
  let cold = 0;
  for (const url of new Set(urls)) {
    const child = start(ffmpegBin, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-map', '0:v:0', '-c', 'copy', '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    keepers.push(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const got = await Promise.race([
      new Promise((resolve) => child.stdout.once('data', () => resolve(true))),
      new Promise((resolve) => child.once('exit', () => resolve(false))),
      sleep(perSourceMs).then(() => false),
    ]);
    child.stdout.resume();
    if (!got) cold += 1;
    if (child.exitCode !== null) log(`warming a source: ffmpeg ended (${child.exitCode}): ${stderr.trim().split('\n').pop() ?? ''}`);
  }
  if (cold) log(`${cold} source(s) gave no bytes within ${perSourceMs / 1000} s each`);
  return { stop: () => Promise.all(keepers.map((k) => stop(k, 1000))) };
}

/** Waits until the wall of display browser-1 shows its camera tiles (the bench layout puts them there). */
async function arrangeTessera(page) {
  await page.locator('main[aria-label^="Wall on"] section[role=region] video').first().waitFor({ state: 'attached', timeout: 30_000 });
  return 'wall';
}

/** Unique tile keys in DOM order, as the probe names them (a repeated name gets " #2", " #3"…). */
function tileKeys(names) {
  const seen = new Map();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} #${k}`;
  });
}

/**
 * One phase: Chromium on the page, wait until every tile shows a picture, warm up, then measure
 * for the window: the page's counters at both ends, /proc every second, and the probe's report.
 */
async function measurePhase(o, phase) {
  const started = Date.now();
  const keepers = await warmSources(phase.warmUrls);
  log(`${phase.kind}: ${new Set(phase.warmUrls).size} source(s) publishing after ${Math.round((Date.now() - started) / 1000)} s`);
  const browser = await chromium.launch({ executablePath: chromiumBin, args: chromiumArgs, headless: true });
  try {
    const context = await browser.newContext({ viewport: o.viewport });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(pageProbe, { clockNames: phase.clockNames });
    // Media responses in flight (Tessera: media/stream/<id>; baseline: /stream): Chromium runs at
    // most 6 HTTP/1.1 connections per host:port, so this shows when tiles queue behind that cap.
    const media = { requested: 0, pending: new Set(), answered: new Set(), maxPending: 0, maxAnswered: 0 };
    const isMedia = (r) => /\/(media\/)?stream(\/|$)/.test(new URL(r.url()).pathname);
    page.on('request', (r) => {
      if (!isMedia(r)) return;
      media.requested += 1;
      media.pending.add(r);
      media.maxPending = Math.max(media.maxPending, media.pending.size);
    });
    page.on('response', (r) => {
      if (!isMedia(r.request())) return;
      media.answered.add(r.request());
      media.maxAnswered = Math.max(media.maxAnswered, media.answered.size);
    });
    for (const ev of ['requestfinished', 'requestfailed']) page.on(ev, (r) => (media.pending.delete(r), media.answered.delete(r)));
    await page.goto(phase.url);
    const screen = phase.kind === 'tessera' ? await arrangeTessera(page) : 'baseline';
    const keys = tileKeys(phase.names);
    const wanted = new Set(keys);
    // Focus the first tile (the clock camera): the policy keeps a focused tile at full video.
    await page.locator(`section[role=region][aria-label="${phase.names[0].replace(/"/g, '')}"]`).first().focus().catch(() => undefined);

    const readyBy = Date.now() + 60_000 + 1000 * keys.length;
    let snap;
    for (;;) {
      snap = (await page.evaluate(() => window.__bench.snapshot())).filter((t) => wanted.has(t.name));
      const showing = snap.filter((t) => t.presented > 0 || (t.mode === 'jpeg' && t.picture === 'still'));
      if (showing.length === keys.length) break;
      if (Date.now() > readyBy) {
        log(`${phase.kind}: only ${showing.length} of ${keys.length} tiles show a picture; measuring anyway`);
        break;
      }
      await sleep(1000);
    }
    await keepers.stop();
    log(`${phase.kind}: ${snap.length} tiles on the ${screen}; warm-up ${o.warmup} s, then ${o.seconds} s of measuring`);
    await sleep(o.warmup * 1000);

    const mainPid = phase.mainPid;
    const groups = (p, rootPid) => {
      if (rootPid === mainPid) return p.pid === mainPid ? 'main' : p.comm === 'ffmpeg' ? 'ffmpeg' : 'main';
      if (rootPid === phase.simPid) return 'simulator';
      if (rootPid === process.pid) return /chrom/i.test(p.comm) ? 'renderer' : p.pid === process.pid ? 'bench' : 'bench';
      return 'idle';
    };
    const sampler = startSampler(() => [mainPid, ...phase.otherRoots, process.pid], groups);
    const a = (await page.evaluate(() => window.__bench.snapshot())).filter((t) => wanted.has(t.name));
    const fromMs = Date.now();
    const machineFrom = machineTicks();
    await sleep(o.seconds * 1000);
    const machineTo = machineTicks();
    const b = (await page.evaluate(() => window.__bench.snapshot())).filter((t) => wanted.has(t.name));
    const toMs = Date.now();
    const samples = sampler.stop();
    const report = await page.evaluate(([f, t]) => window.__bench.report(f, t), [fromMs, toMs]);
    const processes = processesBlock(cpuByGroup(samples));
    // The machine is shared: how busy it was in all (every process, every tenant), % of all cores.
    processes.machineBusyPct = Math.round((1000 * (machineTo.busy - machineFrom.busy)) / (machineTo.total - machineFrom.total)) / 10;
    processes.loadAverage = loadAverage();

    const byName = new Map(report.tiles.map((t) => [t.name, t]));
    // The server side of each start (Tessera: main's log; baseline: its server's timing lines).
    const serverStages = phase.serverStages();
    const start = new Map(a.map((t) => [t.name, t]));
    const tiles = [];
    for (const [i, key] of keys.entries()) {
      const end = b.find((t) => t.name === key);
      const begin = start.get(key);
      const r = byName.get(key);
      if (!end || !begin || !r) {
        tiles.push({ camera: key, decodedFps: null, droppedPct: null, ttffMs: null, latencyMs: null, mode: 'missing' });
        continue;
      }
      const openAt = report.opens[phase.openKeys[i]];
      const marks = { ...report.stages[phase.openKeys[i]], ...serverStages[phase.openKeys[i]], bufferedAt: r.bufferedAt, firstFrameAt: r.firstFrameAt };
      tiles.push(
        tileRow(begin, end, {
          ttffMs: openAt && r.firstFrameAt ? r.firstFrameAt - openAt : null,
          stillMs: r.seenAt && r.stillAt ? r.stillAt - r.seenAt : null,
          stillAskMs: r.seenAt && r.still ? r.still.askedAt - r.seenAt : null,
          stillAnswerMs: r.still?.answeredAt ? r.still.answeredAt - r.still.askedAt : null,
          latencies: phase.clockNames.includes(key) ? clockEdgeLatencies(r.edges) : [],
          maxUpdateGapMs: r.maxUpdateGapMs,
          stages: startStages(openAt, marks),
          seeks: r.seeks,
          speedUps: r.speedUps,
        }),
      );
    }
    // Per-stream cost: one ffmpeg per upstream in both phases (their most at once in the window).
    // Streams asked for, the most in flight at once, and the most whose headers had arrived (playing).
    const mediaRequests = { requested: media.requested, maxInFlight: media.maxPending, maxAnswered: media.maxAnswered, inFlightAtEnd: media.pending.size, answeredAtEnd: media.answered.size };
    return { tiles, processes, mediaRequests, summary: { ...summary(tiles, processes, processes.ffmpegProcesses), mediaRequests }, screen, windowS: (toMs - fromMs) / 1000, problems: problems.slice(0, 20), clockDiffs: report.tiles.filter((t) => phase.clockNames.includes(t.name)).map((t) => t.diffs.slice(-60)) };
  } finally {
    await browser.close().catch(() => undefined);
    await keepers.stop();
  }
}

export async function runLive(o) {
  const started = Date.now();
  installCleanup(runCapMs(o));
  if (needsBuild()) {
    log('out/ is stale: npm run build');
    const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed');
  }
  await useReaper();
  let sim = null;
  let streams; // per tile: {name, url} of the requested profile
  if (o.sourceUrl) streams = Array.from({ length: o.tiles }, () => ({ name: 'Source', url: o.sourceUrl }));
  else {
    // Even simulator cameras only: the odd ones carry audio and their loops reach readers in
    // bursts (see test/e2e/live-video.spec.ts), which any player shows as dropped frames. Past 32
    // tiles the even cameras repeat: a second tile of a camera shares its upstream in Tessera.
    const simCameras = simIndexes(o.tiles);
    log(`starting the simulator with ${Math.max(...simCameras) + 1} cameras`);
    sim = await startSim(Math.max(...simCameras) + 1);
    streams = simCameras.map((c) => ({ name: sim.sites.rtsp[c].name, url: simMountUrl(sim.sites, c, o.profile), index: c }));
  }
  // Only the simulator's camera 0 is live-encoded with the real wall clock burned in (the others
  // loop a pre-encoded clip): its tile carries the source → display latency.
  const clockNames = sim ? [streams[0].name] : [];
  // Tessera's policy picks each tile's profile from its height: big tiles (up to 9 on the default
  // viewport) want main, smaller ones sub; warm what it may open.
  const mounts = (profiles) => (sim ? streams.flatMap((s) => profiles.map((p) => simMountUrl(sim.sites, s.index, p))) : [o.sourceUrl]);
  const tesseraWarm = mounts(o.tiles <= 9 || o.profile === 'main' ? ['sub', 'main'] : ['sub']);

  log('starting tessera serve');
  const serve = await startServe();
  const bridge = await connectBridge(serve);
  const site = sim ? await addSimSite(bridge, sim.sites['eagleeye-v3']) : await addRtspSite(bridge, o.sourceUrl);
  if (site.status !== 'signed-in') throw new Error(`the bench site did not sign in: ${site.status} ${JSON.stringify(site.lastError)}`);
  const cams = await camerasOf(bridge, site.id, sim ? sim.sites.rtsp.length : 1);
  const cameraIds = streams.map((s) => (sim ? cams.find((c) => c.name === s.name)?.id : cams[0].id));
  if (cameraIds.some((id) => !id)) throw new Error('a simulator camera is missing from the site');
  // A VMS has its cameras' latest pictures ready; the simulator makes each camera's preview set
  // on the first ask (an ffmpeg decode of its loop). Ask once per camera now, so the wall's first
  // pictures time Tessera, not the simulator's warm-up. Main keeps a still for 0.5 s only: by the
  // time the page opens its cache is cold again.
  for (const cameraId of new Set(cameraIds)) await bridge.request('cameras:still', { cameraId }, 30_000).catch(() => undefined);
  await showLayout(bridge, cameraIds, o.profile);
  const displayUrl = new URL(serve.url);
  displayUrl.searchParams.set('display', 'browser-1');

  const tessera = await measurePhase(o, {
    kind: 'tessera', url: displayUrl.href, names: streams.map((s) => s.name), openKeys: cameraIds, clockNames,
    warmUrls: tesseraWarm, mainPid: serve.child.pid, simPid: sim?.child.pid, otherRoots: sim ? [sim.child.pid] : [],
    serverStages: () => upstreamStartStages(readServeLog(serve.dataDir)),
  });
  bridge.close();
  tessera.upstreams = upstreamLog(serve.dataDir);

  let baseline = null;
  const baselineNotes = [];
  const baselineStages = {}; // stream name → {startAt, spawnAt, fragmentAt} of its first start
  if (o.baseline) {
    // Tessera's idle upstreams linger a few seconds; stop serve so it takes no CPU from the baseline.
    await serve.stop();
    const server = start(process.execPath, [new URL('./baseline-server.js', import.meta.url).pathname, JSON.stringify({ streams })], { cwd: root });
    const ready = await firstJsonLine(server, 'the baseline server', 20_000);
    server.stdout.resume();
    server.stderr.on('data', (d) => process.stderr.write(d));
    // What the baseline's ffmpegs did besides playing (a longer probe, an exit with its words).
    createInterface({ input: server.stderr }).on('line', (line) => {
      if (line.startsWith('baseline-note ') && baselineNotes.length < 50) baselineNotes.push(JSON.parse(line.slice('baseline-note '.length)));
      if (line.startsWith('baseline-timing ')) {
        const t = JSON.parse(line.slice('baseline-timing '.length));
        baselineStages[t.stream] ??= { startAt: t.requestAt, spawnAt: t.spawnAt, fragmentAt: t.fragmentAt };
      }
    });
    baseline = await measurePhase(o, {
      kind: 'baseline', url: ready.url, names: streams.map((s) => s.name), openKeys: streams.map((s) => s.name), clockNames,
      warmUrls: mounts([o.profile]), mainPid: server.pid, simPid: sim?.child.pid, otherRoots: sim ? [sim.child.pid] : [],
      serverStages: () => baselineStages,
    });
    await stop(server);
  }
  await stopAll();
  if (!o.keepDirs) removeTempDirs();

  const result = {
    tiles: tessera.tiles,
    processes: tessera.processes,
    summary: tessera.summary,
    ...(baseline ? { baseline: { tiles: baseline.tiles, processes: baseline.processes, summary: baseline.summary, notes: baselineNotes }, ratios: ratios(tessera, baseline) } : {}),
    config: { tiles: o.tiles, seconds: o.seconds, warmup: o.warmup, profile: o.profile, sourceUrl: o.sourceUrl ? '(given)' : null, viewport: o.viewport, screen: tessera.screen, clockTile: clockNames[0] ?? null },
    machine: { loadAverageAtEnd: loadAverage(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), chromium: chromiumBin, node: process.version },
    notes: { tesseraUpstreams: tessera.upstreams, tesseraProblems: tessera.problems, baselineProblems: baseline?.problems ?? [], clockDiffs: { tessera: tessera.clockDiffs, baseline: baseline?.clockDiffs ?? [] } },
    runSeconds: Math.round((Date.now() - started) / 1000),
  };
  process.stdout.write(formatReport(result));
  if (o.json) writeFileSync(o.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
