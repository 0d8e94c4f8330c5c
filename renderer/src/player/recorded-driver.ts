/**
 * The recorded driver of an MSE player (beside live-edge-driver.ts): plays a recorded stream
 * where the tile wants it instead of chasing a live edge. Every fragment is kept (recorded data
 * is flow-controlled, not dropped); a new init segment means main restarted the stream at a new
 * position (a seek outside what the player held), so the buffer was reset and playing resumes
 * at the first fragment after it; a seek inside what is buffered is a plain currentTime change;
 * a gap in the recording is a gap between buffered ranges, jumped over unless the tile waits
 * for its sync group. Times here are media seconds; the tile maps them to wall time with the
 * session's originMs (preload/contract/recordings.ts).
 *
 * Backwards (`backAt` set): MSE cannot play a negative rate, so the element stays paused and
 * each tick seeks currentTime to the newest frame it holds at or before `backAt` (reverseSteer).
 * The frames may come in falling order (a server's reverse: keyframes newest first, each at its
 * own media time, under a new init segment) or forward from a point further back (the tile asks
 * main to seek back for more); the SourceBuffer (segments mode) places each at its time and a
 * keyframe stands alone, so holes between buffered ranges are expected. Trimming then gives
 * back what is later than the playhead (already seen), not what is earlier.
 */
import type { FragmentInfo } from '../../../common/mp4/index.js';
import type { DriverStats, FragmentQueue, PlaybackDriver, PlaybackSample, Steer } from './live-edge-driver.js';
import type { Ranges } from './source-buffer-queue.js';

/** What the tile wants of the player now. */
export interface RecordedTarget {
  paused: boolean;
  /** playbackRate while playing (the group's, adjusted for drift). */
  rate: number;
  /** Jump gaps between buffered ranges by itself (false in a sync group: the group decides). */
  jumpGaps: boolean;
  /** Playing backwards: show the newest frame held at or before this media time, s. */
  backAt?: number;
}

/** How close to a range's end counts as "at the end", s (a frame or two at 10 fps). */
const atEndSec = 0.25;
/** Buffered ahead before the player stops reading (the source then pauses), s of play. */
const maxAheadSec = 20;
/** A seek lands at most this far before a range (keyframe rounding), s. */
const slackSec = 0.05;

export class RecordedDriver implements PlaybackDriver {
  private target: RecordedTarget = { paused: false, rate: 1, jumpGaps: true };
  private seekTo: number | undefined;
  /** After a new init segment: where the first fragment starts (where to play). */
  private restartAt: number | undefined;
  private awaitingFirst = true;
  private seeks = 0;
  /** Backwards: the frame last chosen, media s; the picture never goes forward while backwards. */
  private backCap: number | undefined;
  /** Start times of the frames queued (one fragment per frame), media s, ascending; the newest few thousand. */
  private frameStarts: number[] = [];

  constructor(private readonly onShown: (mediaTime: number) => void = () => {}) {}

  /** What to do from the next tick (`backAt: undefined` ends playing backwards). */
  set(target: Partial<RecordedTarget>): void {
    this.target = { ...this.target, ...target };
    if ('backAt' in target && target.backAt === undefined) {
      delete this.target.backAt;
      this.backCap = undefined;
    }
  }

  get backwards(): boolean {
    return this.target.backAt !== undefined;
  }

  /** The newest frame held at or before `t` (media s), or undefined. */
  heldAtOrBefore(ranges: Ranges, t: number): number | undefined {
    return newestHeldFrame(this.frameStarts, ranges, t);
  }

  /** Plays from `mediaTime` once it is buffered (kept until then; a newer seek replaces it). */
  seek(mediaTime: number): void {
    this.seekTo = mediaTime;
  }

  /** Whether `mediaTime` is in what the player holds (else the tile asks main to seek). */
  static holds(ranges: Ranges, mediaTime: number): boolean {
    return ranges.some(([start, end]) => mediaTime >= start - slackSec && mediaTime < end);
  }

  /** A new init segment: forwards the buffer is reset (true: backwards it is kept, see PlaybackDriver). */
  restarted(): boolean {
    this.awaitingFirst = true;
    this.restartAt = undefined;
    if (this.target.backAt !== undefined) return true;
    // The SourceBuffer is reset: none of the frames noted is held any more.
    this.frameStarts = [];
    return false;
  }

  fragment(info: Pick<FragmentInfo, 'keyframe' | 'videoStartMs'>, bytes: Uint8Array<ArrayBuffer>, _arrivalMs: number, queue: FragmentQueue): void {
    if (this.awaitingFirst && info.videoStartMs !== undefined) {
      this.awaitingFirst = false;
      this.restartAt = info.videoStartMs / 1000;
    }
    if (info.videoStartMs !== undefined) this.noteFrame(info.videoStartMs / 1000);
    queue.append(bytes, true);
  }

