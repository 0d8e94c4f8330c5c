/**
 * What a tile asks of a video player (MsePlayer, or a fake in tests): play a stream path into a
 * <video>, say what happened as events, and give its numbers. The player never decides which
 * stream to open or when to retry; the tile controller does.
 */
import type { StallReason } from './live-edge.js';

export interface PlayerStats {
  /** From getVideoPlaybackQuality(): frames decoded and dropped since start. */
  decodedFrames: number;
  droppedFrames: number;
  /**
   * Of the dropped frames, those dropped within a second after the player's own seeks (start,
   * jumps to the live edge): decoding from the keyframe to the seek target drops the frames in
   * between, which says nothing about whether the machine keeps up.
   */
  seekDroppedFrames: number;
  /** buffered end − currentTime, s. */
  bufferAheadSec: number;
  /** The buffer the player aims to hold, s: the default, or more when the data arrives in clumps. */
  targetLagSec: number;
  /** Of that, what it holds above its default because the data arrives in clumps, ms. */
  clumpLagMs: number;
  /** The longest gap between arriving fragments over the last 10 s, ms. */
  arrivalGapMs: number;
  /** Fragment arrival in the page → frame shown (rVFC expectedDisplayTime), ms, smoothed. */
  latencyMs?: number;
  /** start() → first byte and → first frame shown, ms. */
  firstByteMs?: number;
  firstFrameMs?: number;
  bytes: number;
  fragments: number;
  /** Jumps to the live edge because the lag grew (not counting the start or a new init). */
  jumps: number;
  /** Fragments dropped because the append queue backed up. */
  skippedFragments: number;
  /** New init segments seen after the first (upstream restarts). */
  reinits: number;
  playbackRate: number;
  /** MIME type given to addSourceBuffer. */
  mime?: string;
  /** Codec and size read from the init segment. */
  codec?: string;
  width?: number;
  height?: number;
}

export interface PlayerEvents {
  /** The first frame is on screen. */
  firstFrame: { afterMs: number };
  /** Nothing new for a while: the tile should ask for a restart. */
  stalled: { reason: StallReason; words: string };
  /** The response ended (main closed it). */
  ended: { words: string };
  /** The player gave up; `retryable` is false when trying again cannot help (codec not playable). */
  error: { words: string; retryable: boolean };
}

export type PlayerListener<K extends keyof PlayerEvents> = (event: PlayerEvents[K]) => void;

export interface VideoPlayer {
  attach(video: HTMLVideoElement): void;
  on<K extends keyof PlayerEvents>(event: K, listener: PlayerListener<K>): () => void;
  /** Plays `path` until `signal` aborts or stop(); never rejects: outcomes arrive as events. */
  start(path: string, signal: AbortSignal): Promise<void>;
  /** Stops at once; with `drainMs`, lets the response end by itself that long before aborting it. */
  stop(drainMs?: number): void;
  stats(): PlayerStats | null;
  /** The frame on screen as a JPEG data: URL, or null when there is none. */
  snapshot(): string | null;
}
