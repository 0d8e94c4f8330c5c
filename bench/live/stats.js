// Pure numbers of the live benchmark: summaries, CPU from /proc samples, latency from the burned-in
// clock, the JSON shape and ratios to the baseline. No I/O here, so all of it is unit-tested.

/** @param {readonly number[]} values @param {number} q 0..1 @returns {number | null} */
export function quantile(values, q) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** @param {number | null | undefined} v @param {number} digits */
export function round(v, digits = 1) {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * CPU % of one core and mean RSS per process group over a window, from periodic /proc samples.
 * A sample is {atMs, procs: [{pid, group, ticks, rssKb, startTicks}]}; ticks are utime+stime.
 * A process seen in the first sample counts from there; one born later counts from its birth
 * (all its ticks), and one that died counts up to its last sample: processes that come and go
 * inside the window (ffmpeg restarts, still grabs) are neither lost nor counted twice.
 * @param {{atMs: number, procs: {pid: number, group: string, ticks: number, rssKb: number, startTicks: number}[]}[]} samples
 * @param {number} ticksPerSecond
 */
export function cpuByGroup(samples, ticksPerSecond = 100) {
  if (samples.length < 2) return {};
  const first = samples[0];
  const last = samples[samples.length - 1];
  const seconds = (last.atMs - first.atMs) / 1000;
  const key = (p) => `${p.pid}:${p.startTicks}`;
  const atStart = new Map(first.procs.map((p) => [key(p), p.ticks]));
  const lastSeen = new Map();
  for (const s of samples) for (const p of s.procs) lastSeen.set(key(p), p);
  const out = {};
  const group = (name) => (out[name] ??= { cpuPct: 0, rssMb: 0, processes: 0 });
  for (const [k, p] of lastSeen) {
    const used = p.ticks - (atStart.get(k) ?? 0);
    group(p.group).cpuPct += (100 * used) / ticksPerSecond / seconds;
  }
  // Memory: the mean over samples of each group's summed RSS, and the most processes seen at once.
  for (const s of samples) {
    const sums = {};
    for (const p of s.procs) sums[p.group] = (sums[p.group] ?? 0) + p.rssKb;
    for (const [g, kb] of Object.entries(sums)) group(g).rssMb += kb / 1024 / samples.length;
    const counts = {};
    for (const p of s.procs) counts[p.group] = (counts[p.group] ?? 0) + 1;
    for (const [g, n] of Object.entries(counts)) group(g).processes = Math.max(group(g).processes, n);
  }
  for (const g of Object.values(out)) {
    g.cpuPct = round(g.cpuPct, 2);
    g.rssMb = round(g.rssMb, 1);
  }
  return out;
}

/**
 * The edges that belong to the clock: true second changes all fall at the same phase of the media
 * timeline (media time mod 1 s, since media time runs with the source's clock), while a false
 * edge (a glitch in the picture) falls anywhere. Keeps the edges within ±toleranceMs (circular)
 * of the phase most edges agree on.
 */
export function samePhaseEdges(edges, toleranceMs = 60) {
  const phase = (e) => (((e.mediaTime * 1000) % 1000) + 1000) % 1000;
  const near = (a, b) => Math.min(Math.abs(a - b), 1000 - Math.abs(a - b)) <= toleranceMs;
  let best = [];
  for (const e of edges) {
    const group = edges.filter((x) => near(phase(x), phase(e)));
    if (group.length > best.length) best = group;
  }
  return best;
}

/**
 * Source → display latency from the burned-in wall clock of the simulator's live-encoded camera.
 * The page cannot read the digits cheaply, but it can see the moment they change: the first
 * shown frame whose seconds differ from the frame before was drawn in [S, S + gap) where S is a
 * whole UTC second and gap the media time since the previous shown frame. So
 *   latency = displayWall − S − gap/2   (± gap/2, i.e. ± 20 ms at 25 fps).
 * S is known only modulo 1 s from the display time; the first edge assumes a latency under 1 s
 * (true at start: both players start at the live edge), later ones keep the media timeline
 * consistent (S − mediaTime stays the same whole second), so growing latency is followed past 1 s.
 * A timeline break (new upstream, jump) re-anchors. Edges after skipped frames (gap > maxGapS)
 * are too vague and are dropped, and so are edges off the clock's phase (samePhaseEdges).
 * @param {{wallMs: number, mediaTime: number, prevMediaTime: number}[]} edges
 * @returns {{wallMs: number, latencyMs: number}[]}
 */
export function clockEdgeLatencies(edges, maxGapS = 0.2) {
  const out = [];
  let anchor = null; // S − mediaTime·1000 of the current timeline, ms
  const usable = edges.filter((e) => e.mediaTime - e.prevMediaTime > 0 && e.mediaTime - e.prevMediaTime <= maxGapS);
  for (const e of samePhaseEdges(usable).sort((a, b) => a.wallMs - b.wallMs)) {
    const gapMs = (e.mediaTime - e.prevMediaTime) * 1000;
    let second = null;
    if (anchor !== null) {
      const predicted = anchor + e.mediaTime * 1000;
      second = Math.round(predicted / 1000) * 1000;
      if (Math.abs(predicted - second) > 250 || second > e.wallMs) second = null; // timeline broke: re-anchor
    }
    second ??= Math.floor((e.wallMs - gapMs / 2) / 1000) * 1000;
    anchor = second - e.mediaTime * 1000;
    out.push({ wallMs: e.wallMs, latencyMs: e.wallMs - second - gapMs / 2 });
  }
  return out;
}

/** Least-squares slope of latency over time, ms of latency per minute (growth = drift). */
export function slopePerMinute(points) {
  if (points.length < 3) return null;
  const xs = points.map((p) => p.wallMs / 60_000);
  const ys = points.map((p) => p.latencyMs);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

/**
 * One tile's row from the page's snapshots at the window's start and end.
 * @param {object} a snapshot of the tile at the start  @param {object} b at the end
 */
export function tileRow(a, b, extra = {}) {
  const seconds = (b.atMs - a.atMs) / 1000;
  const decoded = b.decoded - a.decoded;
  const dropped = b.dropped - a.dropped;
  const lat = extra.latencies ?? [];
  return {
    camera: b.name,
    decodedFps: seconds > 0 ? round(decoded / seconds, 1) : null,
    droppedPct: decoded + dropped > 0 ? round((100 * dropped) / (decoded + dropped), 2) : decoded === 0 ? null : 0,
    ttffMs: round(extra.ttffMs ?? null, 0),
    latencyMs: round(median(lat.map((l) => l.latencyMs)), 0),
    // Extras (allowed by the JSON contract): what was shown, how smoothly, how far behind.
    mode: b.mode,
    height: b.videoHeight || null,
    shownFps: seconds > 0 && b.presented !== undefined ? round((b.presented - a.presented) / seconds, 1) : null,
    latencyP90Ms: round(quantile(lat.map((l) => l.latencyMs), 0.9), 0),
    latencyMaxMs: round(lat.length ? Math.max(...lat.map((l) => l.latencyMs)) : null, 0),
    latencySamples: lat.length,
    latencyGrowthMsPerMin: round(slopePerMinute(lat), 0),
    bufferAheadMs: b.bufferAhead === null || b.bufferAhead === undefined ? null : round(b.bufferAhead * 1000, 0),
    maxUpdateGapMs: round(extra.maxUpdateGapMs ?? null, 0),
    stillMs: round(extra.stillMs ?? null, 0),
    stillAskMs: round(extra.stillAskMs ?? null, 0),
    stillAnswerMs: round(extra.stillAnswerMs ?? null, 0),
    // The player's steering since its first frame (seeks to the live edge, speed-ups).
    ...(extra.seeks === undefined ? {} : { seeks: extra.seeks, speedUps: extra.speedUps }),
    ...(extra.stages ? { stages: extra.stages } : {}),
  };
}

/** Tiles at full rate: ≥ 24 decoded fps (25 fps sources) with under 1 % dropped. */
export function cleanTiles(tiles, minFps = 24, maxDroppedPct = 1) {
  return tiles.filter((t) => t.decodedFps !== null && t.decodedFps >= minFps && t.droppedPct !== null && t.droppedPct < maxDroppedPct).length;
}

const medianOf = (tiles, field) => round(median(tiles.map((t) => t[field]).filter((v) => v !== null && v !== undefined)), 0);

export function summary(tiles, processes, streams) {
  const ttff = tiles.map((t) => t.ttffMs).filter((v) => v !== null);
  const lat = tiles.map((t) => t.latencyMs).filter((v) => v !== null);
  return {
    tiles: tiles.length,
    cleanTiles: cleanTiles(tiles),
    decodedFpsMean: round(tiles.reduce((a, t) => a + (t.decodedFps ?? 0), 0) / Math.max(1, tiles.length), 1),
    droppedPctMean: round(tiles.reduce((a, t) => a + (t.droppedPct ?? 0), 0) / Math.max(1, tiles.length), 2),
    ttffMedianMs: round(median(ttff), 0),
    ttffMaxMs: ttff.length ? Math.max(...ttff) : null,
    latencyMedianMs: round(median(lat), 0),
    stillMedianMs: medianOf(tiles, 'stillMs'),
    // Where the first picture's time goes: tile seen → still asked, asked → answered.
    stillAskMedianMs: medianOf(tiles, 'stillAskMs'),
    stillAnswerMedianMs: medianOf(tiles, 'stillAnswerMs'),
    // Where the time to the first frame goes: each start-up stage's median, ms after the request.
    stagesMedianMs: stageMedians(tiles),
    // The degradation target: every tile shows a new picture at least once a second.
    tilesUpdatingEverySecond: tiles.filter((t) => t.maxUpdateGapMs !== null && t.maxUpdateGapMs !== undefined && t.maxUpdateGapMs <= 1000).length,
    modes: tiles.reduce((acc, t) => {
      const k = t.mode === 'video' ? `video ${t.height ?? '?'}p` : String(t.mode);
      acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {}),
    mainPlusFfmpegCpuPctPerStream: streams > 0 ? round((processes.mainCpuPct + processes.ffmpegCpuPct) / streams, 2) : null,
  };
}

/** Tessera ÷ baseline for each comparable figure (null where the baseline is 0 or missing). */
export function ratios(tessera, baseline) {
  const r = (a, b) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
  return {
    cleanTiles: r(tessera.summary.cleanTiles, baseline.summary.cleanTiles),
    decodedFps: r(tessera.summary.decodedFpsMean, baseline.summary.decodedFpsMean),
    ttffMedian: r(tessera.summary.ttffMedianMs, baseline.summary.ttffMedianMs),
    latencyMedian: r(tessera.summary.latencyMedianMs, baseline.summary.latencyMedianMs),
    mainCpu: r(tessera.processes.mainCpuPct, baseline.processes.mainCpuPct),
    ffmpegCpu: r(tessera.processes.ffmpegCpuPct, baseline.processes.ffmpegCpuPct),
    rendererCpu: r(tessera.processes.rendererCpuPct, baseline.processes.rendererCpuPct),
    rss: r(tessera.processes.rssMb, baseline.processes.rssMb),
  };
}

/** The processes block of the JSON from cpuByGroup's groups (main, ffmpeg, renderer). */
export function processesBlock(groups) {
  const g = (name) => groups[name] ?? { cpuPct: 0, rssMb: 0, processes: 0 };
  return {
    mainCpuPct: g('main').cpuPct,
    ffmpegCpuPct: g('ffmpeg').cpuPct,
    rendererCpuPct: g('renderer').cpuPct,
    rssMb: round(g('main').rssMb + g('ffmpeg').rssMb + g('renderer').rssMb, 1),
    rssMainMb: g('main').rssMb,
    rssFfmpegMb: g('ffmpeg').rssMb,
    rssRendererMb: g('renderer').rssMb,
    ffmpegProcesses: g('ffmpeg').processes,
    otherCpuPct: Object.fromEntries(Object.entries(groups).filter(([k]) => !['main', 'ffmpeg', 'renderer'].includes(k)).map(([k, v]) => [k, v.cpuPct])),
  };
}

/**
 * The server side of each stream's start from Tessera's log (main/media/upstream.ts writes one
 * "first fragment" line per ffmpeg with the time it waited for the site's answer and for ffmpeg):
 * camera id → {startAt: the upstream began asking the site, spawnAt: ffmpeg started, fragmentAt:
 * its first fragment reached main}, wall ms; the earliest start per camera (a later restart is
 * not the tile's first frame).
 * @param {string} logText
 */
export function upstreamStartStages(logText) {
  const out = {};
  for (const line of logText.split('\n')) {
    if (!line.includes('"first fragment"')) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line cut by the stop
    }
    const fragmentAt = Date.parse(entry.t);
    if (!entry.camera || !Number.isFinite(fragmentAt) || !Number.isFinite(entry.spawnToFragmentMs) || !Number.isFinite(entry.resolveMs)) continue;
    const spawnAt = fragmentAt - entry.spawnToFragmentMs;
    const stages = { startAt: spawnAt - entry.resolveMs, spawnAt, fragmentAt };
    if (!out[entry.camera] || out[entry.camera].startAt > stages.startAt) out[entry.camera] = stages;
  }
  return out;
}

/** The stages of a start, in the order they happen, as ms after the page's request. */
export const stageNames = ['answer', 'start', 'spawn', 'fragment', 'socket', 'bytes', 'buffered', 'frame'];

/**
 * A tile's start-up split into stages, each in ms after the page asked for the stream (Tessera:
 * media:open; the baseline: its fetch): answer = the open's reply reached the page (Tessera only),
 * start = main (or the baseline server) took the request up, spawn = ffmpeg started, fragment =
 * its first fragment reached main/the server, socket = the page opened the stream's media socket
 * (Tessera in serve mode; the baseline's fetch is the request itself), bytes = the first media bytes reached the page,
 * buffered = the first media was in the <video>'s buffer, frame = the first frame presented (TTFF).
 * The differences between neighbours are where the time goes. Missing marks are null.
 * @param {number | null | undefined} openAt
 * @param {{answeredAt?: number, socketAt?: number, bytesAt?: number, bufferedAt?: number | null, firstFrameAt?: number | null, startAt?: number, spawnAt?: number, fragmentAt?: number}} marks wall ms
 */
export function startStages(openAt, marks) {
  const rel = (at) => (openAt === null || openAt === undefined || at === null || at === undefined || !Number.isFinite(at) ? null : round(at - openAt, 0));
  return {
    answer: rel(marks.answeredAt),
    start: rel(marks.startAt),
    spawn: rel(marks.spawnAt),
    fragment: rel(marks.fragmentAt),
    socket: rel(marks.socketAt),
    bytes: rel(marks.bytesAt),
    buffered: rel(marks.bufferedAt),
    frame: rel(marks.firstFrameAt),
  };
}

/** The median of each stage over the tiles that have it. @param {{stages?: Record<string, number | null>}[]} tiles */
export function stageMedians(tiles) {
  return Object.fromEntries(stageNames.map((name) => [name, round(median(tiles.map((t) => t.stages?.[name]).filter((v) => v !== null && v !== undefined)), 0)]));
}
