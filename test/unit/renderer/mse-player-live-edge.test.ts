/**
 * The MSE player's arithmetic (renderer/src/player/live-edge.ts, source-buffer-queue.ts):
 * live-edge catch-up, buffer trimming, stall detection and the arrival log behind the latency figure.
 */
import { describe, expect, it } from 'vitest';
import {
  ArrivalLog,
  defaultLiveEdge,
  defaultStall,
  initialLiveEdge,
  liveEdge,
  smooth,
  stallCheck,
  type LiveEdgeState,
} from '../../../renderer/src/player/live-edge.js';
import { quotaTrim, trimPlan, type Ranges } from '../../../renderer/src/player/source-buffer-queue.js';

describe('liveEdge', () => {
  // Buffered 10.0–12.0 s; the rows move currentTime. Target 0.12 s; speed up above 0.5 s (above
  // 0.2 s once held for 3 s) back to within 0.04 s of the target; jump above 1 s held for 1 s,
  // above 2 s at once.
  const ranges: Ranges = [[10, 12]];
  it.each([
    // currentTime  lag                                      rate  seekTo    why
    [11.9, '0.1 s: at the edge', 1, undefined, undefined],
    [11.6, '0.4 s: inside the band, leave it (for now)', 1, undefined, undefined],
    [11.4, '0.6 s: speed up', 1.1, undefined, undefined],
    [10.9, '1.1 s: over the jump line, not for long yet', 1.1, undefined, undefined],
    [9.5, 'before the buffer (start, new init)', 1, 11.88, 'outside'],
    [12.05, 'just past the end: waiting for data, stay', 1, undefined, undefined],
    [30, 'far past the end (times went back)', 1, 11.88, 'outside'],
  ])('currentTime %f (%s) → rate %f, seek %s', (currentTime, _what, rate, seekTo, why) => {
    const d = liveEdge(initialLiveEdge, { nowMs: 0, currentTime, ranges });
    expect(d.rate).toBe(rate);
    expect(d.seekTo).toBe(seekTo);
    expect(d.why).toBe(why);
  });

  it('jumps at once when more than 2 s behind', () => {
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 11.9, ranges: [[10, 14]] })).toMatchObject({ seekTo: 13.88, why: 'lag', rate: 1 });
  });

  /** Runs the controller every 250 ms with currentTime given per step; one line per step. */
  function run(times: number[], r: Ranges = ranges): string[] {
    let state: LiveEdgeState = initialLiveEdge;
    return times.map((currentTime, i) => {
      const d = liveEdge(state, { nowMs: i * 250, currentTime, ranges: r });
      state = d.state;
      return d.seekTo === undefined ? `${i * 250}: ×${d.rate}` : `${i * 250}: seek ${d.seekTo} (${d.why})`;
    });
  }

  it('jumps to end − target once the lag has stayed above 1 s for a second', () => {
    expect(run([10.8, 10.8, 10.8, 10.8, 10.8])).toEqual(['0: ×1.1', '250: ×1.1', '500: ×1.1', '750: ×1.1', '1000: seek 11.88 (lag)']);
  });

  it('forgets the jump timer when the lag drops below the line in between', () => {
    expect(run([10.8, 10.8, 11.2, 10.8, 10.8])).toEqual(['0: ×1.1', '250: ×1.1', '500: ×1.1', '750: ×1.1', '1000: ×1.1']);
  });

  it('keeps speeding up until the lag is back within a frame of the target (hysteresis), then plays at 1×', () => {
    expect(run([11.4, 11.6, 11.75, 11.83, 11.85, 11.85])).toEqual(['0: ×1.1', '250: ×1.1', '500: ×1.1', '750: ×1.1', '1000: ×1', '1250: ×1']);
  });

  it("a lag of 0.2–0.25 s held for 3 s is worked off too (the old 0.2 s target kept it for good), down to Chromium's own hold", () => {
    const held = Array.from({ length: 13 }, () => 11.78);
    const seen = run([...held, 11.82, 11.86]);
    expect(seen.slice(0, 12).every((l) => l.endsWith('×1'))).toBe(true);
    expect(seen.slice(12)).toEqual(['3000: ×1.1', '3250: ×1.1', '3500: ×1']);
  });

  it('lands jumps 0.12 s behind the edge, what Chromium holds by itself (the bare pipeline adds nothing to it)', () => {
    expect(defaultLiveEdge.targetLagSec).toBe(0.12);
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 3, ranges: [[10, 12]] }).seekTo).toBeCloseTo(11.88, 6);
  });

  it("a Chromium that holds 0.15 s by itself (many tiles) is not chased: the speed-up ends there instead of turning into a jump", () => {
    const seen = run([11.4, ...Array.from({ length: 30 }, () => 11.85)]);
    expect(seen[0]).toBe('0: ×1.1');
    expect(seen.slice(1).every((l) => l.endsWith('×1'))).toBe(true);
  });

  it('a smaller lag (0.3 s) held for 3 s is worked off at 1.1× back to the target, not kept for good', () => {
    const held = Array.from({ length: 13 }, () => 11.7);
    const seen = run([...held, 11.75, 11.85]);
    expect(seen.slice(0, 12).every((l) => l.endsWith('×1'))).toBe(true);
    expect(seen.slice(12)).toEqual(['3000: ×1.1', '3250: ×1.1', '3500: ×1']);
  });

  it('a tile dropping frames (at the decode limit) keeps its smaller lag rather than play faster', () => {
    let state: LiveEdgeState = initialLiveEdge;
    const rates = Array.from({ length: 20 }, (_, i) => {
      const d = liveEdge(state, { nowMs: i * 250, currentTime: 11.6, ranges, droppingFrames: i % 8 === 5 });
      state = d.state;
      return d.rate;
    });
    expect(rates.every((r) => r === 1)).toBe(true);
  });

  it('a lag that falls back to the target in between (clumps played off) is left alone', () => {
    const sawtooth = Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? 11.8 : 11.6));
    expect(run(sawtooth).every((l) => l.endsWith('×1'))).toBe(true);
  });

  it('a speed-up that does not bring the lag down within 6 s gives way to a jump', () => {
    const steps = Array.from({ length: 25 }, () => 11.4);
    const seen = run(steps);
    expect(seen.slice(0, 24).every((l) => l.endsWith('×1.1'))).toBe(true);
    expect(seen[24]).toBe('6000: seek 11.88 (lag)');
  });

  it('in the first 3 s of playing, a lag over 0.5 s (the join burst) is jumped at once', () => {
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 11.4, ranges, playingForMs: 1200 })).toMatchObject({ seekTo: 11.88, why: 'start' });
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 11.6, ranges, playingForMs: 1200 }).seekTo).toBeUndefined();
    const later = liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 11.4, ranges, playingForMs: 3000 });
    expect([later.rate, later.seekTo]).toEqual([1.1, undefined]);
  });

  it('only the newest range is live: a player left in an older range jumps to the newest', () => {
    const d = liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 5.5, ranges: [[5, 6], [10, 12]] });
    expect(d).toMatchObject({ seekTo: 11.88, why: 'outside' });
  });

  it('never lands before the newest range starts (a single frame buffered)', () => {
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 0, ranges: [[12.3, 12.34]] }).seekTo).toBe(12.3);
  });

  it('does nothing with nothing buffered', () => {
    expect(liveEdge({ catchUpSinceMs: 5 }, { nowMs: 0, currentTime: 3, ranges: [] })).toEqual({ state: initialLiveEdge, rate: 1, lagSec: 0 });
  });

  it('reports the lag', () => {
    expect(liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 11.75, ranges }).lagSec).toBeCloseTo(0.25);
    expect(defaultLiveEdge.speedUpAboveSec).toBe(0.5);
  });
});

