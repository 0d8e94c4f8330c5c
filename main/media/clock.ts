/** The system clock for the media policies (the interface is common/clock.ts). */
import type { Clock } from '../../common/clock.js';

export type { Clock, TimerHandle } from '../../common/clock.js';

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
