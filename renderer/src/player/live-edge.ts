/**
 * The arithmetic of a live MSE player, kept pure so it can be table-tested: staying near the
 * live edge, noticing a stall, and relating shown frames to the time their bytes arrived
 * (trimming the buffer is source-buffer-queue.ts's). Times in seconds are media time (the
 * <video>'s clock); times in ms are the caller's clock (performance.now() in the player,
 * anything in tests).
 */
import type { Ranges } from './source-buffer-queue.js';

export interface LiveEdgeConfig {
  /**
   * Lag a catch-up aims for (jump landing, end of a speed-up), s: what Chromium holds by itself
   * before it plays (LAB-NOTES §4: 105–121 ms of buffer ahead at 1 tile), so Tessera adds no
   * latency of its own over the bare pipeline (which never moves its playhead). It was 0.2 s:
   * bench:live measured 294 ms against the bare pipeline's 172 ms at 16 tiles. The jitter of a
   * busy machine is not absorbed here but by liveEdgeForGaps, from the gaps actually seen.
   */
  targetLagSec: number;
  /** LAB-NOTES §4: act when the lag exceeds about 0.5 s — first by playing a little faster… */
  speedUpAboveSec: number;
  /**
   * A smaller excess over the target is worked off the same way once it has held this long
   * (the lag never dipped under target + settleAboveSec in between): a start or a hiccup that
   * left the player a few hundred ms behind would otherwise keep that latency for good, while
   * a clump played off (the lag falls back between clumps) is left alone. Not while the tile
   * drops frames: at the browser's decode limit (about 16 tiles here) playing 10 % faster asks
   * for more decoding than it has, and a dropped frame is worse than 50–300 ms of latency.
   */
  settleAboveSec: number;
  settleAfterMs: number;
  /**
   * A speed-up is done once the lag is within this of the target, s (one frame at 25 fps):
   * Chromium holds its own 0.1–0.15 s (more with many tiles), and a speed-up that had to get
   * under it would never end and turn into a jump after maxCatchUpMs.
   */
  catchUpDoneSec: number;
  /**
   * …at this rate until back at the target. Gentle on purpose: measured on the 2-core machine,
   * a proportional rate up to 1.25× kept four 720p tiles constantly re-timing and multiplied
   * their dropped frames; at 1.1× a 0.3 s excess is gone in 3 s.
   */
  catchUpRate: number;
  /** A speed-up that has not reached the target after this long is not working: jump, ms. */
  maxCatchUpMs: number;
  /** Jump when the lag stays above this… */
  jumpAboveSec: number;
  /** …for this long, ms (one late burst of frames should not cost a skip)… */
  jumpAfterMs: number;
  /** …or at once above this lag, s (a tab back from the background, a network hiccup). */
  jumpNowAboveSec: number;
  /** currentTime this close past a range's end still counts as inside it (waiting for data), s. */
  edgeToleranceSec: number;
  /**
   * For this long after the first frame, any lag above speedUpAboveSec is jumped at once, ms:
   * a joining player gets main's cached GOP as one burst, often after it has already started
   * on the first frames of it, and a second of start-up lag is not drift worth playing off.
   */
  startupMs: number;
}

export const defaultLiveEdge: LiveEdgeConfig = {
  targetLagSec: 0.12,
  speedUpAboveSec: 0.5,
  settleAboveSec: 0.08,
  settleAfterMs: 3000,
  catchUpDoneSec: 0.04,
  catchUpRate: 1.1,
  maxCatchUpMs: 6000,
  jumpAboveSec: 1.0,
  jumpAfterMs: 1000,
  jumpNowAboveSec: 2,
  edgeToleranceSec: 0.1,
  startupMs: 3000,
};

/**
 * When media fragments reached the page, kept for `windowMs`: the longest gap between two of
 * them is how much buffer the stream needs to play without running dry. An RTSP camera sends a
 * frame every 40 ms; a paced live HLS source arrives in clumps ~0.3 s apart (ffmpeg's -re waits
 * on whichever of the interleaved audio and video is ahead) and stops for up to ~1 s at a
 * segment boundary (the demuxer's playlist reload), and a player holding only 0.2 s runs dry
 * there, then sees the catch-up as lag to speed up or jump away.
 */
export class ArrivalGaps {
  private gaps: { atMs: number; gapMs: number }[] = [];
  private lastMs: number | undefined;

  constructor(private readonly windowMs = 10_000) {}

