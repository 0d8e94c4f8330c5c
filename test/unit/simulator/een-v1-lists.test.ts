import { describe, expect, it } from 'vitest';
import {
  frameAfter,
  frameAtOrBefore,
  framesIn,
  frameTime,
  isFrame,
  listImages,
  mergeSpans,
  thumbTimes,
  type FrameGrid,
} from '../../../simulator/een-v1/previews.js';
import { coalesce, listVideos, videoId } from '../../../simulator/een-v1/recordings.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';

const S = 1000;
const T0 = Date.UTC(2018, 9, 1, 0, 0, 0);
const grid: FrameGrid = { intervalMs: 1000, jitterMs: 80, seed: 3 };
const flat: FrameGrid = { intervalMs: 1000, jitterMs: 0, seed: 1 };

describe('preview frame grid', () => {
  it('yields one frame per interval, jittered by less than jitterMs, strictly increasing', () => {
    const frames = framesIn(grid, T0, T0 + 60 * S);
    expect(frames).toHaveLength(60);
    frames.forEach((t, i) => {
      expect(t - (T0 + i * S)).toBeGreaterThanOrEqual(0);
      expect(t - (T0 + i * S)).toBeLessThanOrEqual(80);
      if (i > 0) expect(t).toBeGreaterThan(frames[i - 1]!);
    });
    // Real timestamps are not on whole seconds; some of ours are not either.
    expect(frames.some((t) => t % S !== 0)).toBe(true);
  });

  // spans:   |0s ==== 10s)        gap        |20s ==== 30s)
  // prev(15s) → 9s     next(12s) → 20s     after(20s, incl.) → 20s
  const spans = mergeSpans([
    { startMs: T0 + 20 * S, endMs: T0 + 30 * S },
    { startMs: T0, endMs: T0 + 10 * S },
  ]);

  it('navigates across a gap', () => {
    expect(frameAtOrBefore(flat, spans, T0 + 15 * S)).toBe(T0 + 9 * S);
    expect(frameAtOrBefore(flat, spans, T0 + 20 * S)).toBe(T0 + 20 * S);
    expect(frameAtOrBefore(flat, spans, T0 - 1)).toBeNull();
    expect(frameAfter(flat, spans, T0 + 12 * S, false)).toBe(T0 + 20 * S);
    expect(frameAfter(flat, spans, T0 + 20 * S, true)).toBe(T0 + 20 * S);
    expect(frameAfter(flat, spans, T0 + 20 * S, false)).toBe(T0 + 21 * S);
    expect(frameAfter(flat, spans, T0 + 29 * S, false)).toBeNull();
    expect(isFrame(flat, spans, T0 + 5 * S)).toBe(true);
    expect(isFrame(flat, spans, T0 + 5 * S + 1)).toBe(false);
    expect(isFrame(flat, spans, T0 + 15 * S)).toBe(false);
  });

  it('places a thumbnail on the first preview at or after each motion start, inside recordings only', () => {
    const starts = [T0 + 2500, T0 + 12 * S, T0 + 25 * S];
    expect(thumbTimes(flat, spans, starts)).toEqual([T0 + 3 * S, T0 + 20 * S, T0 + 25 * S]);
    // With jitter the thumb is still an existing preview.
    for (const t of thumbTimes(grid, spans, starts)) expect(isFrame(grid, spans, t)).toBe(true);
  });

  it('lists images between timestamps, by count, and backwards for a negative count', () => {
    const pre = new Set(['pre'] as const);
    const both = new Set(['pre', 'thumb'] as const);
    const limit = T0 + 40 * S;
    const between = listImages(flat, spans, [], pre, { startMs: T0 + 8 * S, endMs: T0 + 22 * S }, limit, 1000);
    expect(between.map((r) => (r.ms - T0) / S)).toEqual([8, 9, 20, 21]);
    expect(between.every((r) => r.t === 'PRFR')).toBe(true);
    const capped = listImages(flat, spans, [], pre, { startMs: T0 + 8 * S, endMs: T0 + 22 * S, count: 3 }, limit, 1000);
    expect(capped).toHaveLength(3);
    const forward = listImages(flat, spans, [], pre, { startMs: T0 + 28 * S, count: 5 }, limit, 1000);
    expect(forward.map((r) => (r.ms - T0) / S)).toEqual([28, 29]);
    const backward = listImages(flat, spans, [], pre, { startMs: T0 + 22 * S, count: -4 }, limit, 1000);
    expect(backward.map((r) => (r.ms - T0) / S)).toEqual([21, 20, 9, 8]);
    const withThumbs = listImages(flat, spans, [T0 + 3 * S], both, { startMs: T0 + 2 * S, endMs: T0 + 4 * S }, limit, 1000);
    expect(withThumbs.map((r) => `${r.t}@${(r.ms - T0) / S}`)).toEqual(['PRFR@2', 'PRFR@3', 'PRTH@3']);
  });

  it('exposes frame times through frameTime for any index', () => {
    expect(frameTime(flat, 5)).toBe(5000);
    expect(frameTime(grid, 5)).toBeGreaterThanOrEqual(5000);
  });
});

describe('video list', () => {
  // clips:  [0–300s)[300–420s)   gap   [600–900s)   [960–1000s)
  const clips = [
    { cameraIndex: 0, startMs: T0, endMs: T0 + 300 * S },
    { cameraIndex: 0, startMs: T0 + 300 * S, endMs: T0 + 420 * S },
    { cameraIndex: 0, startMs: T0 + 600 * S, endMs: T0 + 900 * S },
    { cameraIndex: 0, startMs: T0 + 960 * S, endMs: T0 + 1000 * S },
  ];
  const esn = '1000a000';

  it('answers s/e/id rows for clips overlapping the range', () => {
    const rows = listVideos(esn, clips, { startMs: T0 + 400 * S, endMs: T0 + 700 * S, coalesce: false });
    expect(rows).toEqual([
      { s: formatEen(T0 + 300 * S), e: formatEen(T0 + 420 * S), id: videoId(esn, T0 + 300 * S) },
      { s: formatEen(T0 + 600 * S), e: formatEen(T0 + 900 * S), id: videoId(esn, T0 + 600 * S) },
    ]);
    expect(rows[0]!.id).toBeGreaterThan(0);
    expect(rows[0]!.id).toBeLessThan(2 ** 32);
  });

  it('counts forward, and backward (newest first) for a negative count', () => {
    expect(listVideos(esn, clips, { startMs: T0 + 310 * S, count: 2, coalesce: false }).map((r) => r.s)).toEqual([
      formatEen(T0 + 300 * S),
      formatEen(T0 + 600 * S),
    ]);
    expect(listVideos(esn, clips, { startMs: T0 + 950 * S, count: -2, coalesce: false }).map((r) => r.s)).toEqual([
      formatEen(T0 + 600 * S),
      formatEen(T0 + 300 * S),
    ]);
  });

  it('coalesces touching and overlapping clips', () => {
    expect(coalesce(clips).map((c) => [(c.startMs - T0) / S, (c.endMs - T0) / S])).toEqual([
      [0, 420],
      [600, 900],
      [960, 1000],
    ]);
    const rows = listVideos(esn, clips, { startMs: T0, endMs: T0 + 2000 * S, coalesce: true });
    expect(rows.map((r) => [r.s, r.e])[0]).toEqual([formatEen(T0), formatEen(T0 + 420 * S)]);
  });
});
