/**
 * Fast forward from Eagle Eye (v1 and v3), pure. Eagle Eye's recorded FLV has no speed parameter
 * and comes in real time, so above 1× a tile would receive 1× of video and fall behind its
 * group. Above 1× the recording is fetched as MP4 files instead (v3 `mp4Url`, v1
 * `/asset/play/video.mp4`), which come as fast as they are read (main/playback's flow control
 * paces them), cut into pieces of about `pieceWallMs` of playing time each:
 *
 *   forward speed   ≤ 1×          (1×, 4×]        > 4×
 *   delivery        FLV (paced)   MP4 pieces      MP4 pieces of the small stream
 *
 * A piece is bounded so the server prepares little before its first byte (a faststart MP4 is
 * whole before it is sent) and starts and ends on the keyframe grid of its clip
 * (keyframe-grid.ts): the next piece starts exactly where the last one ended, so nothing is
 * played twice or skipped at the joins.
 *
 *   clip  |K---K---K---K---K---K---K---K---K---K---|
 *              ^ from      ^ to = from + n·gop ≤ from + pieceWallMs × rate
 *                          ^ the next piece's from
 */
import type { Period } from '../../common/time-periods.js';
import type { RateBand } from '../media/sources.js';
import { subStreamAboveRate } from './keyframe-grid.js';

/** Up to this speed the real-time FLV keeps up (and starts with its first GOP at once). */
export const realTimeUpToRate = 1;
/** Wall time one MP4 piece lasts when played at its rate (ms): long enough to hide one request, short enough to prepare quickly. */
export const pieceWallMs = 60_000;
/** Speeds above this ask for the real-time FLV never (a band's top). */
const topRate = Number.POSITIVE_INFINITY;

export interface SpeedChoice {
  delivery: 'flv' | 'mp4';
  /** The small stream (v1 `quality=low`, v3 `preview`): asked, or above 4×. */
  small: boolean;
  /** The forward speeds this choice holds for; outside it the session asks again. */
  rates: RateBand;
}

/** How recorded video of Eagle Eye is fetched at this speed (its magnitude) and profile. */
export function eenSpeedChoice(rate: number, profile: 'main' | 'sub'): SpeedChoice {
  const speed = Math.abs(rate);
  if (speed <= realTimeUpToRate) return { delivery: 'flv', small: profile === 'sub', rates: { above: 0, upTo: realTimeUpToRate } };
  if (speed <= subStreamAboveRate) return { delivery: 'mp4', small: profile === 'sub', rates: { above: realTimeUpToRate, upTo: subStreamAboveRate } };
  return { delivery: 'mp4', small: true, rates: { above: subStreamAboveRate, upTo: topRate } };
}

/**
 * The piece from `fromMs` (a keyframe of the clip) at this speed: whole GOPs, at least one, up
 * to `pieceWallMs × rate` of recording, never past the clip's end. Without a known keyframe
 * spacing the clip's end is the only sure place to stop.
 */
export function fastPieceSpan(clip: Period, gopMs: number | undefined, fromMs: number, rate: number): Period {
  if (gopMs === undefined || gopMs <= 0) return { fromMs, toMs: clip.toMs };
  const gops = Math.max(1, Math.floor((pieceWallMs * Math.max(1, Math.abs(rate))) / gopMs));
  return { fromMs, toMs: Math.min(clip.toMs, fromMs + gops * gopMs) };
}

/**
 * Where the piece after one that was planned to end at `plannedEndMs` starts, when the player's
 * run reached `afterMs`: the planned end (a keyframe) when the run got there, give or take its
 * last frame's duration; else (a run cut short) where it got to.
 */
export function continuationMs(afterMs: number, plannedEndMs: number | undefined, gopMs: number | undefined): number {
  if (plannedEndMs === undefined) return afterMs;
  const tolerance = Math.max(1_000, (gopMs ?? 0) / 2);
  return Math.abs(afterMs - plannedEndMs) <= tolerance ? plannedEndMs : afterMs;
}
