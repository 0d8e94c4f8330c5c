/**
 * The recording plan: which moments each camera "recorded" and when it saw motion. Pure and
 * deterministic: a function of the camera index and absolute time only, so the plan is the same
 * after a restart, cached segment files stay valid, and every API module sees the same history.
 *
 * Time is cut into absolute 5-minute slots (epoch-aligned). Each slot holds at most one planned
 * segment; most slots are recorded whole (consecutive segments touch), some start late or end
 * early, and a few are missing, which makes the gaps. Every planned boundary is a multiple of
 * 4 s, the longest GOP, so keyframes fall on absolute multiples of the camera's GOP and a cut at
 * a planned boundary (or at the minute-aligned history start) is always on a keyframe.
 *
 *   slot:      |----- k -----|---- k+1 ----|---- k+2 ----|---- k+3 ----|
 *   planned:   [=============)[====)          (missing)     [======)
 *   visible:          [======)[====)                        [===)  ← now
 *                     ^ historyStartMs
 */
import type { MotionEvent, Segment } from '../types.js';

/** Longest segment (and slot), ms. */
export const SLOT_MS = 5 * 60_000;
/** Every planned boundary is a multiple of this, ms (the longest GOP). */
export const BOUNDARY_MS = 4_000;
/** Segments shorter than this are not listed (the one that just started), ms. */
export const MIN_SEGMENT_MS = 1_000;

export interface PlannedSegment {
  cameraIndex: number;
  /** Whole planned recording of the slot, ms; the file on disk always covers exactly this. */
  startMs: number;
  endMs: number;
  motion: { startMs: number; endMs: number }[];
}

/** What is visible now: history starts at historyStartMs and nothing is recorded after nowMs. */
export interface PlanWindow {
  historyStartMs: number;
  nowMs: number;
}

