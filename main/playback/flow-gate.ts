/**
 * What a recorded stream lets out, and when: segments wait in order while the sink is not
 * draining, before the player fetched, or while a fragment is more than `leadMs` ahead of the
 * PlayClock. Nothing is ever dropped (unlike a live viewer, main/media/viewer.ts): while anything
 * waits the producer (ffmpeg's stdout) is paused, so what waits here is at most what one read
 * brought. The clock is injected; the session (playback-session.ts) feeds it and hears what went out.
 */
import type { Clock, TimerHandle } from '../media/clock.js';
import type { ViewerSink } from '../media/viewer.js';
import type { PlayClock } from './play-clock.js';

export interface GateItem {
  bytes: Buffer;
  /** Wall time of a fragment's first frame; undefined for an init segment. */
  wallMs?: number;
  /** An init segment's Content-Type (the first one opens the sink). */
  mime?: string;
}

export interface Producer {
  pause?(): void;
  resume?(): void;
}

export interface FlowGateOptions {
  clock: Clock;
  pace: PlayClock;
  /** The lead allowed now, ms of wall time (it grows with the rate). */
  leadMs(): number;
  /** What feeds the gate now (the current ffmpeg), paused while anything waits. */
  producer(): Producer | null;
  /** A fragment went out. */
  onFragmentSent(wallMs: number): void;
  /** Everything waiting went out. */
  onEmpty(): void;
}

export class FlowGate {
  private held: GateItem[] = [];
  private sink: ViewerSink | null = null;
  private opened = false;
  private congested = false;
  private timer: TimerHandle | null = null;

  constructor(private readonly o: FlowGateOptions) {}

  get size(): number {
    return this.held.length;
  }

  /** Connects a (new) sink; returns the one it replaces, if any. */
  attach(sink: ViewerSink): ViewerSink | null {
    const previous = this.sink;
    this.sink = sink;
    this.opened = false;
    this.congested = false;
    return previous;
  }

  detach(): ViewerSink | null {
    const sink = this.sink;
    this.sink = null;
    return sink;
  }

  isCurrent(sink: ViewerSink): boolean {
    return this.sink === sink;
  }

  push(item: GateItem): void {
    this.held.push(item);
  }

  /** Drops what waits (a seek: those frames are of another time) and any pending pace timer. */
  clear(): void {
    this.held = [];
    this.clearTimer();
  }

  /** Pace changed (rate, pause): wait times are computed again on the next pump. */
  clearTimer(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sends what may go now; pauses the producer while anything has to wait. */
  pump(): void {
    while (this.held.length > 0 && this.sink && !this.congested) {
      const next = this.held[0]!;
      if (next.wallMs !== undefined) {
        const waitMs = this.o.pace.waitMs(next.wallMs, this.o.leadMs());
        if (waitMs > 0) {
          this.schedule(waitMs);
          break;
        }
      }
      this.held.shift();
      this.send(next, this.sink);
    }
    const producer = this.o.producer();
    if (this.held.length > 0) producer?.pause?.();
    else {
      producer?.resume?.();
      this.o.onEmpty();
    }
  }

  private send(item: GateItem, sink: ViewerSink): void {
    if (item.mime !== undefined) {
      if (!this.opened) sink.open(item.mime);
      this.opened = true;
    } else if (!this.opened) {
      return;
    }
    if (item.wallMs !== undefined) {
      if (!this.o.pace.started) this.o.pace.startAt(item.wallMs);
      this.o.onFragmentSent(item.wallMs);
    }
    if (sink.write(item.bytes)) return;
    this.congested = true;
    sink.onDrain(() => {
      if (this.sink !== sink) return;
      this.congested = false;
      this.pump();
    });
  }

  private schedule(waitMs: number): void {
    if (this.timer || !Number.isFinite(waitMs)) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, waitMs);
  }
}
