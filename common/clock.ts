/**
 * Time as the policies of main and the renderer see it: injected everywhere they wait (retry
 * timers, linger, watchdogs, tile restarts), so unit tests drive them with a manual clock
 * instead of sleeping. main/media/clock.ts and renderer/src/player/clock.ts give the real ones.
 */
export type TimerHandle = { readonly id: unknown };

export interface Clock {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined | null): void;
}
