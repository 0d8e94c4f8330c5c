/** What an upstream is, says and is tuned by, apart from how it runs (upstream.ts): the broker and its tests use these. */
import type { ProfileName, StreamInfo } from '../../preload/contract/index.js';
import { defaultBackoff, type BackoffPolicy } from './backoff.js';
import type { LiveArgsOptions } from './ffmpeg-args.js';
import type { JoinData, Viewer } from './viewer.js';

export type UpstreamStatus = 'connecting' | 'playing' | 'retrying' | 'failed';

export interface UpstreamSnapshot {
  status: UpstreamStatus;
  reason?: string;
  retryAtMs?: number;
  info: StreamInfo;
}

export interface UpstreamSpec {
  /** "<cameraId>|<profile>". */
  key: string;
  cameraId: string;
  profile: ProfileName;
}

/** What the broker needs of an upstream; unit tests of the broker use a fake. */
export interface UpstreamLike {
  readonly spec: UpstreamSpec;
  /** Starts (or restarts a failed) upstream; no-op while running. */
  start(): void;
  /** Stops for good; resolves when the process is gone. */
  stop(): Promise<void>;
  snapshot(): UpstreamSnapshot;
  /** What a joining viewer receives first. */
  join(): JoinData;
  addViewer(viewer: Viewer): void;
  removeViewer(viewer: Viewer): void;
}

export interface UpstreamTuning {
  backoff: BackoffPolicy;
  /** No output this long after spawning: give up the attempt, ms. */
  connectTimeoutMs: number;
  /** No output this long while playing: stalled, ms (at least; 2 × GOP + 5 s when the GOP is longer). */
  stallMinMs: number;
  /** The site did not give a source in this time, ms. */
  resolveTimeoutMs: number;
  /** A GOP larger than this is not cached (a late joiner then waits for the next keyframe), bytes. */
  gopCacheMaxBytes: number;
  /** How often stats changes are announced while playing, ms. */
  statsIntervalMs: number;
  args: Omit<LiveArgsOptions, 'plan'>;
}

export const defaultTuning: UpstreamTuning = {
  backoff: defaultBackoff,
  connectTimeoutMs: 15_000,
  stallMinMs: 8_000,
  resolveTimeoutMs: 20_000,
  gopCacheMaxBytes: 8 * 1024 * 1024,
  statsIntervalMs: 2_000,
  args: {},
};
