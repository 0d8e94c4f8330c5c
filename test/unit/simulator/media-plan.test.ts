import { describe, expect, it } from 'vitest';
import {
  BOUNDARY_MS, CHUNK_MS, chunksOf, clipPieces, historyStart, keyframeAtOrBefore, motionBetween, planSlot, SLOT_MS, segmentAt, segmentsBetween,
} from '../../../simulator/media/plan.js';

const H = 3_600_000;
// A fixed "now" (2026-11-22 03:04:13.500 UTC) keeps every expectation reproducible.
const now = Date.UTC(2026, 10, 22, 3, 4, 13, 500);
const window = { historyStartMs: historyStart(now, 24), nowMs: now };

/** Draws segments of [from, to) as a ruler, one character per minute: '=' recorded, '.' gap. */
function ruler(cameraIndex: number, from: number, to: number): string {
  let out = '';
  for (let t = from; t < to; t += 60_000) out += segmentAt(cameraIndex, t + 30_000, window) ? '=' : '.';
  return out;
}

describe('recording plan', () => {
  it('aligns history start down to a minute', () => {
    expect(historyStart(Date.UTC(2026, 0, 1, 12, 0, 59), 2)).toBe(Date.UTC(2026, 0, 1, 10, 0, 0));
  });

  it('is a pure function of camera and time', () => {
    expect(planSlot(3, 12345)).toEqual(planSlot(3, 12345));
    expect(segmentsBetween(1, window.historyStartMs, now, window)).toEqual(segmentsBetween(1, window.historyStartMs, now, window));
  });

  it('lists ≤ 5-minute segments on 4 s boundaries, inside history, ending at now', () => {
    const segments = segmentsBetween(0, 0, Number.MAX_SAFE_INTEGER, window);
    expect(segments.length).toBeGreaterThan(200);
    expect(segments[0]!.startMs).toBeGreaterThanOrEqual(window.historyStartMs);
    for (const s of segments) {
      expect(s.endMs - s.startMs).toBeLessThanOrEqual(SLOT_MS);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.startMs % BOUNDARY_MS).toBe(0);
    }
    for (let i = 1; i < segments.length; i += 1) expect(segments[i]!.startMs).toBeGreaterThanOrEqual(segments[i - 1]!.endMs);
    // The segment being recorded ends at now, floored to a second.
    const last = segments.at(-1)!;
    if (segmentAt(0, now - 1, window)) expect(last.endMs).toBe(Math.floor(now / 1000) * 1000);
  });

  it('has gaps and keeps extending as time passes', () => {
    const all = segmentsBetween(2, 0, Number.MAX_SAFE_INTEGER, window);
    const gaps = all.slice(1).filter((s, i) => s.startMs > all[i]!.endMs);
    expect(gaps.length).toBeGreaterThan(5);
    const later = { ...window, nowMs: now + 10 * 60_000 };
    const after = segmentsBetween(2, 0, Number.MAX_SAFE_INTEGER, later);
    expect(after.at(-1)!.endMs).toBeGreaterThan(all.at(-1)!.endMs);
  });

  it('draws a recognisable hour', () => {
    // One row per camera, one character per minute of an hour-long window.
    const from = Date.UTC(2026, 10, 22, 1, 0, 0);
    const rows = [0, 1, 2, 3].map((c) => ruler(c, from, from + H));
    for (const row of rows) {
      expect(row).toHaveLength(60);
      expect(row).toMatch(/=/);
    }
    expect(new Set(rows).size).toBeGreaterThan(1);
  });

  it('puts motion only inside segments', () => {
    const events = motionBetween(1, window.historyStartMs, now, window);
    expect(events.length).toBeGreaterThan(20);
    for (const e of events) {
      expect(e.endMs).toBeGreaterThan(e.startMs);
      const at = segmentAt(1, e.startMs, window);
      expect(at).not.toBeNull();
      expect(e.endMs).toBeLessThanOrEqual(at!.segment.endMs);
    }
  });

  it('marks a motion event cut by now as ongoing, and only that one', () => {
    const event = motionBetween(1, window.historyStartMs, now, window).find((e) => e.endMs - e.startMs >= 5_000)!;
    const during = { ...window, nowMs: event.startMs + 2_500 };
    expect(motionBetween(1, event.startMs, event.startMs + 1, during)).toEqual([{ cameraIndex: 1, startMs: event.startMs, endMs: event.startMs + 2_000, ongoing: true }]);
    const after = { ...window, nowMs: event.endMs + 1_000 };
    expect(motionBetween(1, event.startMs, event.startMs + 1, after)).toEqual([{ cameraIndex: 1, startMs: event.startMs, endMs: event.endMs }]);
  });

  it('snaps clip starts back to the keyframe and skips gaps', () => {
    const segments = segmentsBetween(2, window.historyStartMs, now, window);
    const seg = segments[3]!;
    const planned = planSlot(2, Math.floor(seg.startMs / SLOT_MS))!;
    expect(keyframeAtOrBefore(planned, 4, seg.startMs + 10_500)).toBe(seg.startMs + 8_000);
    expect(keyframeAtOrBefore(planned, 1, seg.startMs + 10_500)).toBe(seg.startMs + 10_000);
    const pieces = clipPieces(2, 4, seg.startMs + 10_500, segments[6]!.startMs + 5_000, window);
    expect(pieces[0]!.fromMs).toBe(seg.startMs + 8_000);
    expect(pieces.at(-1)!.toMs).toBe(segments[6]!.startMs + 5_000);
    for (const p of pieces.slice(1)) expect(segmentAt(2, p.fromMs, window)!.segment.startMs).toBe(p.fromMs);
  });

  it('cuts planned segments into 1-minute chunks on the keyframe grid', () => {
    const planned = { cameraIndex: 0, startMs: 1_000_000_000 * 4, endMs: 1_000_000_000 * 4 + 200_000, motion: [] };
    const chunks = chunksOf(planned);
    expect(chunks.map((c) => (c.endMs - c.startMs) / 1000)).toEqual([60, 60, 60, 20]);
    expect(chunks[0]!.startMs).toBe(planned.startMs);
    expect(chunks.at(-1)!.endMs).toBe(planned.endMs);
    expect(CHUNK_MS % BOUNDARY_MS).toBe(0);
  });

  it('finds nothing in a gap or outside history', () => {
    expect(segmentAt(0, window.historyStartMs - 1, window)).toBeNull();
    expect(segmentAt(0, now + 60_000, window)).toBeNull();
    expect(segmentsBetween(0, now + 1, now + 60_000, window)).toEqual([]);
  });
});
