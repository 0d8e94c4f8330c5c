/**
 * The live driver of an MSE player: which arriving fragments go into the SourceBuffer queue and
 * how to play what is buffered so the picture stays near the live edge. The arithmetic is
 * live-edge.ts; this holds its state between ticks (catch-up timers, arrival history) and the
 * live policy for a queue that backs up (old frames are worth nothing live: drop them and
 * restart decoding at a keyframe). A player for recorded video steers with another driver over
 * the same queue (PlaybackDriver).
 */
import type { FragmentInfo } from '../../../common/mp4/index.js';
import { ArrivalGaps, ArrivalLog, initialLiveEdge, liveEdge, liveEdgeForGaps, smooth, type JitterConfig, type LiveEdgeConfig, type LiveEdgeState } from './live-edge.js';
import type { Ranges, SourceBufferQueue } from './source-buffer-queue.js';

/** The part of the queue a driver feeds. */
export type FragmentQueue = Pick<SourceBufferQueue, 'queuedBytes' | 'append' | 'dropMedia'>;

/** What the player sees on each tick. */
export interface PlaybackSample {
  nowMs: number;
  currentTime: number;
  /** Buffered ranges, never empty (the player asks the driver only once something is buffered). */
  ranges: Ranges;
  /** Since the first frame was shown, ms (0 before it). */
  playingForMs: number;
  /** Frames the <video> has dropped so far. */
  droppedFrames: number;
}

/** How to play on: the rate, and a seek when the playhead must move. */
export interface Steer {
  rate: number;
  seekTo?: number;
  /** Hold the picture (recorded video: paused, or waiting for its sync group); live never pauses. */
  paused?: boolean;
  /** Recorded video going backwards: what is later than the playhead is the past to trim. */
  backwards?: boolean;
}

export interface DriverStats {
  /** The buffer the player aims to hold, s. */
  targetLagSec: number;
  /** Of that, what is held above the default because the data arrives in clumps, ms. */
  clumpLagMs: number;
  /** The longest gap between arriving fragments over the last 10 s, ms. */
  arrivalGapMs: number;
  /** Fragment arrival → frame shown, ms, smoothed. */
  latencyMs?: number;
  /** Jumps to the live edge because the lag grew. */
  jumps: number;
  /** Fragments dropped because the queue backed up. */
  skippedFragments: number;
}

/** What an MSE player asks of whoever steers it. */
export interface PlaybackDriver {
  /**
   * A new init segment after the first: media times start afresh, and the buffer is reset.
   * A recorded driver going backwards answers true: the session's mapping holds across restarts,
   * so what is buffered stays valid and is kept (the stretch main sends goes beside it).
   */
  restarted(): boolean | void;
  /** A media fragment arrived (at `arrivalMs`): queue it, or drop it. */
  fragment(info: Pick<FragmentInfo, 'keyframe' | 'videoStartMs'>, bytes: Uint8Array<ArrayBuffer>, arrivalMs: number, queue: FragmentQueue): void;
  steer(sample: PlaybackSample): Steer;
  /** A frame of media time `mediaTime` s is shown at `displayMs`. */
  shown(mediaTime: number, displayMs: number): void;
  stats(nowMs: number): DriverStats;
  /**
   * Whether to read more of the stream with `aheadSec` buffered (recorded video: a reader that
   * stops reading pauses the source). Without it, the player reads all the time (live).
   */
  wantsMore?(aheadSec: number): boolean;
  /** The <video> finished a seek to `currentTime` s (a paused seek may show a frame without a frame callback). */
  seeked?(currentTime: number): void;
}

export interface LiveDriverConfig {
  liveEdge: LiveEdgeConfig;
  /** How the live-edge target grows for a stream whose data arrives in clumps. */
  jitter: JitterConfig;
  /** Bytes waiting for the SourceBuffer before old fragments are dropped up to the next keyframe. */
  maxQueuedBytes: number;
}

export class LiveEdgeDriver implements PlaybackDriver {
  private readonly arrivals = new ArrivalLog();
  private readonly gaps = new ArrivalGaps();
  private edge: LiveEdgeState = initialLiveEdge;
  private waitForKeyframe = false;
  /** Dropped frames as of the previous tick: frames dropped since then hold back settling. */
  private droppedAtLastTick = 0;
  private latencyMs: number | undefined;
  private jumps = 0;
  private skipped = 0;

  constructor(private readonly config: LiveDriverConfig) {}

  restarted(): void {
    this.arrivals.clear();
    this.gaps.clear();
    this.waitForKeyframe = false;
  }

  fragment(info: Pick<FragmentInfo, 'keyframe' | 'videoStartMs'>, bytes: Uint8Array<ArrayBuffer>, arrivalMs: number, queue: FragmentQueue): void {
    if (this.waitForKeyframe) {
      if (!info.keyframe) {
        this.skipped += 1;
        return;
      }
      this.waitForKeyframe = false;
    }
    if (queue.queuedBytes + bytes.byteLength > this.config.maxQueuedBytes) {
      // The SourceBuffer is not keeping up: old frames are worth nothing live. Drop them and
      // restart decoding at a keyframe rather than grow without bound.
      this.skipped += queue.dropMedia();
      if (!info.keyframe) {
        this.waitForKeyframe = true;
        this.skipped += 1;
        return;
      }
    }
    if (info.videoStartMs !== undefined) this.arrivals.add(info.videoStartMs / 1000, arrivalMs);
    this.gaps.add(arrivalMs);
    queue.append(bytes, true);
  }

  steer(sample: PlaybackSample): Steer {
    const droppingFrames = sample.droppedFrames > this.droppedAtLastTick;
    this.droppedAtLastTick = sample.droppedFrames;
    const decision = liveEdge(this.edge, { nowMs: sample.nowMs, currentTime: sample.currentTime, ranges: sample.ranges, playingForMs: sample.playingForMs, droppingFrames }, this.edgeConfig(sample.nowMs));
    this.edge = decision.state;
    if (decision.why === 'lag') this.jumps += 1;
    return decision.seekTo === undefined ? { rate: decision.rate } : { rate: decision.rate, seekTo: decision.seekTo };
  }

  shown(mediaTime: number, displayMs: number): void {
    const arrival = this.arrivals.arrivalOf(mediaTime);
    if (arrival !== undefined) this.latencyMs = smooth(this.latencyMs, displayMs - arrival, 0.1);
  }

  stats(nowMs: number): DriverStats {
    const targetLagSec = this.edgeConfig(nowMs).targetLagSec;
    return {
      targetLagSec,
      clumpLagMs: Math.round(Math.max(0, targetLagSec - this.config.liveEdge.targetLagSec) * 1000),
      arrivalGapMs: Math.round(this.gaps.maxGapMs(nowMs)),
      ...(this.latencyMs === undefined ? {} : { latencyMs: Math.round(this.latencyMs) }),
      jumps: this.jumps,
      skippedFragments: this.skipped,
    };
  }

  /** The live-edge rules for how unevenly this stream's data has been arriving. */
  private edgeConfig(nowMs: number): LiveEdgeConfig {
    return liveEdgeForGaps(this.config.liveEdge, this.gaps.maxGapMs(nowMs) / 1000, this.config.jitter);
  }
}
