/**
 * Stream policy: which tile gets the main stream, the sub-stream or JPEG previews. Each case
 * draws the wall as lines "tile height flags → decision · why".
 */
import { describe, expect, it } from 'vitest';
import { judgeBehind, profileForHeight, StreamPolicy, type HealthSample, type StreamPolicyConfig, type TileMode, type TileNeeds } from '../../../renderer/src/player/stream-policy.js';

function tile(id: string, heightPx: number, extra: Partial<TileNeeds> = {}): TileNeeds {
  return { id, heightPx, focused: false, maximised: false, pin: 'auto', profiles: ['main', 'sub'], ...extra };
}

function describeMode(mode: TileMode | undefined): string {
  if (!mode) return 'nothing';
  return mode.kind === 'video' ? `${mode.profile} · ${mode.why}` : `jpeg ${mode.intervalMs} ms · ${mode.why}`;
}

/** The decisions in tile order, one line each. */
function draw(policy: StreamPolicy, tiles: TileNeeds[]): string[] {
  const modes = policy.decide(tiles);
  return tiles.map((t) => `${t.id} ${describeMode(modes.get(t.id))}`);
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('profileForHeight (Nx Witness thresholds with hysteresis)', () => {
  const config = { smallBelowPx: 171, upFactor: 1.34 }; // up at 229.14 px
  it.each([
    [100, undefined, 'sub'],
    [171, undefined, 'sub'],
    [229, undefined, 'sub'],
    [230, undefined, 'main'],
    [171, 'main', 'main'],
    [170, 'main', 'sub'],
    [200, 'sub', 'sub'],
    [230, 'sub', 'main'],
  ] as const)('%i px, now %s → %s', (height, current, expected) => expect(profileForHeight(height, current, config)).toBe(expected));
});

describe('StreamPolicy', () => {
  it('a tile resized across the threshold does not flap: down below 171 px, up only above 229 px', () => {
    const policy = new StreamPolicy();
    const seen = [300, 200, 172, 170, 200, 229, 230, 180].map((h) => draw(policy, [tile('A', h)])[0]);
    expect(seen).toEqual([
      'A main · tile is 300 px high',
      'A main · tile is 200 px high',
      'A main · tile is 172 px high',
      'A sub · tile is small (170 px high)',
      'A sub · tile is small (200 px high)',
      'A sub · tile is small (229 px high)',
      'A main · tile is 230 px high',
      'A main · tile is 180 px high',
    ]);
  });

  it('at most 4 main streams: the tallest tiles get them, the rest the sub-stream', () => {
    const policy = new StreamPolicy();
    expect(draw(policy, [tile('A', 400), tile('B', 400), tile('C', 300), tile('D', 400), tile('E', 500), tile('F', 250)])).toEqual([
      'A main · tile is 400 px high',
      'B main · tile is 400 px high',
      'C sub · main-stream budget full (4)',
      'D main · tile is 400 px high',
      'E main · tile is 500 px high',
      'F sub · main-stream budget full (4)',
    ]);
  });

  it('among equals, a tile already on main keeps it (no swapping on every decision)', () => {
    const policy = new StreamPolicy({ maxMainStreams: 1 });
    expect(draw(policy, [tile('A', 400), tile('B', 400)])).toEqual(['A main · tile is 400 px high', 'B sub · main-stream budget full (1)']);
    // B moves to the front of the list: A still holds main.
    expect(draw(policy, [tile('B', 400), tile('A', 400)])).toEqual(['B sub · main-stream budget full (1)', 'A main · tile is 400 px high']);
  });

  it('a maximised tile gets main even when taller tiles filled the budget; the focused tile next', () => {
    const policy = new StreamPolicy({ maxMainStreams: 2 });
    expect(draw(policy, [tile('A', 900), tile('B', 800), tile('C', 700), tile('D', 250, { maximised: true }), tile('E', 240, { focused: true })])).toEqual([
      'A sub · main-stream budget full (2)',
      'B sub · main-stream budget full (2)',
      'C sub · main-stream budget full (2)',
      'D main · maximised',
      'E main · tile is 240 px high',
    ]);
  });

  it('beyond the video budget, tiles get JPEG previews at 1 s; the focused tile always gets video', () => {
    const policy = new StreamPolicy({ maxVideoTiles: 3 });
    const wall = ['A', 'B', 'C', 'D', 'E'].map((id) => tile(id, 120));
    expect(draw(policy, wall)).toEqual([
      'A sub · tile is small (120 px high)',
      'B sub · tile is small (120 px high)',
      'C sub · tile is small (120 px high)',
      'D jpeg 1000 ms · video budget full (3 tiles)',
      'E jpeg 1000 ms · video budget full (3 tiles)',
    ]);
    wall[4] = tile('E', 120, { focused: true });
    expect(draw(policy, wall)).toEqual([
      'A sub · tile is small (120 px high)',
      'B sub · tile is small (120 px high)',
      'C jpeg 1000 ms · video budget full (3 tiles)',
      'D jpeg 1000 ms · video budget full (3 tiles)',
      'E sub · tile is small (120 px high)',
    ]);
  });

  it('the video budget goes to the tallest tiles first', () => {
    const policy = new StreamPolicy({ maxVideoTiles: 1 });
    expect(draw(policy, [tile('A', 100), tile('B', 160)])).toEqual(['A jpeg 1000 ms · video budget full (1 tiles)', 'B sub · tile is small (160 px high)']);
  });

  it('a camera with only a main stream plays main even small, and falls to JPEG (not sub) when the main budget is full', () => {
    const policy = new StreamPolicy({ maxMainStreams: 2 });
    const mainOnly = { profiles: ['main'] as const };
    expect(draw(policy, [tile('A', 600), tile('B', 100, mainOnly), tile('C', 100, mainOnly), tile('D', 100, { ...mainOnly, focused: true }), tile('E', 500, mainOnly)])).toEqual([
      'A sub · main-stream budget full (2)',
      'B jpeg 1000 ms · main-stream budget full (2) and the camera has no sub-stream',
      'C jpeg 1000 ms · main-stream budget full (2) and the camera has no sub-stream',
      'D main · the camera has only a main stream',
      'E main · the camera has only a main stream',
    ]);
  });

  it('operator pins win over size and maximising, when the camera offers the profile', () => {
    const policy = new StreamPolicy();
    expect(draw(policy, [tile('A', 900, { pin: 'sub', maximised: true }), tile('B', 100, { pin: 'main' }), tile('C', 100, { pin: 'main', profiles: ['sub'] })])).toEqual([
      'A sub · pinned to the sub-stream',
      'B main · pinned to the main stream',
      'C sub · the camera has only a sub-stream',
    ]);
  });

  it('pinned main streams take the budget before tall unpinned tiles', () => {
    const policy = new StreamPolicy({ maxMainStreams: 1 });
    expect(draw(policy, [tile('A', 900), tile('B', 100, { pin: 'main' })])).toEqual(['A sub · main-stream budget full (1)', 'B main · pinned to the main stream']);
  });

  describe('falling behind', () => {
    /** Reports one sample a second for `seconds` s (25 frames decoded a second); the first 5 s are warm-up. */
    function feed(policy: StreamPolicy, time: ReturnType<typeof clock>, id: string, seconds: number, sample: (i: number) => Partial<HealthSample> = () => ({})): (string | null)[] {
      const out: (string | null)[] = [];
      for (let i = 0; i <= seconds; i++) {
        out.push(policy.report(id, { decodedFrames: 25 * i, droppedFrames: 0, jumps: 0, ...sample(i) }));
        time.advance(1000);
      }
      return out;
    }

    it('main → sub for a minute after dropping frames, then back to main', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      const wall = [tile('A', 400), tile('B', 400)];
      draw(policy, wall);
      const verdicts = feed(policy, time, 'A', 10, (i) => ({ droppedFrames: 10 * i, bufferAheadSec: 0.2 }));
      // Seconds 0–4 are warm-up; the window is full (4 s) at second 9.
      expect(verdicts.map((v, i) => (v ? `${i}: ${v}` : null)).filter(Boolean)).toEqual(['9: 40 % of frames dropped']);
      expect(draw(policy, wall)).toEqual(['A sub · fell behind (40 % of frames dropped); sub-stream for now', 'B main · tile is 400 px high']);
      time.advance(30_000);
      expect(draw(policy, wall)[0]).toBe('A sub · fell behind (40 % of frames dropped); sub-stream for now');
      time.advance(30_000);
      expect(draw(policy, wall)[0]).toBe('A main · tile is 400 px high');
    });

    it('frames dropped with an empty buffer (late arrivals, a bursty source) do not demote', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      draw(policy, [tile('A', 400)]);
      expect(feed(policy, time, 'A', 12, (i) => ({ droppedFrames: 15 * i, bufferAheadSec: 0.04 })).every((v) => v === null)).toBe(true);
    });

    it('one demotion at a time across the wall: the next tile waits 10 s', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      const wall = [tile('A', 400), tile('B', 400)];
      draw(policy, wall);
      const verdicts: string[] = [];
      let aDemoted = false;
      for (let i = 0; i <= 25; i++) {
        // Both drop 40 % until A steps down; after that A recovers, B does not.
        if (policy.report('A', { decodedFrames: 25 * i, droppedFrames: aDemoted ? 0 : 10 * i, jumps: 0 })) {
          verdicts.push(`${i}: A`);
          aDemoted = true;
          draw(policy, wall);
        }
        if (policy.report('B', { decodedFrames: 25 * i, droppedFrames: 10 * i, jumps: 0 })) verdicts.push(`${i}: B`);
        time.advance(1000);
      }
      // B was as bad as A from second 9 on, but waited for the wall to settle.
      expect(verdicts).toEqual(['9: A', '19: B']);
    });

    it('sub → JPEG when the sub-stream falls behind too; the focused tile keeps video', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      const wall = [tile('A', 120), tile('B', 120, { focused: true })];
      draw(policy, wall);
      feed(policy, time, 'A', 10, (i) => ({ latencyMs: 500 + 100 * i }));
      time.advance(10_000);
      feed(policy, time, 'B', 10, (i) => ({ latencyMs: 500 + 100 * i }));
      expect(draw(policy, wall)).toEqual(['A jpeg 1000 ms · fell behind (latency 1.4 s); previews for now', 'B sub · fell behind (latency 1.4 s); sub-stream for now']);
    });

    it('a camera without a sub-stream steps straight from main to JPEG', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      const wall = [tile('A', 400, { profiles: ['main'] })];
      draw(policy, wall);
      feed(policy, time, 'A', 10, (i) => ({ jumps: i }));
      expect(draw(policy, wall)).toEqual(['A jpeg 1000 ms · fell behind (skipped ahead 4 times to stay live); previews for now']);
    });

    it('maximised and pinned tiles are not demoted', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      const wall = [tile('A', 400, { maximised: true }), tile('B', 400, { pin: 'main' })];
      draw(policy, wall);
      expect(feed(policy, time, 'A', 10, (i) => ({ droppedFrames: 10 * i }))).not.toContain('40 % of frames dropped');
      time.advance(10_000);
      expect(feed(policy, time, 'B', 10, (i) => ({ droppedFrames: 10 * i }))).not.toContain('40 % of frames dropped');
      expect(draw(policy, wall)).toEqual(['A main · maximised', 'B main · pinned to the main stream']);
    });

    it('a new stream starts a new history: samples of the old profile are not held against it', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      draw(policy, [tile('A', 400)]);
      feed(policy, time, 'A', 7, (i) => ({ droppedFrames: 10 * i }));
      draw(policy, [tile('A', 150)]); // now sub
      expect(feed(policy, time, 'A', 12, () => ({ droppedFrames: 0 })).every((v) => v === null)).toBe(true);
    });

    it('a forgotten tile loses its demotion', () => {
      const time = clock();
      const policy = new StreamPolicy({}, time.now);
      draw(policy, [tile('A', 400)]);
      expect(feed(policy, time, 'A', 10, (i) => ({ droppedFrames: 10 * i }))).toContain('40 % of frames dropped');
      policy.forget('A');
      expect(draw(policy, [tile('A', 400)])).toEqual(['A main · tile is 400 px high']);
    });
  });
});

