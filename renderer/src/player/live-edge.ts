/**
 * The arithmetic of a live MSE player, kept pure so it can be table-tested: staying near the
 * live edge, trimming the buffer, noticing a stall, and relating shown frames to the time their
 * bytes arrived. Times in seconds are media time (the <video>'s clock); times in ms are the
 * caller's clock (performance.now() in the player, anything in tests).
 */

/** Buffered ranges as [start, end] pairs in seconds, in order (TimeRanges copied out). */
export type Ranges = readonly (readonly [number, number])[];

export interface LiveEdgeConfig {
  /**
   * Lag the player settles at, s. Chromium itself holds about 0.1 s before it plays
   * (LAB-NOTES §4: 105–121 ms of buffer ahead at 1 tile), so aiming lower only causes `waiting`.
   */
  targetLagSec: number;
  /** Above this lag, play a little faster until back at the target, s. */
  speedUpAboveSec: number;
  /** Playback rate added per second of lag over the target, capped at maxRate: 0.5 → 1.1× at 0.35 s. */
  rateGainPerSec: number;
  maxRate: number;
  /** LAB-NOTES §4: jump to the live edge when the lag stays above about 0.5 s… */
  jumpAboveSec: number;
  /** …for this long, ms (a single late burst of frames should not cost a skip)… */
  jumpAfterMs: number;
  /** …or at once above this lag, s (a tab back from the background, a network hiccup). */
  jumpNowAboveSec: number;
  /** currentTime this close past a range's end still counts as inside it (waiting for data), s. */
  edgeToleranceSec: number;
}

export const defaultLiveEdge: LiveEdgeConfig = {
  targetLagSec: 0.15,
  speedUpAboveSec: 0.3,
  rateGainPerSec: 0.5,
  maxRate: 1.25,
  jumpAboveSec: 0.5,
  jumpAfterMs: 1000,
  jumpNowAboveSec: 2,
  edgeToleranceSec: 0.1,
};

export interface LiveEdgeState {
  /** Speeding up until the lag is back at the target (hysteresis between speedUpAbove and target). */
  catchingUp: boolean;
  /** Since when the lag has been above jumpAboveSec, ms. */
  aboveSinceMs?: number;
}

export const initialLiveEdge: LiveEdgeState = { catchingUp: false };

export interface LiveEdgeDecision {
  state: LiveEdgeState;
  rate: number;
  /** Seek here (seconds) now; undefined to stay. */
  seekTo?: number;
  /** Why it seeks: currentTime is not in the newest data, or the lag grew too large. */
  why?: 'outside' | 'lag';
  /** buffered end − currentTime, s (0 when nothing is buffered). */
  lagSec: number;
}

/**
 * What to do to stay at the live edge. Jumps land `targetLagSec` before the end of the newest
 * range (never before its start): the decoder starts there from the previous keyframe.
 */
export function liveEdge(state: LiveEdgeState, sample: { nowMs: number; currentTime: number; ranges: Ranges }, config: LiveEdgeConfig = defaultLiveEdge): LiveEdgeDecision {
  const last = sample.ranges[sample.ranges.length - 1];
  if (!last) return { state: initialLiveEdge, rate: 1, lagSec: 0 };
  const [lastStart, end] = last;
  const edge = Math.max(lastStart, end - config.targetLagSec);
  const t = sample.currentTime;
  // Only the newest range is live: a player in an older one (a gap, a restarted upstream whose
  // times went back, the very start) would wait there for ever.
  if (t < lastStart || t > end + config.edgeToleranceSec) return { state: initialLiveEdge, rate: 1, seekTo: edge, why: 'outside', lagSec: Math.max(0, end - t) };
  const lagSec = Math.max(0, end - t);
  if (lagSec > config.jumpNowAboveSec) return { state: initialLiveEdge, rate: 1, seekTo: edge, why: 'lag', lagSec };
  let aboveSinceMs: number | undefined;
  if (lagSec > config.jumpAboveSec) {
    aboveSinceMs = state.aboveSinceMs ?? sample.nowMs;
    if (sample.nowMs - aboveSinceMs >= config.jumpAfterMs) return { state: initialLiveEdge, rate: 1, seekTo: edge, why: 'lag', lagSec };
  }
  const catchingUp = lagSec > config.speedUpAboveSec || (state.catchingUp && lagSec > config.targetLagSec);
  const rate = catchingUp ? Math.min(config.maxRate, 1 + (lagSec - config.targetLagSec) * config.rateGainPerSec) : 1;
  return { state: { catchingUp, ...(aboveSinceMs === undefined ? {} : { aboveSinceMs }) }, rate: Math.round(rate * 100) / 100, lagSec };
}

export interface TrimConfig {
  /** Media kept behind currentTime, s: enough to seek back a little, small enough for memory. */
  keepBehindSec: number;
  /** Trim only once this much more has piled up, s (fewer, larger removes). */
  slackSec: number;
}

export const defaultTrim: TrimConfig = { keepBehindSec: 8, slackSec: 4 };

/** The span to remove so no more than keepBehindSec stays behind currentTime, or null. */
export function trimPlan(ranges: Ranges, currentTime: number, config: TrimConfig = defaultTrim): [number, number] | null {
  const first = ranges[0];
  if (!first) return null;
  const end = currentTime - config.keepBehindSec;
  if (end - first[0] < config.slackSec) return null;
  return [first[0], end];
}

/**
 * After a QuotaExceededError: everything behind currentTime except a little, or null when
 * there is nothing left to give back (then the buffer ahead is the problem, not the past).
 */
export function quotaTrim(ranges: Ranges, currentTime: number, keepSec = 0.5): [number, number] | null {
  const first = ranges[0];
  if (!first) return null;
  const end = currentTime - keepSec;
  return end - first[0] > 0.1 ? [first[0], end] : null;
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
