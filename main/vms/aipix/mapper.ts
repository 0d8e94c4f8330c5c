/**
 * AIPIX wire → Tessera terms. The only place AIPIX times are converted: answers carry ISO 8601
 * with a 6-digit fraction and `Z` ("2000-01-01T00:00:00.000000Z"), Laravel's "Y-m-d H:i:s" in
 * places (created_at), and HLS playlists carry EXT-X-PROGRAM-DATE-TIME; requests send ISO `Z`.
 */
import type { CameraState, StreamProfileInfo } from '../../../preload/contract/index.js';
import type { CameraRecord } from '../adapter.js';
import { mergePeriods, type Period } from '../../../common/time-periods.js';
import type { WireArchiveRange, WireCamera, WireSession } from './wire-types.js';

// ---- time ---------------------------------------------------------------------------------

const isoTime = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * ISO 8601 (any fraction length, Z or an offset) or "Y-m-d H:i:s" → epoch ms, truncated to the
 * millisecond ("….123999Z" → ….123). A time without a zone is UTC (Laravel's default zone).
 */
export function fromAipixTime(text: string | null | undefined): number | undefined {
  const m = isoTime.exec((text ?? '').trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 60) return undefined;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    t -= (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}

/** Epoch ms → what requests send: ISO 8601 UTC with milliseconds ("2026-01-02T03:04:05.678Z"). */
export function toAipixTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** The wall-clock time of the first media segment of an HLS playlist (EXT-X-PROGRAM-DATE-TIME), if given. */
export function playlistStartMs(playlist: string): number | undefined {
  const m = /^#EXT-X-PROGRAM-DATE-TIME:\s*(\S+)\s*$/m.exec(playlist);
  return m ? fromAipixTime(m[1]) : undefined;
}

/** A range time: text as fromAipixTime reads it, or a number of epoch seconds (ms when it is that large). */
function rangeTime(value: string | number): number | undefined {
  if (typeof value === 'string') return /^\d{9,13}$/.test(value) ? rangeTime(Number(value)) : fromAipixTime(value);
  if (!Number.isFinite(value) || value < 0) return undefined;
  return value > 1e11 ? Math.floor(value) : value * 1000;
}

/** archive_ranges → recorded periods, merged and sorted; undefined when a range is no time span. */
export function rangesToPeriods(ranges: readonly WireArchiveRange[]): Period[] | undefined {
  const periods: Period[] = [];
  for (const range of ranges) {
    const fromMs = rangeTime(range.from);
    const toMs = range.to !== undefined && range.to !== null ? rangeTime(range.to) : range.duration != null && fromMs !== undefined ? fromMs + range.duration * 1000 : undefined;
    if (fromMs === undefined || toMs === undefined || toMs < fromMs) return undefined;
    periods.push({ fromMs, toMs });
  }
  return mergePeriods(periods);
}

/** What Tessera reads of an archive (VOD) playlist. */
export interface VodPlaylist {
  /** Wall time of the first segment (its EXT-X-PROGRAM-DATE-TIME), if stated. */
  startMs: number | undefined;
  /** Summed segment durations, ms. */
  durationMs: number;
  segments: number;
  /** EXT-X-ENDLIST: the playlist is complete (a VOD ends there). */
  ended: boolean;
}

/** Reads a media playlist; undefined when the text is not one (a web page, a truncated answer). */
export function readVodPlaylist(text: string): VodPlaylist | undefined {
  if (!text.trimStart().startsWith('#EXTM3U')) return undefined;
  let durationMs = 0;
  let segments = 0;
  for (const m of text.matchAll(/^#EXTINF:\s*([0-9.]+)/gm)) {
    durationMs += Math.round(Number(m[1]) * 1000);
    segments += 1;
  }
  return { startMs: playlistStartMs(text), durationMs, segments, ended: /^#EXT-X-ENDLIST\s*$/m.test(text) };
}

// ---- sessions -----------------------------------------------------------------------------

/**
 * Which session to remove when the 419 session cap is hit: the least recently used one this
 * device left behind (same X-UUID: an earlier run of Tessera for this site), otherwise the least
 * recently used of all. Sessions without any time sort first (nothing says they are in use).
 */
export function sessionToRemove(sessions: readonly WireSession[], ourUuid: string): { session: WireSession; ours: boolean; lastUsedMs?: number } | undefined {
  const used = (s: WireSession): number => fromAipixTime(s.last_used_at) ?? fromAipixTime(s.created_at) ?? -Infinity;
  const oldest = (list: readonly WireSession[]): WireSession | undefined => [...list].sort((a, b) => used(a) - used(b))[0];
  const ours = sessions.filter((s) => s.uuid === ourUuid);
  const session = oldest(ours) ?? oldest(sessions);
  if (!session) return undefined;
  const lastUsedMs = used(session);
  return { session, ours: ours.includes(session), ...(Number.isFinite(lastUsedMs) ? { lastUsedMs } : {}) };
}

// ---- cameras ------------------------------------------------------------------------------

function cameraState(status: string | null | undefined): { state: CameraState; stateDetail?: string } {
  switch (status) {
    case 'active':
      return { state: 'online' };
    case 'inactive':
      return { state: 'offline', stateDetail: 'the AIPIX server gets no video from the camera' };
    case 'empty':
      // A camera without a configured stream: nothing to show until an administrator adds one.
      return { state: 'off', stateDetail: 'no video stream is configured for this camera' };
    default:
      return { state: 'unknown', ...(status ? { stateDetail: `AIPIX status "${status.slice(0, 40)}"` } : {}) };
  }
}

/** Which AIPIX stream type serves a Tessera profile. */
export const streamTypeOf = { main: 'high', sub: 'low' } as const;

/** A client-API camera → CameraRecord: high/low streams become the main/sub profiles. */
export function toCameraRecord(cam: WireCamera): CameraRecord {
  const profiles: StreamProfileInfo[] = [];
  for (const profile of ['main', 'sub'] as const) {
    const stream = cam.streams?.find((s) => s.type === streamTypeOf[profile]);
    if (!stream) continue;
    profiles.push({ name: profile, ...(stream.width ? { width: stream.width } : {}), ...(stream.height ? { height: stream.height } : {}) });
  }
  // A camera listing no streams still has "the camera's stream" (stream_type "camera").
  if (profiles.length === 0) profiles.push({ name: 'main' });
  return {
    id: cam.id,
    name: (cam.pretty_name ?? cam.name ?? '').trim() || `Camera ${cam.id}`,
    ...cameraState(cam.status),
    recording: cam.is_archive_recording === true,
    groups: [],
    profiles,
  };
}
