/**
 * Synchronised recorded playback: one group clock in wall-clock ms (canonical for every tile of
 * the layout, whatever its vendor), and the rule by which each tile follows it. Pure: the clock's
 * `now` is injected (performance.now in the page, a manual clock in tests), and steerTile is a
 * function of what a tile shows and where the group is.
 *
 * The rule, per tile, from the drift d = (middle of the frame on screen − group position):
 *  - |d| within a deadband: play at the group's rate;
 *  - a frame or two off: play a little faster or slower (playbackRate) until it is gone;
 *  - behind by more than ~250 ms: jump to the group's position;
 *  - ahead by more than that: hold (pause) until the group catches up, then play on;
 *  - the group's position is not recorded on this camera: the tile waits in the gap and joins
 *    when its recording starts (its stream resumes there, ahead of the group, so it holds).
 *
 * Backwards (a negative rate) the clock runs back and "ahead" means earlier: a tile whose frame
 * is later than the group is behind (it jumps), one earlier is ahead (it holds). A tile plays
 * backwards by showing the newest frame it holds at or before the group's position (MSE cannot
 * play backwards; recorded-driver.ts), and many sources give keyframes only going back, so a
 * frame up to `reverseSpanMs` before the position is in step, and the gap ahead is the previous
 * recording's end.
 */
import { nextRecordingStart, periodAt, type Period } from '../../../common/time-periods.js';

export interface SyncConfig {
  /** Drift ignored, ms (rVFC timing is not finer than a display refresh). */
  deadbandMs: number;
  /** Beyond this, a jump (behind) or a hold (ahead) instead of a rate change, ms. */
  jumpMs: number;
  /** A drift is corrected over about this long, ms: d / correctOverMs is the rate change. */
  correctOverMs: number;
  /** Largest rate change for drift, as a fraction of the group's rate (0.1 = ±10 %). */
  maxAdjust: number;
  /** How long a start waits for every tile's first frame before the clock runs anyway, ms. */
  startWaitMs: number;
  /**
   * Backwards, how far a frame may lie from the position and still be in step, ms: reverse shows
   * keyframes only (the simulator's GOPs are 1 s and 4 s), and a server's reverse stream comes
   * out of ffmpeg one keyframe late (it holds the newest frame until the next arrives).
   */
  reverseSpanMs: number;
}

export const defaultSync: SyncConfig = { deadbandMs: 15, jumpMs: 250, correctOverMs: 1000, maxAdjust: 0.1, startWaitMs: 4000, reverseSpanMs: 8000 };

export type GroupStatus = 'paused' | 'starting' | 'playing';

/** Where the group is, as a tile needs it. */
export interface GroupPosition {
  positionMs: number;
  rate: number;
  status: GroupStatus;
}

/** The group's clock: a position that moves at `rate` while playing. */
export class SyncGroup {
  private anchorMs: number;
  private anchorAt: number;
  private startedAt = 0;
  private state: GroupStatus = 'paused';
  private speed = 1;

  constructor(
    private readonly now: () => number,
    atMs: number,
    private readonly config: SyncConfig = defaultSync,
  ) {
    this.anchorMs = atMs;
    this.anchorAt = now();
  }

  get status(): GroupStatus {
    return this.state;
  }

  get rate(): number {
    return this.speed;
  }

  positionMs(): number {
    if (this.state !== 'playing') return this.anchorMs;
    return this.anchorMs + (this.now() - this.anchorAt) * this.speed;
  }

  snapshot(): GroupPosition {
    return { positionMs: this.positionMs(), rate: this.speed, status: this.state };
  }

  /** Plays from `atMs` (or on from here): the clock waits for the tiles first (see tick). */
  play(atMs = this.positionMs()): void {
    this.anchorMs = atMs;
    this.anchorAt = this.now();
    this.startedAt = this.now();
    this.state = 'starting';
  }

  pause(): void {
    this.anchorMs = this.positionMs();
    this.anchorAt = this.now();
    this.state = 'paused';
  }

  /** Moves the position; playing goes on from there after the tiles are ready again. */
  seek(atMs: number): void {
    if (this.state === 'paused') {
      this.anchorMs = atMs;
      this.anchorAt = this.now();
    } else this.play(atMs);
  }

  setRate(rate: number): void {
    this.anchorMs = this.positionMs();
    this.anchorAt = this.now();
    this.speed = rate;
  }

  /** One frame forward or back while paused (pauses first). */
  step(direction: 1 | -1, frameMs: number): void {
    if (this.state !== 'paused') this.pause();
    this.anchorMs += direction * frameMs;
  }

