/**
 * The plain records between live tiles and their views: what a tile renders (TileView, made
 * reactive by the composable), what the view reports (TileInputs), the part of `tessera` live
 * tiles use (LiveApi) and the players a tile is given (TilePlayers). No logic.
 */
import type { MediaStream, Result, Still, StreamInfo, StreamState } from '../../../preload/contract/index.js';
import type { JpegPlayer } from './jpeg-player.js';
import type { Pin, Profile } from './stream-policy.js';
import type { PlayerStats, VideoPlayer } from './video-player.js';

/** The part of `tessera` live tiles use (injected, so a fake can drive the controller). */
export interface LiveApi {
  open(input: { cameraId: string; profile: Profile }): Promise<Result<MediaStream>>;
  close(input: { streamId: string }): Promise<Result<null>>;
  onState(listener: (states: StreamState[]) => void): () => void;
  still(input: { cameraId: string; width?: number }): Promise<Result<Still>>;
}

/** A tile's JPEG sequence (a JpegPlayer over the window's shared rotation, or a fake). */
export type StillPlayer = Pick<JpegPlayer, 'start' | 'update' | 'stop'>;

/** How a tile gets its players: one video player and two still players (previews, first picture). */
export interface TilePlayers {
  video(): VideoPlayer;
  still(): StillPlayer;
}

export type TileStatusKind = 'idle' | 'connecting' | 'playing' | 'retrying' | 'failed' | 'preview';

/** Everything a CameraTile renders. Plain data; the composable makes it reactive. */
export interface TileView {
  /** What the policy gave the tile: live video or JPEG previews. */
  mode: 'none' | 'video' | 'jpeg';
  profile?: Profile;
  /** Why the policy chose this, in words (shown in the info overlay). */
  why: string;
  /** What is on screen: nothing yet, a still (first picture, JPEG preview, last frame) or the video. */
  picture: 'none' | 'still' | 'video';
  stillSrc?: string;
  /** When the still was taken, epoch ms. */
  stillAtMs?: number;
  status: { kind: TileStatusKind; reason?: string; retryAtMs?: number };
  /** What main knows about the stream (codec, size, fps, bitrate, GOP, transcoded). */
  info?: StreamInfo;
  /** What the player measured (frames, buffer, latency), refreshed every second. */
  stats?: PlayerStats;
  /** media:open asked → first frame shown, ms. */
  ttffMs?: number;
  /** JPEG previews: wanted interval, ms. */
  jpegIntervalMs?: number;
}

export function emptyTileView(): TileView {
  return { mode: 'none', why: '', picture: 'none', status: { kind: 'idle' } };
}

export interface TileInputs {
  cameraId: string;
  widthPx: number;
  heightPx: number;
  focused: boolean;
  maximised: boolean;
  pin: Pin;
  profiles: readonly Profile[];
}
