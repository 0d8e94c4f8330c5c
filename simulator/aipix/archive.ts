/**
 * Archive maths for AIPIX links: where the archive starts (for `move_to`), archive ranges, and
 * the VOD HLS playlist of a recorded range cut in GOP-aligned chunks.
 */
import type { SimCamera, SimMedia } from '../types.js';

export interface Range {
  startMs: number;
  endMs: number;
}

/** Oldest recorded instant of a camera (its first segment), or undefined without recording. */
export function archiveStart(media: SimMedia, cameraIndex: number, nowMs: number): number | undefined {
  return media.segments(cameraIndex, media.historyStartMs, nowMs)[0]?.startMs;
}

/** Recorded ranges (touching segments merged) in [fromMs, toMs). */
export function archiveRanges(media: SimMedia, cameraIndex: number, fromMs: number, toMs: number): Range[] {
  const ranges: Range[] = [];
  for (const seg of media.segments(cameraIndex, fromMs, toMs)) {
    const last = ranges[ranges.length - 1];
    if (last && seg.startMs <= last.endMs) last.endMs = Math.max(last.endMs, seg.endMs);
    else ranges.push({ startMs: seg.startMs, endMs: seg.endMs });
  }
  return ranges;
}

/**
 * A requested start before the archive start moves to the archive start (`move_to`, §5.3);
 * otherwise it stays and move_to is null.
 */
export function resolveStart(requestedMs: number, archiveStartMs: number | undefined): { startMs: number; moveToMs: number | null } {
  if (archiveStartMs !== undefined && requestedMs < archiveStartMs) return { startMs: archiveStartMs, moveToMs: archiveStartMs };
  return { startMs: requestedMs, moveToMs: null };
}

/** HLS chunk length target; rounded up to whole GOPs so chunks start on keyframes. */
const chunkTargetMs = 8000;

export interface Chunk extends Range {
  /** First chunk of a segment (after a gap): a discontinuity in the playlist. */
  discontinuity: boolean;
}

/**
 * Chunks covering [fromMs, toMs): per segment, GOP-aligned from the keyframe at or before
 * fromMs. Keyframes sit at segment start + k·GOP, so each chunk is cut exactly on one.
 */
export function archiveChunks(segments: readonly Range[], fromMs: number, toMs: number, gopMs: number): Chunk[] {
  const size = Math.ceil(chunkTargetMs / gopMs) * gopMs;
  const chunks: Chunk[] = [];
  for (const seg of segments) {
    const end = Math.min(seg.endMs, toMs);
    if (end <= fromMs || seg.startMs >= toMs) continue;
    const from = Math.max(fromMs, seg.startMs);
    let start = seg.startMs + Math.floor((from - seg.startMs) / gopMs) * gopMs;
    let first = true;
    for (; start < end; start += size) {
      chunks.push({ startMs: start, endMs: Math.min(start + size, end), discontinuity: first && chunks.length > 0 });
      first = false;
    }
  }
  return chunks;
}

/** VOD playlist; chunk URIs come from uri(chunk). PROGRAM-DATE-TIME gives wall-clock time per run. */
export function vodPlaylist(chunks: readonly Chunk[], uri: (chunk: Chunk) => string): string {
  const target = Math.max(1, ...chunks.map((c) => Math.ceil((c.endMs - c.startMs) / 1000)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0'];
  chunks.forEach((chunk, i) => {
    if (chunk.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (i === 0 || chunk.discontinuity) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(chunk.startMs).toISOString()}`);
    lines.push(`#EXTINF:${((chunk.endMs - chunk.startMs) / 1000).toFixed(3)},`, uri(chunk));
  });
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/**
 * Live playlist from the media layer with every URI (segment lines and EXT-X-MAP URI=) replaced
 * by uri(name), name being the last path component without query.
 */
export function rewriteLivePlaylist(text: string, uri: (name: string) => string): string {
  const base = (ref: string): string => ref.split('?')[0]!.split('/').pop()!;
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (trimmed.startsWith('#')) return line.replace(/URI="([^"]+)"/g, (_, ref: string) => `URI="${uri(base(ref))}"`);
      return uri(base(trimmed));
    })
    .join('\n');
}

export function gopMs(cam: SimCamera): number {
  return cam.gopSeconds * 1000;
}