  steer(sample: PlaybackSample): Steer & { paused: boolean } {
    const { rate, paused, backAt } = this.target;
    if (backAt !== undefined) {
      // Forward's pending seek and restart point mean nothing backwards: the position rules.
      this.seekTo = undefined;
      this.restartAt = undefined;
      const steer = reverseSteer(this.frameStarts, sample.ranges, sample.currentTime, backAt, this.backCap);
      if (steer.frame !== undefined) this.backCap = steer.frame;
      return steer;
    }
    let seekTo = this.seekTo;
    if (seekTo !== undefined && this.restartAt !== undefined && this.restartAt > seekTo + slackSec) {
      // Main restarted the stream later than asked: nothing was recorded there (a gap). The
      // asked time will never be buffered; play from where the recording goes on.
      this.seekTo = seekTo = undefined;
    }
    if (seekTo !== undefined) {
      if (!RecordedDriver.holds(sample.ranges, seekTo)) return { rate, paused: true };
      this.seekTo = undefined;
      return this.seekStep(sample, seekTo);
    }
    if (this.restartAt !== undefined) {
      const at = this.restartAt;
      if (!RecordedDriver.holds(sample.ranges, at)) return { rate, paused: true };
      this.restartAt = undefined;
      if (!RecordedDriver.holds(sample.ranges, sample.currentTime)) return this.seekStep(sample, at);
    }
    const current = sample.ranges.find(([start, end]) => sample.currentTime >= start - slackSec && sample.currentTime < end + atEndSec);
    const next = sample.ranges.find(([start]) => start > sample.currentTime + slackSec);
    if (next && this.target.jumpGaps && (!current || current[1] - sample.currentTime < atEndSec)) return this.seekStep(sample, next[0]);
    // Before the first range (a stream starting at its first keyframe after the time asked).
    const first = sample.ranges[0];
    if (!current && first && sample.currentTime < first[0]) return this.seekStep(sample, first[0]);
    return { rate, paused };
  }

  /** Reads on while less than ~20 s of play (at the current rate) is buffered ahead. */
  wantsMore(aheadSec: number): boolean {
    // Backwards what is ahead is already seen; main paces what it sends (or sends nothing new).
    if (this.target.backAt !== undefined) return true;
    return aheadSec < maxAheadSec * Math.max(1, Math.abs(this.target.rate));
  }

  shown(mediaTime: number): void {
    this.onShown(mediaTime);
  }

  /** After a seek (paused, no frame callback may come): the frame that holds the new position. */
  seeked(currentTime: number): void {
    const frame = this.frameAt(currentTime);
    if (frame !== undefined) this.onShown(frame);
  }

  /** Start of the queued frame that holds `t` (the newest start at or before it), s. */
  frameAt(t: number): number | undefined {
    let lo = 0;
    let hi = this.frameStarts.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.frameStarts[mid]! <= t + 1e-6) {
        found = this.frameStarts[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private noteFrame(start: number): void {
    const list = this.frameStarts;
    // Kept ascending: forward frames go at the end, a reverse stream's at the front.
    let at = list.length;
    while (at > 0 && list[at - 1]! > start) at -= 1;
    if (list[at - 1] === start) return;
    list.splice(at, 0, start);
    if (list.length > 4000) {
      // The oldest go forwards, the newest backwards (the far side of where the player goes).
      if (this.target.backAt !== undefined) list.splice(4000);
      else list.splice(0, list.length - 4000);
    }
  }

  stats(): DriverStats {
    return { targetLagSec: 0, clumpLagMs: 0, arrivalGapMs: 0, jumps: this.seeks, skippedFragments: 0 };
  }

  private seekStep(sample: PlaybackSample, to: number): Steer & { paused: boolean } {
    this.seeks += 1;
    return { rate: this.target.rate, paused: this.target.paused, ...(Math.abs(to - sample.currentTime) > 0.001 ? { seekTo: to } : {}) };
  }
}

/** Where a seek lands inside a frame: 1 ms past its start, so ms rounding cannot pick the one before, s. */
const intoFrameSec = 0.001;

/** The newest of `frames` (media s, ascending) at or before `t` that the buffered ranges still hold. */
export function newestHeldFrame(frames: readonly number[], ranges: Ranges, t: number): number | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    const start = frames[i]!;
    if (start > t + 1e-6) continue;
    if (ranges.some(([from, to]) => start + intoFrameSec >= from && start + intoFrameSec < to)) return start;
  }
  return undefined;
}

/** The oldest of `frames` (ascending) after `t` that the buffered ranges still hold. */
function oldestHeldFrameAfter(frames: readonly number[], ranges: Ranges, t: number): number | undefined {
  for (const start of frames) {
    if (start <= t + 1e-6) continue;
    if (ranges.some(([from, to]) => start + intoFrameSec >= from && start + intoFrameSec < to)) return start;
  }
  return undefined;
}

/**
 * The frame to show backwards (pure): the newest held at or before `backAt`; with none there
 * yet, the nearest held after it (a server's reverse running late still shows its frames going
 * back). Never later than `cap` (the frame shown last): a stretch that main sends forward from
 * a point further back does not move the picture forward while it arrives.
 */
export function reverseFrame(frames: readonly number[], ranges: Ranges, backAt: number, cap = Number.POSITIVE_INFINITY): number | undefined {
  const before = newestHeldFrame(frames, ranges, Math.min(backAt, cap));
  if (before !== undefined) return before;
  const after = oldestHeldFrameAfter(frames, ranges, backAt);
  return after !== undefined && after <= cap + 1e-6 ? after : undefined;
}

/**
 * One tick backwards (pure): paused, at 1× (a negative playbackRate throws), currentTime 1 ms
 * into the frame reverseFrame picks; with none, it stays on the frame shown (the tile asks
 * for more, or the server's next keyframe is on its way).
 */
export function reverseSteer(frames: readonly number[], ranges: Ranges, currentTime: number, backAt: number, cap?: number): Steer & { paused: true; backwards: true; frame?: number } {
  const frame = reverseFrame(frames, ranges, backAt, cap);
  if (frame === undefined) return { rate: 1, paused: true, backwards: true };
  const to = frame + intoFrameSec;
  const seek = Math.abs(to - currentTime) > intoFrameSec / 2;
  return { rate: 1, paused: true, backwards: true, frame, ...(seek ? { seekTo: to } : {}) };
}