/** 32-bit integer hash (murmur3 finaliser) of a camera index, a slot and a salt. */
export function hash32(cameraIndex: number, slot: number, salt: number): number {
  let h = (Math.imul(cameraIndex + 1, 0x9e3779b1) ^ Math.imul(slot, 0x85ebca6b) ^ Math.imul(salt + 7, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform 0..1 from the hash. */
function unit(cameraIndex: number, slot: number, salt: number): number {
  return hash32(cameraIndex, slot, salt) / 0x1_0000_0000;
}

/** The planned segment of one absolute slot, or null when the slot is a gap. */
export function planSlot(cameraIndex: number, slot: number): PlannedSegment | null {
  if (unit(cameraIndex, slot, 1) < 0.08) return null; // ~8 % of slots recorded nothing
  const slotStart = slot * SLOT_MS;
  let startMs = slotStart;
  let endMs = slotStart + SLOT_MS;
  // ~15 % start late and ~15 % end early, by 4 s … 2 min.
  if (unit(cameraIndex, slot, 2) < 0.15) startMs += BOUNDARY_MS * (1 + Math.floor(unit(cameraIndex, slot, 3) * 30));
  if (unit(cameraIndex, slot, 4) < 0.15) endMs -= BOUNDARY_MS * (1 + Math.floor(unit(cameraIndex, slot, 5) * 30));
  // Late start and early end are at most 2 min each, so a planned segment lasts at least 1 min.

  // 0, 1 or 2 motion events of 5–40 s; the second one lives in the second half so they never overlap.
  const motion: PlannedSegment['motion'] = [];
  const count = Math.floor(unit(cameraIndex, slot, 6) * 3);
  const half = (endMs - startMs) / 2;
  for (let i = 0; i < count; i += 1) {
    const from = startMs + i * half;
    const duration = 5_000 + Math.floor(unit(cameraIndex, slot, 10 + i) * 35) * 1_000;
    const latest = Math.max(from, from + half - duration);
    const start = Math.floor((from + unit(cameraIndex, slot, 20 + i) * (latest - from)) / 1_000) * 1_000;
    motion.push({ startMs: start, endMs: Math.min(start + duration, from + half) });
  }
  return { cameraIndex, startMs, endMs, motion };
}

/** The planned segment whose whole recording contains tMs (ignores the visible window). */
export function plannedSegmentAt(cameraIndex: number, tMs: number): PlannedSegment | null {
  const planned = planSlot(cameraIndex, Math.floor(tMs / SLOT_MS));
  return planned && planned.startMs <= tMs && tMs < planned.endMs ? planned : null;
}

/** Visible part of a planned segment: after history start, before now (whole seconds). */
export function visiblePart(planned: PlannedSegment, window: PlanWindow): Segment | null {
  const nowFloor = Math.floor(window.nowMs / 1_000) * 1_000;
  const startMs = Math.max(planned.startMs, window.historyStartMs);
  const endMs = Math.min(planned.endMs, nowFloor);
  if (endMs - startMs < MIN_SEGMENT_MS) return null;
  return { cameraIndex: planned.cameraIndex, startMs, endMs };
}

/** Planned segments whose full recording overlaps [fromMs, toMs), oldest first. */
export function plannedBetween(cameraIndex: number, fromMs: number, toMs: number): PlannedSegment[] {
  const out: PlannedSegment[] = [];
  for (let slot = Math.floor(fromMs / SLOT_MS); slot * SLOT_MS < toMs; slot += 1) {
    const planned = planSlot(cameraIndex, slot);
    if (planned && planned.startMs < toMs && planned.endMs > fromMs) out.push(planned);
  }
  return out;
}

/** Visible segments overlapping [fromMs, toMs), oldest first. */
export function segmentsBetween(cameraIndex: number, fromMs: number, toMs: number, window: PlanWindow): Segment[] {
  const from = Math.max(fromMs, window.historyStartMs);
  const to = Math.min(toMs, window.nowMs);
  if (to <= from) return [];
  const out: Segment[] = [];
  for (const planned of plannedBetween(cameraIndex, from, to)) {
    const visible = visiblePart(planned, window);
    if (visible && visible.startMs < toMs && visible.endMs > fromMs) out.push(visible);
  }
  return out;
}

/** Visible motion events overlapping [fromMs, toMs), oldest first, clipped to the visible segment. */
export function motionBetween(cameraIndex: number, fromMs: number, toMs: number, window: PlanWindow): MotionEvent[] {
  const out: MotionEvent[] = [];
  const from = Math.max(fromMs, window.historyStartMs);
  const to = Math.min(toMs, window.nowMs);
  if (to <= from) return out;
  for (const planned of plannedBetween(cameraIndex, from, to)) {
    const visible = visiblePart(planned, window);
    if (!visible) continue;
    for (const event of planned.motion) {
      const startMs = Math.max(event.startMs, visible.startMs);
      const endMs = Math.min(event.endMs, visible.endMs);
      if (endMs > startMs && startMs < toMs && endMs > fromMs) {
        // Cut by now, not by its own end: it is still going on (the poll must not call it ended).
        const ongoing = event.endMs > visible.endMs && visible.endMs < planned.endMs;
        out.push(ongoing ? { cameraIndex, startMs, endMs, ongoing } : { cameraIndex, startMs, endMs });
      }
    }
  }
  return out;
}

/** The visible segment containing tMs, with its planned whole, or null inside a gap. */
export function segmentAt(cameraIndex: number, tMs: number, window: PlanWindow): { segment: Segment; planned: PlannedSegment } | null {
  const planned = plannedSegmentAt(cameraIndex, tMs);
  if (!planned) return null;
  const segment = visiblePart(planned, window);
  return segment && segment.startMs <= tMs && tMs < segment.endMs ? { segment, planned } : null;
}

/** Time of the keyframe at or before tMs in a planned segment (keyframes every GOP from its start). */
export function keyframeAtOrBefore(planned: PlannedSegment, gopSeconds: number, tMs: number): number {
  const gopMs = gopSeconds * 1_000;
  const offset = Math.max(0, Math.min(tMs, planned.endMs - 1) - planned.startMs);
  return planned.startMs + Math.floor(offset / gopMs) * gopMs;
}

/**
 * Recordings are encoded in chunks of this length, ms (a multiple of BOUNDARY_MS, so keyframes
 * keep their absolute grid): a still or a short clip then costs one chunk, not a whole segment.
 */
export const CHUNK_MS = 60_000;

export interface Chunk {
  startMs: number;
  endMs: number;
}

/** The encoding chunks of a planned segment, oldest first. */
export function chunksOf(planned: PlannedSegment): Chunk[] {
  const out: Chunk[] = [];
  for (let t = planned.startMs; t < planned.endMs; t += CHUNK_MS) out.push({ startMs: t, endMs: Math.min(t + CHUNK_MS, planned.endMs) });
  return out;
}

/** History start: hours before now, aligned down to a whole minute. */
export function historyStart(nowMs: number, hours: number): number {
  return Math.floor((nowMs - hours * 3_600_000) / 60_000) * 60_000;
}

/**
 * The pieces of recorded media that make up [fromMs, toMs): per planned segment, the part to cut,
 * the first piece starting on the keyframe at or before fromMs. Gaps are skipped.
 */
export interface ClipPiece {
  planned: PlannedSegment;
  /** Cut from this absolute time (a keyframe), ms. */
  fromMs: number;
  /** Cut up to this absolute time, ms. */
  toMs: number;
}

export function clipPieces(cameraIndex: number, gopSeconds: number, fromMs: number, toMs: number, window: PlanWindow): ClipPiece[] {
  const pieces: ClipPiece[] = [];
  for (const segment of segmentsBetween(cameraIndex, fromMs, toMs, window)) {
    const planned = plannedSegmentAt(cameraIndex, segment.startMs)!;
    const wanted = Math.max(fromMs, segment.startMs);
    // A later piece starts at its segment start, which is a keyframe; the first one snaps back.
    const from = keyframeAtOrBefore(planned, gopSeconds, wanted);
    const to = Math.min(toMs, segment.endMs);
    if (to > from) pieces.push({ planned, fromMs: Math.max(from, segment.startMs), toMs: to });
  }
  return pieces;
}