  add(arrivalMs: number): void {
    if (this.lastMs !== undefined) this.gaps.push({ atMs: arrivalMs, gapMs: arrivalMs - this.lastMs });
    this.lastMs = arrivalMs;
    while (this.gaps.length > 0 && arrivalMs - this.gaps[0]!.atMs > this.windowMs) this.gaps.shift();
  }

  /** A new session (restarted upstream): the wait for it is not a gap of the stream. */
  clear(): void {
    this.gaps = [];
    this.lastMs = undefined;
  }

  /** The longest gap within the window before nowMs, ms (0 with fewer than two arrivals). */
  maxGapMs(nowMs: number): number {
    let max = 0;
    for (const g of this.gaps) if (nowMs - g.atMs <= this.windowMs) max = Math.max(max, g.gapMs);
    return max;
  }
}

export interface JitterConfig {
  /** Buffer kept beyond the longest recent gap, s (decode and composite of the next frame). */
  marginSec: number;
  /** The target never grows by more than this, s: a source that stops for seconds is stalled, not jittery. */
  maxExtraSec: number;
}

/** Margin: two frames at 25 fps, so RTSP's 40 ms gaps leave the 0.12 s target as it is. */
export const defaultJitter: JitterConfig = { marginSec: 0.08, maxExtraSec: 1.0 };

/**
 * The live-edge rules for a stream whose data arrives up to `gapSec` apart: the target lag is
 * at least the gap plus a margin, and every threshold above it moves up by as much, so playing
 * off a clump is neither sped up nor jumped. A steady stream (gaps under targetLag − margin,
 * i.e. RTSP at 40 ms) gets the rules unchanged.
 */
export function liveEdgeForGaps(config: LiveEdgeConfig, gapSec: number, jitter: JitterConfig = defaultJitter): LiveEdgeConfig {
  const extra = Math.min(jitter.maxExtraSec, Math.max(0, gapSec + jitter.marginSec - config.targetLagSec));
  if (extra === 0) return config;
  return {
    ...config,
    targetLagSec: config.targetLagSec + extra,
    speedUpAboveSec: config.speedUpAboveSec + extra,
    jumpAboveSec: config.jumpAboveSec + extra,
    jumpNowAboveSec: config.jumpNowAboveSec + extra,
  };
}

export interface LiveEdgeState {
  /** Since when the player has been speeding up (hysteresis: until the lag is back at the target), ms. */
  catchUpSinceMs?: number;
  /** Since when the lag has been above jumpAboveSec, ms. */
  aboveSinceMs?: number;
  /** Since when the lag has been above targetLagSec + settleAboveSec, ms. */
  overSinceMs?: number;
}

export const initialLiveEdge: LiveEdgeState = {};

export interface LiveEdgeDecision {
  state: LiveEdgeState;
  rate: number;
  /** Seek here (seconds) now; undefined to stay. */
  seekTo?: number;
  /** Why it seeks: currentTime is not in the newest data, start-up lag, or the lag grew too large (drift). */
  why?: 'outside' | 'start' | 'lag';
  /** buffered end − currentTime, s (0 when nothing is buffered). */
  lagSec: number;
}

/**
 * What to do to stay at the live edge. Jumps land `targetLagSec` before the end of the newest
 * range (never before its start): the decoder starts there from the previous keyframe.
 *
 *   lag  0 ────── 0.12 ─── 0.2 ──── 0.5 ─────────── 1.0 ─────────── 2.0 ──▶
 *        play at 1×    │ held 3 s   │ speed up 1.1× back  │ jump after 1 s   │ jump now
 *                      │ without a  │ to 0.16 (jump if it │                  │
 *                      │ drop: the  │ takes over 6 s)     │                  │
 *                      │ same       │ in the first 3 s of playing: jump now│
 */
