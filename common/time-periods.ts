/**
 * Time periods as values: what a camera recorded, what a timeline shows, what an export covers.
 * Half-open intervals [fromMs, toMs) in epoch ms. Every function is pure and returns new,
 * sorted, non-overlapping lists ("normal" lists); inputs may be in any order and may overlap.
 * Shared by the adapters (coalescing a vendor's clips), the coverage loader, the timeline and
 * the export manager (gaps to skip and list), so the rules are written once.
 */
export interface Period {
  fromMs: number;
  toMs: number;
}

/** Sorted, empty periods dropped, overlapping or touching ones (within joinGapMs) joined. */
export function mergePeriods(periods: readonly Period[], joinGapMs = 0): Period[] {
  const sorted = periods.filter((p) => p.toMs > p.fromMs).sort((a, b) => a.fromMs - b.fromMs || a.toMs - b.toMs);
  const out: Period[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && p.fromMs <= last.toMs + joinGapMs) last.toMs = Math.max(last.toMs, p.toMs);
    else out.push({ fromMs: p.fromMs, toMs: p.toMs });
  }
  return out;
}

/** The union of several lists (one per camera): recorded by at least one. */
export function unionPeriods(lists: readonly (readonly Period[])[], joinGapMs = 0): Period[] {
  return mergePeriods(lists.flat(), joinGapMs);
}

/** The part of the periods inside [fromMs, toMs). */
export function clipPeriods(periods: readonly Period[], fromMs: number, toMs: number): Period[] {
  const out: Period[] = [];
  for (const p of mergePeriods(periods)) {
    const from = Math.max(p.fromMs, fromMs);
    const to = Math.min(p.toMs, toMs);
    if (to > from) out.push({ fromMs: from, toMs: to });
  }
  return out;
}

/** What [fromMs, toMs) holds that the periods do not: the gaps an operator must see. */
export function gapsIn(periods: readonly Period[], fromMs: number, toMs: number): Period[] {
  const out: Period[] = [];
  let cursor = fromMs;
  for (const p of clipPeriods(periods, fromMs, toMs)) {
    if (p.fromMs > cursor) out.push({ fromMs: cursor, toMs: p.fromMs });
    cursor = p.toMs;
  }
  if (cursor < toMs) out.push({ fromMs: cursor, toMs });
  return out;
}

/** The period holding atMs, if any. */
export function periodAt(periods: readonly Period[], atMs: number): Period | undefined {
  return mergePeriods(periods).find((p) => p.fromMs <= atMs && atMs < p.toMs);
}

/**
 * The recorded time nearest atMs: atMs itself inside a period, else the nearer edge of the
 * neighbouring periods (the last ms of the one before, the first of the one after). Ties go
 * forward, where an operator's review continues. Undefined for an empty list.
 */
export function nearestRecorded(periods: readonly Period[], atMs: number): number | undefined {
  let best: number | undefined;
  for (const p of mergePeriods(periods)) {
    if (p.fromMs <= atMs && atMs < p.toMs) return atMs;
    const candidate = atMs < p.fromMs ? p.fromMs : p.toMs - 1;
    if (best === undefined || Math.abs(candidate - atMs) < Math.abs(best - atMs) || (Math.abs(candidate - atMs) === Math.abs(best - atMs) && candidate > best)) {
      best = candidate;
    }
  }
  return best;
}

/** The start of the first period after atMs (where a tile in a gap joins again). */
export function nextRecordingStart(periods: readonly Period[], atMs: number): number | undefined {
  return mergePeriods(periods).find((p) => p.fromMs > atMs)?.fromMs;
}

/** Total ms covered. */
export function coveredMs(periods: readonly Period[]): number {
  return mergePeriods(periods).reduce((sum, p) => sum + (p.toMs - p.fromMs), 0);
}
