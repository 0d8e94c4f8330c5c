/** A Clock for tests: time moves only when the test says so; due timers run in time order. */
import type { Clock, TimerHandle } from '../../main/media/clock.js';

interface Timer {
  id: number;
  atMs: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(private nowMs = 1_000_000) {}

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, atMs: this.nowMs + Math.max(0, ms), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined | null): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Moves time forward by ms, running every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.atMs <= target).sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = Math.max(this.nowMs, due.atMs);
      due.callback();
    }
    this.nowMs = target;
  }

  /** Timers waiting, as ms from now (sorted). */
  pending(): number[] {
    return this.timers.map((t) => t.atMs - this.nowMs).sort((a, b) => a - b);
  }
}