export function liveEdge(
  state: LiveEdgeState,
  sample: { nowMs: number; currentTime: number; ranges: Ranges; playingForMs?: number; droppingFrames?: boolean },
  config: LiveEdgeConfig = defaultLiveEdge,
): LiveEdgeDecision {
  const last = sample.ranges[sample.ranges.length - 1];
  if (!last) return { state: initialLiveEdge, rate: 1, lagSec: 0 };
  const [lastStart, end] = last;
  const edge = Math.max(lastStart, end - config.targetLagSec);
  const t = sample.currentTime;
  // Only the newest range is live: a player in an older one (a gap, a restarted upstream whose
  // times went back, the very start) would wait there for ever.
  if (t < lastStart || t > end + config.edgeToleranceSec) return { state: initialLiveEdge, rate: 1, seekTo: edge, why: 'outside', lagSec: Math.max(0, end - t) };
  const lagSec = Math.max(0, end - t);
  const jump = { state: initialLiveEdge, rate: 1, seekTo: edge, why: 'lag' as const, lagSec };
  if (lagSec > config.speedUpAboveSec && (sample.playingForMs ?? Infinity) < config.startupMs) return { ...jump, why: 'start' };
  if (lagSec > config.jumpNowAboveSec) return jump;
  let aboveSinceMs: number | undefined;
  if (lagSec > config.jumpAboveSec) {
    aboveSinceMs = state.aboveSinceMs ?? sample.nowMs;
    if (sample.nowMs - aboveSinceMs >= config.jumpAfterMs) return jump;
  }
  const overSinceMs = lagSec > config.targetLagSec + config.settleAboveSec && !sample.droppingFrames ? (state.overSinceMs ?? sample.nowMs) : undefined;
  const settling = overSinceMs !== undefined && sample.nowMs - overSinceMs >= config.settleAfterMs;
  const catchingUp = lagSec > config.speedUpAboveSec || settling || (state.catchUpSinceMs !== undefined && lagSec > config.targetLagSec + config.catchUpDoneSec);
  let catchUpSinceMs: number | undefined;
  if (catchingUp) {
    catchUpSinceMs = state.catchUpSinceMs ?? sample.nowMs;
    if (sample.nowMs - catchUpSinceMs >= config.maxCatchUpMs) return jump;
  }
  return {
    state: {
      ...(catchUpSinceMs === undefined ? {} : { catchUpSinceMs }),
      ...(aboveSinceMs === undefined ? {} : { aboveSinceMs }),
      ...(overSinceMs === undefined ? {} : { overSinceMs }),
    },
    rate: catchingUp ? config.catchUpRate : 1,
    lagSec,
  };
}

export interface StallConfig {
  /** No first byte within this long after start, ms (main may still be connecting upstream). */
  firstByteMs: number;
  /** No byte for this long once bytes flowed, ms (frames come every 40 ms at 25 fps). */
  noDataMs: number;
  /** Bytes arrive but the picture does not move for this long, ms (decoder stuck). */
  noProgressMs: number;
}

export const defaultStall: StallConfig = { firstByteMs: 20_000, noDataMs: 6_000, noProgressMs: 8_000 };

export type StallReason = 'no-start' | 'no-data' | 'no-progress';

export const stallWords: Record<StallReason, string> = {
  'no-start': 'no video arrived',
  'no-data': 'the video stopped arriving',
  'no-progress': 'the picture froze',
};

/**
 * Whether the stream has stalled. `lastProgressMs` is the last time currentTime advanced;
 * before the first frame, progress is counted from the first byte (main sends a keyframe first,
 * so a picture follows the first fragment within tens of ms, LAB-NOTES §4).
 */
export function stallCheck(s: { nowMs: number; startedMs: number; firstDataMs?: number; lastDataMs?: number; lastProgressMs?: number }, config: StallConfig = defaultStall): StallReason | null {
  if (s.lastDataMs === undefined || s.firstDataMs === undefined) return s.nowMs - s.startedMs >= config.firstByteMs ? 'no-start' : null;
  if (s.nowMs - s.lastDataMs >= config.noDataMs) return 'no-data';
  const since = s.lastProgressMs ?? s.firstDataMs;
  return s.nowMs - since >= config.noProgressMs ? 'no-progress' : null;
}

/**
 * When each fragment's bytes arrived, by media time, so a shown frame (rVFC mediaTime) can be
 * traced back to its arrival: arrival → shown is the renderer's share of the live latency.
 */
export class ArrivalLog {
  private entries: { startSec: number; arrivalMs: number }[] = [];

  constructor(private readonly capacity = 256) {}

  add(startSec: number, arrivalMs: number): void {
    const last = this.entries[this.entries.length - 1];
    // Media time went back (new init segment, restarted upstream): older entries no longer apply.
    if (last && startSec < last.startSec) this.entries = [];
    this.entries.push({ startSec, arrivalMs });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  clear(): void {
    this.entries = [];
  }

  /** Arrival of the newest fragment starting at or before mediaTime (½ ms tolerance for rounding). */
  arrivalOf(mediaTime: number): number | undefined {
    let lo = 0;
    let hi = this.entries.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.startSec <= mediaTime + 0.0005) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found === undefined ? undefined : this.entries[found]!.arrivalMs;
  }
}

/** A smoothed value (exponential moving average); the first sample is taken as is. */
export function smooth(previous: number | undefined, sample: number, weight = 0.2): number {
  return previous === undefined ? sample : previous + (sample - previous) * weight;
}
