/**
 * What a recorded tile shows (RecordedView, plain data the tile component renders) and what it
 * reads and asks through (the playback API, its <video>): the shapes shared by the tile, the
 * wall, the words and the components, apart from the tile's behaviour (recorded-tile.ts).
 */
import type { PlaybackSession, PlaybackState, PlaybackStepResult, Result } from '../../../preload/contract/index.js';
import type { Ranges } from './source-buffer-queue.js';

/** The part of `tessera.playback` a recorded tile uses (injected, so a fake can drive it). */
export interface PlaybackApi {
  open(input: { cameraId: string; atMs: number; rate?: number }): Promise<Result<PlaybackSession>>;
  seek(input: { playbackId: string; atMs: number }): Promise<Result<null>>;
  setSpeed(input: { playbackId: string; rate: number }): Promise<Result<null>>;
  step(input: { playbackId: string; direction: 1 | -1 }): Promise<Result<PlaybackStepResult>>;
  pause(input: { playbackId: string; paused: boolean }): Promise<Result<null>>;
  close(input: { playbackId: string }): Promise<Result<null>>;
  onState(listener: (states: PlaybackState[]) => void): () => void;
}

/** What the tile's <video> holds (the element, or a fake). */
export interface MediaElementView {
  buffered(): Ranges;
  currentTime(): number;
  /** The <video> to play into (the tile renders it only while it looks back); absent in tests. */
  element?(): HTMLVideoElement | null;
}

export type RecordedStatusKind = 'scrubbing' | 'opening' | 'playing' | 'paused' | 'holding' | 'no-reverse' | 'gap' | 'ended' | 'failed';

/** Everything a tile renders in recorded mode. Plain data; the composable makes it reactive. */
export interface RecordedView {
  active: boolean;
  picture: 'none' | 'still' | 'video';
  stillSrc?: string;
  /** Time the still shows, epoch ms. */
  stillTimeMs?: number;
  /** Wall time of the video frame on screen, epoch ms. */
  frameTimeMs?: number;
  status: { kind: RecordedStatusKind; text: string };
  rate: number;
  /** Frame on screen − group position, ms (the info overlay's sync offset). */
  syncOffsetMs?: number;
  /** The tile's own frame interval, ms (from the session; 100 at 10 fps). */
  frameMs: number;
}

export function emptyRecordedView(): RecordedView {
  return { active: false, picture: 'none', status: { kind: 'opening', text: '' }, rate: 1, frameMs: defaultFrameMs };
}

/** Frame interval assumed until the session says (the simulator records at 10 fps), ms. */
export const defaultFrameMs = 100;