describe('trimPlan', () => {
  // keep 8 s behind currentTime, trim only once 4 s more has piled up
  it.each([
    [[[0, 20]], 10, null],
    [[[0, 20]], 12, [0, 4]],
    [[[0, 20]], 11.9, null],
    [[[2, 5], [6, 20]], 19, [2, 11]],
    [[], 100, null],
  ] as [Ranges, number, [number, number] | null][])('%j at %f → %j', (ranges, t, plan) => expect(trimPlan(ranges, t)).toEqual(plan));
});

describe('quotaTrim', () => {
  it('gives back everything behind currentTime but half a second', () => expect(quotaTrim([[3, 20]], 10)).toEqual([3, 9.5]));
  it('has nothing to give when the playhead is at the start', () => expect(quotaTrim([[3, 20]], 3.4)).toBeNull());
  it('has nothing to give with nothing buffered', () => expect(quotaTrim([], 3)).toBeNull());
});

describe('stallCheck', () => {
  const { firstByteMs, noDataMs, noProgressMs } = defaultStall;
  it.each([
    ['waiting for the first byte', { nowMs: firstByteMs - 1, startedMs: 0 }, null],
    ['no first byte in time', { nowMs: firstByteMs, startedMs: 0 }, 'no-start'],
    ['bytes flowing, picture moving', { nowMs: 30_000, startedMs: 0, firstDataMs: 1000, lastDataMs: 29_990, lastProgressMs: 29_990 }, null],
    ['bytes stopped', { nowMs: 30_000, startedMs: 0, firstDataMs: 1000, lastDataMs: 30_000 - noDataMs, lastProgressMs: 29_000 }, 'no-data'],
    ['bytes flowing, picture frozen', { nowMs: 30_000, startedMs: 0, firstDataMs: 1000, lastDataMs: 29_990, lastProgressMs: 30_000 - noProgressMs }, 'no-progress'],
    ['bytes flowing, never a picture', { nowMs: 1000 + noProgressMs, startedMs: 0, firstDataMs: 1000, lastDataMs: 1000 + noProgressMs - 10 }, 'no-progress'],
    ['bytes just began, no picture yet', { nowMs: 1500, startedMs: 0, firstDataMs: 1000, lastDataMs: 1490 }, null],
  ] as const)('%s → %s', (_name, sample, reason) => expect(stallCheck(sample)).toBe(reason));
});

describe('ArrivalLog', () => {
  it('finds the fragment holding a media time and hence when its bytes arrived', () => {
    const log = new ArrivalLog();
    log.add(1.0, 5000);
    log.add(1.04, 5040);
    log.add(1.08, 5085);
    expect(log.arrivalOf(0.99)).toBeUndefined();
    expect(log.arrivalOf(1.0)).toBe(5000);
    expect(log.arrivalOf(1.0399999)).toBe(5040); // rounding of rVFC mediaTime
    expect(log.arrivalOf(1.05)).toBe(5040);
    expect(log.arrivalOf(9)).toBe(5085);
  });

  it('starts afresh when media time goes back (new init segment)', () => {
    const log = new ArrivalLog();
    log.add(100, 1);
    log.add(0, 2);
    expect(log.arrivalOf(100)).toBe(2);
  });

  it('keeps only the newest entries', () => {
    const log = new ArrivalLog(3);
    for (let i = 0; i < 10; i++) log.add(i, i * 100);
    expect(log.arrivalOf(6.5)).toBeUndefined();
    expect(log.arrivalOf(7)).toBe(700);
  });
});

describe('smooth', () => {
  it('takes the first sample as is, then moves a fifth of the way', () => {
    expect(smooth(undefined, 100)).toBe(100);
    expect(smooth(100, 200)).toBe(120);
  });
});
