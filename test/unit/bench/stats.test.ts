// Pure parts of the live benchmark: the numbers it reports must come out right from known inputs.
import { describe, expect, it } from 'vitest';
import { clockEdgeLatencies, cpuByGroup, processesBlock, quantile, ratios, samePhaseEdges, slopePerMinute, stageMedians, startStages, summary, tileRow, upstreamStartStages } from '../../../bench/live/stats.js';
import { gridLayout, parseBenchArgs, runCapMs, simIndexes } from '../../../bench/live/options.js';
import { formatReport } from '../../../bench/live/table.js';
import { layoutSchema } from '../../../preload/contract/wall.js';

/** Edges of a clock seen with `latencyMs` at 25 fps: second S is first drawn on the frame at S + phaseMs. */
function edges(latencyMs: (k: number) => number, count = 10, phaseMs = 12, mediaOffsetS = 3.5) {
  const base = 1_700_000_000_000;
  return Array.from({ length: count }, (_, k) => {
    const sourceMs = base + k * 1000 + phaseMs; // the frame's burned time is in [S, S + 40)
    const mediaTime = mediaOffsetS + (sourceMs - base) / 1000;
    return { wallMs: sourceMs + latencyMs(k), mediaTime, prevMediaTime: mediaTime - 0.04 };
  });
}

describe('clock-edge latency', () => {
  it('recovers a steady latency to within half a frame', () => {
    const got = clockEdgeLatencies(edges(() => 180));
    expect(got).toHaveLength(10);
    for (const g of got) expect(Math.abs(g.latencyMs - 180)).toBeLessThanOrEqual(20);
  });

  it('follows a latency growing past one second instead of wrapping it', () => {
    const got = clockEdgeLatencies(edges((k) => 300 + k * 250));
    expect(got).toHaveLength(10);
    for (const [k, g] of got.entries()) expect(Math.abs(g.latencyMs - (300 + k * 250))).toBeLessThanOrEqual(20);
    // +250 ms per edge, edges 1.25 s apart on the wall clock: +12 s per minute.
    expect(slopePerMinute(got)).toBeCloseTo(12_000, -2);
  });

  it('drops glitches off the clock phase and edges after skipped frames', () => {
    const good = edges(() => 200, 8);
    const glitch = { wallMs: good[3]!.wallMs + 430, mediaTime: good[3]!.mediaTime + 0.43, prevMediaTime: good[3]!.mediaTime + 0.39 };
    const skipped = { ...good[5]!, prevMediaTime: good[5]!.mediaTime - 0.6 };
    const input = [...good.slice(0, 5), glitch, skipped, ...good.slice(6)];
    expect(samePhaseEdges(input)).not.toContain(glitch);
    const got = clockEdgeLatencies(input);
    expect(got).toHaveLength(7);
    for (const g of got) expect(Math.abs(g.latencyMs - 200)).toBeLessThanOrEqual(20);
  });
});

describe('CPU and memory from /proc samples', () => {
  it('counts ticks per group over the window, including processes born and gone inside it', () => {
    const p = (pid: number, group: string, ticks: number, rssKb = 1024) => ({ pid, group, ticks, rssKb, startTicks: pid * 10 });
    const samples = [
      { atMs: 0, procs: [p(1, 'main', 1000), p(2, 'ffmpeg', 500)] },
      { atMs: 5000, procs: [p(1, 'main', 1010), p(2, 'ffmpeg', 505), p(3, 'ffmpeg', 20)] },
      { atMs: 10_000, procs: [p(1, 'main', 1020), p(3, 'ffmpeg', 30)] },
    ];
    const groups = cpuByGroup(samples, 100);
    // main: 20 ticks in 10 s = 2 %; ffmpeg: pid 2 used 5 until it died, pid 3 was born with 30.
    expect(groups.main!.cpuPct).toBe(2);
    expect(groups.ffmpeg!.cpuPct).toBe(3.5);
    expect(groups.ffmpeg!.processes).toBe(2);
    expect(groups.ffmpeg!.rssMb).toBeCloseTo(4 / 3, 1); // 1, 2 and 1 MB at the three samples
    const block = processesBlock(groups);
    expect(block).toMatchObject({ mainCpuPct: 2, ffmpegCpuPct: 3.5, rendererCpuPct: 0 });
    expect(block.rssMb).toBeCloseTo(1 + 4 / 3, 1);
  });
});

