/**
 * Where preview and thumbnail images exist in time. Pure.
 *
 * Previews come about once per interval on a global grid with a small per-frame jitter, so
 * timestamps look like the real ones (`…01.045`, `…02.064`) and a client cannot assume round
 * seconds. A preview exists where the camera recorded video (recorded spans) and, for an online
 * camera, in the last few seconds (the live span), so a wall keeps updating between recordings.
 * A thumbnail is the first preview at or after the start of a motion event.
 */

export interface Span {
  startMs: number;
  endMs: number;
}

export interface FrameGrid {
  intervalMs: number;
  jitterMs: number;
  /** Per-camera seed so cameras do not tick in lockstep. */
  seed: number;
}

function jitter(grid: FrameGrid, k: number): number {
  if (grid.jitterMs <= 0) return 0;
  const h = Math.imul(k | 0, 0x9e3779b1) ^ Math.imul(grid.seed | 0, 0x85ebca6b);
  return ((h ^ (h >>> 15)) >>> 0) % (grid.jitterMs + 1);
}

export function frameTime(grid: FrameGrid, k: number): number {
  return k * grid.intervalMs + jitter(grid, k);
}

/** Index of the last frame at or before t (jitter < interval keeps frame times increasing). */
function lastIndexAtOrBefore(grid: FrameGrid, t: number): number {
  let k = Math.floor(t / grid.intervalMs);
  if (frameTime(grid, k) > t) k -= 1;
  return k;
}

/** Frame times in [fromMs, toMs), oldest first. */
export function framesIn(grid: FrameGrid, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let k = lastIndexAtOrBefore(grid, fromMs - 1) + 1; ; k += 1) {
    const t = frameTime(grid, k);
    if (t >= toMs) return out;
    if (t >= fromMs) out.push(t);
  }
}

/** Sorted, merged copy of spans (touching spans join). */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && span.startMs <= last.endMs) last.endMs = Math.max(last.endMs, span.endMs);
    else out.push({ ...span });
  }
  return out;
}

/** Latest frame ≤ t that lies inside one of the (merged, sorted) spans. */
export function frameAtOrBefore(grid: FrameGrid, spans: readonly Span[], t: number): number | null {
  for (let i = spans.length - 1; i >= 0; i -= 1) {
    const span = spans[i]!;
    if (span.startMs > t) continue;
    const limit = Math.min(t, span.endMs - 1);
    const candidate = frameTime(grid, lastIndexAtOrBefore(grid, limit));
    if (candidate >= span.startMs) return candidate;
  }
  return null;
}

/** Earliest frame > t (or ≥ t when inclusive) inside one of the spans. */
export function frameAfter(grid: FrameGrid, spans: readonly Span[], t: number, inclusive: boolean): number | null {
  const from = inclusive ? t : t + 1;
  for (const span of spans) {
    if (span.endMs <= from) continue;
    const start = Math.max(from, span.startMs);
    const candidate = frameTime(grid, lastIndexAtOrBefore(grid, start - 1) + 1);
    if (candidate < span.endMs) return candidate;
  }
  return null;
}

export function isFrame(grid: FrameGrid, spans: readonly Span[], t: number): boolean {
  return frameAtOrBefore(grid, spans, t) === t;
}

/** Thumbnail times: first preview at or after each motion start, when inside a recorded span. */
export function thumbTimes(grid: FrameGrid, recorded: readonly Span[], motionStarts: readonly number[]): number[] {
  const out: number[] = [];
  for (const start of motionStarts) {
    const t = frameAfter(grid, recorded, start, true);
    if (t !== null && out[out.length - 1] !== t) out.push(t);
  }
  return out;
}

export type ImageKind = 'pre' | 'thumb';

export interface ImageRow {
  /** FourCC of the list answer: PRFR preview, PRTH thumbnail. */
  t: 'PRFR' | 'PRTH';
  ms: number;
}

export interface ImageListQuery {
  startMs: number;
  endMs?: number;
  count?: number;
}

/**
 * `/asset/list/image` rows. With end: rows in [start, end), at most `count` when given. Without
 * end: `count` rows from start on, or for a negative count the |count| rows before start, newest
 * first ("sorted in reverse order", seed 000). At equal times PRFR comes before PRTH.
 */
export function listImages(
  grid: FrameGrid,
  imageSpans: readonly Span[],
  thumbs: readonly number[],
  classes: ReadonlySet<ImageKind>,
  query: ImageListQuery,
  limitMs: number,
  maxRows: number,
): ImageRow[] {
  const { startMs, endMs, count } = query;
  const collect = (from: number, to: number): ImageRow[] => {
    const rows: ImageRow[] = [];
    if (classes.has('pre')) {
      for (const span of imageSpans) {
        const a = Math.max(from, span.startMs);
        const b = Math.min(to, span.endMs);
        if (a < b) for (const ms of framesIn(grid, a, b)) rows.push({ t: 'PRFR', ms });
      }
    }
    if (classes.has('thumb')) for (const ms of thumbs) if (ms >= from && ms < to) rows.push({ t: 'PRTH', ms });
    return rows.sort((x, y) => x.ms - y.ms || (x.t === 'PRFR' ? -1 : 1));
  };
  if (count !== undefined && count < 0 && endMs === undefined) {
    const want = Math.min(-count, maxRows);
    const out: ImageRow[] = [];
    // Walk back an hour at a time so a deep history is not materialised at once.
    const step = 3_600_000;
    const oldest = imageSpans[0]?.startMs ?? startMs;
    for (let to = startMs; out.length < want && to > Math.min(oldest, thumbs[0] ?? oldest); to -= step) {
      const rows = collect(to - step, to);
      for (let i = rows.length - 1; i >= 0 && out.length < want; i -= 1) out.push(rows[i]!);
    }
    return out;
  }
  const to = Math.min(endMs ?? limitMs, limitMs);
  const rows = collect(startMs, to);
  const limit = Math.min(count !== undefined && count > 0 ? count : rows.length, maxRows);
  return rows.slice(0, limit);
}
