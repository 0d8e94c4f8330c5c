/**
 * Recorded video as the v1 API lists it (`/asset/list/video`). Pure.
 */
import type { Segment } from '../types.js';
import { formatEen } from './timestamps.js';

/** Unique-ish 32-bit video id for a clip (the service's ids are uint32 and stable per clip). */
export function videoId(esn: string, startMs: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${esn}:${startMs}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

export interface VideoRow {
  s: string;
  e: string;
  id: number;
}

export interface VideoListQuery {
  startMs: number;
  endMs?: number;
  count?: number;
  coalesce: boolean;
}

/** Merge clips whose spans overlap or touch ("coalesces spans together if the start or end … overlaps"). */
export function coalesce(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}

/**
 * Rows for a query over all recorded segments of one camera (oldest first). With end: clips
 * overlapping [start, end), at most count. Without end: count clips from start on (clips that end
 * after start), or for a negative count the |count| clips that begin before start, newest first.
 */
export function listVideos(esn: string, recorded: readonly Segment[], query: VideoListQuery): VideoRow[] {
  const source = query.coalesce ? coalesce(recorded) : [...recorded];
  const row = (s: Segment): VideoRow => ({ s: formatEen(s.startMs), e: formatEen(s.endMs), id: videoId(esn, s.startMs) });
  const { startMs, endMs, count } = query;
  if (endMs === undefined && count !== undefined && count < 0) {
    return source
      .filter((s) => s.startMs < startMs)
      .slice(count)
      .reverse()
      .map(row);
  }
  const rows = source.filter((s) => s.endMs > startMs && (endMs === undefined || s.startMs < endMs));
  return (count !== undefined && count > 0 ? rows.slice(0, count) : rows).map(row);
}
