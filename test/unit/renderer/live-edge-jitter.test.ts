/**
 * The live-edge target follows how unevenly a stream's data arrives (renderer/src/player/live-edge.ts):
 * steady RTSP keeps the 0.12 s target (Chromium's own hold), a clumpy paced HLS source gets enough buffer to
 * play from one clump to the next without running dry.
 */
import { describe, expect, it } from 'vitest';
import { ArrivalGaps, defaultLiveEdge, initialLiveEdge, liveEdge, liveEdgeForGaps } from '../../../renderer/src/player/live-edge.js';

describe('ArrivalGaps', () => {
  it('reports the longest gap within the window, and forgets older ones', () => {
    const gaps = new ArrivalGaps(10_000);
    for (const at of [0, 40, 80, 420, 460]) gaps.add(at);
    expect(gaps.maxGapMs(500)).toBe(340);
    // 10 s later the 340 ms gap has left the window; only the steady 40 ms remain.
    for (let at = 500; at <= 11_000; at += 40) gaps.add(at);
    expect(gaps.maxGapMs(11_000)).toBe(40);
  });

  it('counts no gap before two arrivals, and none across a clear (restarted upstream)', () => {
    const gaps = new ArrivalGaps();
    gaps.add(100);
    expect(gaps.maxGapMs(100)).toBe(0);
    gaps.clear();
    gaps.add(5_000);
    gaps.add(5_040);
    expect(gaps.maxGapMs(5_040)).toBe(40);
  });
});

describe('liveEdgeForGaps', () => {
  it.each([
    // longest gap   what                                           target  speed-up  jump   jump now
    [0.04, 'RTSP, a frame every 40 ms: unchanged', 0.12, 0.5, 1.0, 2.0],
    [0.1, 'RTSP on a busy machine (100 ms): the gap and two frames', 0.18, 0.56, 1.06, 2.06],
    [0.34, 'paced live HLS with audio (clumps 340 ms apart)', 0.42, 0.8, 1.3, 2.3],
    [2.0, 'whole 2 s segments: capped at +1 s', 1.12, 1.5, 2.0, 3.0],
  ])('gap %f s (%s) → target %f, speed up above %f, jump above %f, at once above %f', (gap, _what, target, speedUp, jump, jumpNow) => {
    const c = liveEdgeForGaps(defaultLiveEdge, gap);
    expect(c.targetLagSec).toBeCloseTo(target, 6);
    expect(c.speedUpAboveSec).toBeCloseTo(speedUp, 6);
    expect(c.jumpAboveSec).toBeCloseTo(jump, 6);
    expect(c.jumpNowAboveSec).toBeCloseTo(jumpNow, 6);
  });

  it('a clump of 0.4 s ahead is played off at 1×, where the default rules would speed up to 0.12 s and run dry', () => {
    const sample = { nowMs: 10_000, currentTime: 11.4, ranges: [[10, 12]] as const, playingForMs: 10_000 };
    // Lag 0.6 s right after a clump arrived.
    expect(liveEdge(initialLiveEdge, sample, defaultLiveEdge).rate).toBe(1.1);
    expect(liveEdge(initialLiveEdge, sample, liveEdgeForGaps(defaultLiveEdge, 0.34)).rate).toBe(1);
  });

  it('jumps land the larger target behind the edge', () => {
    const d = liveEdge(initialLiveEdge, { nowMs: 0, currentTime: 5, ranges: [[10, 12]] }, liveEdgeForGaps(defaultLiveEdge, 0.34));
    expect(d.seekTo).toBeCloseTo(11.58, 6);
  });
});
