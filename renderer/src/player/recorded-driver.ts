/**
 * The recorded driver of an MSE player (beside live-edge-driver.ts): plays a recorded stream
 * where the tile wants it instead of chasing a live edge. Every fragment is kept (recorded data
 * is flow-controlled, not dropped); a new init segment means main restarted the stream at a new
 * position (a seek outside what the player held), so the buffer was reset and playing resumes
 * at the first fragment after it; a seek inside what is buffered is a plain currentTime change;
 * a gap in the recording is a gap between buffered ranges, jumped over unless the tile waits
 * for its sync group. Times here are media seconds; the tile maps them to wall time with the
 * session's originMs (preload/contract/recordings.ts).
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
  /** Start times of the frames queued (one fragment per frame), media s, ascending; the newest few thousand. */
  private frameStarts: number[] = [];

  constructor(private readonly onShown: (mediaTime: number) => void = () => {}) {}

  /** What to do from the next tick. */
  set(target: Partial<RecordedTarget>): void {
    this.target = { ...this.target, ...target };
  }

  /** Plays from `mediaTime` once it is buffered (kept until then; a newer seek replaces it). */
  seek(mediaTime: number): void {
    this.seekTo = mediaTime;
  }

  /** Whether `mediaTime` is in what the player holds (else the tile asks main to seek). */
  static holds(ranges: Ranges, mediaTime: number): boolean {
    return ranges.some(([start, end]) => mediaTime >= start - slackSec && mediaTime < end);
  }

  restarted(): void {
    this.awaitingFirst = true;
    this.restartAt = undefined;
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
    const { rate, paused } = this.target;
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
    const last = this.frameStarts.at(-1);
    // A restart at an earlier position starts the list afresh (it is kept ascending).
    if (last !== undefined && start <= last) this.frameStarts = this.frameStarts.filter((s) => s < start);
    this.frameStarts.push(start);
    if (this.frameStarts.length > 4000) this.frameStarts.splice(0, this.frameStarts.length - 4000);
  }

  stats(): DriverStats {
    return { targetLagSec: 0, clumpLagMs: 0, arrivalGapMs: 0, jumps: this.seeks, skippedFragments: 0 };
  }

  private seekStep(sample: PlaybackSample, to: number): Steer & { paused: boolean } {
    this.seeks += 1;
    return { rate: this.target.rate, paused: this.target.paused, ...(Math.abs(to - sample.currentTime) > 0.001 ? { seekTo: to } : {}) };
  }
}