  /** Starts the clock once every tile shows a frame, or after startWaitMs. */
  tick(allReady: boolean): void {
    if (this.state !== 'starting') return;
    if (allReady || this.now() - this.startedAt >= this.config.startWaitMs) {
      this.anchorAt = this.now();
      this.state = 'playing';
    }
  }
}

/** What a tile shows, as the group needs it. */
export interface TileSample {
  /** Wall time of the frame on screen, ms (undefined: none yet). */
  frameTimeMs: number | undefined;
  /** Wall time of the element's playhead (currentTime), ms: continuous, unlike frames. */
  playheadMs?: number;
  /** The tile is holding (paused by a previous 'hold'). */
  holding: boolean;
  /** The camera's recorded periods, where known: a group position outside them is a gap. */
  coverage?: readonly Period[];
  /** The recording's frame interval, ms (a paused tile is on the group's frame within half of it). */
  frameMs: number;
}

export type TileSteer =
  /** Play at this playbackRate (the group's, adjusted for drift). */
  | { kind: 'play'; rate: number; driftMs: number }
  /** Jump to the group's position. */
  | { kind: 'seek'; toMs: number; driftMs: number }
  /** Pause here until the group catches up. */
  | { kind: 'hold'; driftMs: number }
  /** The group is paused and the tile is on its frame. */
  | { kind: 'paused'; driftMs: number }
  /** Nothing on screen yet: keep loading. */
  | { kind: 'loading' }
  /** No recording at the group's position on this camera; `nextMs` is where it starts again. */
  | { kind: 'gap'; atMs: number; nextMs?: number };

export function steerTile(group: GroupPosition, tile: TileSample, config: SyncConfig = defaultSync): TileSteer {
  const at = group.positionMs;
  const back = group.rate < 0 && group.status !== 'paused';
  if (tile.coverage && !periodAt(tile.coverage, at)) {
    const nextMs = back ? previousRecordingEnd(tile.coverage, at) : nextRecordingStart(tile.coverage, at);
    return nextMs === undefined ? { kind: 'gap', atMs: at } : { kind: 'gap', atMs: at, nextMs };
  }
  if (tile.frameTimeMs === undefined) return { kind: 'loading' };
  if (group.status !== 'playing') {
    const driftMs = tile.frameTimeMs - at;
    // Paused (or waiting for the others to start): show the frame that holds the group's
    // position (its start at or up to 1 ms after it, for ms rounding), so that a step of one
    // frame interval moves every tile exactly one frame.
    const onFrame = driftMs <= 1 && driftMs > -tile.frameMs;
    return onFrame ? { kind: 'paused', driftMs } : { kind: 'seek', toMs: at, driftMs };
  }
  if (back) return steerBackwards(at, group.rate, tile, config);
  // Playing: the element's own playhead where known (continuous); else the middle of the frame
  // on screen, which started up to a frame interval ago (its start would make a tile exactly in
  // step look half a frame behind, and be sped up).
  const driftMs = (tile.playheadMs ?? tile.frameTimeMs + tile.frameMs / 2) - at;
  // A holding tile waits until the group has reached its frame; a playing one only once it is clearly ahead.
  if (driftMs > (tile.holding ? config.deadbandMs : config.jumpMs)) return { kind: 'hold', driftMs };
  if (driftMs < -config.jumpMs) return { kind: 'seek', toMs: at, driftMs };
  if (Math.abs(driftMs) <= config.deadbandMs) return { kind: 'play', rate: group.rate, driftMs };
  const adjust = Math.max(-config.maxAdjust, Math.min(config.maxAdjust, -driftMs / config.correctOverMs));
  return { kind: 'play', rate: group.rate * (1 + adjust), driftMs };
}

/**
 * Backwards: the tile shows the newest frame it holds at or before the position, so there is no
 * rate to adjust: it plays at the group's rate while its frame is within reverseSpanMs before the
 * position (keyframes only) or a jump's width after it; later than that it is behind (jump),
 * earlier it is ahead (hold until the group comes back to it).
 */
function steerBackwards(at: number, rate: number, tile: TileSample, config: SyncConfig): TileSteer {
  const driftMs = tile.frameTimeMs! - at;
  if (driftMs > config.jumpMs && driftMs > config.reverseSpanMs) return { kind: 'seek', toMs: at, driftMs };
  if (-driftMs > config.reverseSpanMs) return { kind: 'hold', driftMs };
  return { kind: 'play', rate, driftMs };
}

/** Going back from atMs through a gap: the last recorded instant before it (ms), if any. */
export function previousRecordingEnd(periods: readonly Period[], atMs: number): number | undefined {
  let end: number | undefined;
  for (const p of periods) if (p.toMs <= atMs) end = p.toMs - 1;
  return end;
}