describe('judgeBehind', () => {
  const rules: StreamPolicyConfig['behind'] = { windowMs: 5000, warmupMs: 5000, droppedRatio: 0.1, minFrames: 25, minBufferSec: 0.1, latencyMs: 1000, latencyGrowthMs: 300, jumps: 3 };
  const samples = (rows: [atMs: number, decoded: number, dropped: number, latencyMs: number | undefined, jumps: number, bufferAheadSec?: number][]) =>
    rows.map(([atMs, decodedFrames, droppedFrames, latencyMs, jumps, bufferAheadSec]) => ({ atMs, decodedFrames, droppedFrames, jumps, ...(latencyMs === undefined ? {} : { latencyMs }), ...(bufferAheadSec === undefined ? {} : { bufferAheadSec }) }));

  it.each([
    ['healthy', samples([[0, 0, 0, 120, 0], [2500, 62, 0, 130, 0], [5000, 125, 1, 125, 0]]), null],
    ['too short a window to judge', samples([[0, 0, 0, 120, 0], [3000, 75, 40, 3000, 9]]), null],
    ['10 % dropped', samples([[0, 0, 0, 120, 0], [5000, 125, 13, 130, 0]]), '10 % of frames dropped'],
    ['10 % dropped with data in the buffer', samples([[0, 0, 0, 120, 0, 0.3], [5000, 125, 13, 130, 0, 0.2]]), '10 % of frames dropped'],
    ['10 % dropped with the buffer running dry (frames arrived late)', samples([[0, 0, 0, 120, 0, 0.02], [5000, 125, 13, 130, 0, 0.05]]), null],
    ['dropping, but too few frames to say', samples([[0, 0, 0, 120, 0], [5000, 20, 10, 130, 0]]), null],
    ['latency over a second', samples([[0, 0, 0, 900, 0], [5000, 125, 0, 1200, 0]]), 'latency 1.2 s'],
    ['1.2 s of which 0.8 s is kept on purpose for clumpy data (HLS)', samples([[0, 0, 0, 900, 0], [5000, 125, 0, 1200, 0]]).map((s) => ({ ...s, clumpLagMs: 800 })), null],
    ['clumpy data, and still a second late beyond that', samples([[0, 0, 0, 900, 0], [5000, 125, 0, 1900, 0]]).map((s) => ({ ...s, clumpLagMs: 800 })), 'latency 1.9 s'],
    ['latency rising every sample by 300 ms in all', samples([[0, 0, 0, 200, 0], [2000, 50, 0, 350, 0], [4000, 100, 0, 420, 0], [5000, 125, 0, 520, 0]]), 'latency keeps growing'],
    ['latency up and down', samples([[0, 0, 0, 200, 0], [2000, 50, 0, 600, 0], [4000, 100, 0, 300, 0], [5000, 125, 0, 520, 0]]), null],
    ['three jumps to the live edge', samples([[0, 0, 0, 200, 2], [5000, 125, 0, 200, 5]]), 'skipped ahead 3 times to stay live'],
    ['old samples fall out of the window', samples([[0, 0, 0, 200, 0], [1000, 25, 20, 200, 0], [7000, 175, 20, 200, 0]]), null],
  ])('%s', (_name, rows, verdict) => expect(judgeBehind(rows, rules)).toBe(verdict));
});
