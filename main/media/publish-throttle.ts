/**
 * Merges bursts of "something changed" into at most one flush per interval. The media broker
 * publishes whole snapshots of every stream, so merging loses nothing: the one flush carries the
 * latest state of each stream. Without it, every open, close and upstream hiccup was one
 * `media:state` event to every window (a window opening 512 streams sent 4,000 in 10 s).
 *
 *   requests   ▲  ▲▲▲ ▲   ▲      ▲                     ▲
 *   flushes    ●        ●        ●                     ●
 *              │◀ min ▶│◀ min ▶│                      (quiet: at once)
 *
 * The first request after a quiet interval flushes on the next microtask, so a tile learns the
 * state of the stream it just opened without waiting; later ones wait for the interval's end.
 */
import type { Clock, TimerHandle } from './clock.js';

export class PublishThrottle {
  private lastFlushMs = Number.NEGATIVE_INFINITY;
  private queued = false;
  private timer: TimerHandle | null = null;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    /** Shortest time between two flushes, ms. */
    private readonly minIntervalMs: number,
    private readonly flush: () => void,
  ) {}

  /** Something changed: flush soon (now, or at the end of the current interval). */
  request(): void {
    if (this.queued || this.disposed) return;
    this.queued = true;
    const waitMs = this.lastFlushMs + this.minIntervalMs - this.clock.now();
    if (waitMs <= 0) queueMicrotask(() => this.run());
    else this.timer = this.clock.setTimeout(() => this.run(), waitMs);
  }

  dispose(): void {
    this.disposed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.timer = null;
    this.queued = false;
    if (this.disposed) return;
    this.lastFlushMs = this.clock.now();
    this.flush();
  }
}