describe('tile rows, totals, ratios and the report', () => {
  const a = { name: 'Lobby', atMs: 0, decoded: 100, dropped: 0, presented: 80, mode: 'video', videoHeight: 360, bufferAhead: 0.1 };
  const b = { ...a, atMs: 10_000, decoded: 350, dropped: 5, presented: 280 };

  it('turns counters at both ends of the window into the JSON tile shape', () => {
    const row = tileRow(a, b, { ttffMs: 812.4, latencies: [{ wallMs: 0, latencyMs: 180 }, { wallMs: 1000, latencyMs: 200 }, { wallMs: 2000, latencyMs: 190 }] });
    expect(row).toMatchObject({ camera: 'Lobby', decodedFps: 25, droppedPct: 1.96, ttffMs: 812, latencyMs: 190, shownFps: 20, height: 360 });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('keeps exactly the required JSON keys and prints ratios to the baseline', () => {
    const tiles = [tileRow(a, b, { ttffMs: 900 })];
    const processes = processesBlock({ main: { cpuPct: 1, rssMb: 100, processes: 1 }, ffmpeg: { cpuPct: 2, rssMb: 50, processes: 1 }, renderer: { cpuPct: 40, rssMb: 500, processes: 5 } });
    const tessera = { tiles, processes, summary: summary(tiles, processes, 1) };
    const base = { tiles, processes: { ...processes, mainCpuPct: 0.5 }, summary: { ...tessera.summary, ttffMedianMs: 450 } };
    for (const key of ['camera', 'decodedFps', 'droppedPct', 'ttffMs', 'latencyMs']) expect(tiles[0]).toHaveProperty(key);
    for (const key of ['mainCpuPct', 'ffmpegCpuPct', 'rendererCpuPct', 'rssMb']) expect(processes).toHaveProperty(key);
    const r = ratios(tessera, base);
    expect(r).toMatchObject({ mainCpu: 2, ttffMedian: 2, decodedFps: 1 });
    expect(tessera.summary.mainPlusFfmpegCpuPctPerStream).toBe(3);
    const text = formatReport({
      tiles, processes, summary: tessera.summary, baseline: base, ratios: r,
      config: { tiles: 1, seconds: 10, warmup: 2, profile: 'sub', viewport: { width: 1280, height: 800 }, screen: 'wall', clockTile: 'Lobby' },
      machine: { cpus: 2, cpuModel: 'test', memGb: 24 },
    });
    expect(text).toContain('Tessera ÷ baseline');
    expect(text).toMatch(/Lobby\s+video\s+360\s+25\s+20\s+1\.96\s+900/);
  });

  it("prints the baseline's notes on its streams (why a tile played late or not at all)", () => {
    const tiles = [tileRow(a, b, { ttffMs: 900 })];
    const processes = processesBlock({ main: { cpuPct: 1, rssMb: 100, processes: 1 } });
    const run = { tiles, processes, summary: summary(tiles, processes, 1) };
    const notes = [
      { stream: 'Lobby', what: 'probing longer', why: 'the fast probe ended before the picture size was known' },
      { stream: 'Dock', what: 'ffmpeg ended', code: 1, stderr: 'Connection refused' },
    ];
    const text = formatReport({
      ...run, baseline: { ...run, notes }, ratios: ratios(run, run),
      config: { tiles: 1, seconds: 10, warmup: 2, profile: 'sub', viewport: { width: 1280, height: 800 }, screen: 'wall', clockTile: null },
      machine: { cpus: 2, cpuModel: 'test', memGb: 24 },
    });
    expect(text).toContain('baseline Lobby: probing longer (the fast probe ended before the picture size was known)');
    expect(text).toContain('baseline Dock: ffmpeg ended: Connection refused');
  });
});

describe('command line and layout', () => {
  it('parses the documented options and refuses bad ones', () => {
    expect(parseBenchArgs(['--tiles', '9', '--seconds', '30', '--profile', 'main', '--json', 'x.json'])).toMatchObject({ tiles: 9, seconds: 30, profile: 'main', json: 'x.json', baseline: true, viewport: { width: 1280, height: 800 } });
    expect(() => parseBenchArgs(['--tiles', '65'])).toThrow(/1 to 64/);
    expect(() => parseBenchArgs(['--profile', 'hd'])).toThrow(/sub or main/);
    expect(() => parseBenchArgs(['--source-url', 'http://x'])).toThrow(/rtsp/);
    expect(runCapMs(parseBenchArgs(['--seconds', '60']))).toBeLessThan(20 * 60_000);
  });

  it('builds a layout the wall contract accepts, empty cells filling the grid', () => {
    const layout = gridLayout(['s/a', 's/b', 's/c', 's/d', 's/e']);
    expect(layout).toMatchObject({ columns: 3, rows: 2 });
    expect(layout.cells.filter((c) => c.cameraIds.length === 0)).toHaveLength(1);
    expect(layoutSchema.safeParse(layout).success).toBe(true);
    expect(layoutSchema.safeParse(gridLayout(Array.from({ length: 64 }, (_, i) => `s/${i}`))).success).toBe(true);
  });

  it('pins every camera tile to main for --profile main and leaves --profile sub to the stream policy', () => {
    const main = gridLayout(['s/a', 's/b', 's/c'], { profile: 'main' });
    expect(main.cells.map((c) => c.pin)).toEqual(['main', 'main', 'main', undefined]);
    expect(layoutSchema.safeParse(main).success).toBe(true);
    expect(gridLayout(['s/a', 's/b', 's/c'], { profile: 'sub' }).cells.some((c) => 'pin' in c)).toBe(false);
  });

  it('uses the audio-free even simulator cameras, repeating them past 32 tiles', () => {
    expect(simIndexes(3)).toEqual([0, 2, 4]);
    expect(simIndexes(64)[32]).toBe(0);
    expect(Math.max(...simIndexes(64))).toBe(62);
  });
});

describe('start-up stages (where the time to the first frame goes)', () => {
  it("reads main's first-fragment lines: the earliest start per camera, from the logged waits", () => {
    const log = [
      JSON.stringify({ t: '2026-01-01T00:00:02.000Z', level: 'info', scope: 'main.media', msg: 'first fragment', camera: 's/1', profile: 'sub', resolveMs: 150, spawnToFragmentMs: 1200 }),
      '{"t":"2026-01-01T00:00:01.000Z","msg":"starting upstream","camera":"s/1"}',
      // A restart of the same camera later: not the tile's first frame.
      JSON.stringify({ t: '2026-01-01T00:00:09.000Z', msg: 'first fragment', camera: 's/1', profile: 'sub', resolveMs: 10, spawnToFragmentMs: 500 }),
      '{"t":"2026-01-01T00:00:03.0', // cut by the stop
    ].join('\n');
    const at = Date.parse('2026-01-01T00:00:02.000Z');
    expect(upstreamStartStages(log)).toEqual({ 's/1': { startAt: at - 1350, spawnAt: at - 1200, fragmentAt: at } });
  });

  it('puts every mark in ms after the request, missing ones as null, and takes medians per stage', () => {
    const stages = startStages(1000, { answeredAt: 1090, startAt: 1030, spawnAt: 1200, fragmentAt: 2400, socketAt: 1150, bytesAt: 2450, bufferedAt: 2460, firstFrameAt: 2500.4 });
    expect(stages).toEqual({ answer: 90, start: 30, spawn: 200, fragment: 1400, socket: 150, bytes: 1450, buffered: 1460, frame: 1500 });
    expect(startStages(null, { firstFrameAt: 5 }).frame).toBeNull();
    expect(startStages(1000, { bufferedAt: null }).buffered).toBeNull();
    const tiles = [{ stages }, { stages: { ...stages, frame: 1700, answer: null } }, {}];
    expect(stageMedians(tiles)).toMatchObject({ answer: 90, frame: 1600, bytes: 1450 });
  });

  it('prints the medians of both phases in order', () => {
    const tiles = [tileRow({ name: 'Lobby', atMs: 0, decoded: 0, dropped: 0, presented: 0 }, { name: 'Lobby', atMs: 1000, decoded: 25, dropped: 0, presented: 25 }, { ttffMs: 900, stages: startStages(0, { spawnAt: 200, firstFrameAt: 900 }) })];
    const processes = processesBlock({});
    const run = { tiles, processes, summary: summary(tiles, processes, 1) };
    const text = formatReport({
      ...run, baseline: run, ratios: ratios(run, run),
      config: { tiles: 1, seconds: 10, warmup: 2, profile: 'sub', viewport: { width: 1280, height: 800 }, screen: 'wall', clockTile: null },
      machine: { cpus: 2, cpuModel: 'test', memGb: 24 },
    });
    expect(text).toContain('Tessera start-up, median ms after the request: answer — → start — → spawn 200 → fragment — → socket — → bytes — → buffered — → frame 900');
  });
});
