/**
 * Time for the media policies: injected everywhere (retry timers, linger, watchdog), so unit
 * tests drive them with a manual clock instead of sleeping.
 */
export type TimerHandle = { readonly id: unknown };

export interface Clock {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined | null): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    // Media timers never keep a process alive on their own (the CLI exits when its work is done).
    timer.unref();
    return { id: timer };
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle.id as NodeJS.Timeout);
  },
};
