/**
 * Counts open live streams (viewers) per window and in all, so that one window — a runaway page
 * or a hostile serve-mode client — cannot take every slot and leave the other displays with
 * "too many streams". Pure bookkeeping; the broker takes a slot on open and gives it back on close.
 */
import { AppFailure } from '../../preload/contract/index.js';

/** Open viewers at most, all windows together (64 tiles on each of 8 walls): a bound on ffmpeg and memory. */
export const MAX_VIEWERS = 512;
/**
 * Open viewers one window may hold. A wall has at most 64 tiles; a tour opens the next step's
 * cameras (up to 64 more) two seconds before it switches; and while a layout changes, the new
 * tiles' opens can arrive before the old tiles' closes (up to 64 more). 3 × 64 = 192 is what a
 * real 8×8 wall touring 8×8 layouts can reach at its busiest moment, and leaves room for two
 * more such walls under MAX_VIEWERS.
 */
export const MAX_VIEWERS_PER_WINDOW = 3 * 64;

export interface SlotLimits {
  total: number;
  perWindow: number;
}

export class StreamSlots {
  private readonly held = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: SlotLimits = { total: MAX_VIEWERS, perWindow: MAX_VIEWERS_PER_WINDOW }) {}

  /** Takes one slot for `owner` (a window, by the router's caller), or throws `conflict` naming the limit hit. */
  take(owner: string): void {
    const mine = this.held.get(owner) ?? 0;
    if (mine >= this.limits.perWindow) {
      throw new AppFailure('conflict', `This window already has ${this.limits.perWindow} live streams open, the most one window may hold; close some tiles first.`, {
        limit: 'per-window',
        max: this.limits.perWindow,
      });
    }
    if (this.total >= this.limits.total) {
      throw new AppFailure('conflict', `At most ${this.limits.total} live streams can be open at once on all displays; close some tiles first.`, {
        limit: 'total',
        max: this.limits.total,
      });
    }
    this.held.set(owner, mine + 1);
    this.total += 1;
  }

  release(owner: string): void {
    const mine = this.held.get(owner) ?? 0;
    if (mine === 0) return;
    if (mine === 1) this.held.delete(owner);
    else this.held.set(owner, mine - 1);
    this.total -= 1;
  }

  heldBy(owner: string): number {
    return this.held.get(owner) ?? 0;
  }

  get inUse(): number {
    return this.total;
  }
}
