/**
 * The browser's clock for the live tiles (LiveTilesOptions.clock; the interface is
 * common/clock.ts, shared with main, so one manual clock drives the tests of both).
 */
import type { Clock } from '../../../common/clock.js';

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ id: setTimeout(callback, ms) }),
  clearTimeout(handle) {
    if (handle) clearTimeout(handle.id as ReturnType<typeof setTimeout>);
  },
};
