/**
 * Live HLS playlists as a follower needs them (RFC 8216 §4.3): the media sequence number and
 * duration of each segment, its absolute URI, and the tags that change how it is read (end of
 * the stream, fMP4 segments, a master playlist). Pure, so it is table-tested.
 */

export interface HlsSegment {
  /** Media sequence number (EXT-X-MEDIA-SEQUENCE of the first segment, + 1 per segment). */
  seq: number;
  url: string;
  durationS: number;
}

export interface HlsPlaylist {
  targetDurationS: number;
  segments: HlsSegment[];
  /** EXT-X-ENDLIST: no segment will be added. */
  ended: boolean;
  /** EXT-X-MAP: the segments are fragmented MP4 with an init section, not MPEG-TS. */
  initSection: boolean;
  /** A master playlist lists variant streams (absolute URIs) instead of segments. */
  variants: string[];
}

export class HlsPlaylistError extends Error {}

/** Parses a playlist fetched from `baseUrl` (relative URIs are resolved against it). */
export function parseHlsPlaylist(text: string, baseUrl: string): HlsPlaylist {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new HlsPlaylistError(`not an HLS playlist (it starts with "${lines[0]?.slice(0, 40) ?? ''}")`);
  const playlist: HlsPlaylist = { targetDurationS: 0, segments: [], ended: false, initSection: false, variants: [] };
  let seq = 0;
  let durationS: number | undefined;
  let variantNext = false;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [tag, value = ''] = splitTag(line);
      if (tag === '#EXT-X-MEDIA-SEQUENCE') seq = integer(value, tag);
      else if (tag === '#EXT-X-TARGETDURATION') playlist.targetDurationS = integer(value, tag);
      else if (tag === '#EXTINF') durationS = Number.parseFloat(value);
      else if (tag === '#EXT-X-ENDLIST') playlist.ended = true;
      else if (tag === '#EXT-X-MAP') playlist.initSection = true;
      else if (tag === '#EXT-X-STREAM-INF') variantNext = true;
      continue;
    }
    const url = new URL(line, baseUrl).toString();
    if (variantNext) {
      playlist.variants.push(url);
      variantNext = false;
      continue;
    }
    playlist.segments.push({ seq, url, durationS: Number.isFinite(durationS) && durationS! > 0 ? durationS! : playlist.targetDurationS });
    seq += 1;
    durationS = undefined;
  }
  return playlist;
}

function splitTag(line: string): [string, string?] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line] : [line.slice(0, colon), line.slice(colon + 1)];
}

function integer(value: string, tag: string): number {
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new HlsPlaylistError(`${tag} is not a number ("${value.slice(0, 20)}")`);
  return n;
}
