/**
 * Time for the tile controllers: injected (LiveTilesOptions.clock) so unit tests drive restarts,
 * backoff and health ticks with a manual clock instead of waiting. Same shape as main's
 * media clock, so one test clock serves both.
 */
export type TimerHandle = { readonly id: unknown };

export interface Clock {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined | null): void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ id: setTimeout(callback, ms) }),
  clearTimeout(handle) {
    if (handle) clearTimeout(handle.id as ReturnType<typeof setTimeout>);
  },
};
