/**
 * When a wall window's renderer crashes or hangs, main brings it back: a crash reloads the page,
 * a hang that lasts is ended by killing the renderer (which then counts as a crash). A renderer
 * that keeps dying is not reloaded in a loop: after `maxCrashes` within `periodMs` the window
 * shows an error page instead. Pure, with an injected clock; window-manager does the I/O.
 */

export interface RecoveryLimits {
  /** This many crashes within `periodMs` and the window stops reloading. */
  maxCrashes: number;
  periodMs: number;
  /** How long a window may stay unresponsive before its renderer is killed and reloaded. */
  hangMs: number;
}

export const defaultRecoveryLimits: RecoveryLimits = { maxCrashes: 3, periodMs: 60_000, hangMs: 10_000 };

export type CrashDecision = { action: 'reload' | 'error-page'; crashesInPeriod: number };

/** What the hang timer should do when it fires. */
export type HangDecision = { action: 'kill' } | { action: 'none' } | { action: 'wait'; ms: number };

export class RendererRecovery {
  private crashes: number[] = [];
  private unresponsiveSince: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly limits: RecoveryLimits = defaultRecoveryLimits,
  ) {}

  crashed(): CrashDecision {
    const at = this.now();
    this.unresponsiveSince = undefined;
    this.crashes = [...this.crashes.filter((t) => at - t < this.limits.periodMs), at];
    const crashesInPeriod = this.crashes.length;
    return { action: crashesInPeriod >= this.limits.maxCrashes ? 'error-page' : 'reload', crashesInPeriod };
  }

  /** The window stopped answering; returns when to check again (ms). Repeated events keep the first start. */
  unresponsive(): number {
    const at = this.now();
    this.unresponsiveSince ??= at;
    return Math.max(0, this.unresponsiveSince + this.limits.hangMs - at);
  }

  responsive(): void {
    this.unresponsiveSince = undefined;
  }

  hangCheck(): HangDecision {
    if (this.unresponsiveSince === undefined) return { action: 'none' };
    const left = this.unresponsiveSince + this.limits.hangMs - this.now();
    if (left > 0) return { action: 'wait', ms: left };
    this.unresponsiveSince = undefined;
    return { action: 'kill' };
  }
}
