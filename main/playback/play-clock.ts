/**
 * Where the player is expected to be (wall ms), from the rate, pauses and the first frame sent:
 * the pace at which a recording leaves main. A fragment goes out once it is within `leadMs` of
 * that position, so a reader that takes everything (a serve-mode WebSocket reads eagerly) still
 * holds a bounded buffer, and a tile in a gap gets the recording after it as the gap runs out.
 * Pure: the clock is injected.
 */
import type { Clock } from '../media/clock.js';

export class PlayClock {
  /** Wall ms at the anchor; null until the first frame of a run was sent. */
  private anchorWallMs: number | null = null;
  private anchorRealMs = 0;
  private rate = 1;
  private paused = false;
  /** Where the player will be when the run starts (a seek's target), if known. */
  private expectedMs: number | undefined;

  constructor(private readonly clock: Clock) {}

  /** The expected position, wall ms; undefined before the first frame. */
  positionMs(): number | undefined {
    if (this.anchorWallMs === null) return undefined;
    if (this.paused) return this.anchorWallMs;
    return this.anchorWallMs + (this.clock.now() - this.anchorRealMs) * this.rate;
  }

  /**
   * The first frame of a run (open, seek) was sent: the position starts there, or at the target
   * the run was started for when that is later (a run starts at a keyframe or a clip's start
   * before it; the player goes straight to the target, so the frames up to it are let out at
   * once, also while paused).
   */
  startAt(wallMs: number): void {
    this.anchorWallMs = Math.max(wallMs, this.expectedMs ?? wallMs);
    this.anchorRealMs = this.clock.now();
  }

  /** Forget the position (a seek to `expectedMs`, where known): the next frame sent starts it again. */
  reset(expectedMs?: number): void {
    this.anchorWallMs = null;
    this.expectedMs = expectedMs;
  }

  get started(): boolean {
    return this.anchorWallMs !== null;
  }

  setRate(rate: number): void {
    this.reanchor();
    this.rate = rate;
  }

  setPaused(paused: boolean): void {
    this.reanchor();
    this.paused = paused;
  }

  /** Real ms to wait before a frame of wall time `wallMs` may go out with `leadMs` of lead; Infinity while paused and too far ahead. */
  waitMs(wallMs: number, leadMs: number): number {
    const position = this.positionMs();
    if (position === undefined) return 0;
    const ahead = wallMs - leadMs - position;
    if (ahead <= 0) return 0;
    return this.paused ? Number.POSITIVE_INFINITY : Math.ceil(ahead / this.rate);
  }

  private reanchor(): void {
    const position = this.positionMs();
    if (position === undefined) return;
    this.anchorWallMs = position;
    this.anchorRealMs = this.clock.now();
  }
}
