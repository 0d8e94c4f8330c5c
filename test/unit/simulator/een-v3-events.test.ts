import { describe, expect, it } from 'vitest';
import { eventId, selectMotion } from '../../../simulator/een-v3/events.js';

const S = 1000;
// motion:  [10–20)   [40–45)   [70– now=80, ongoing)
const motion = [
  { startMs: 10 * S, endMs: 20 * S },
  { startMs: 40 * S, endMs: 45 * S },
  { startMs: 70 * S, endMs: 80 * S, ongoing: true },
];

describe('v3 motion events', () => {
  it('filters on start, newest first by default', () => {
    expect(selectMotion(motion, { startGte: 0, startLte: 100 * S, newestFirst: true }).map((m) => m.startMs)).toEqual([70 * S, 40 * S, 10 * S]);
    expect(selectMotion(motion, { startGte: 10 * S + 1, startLte: 70 * S, newestFirst: false }).map((m) => m.startMs)).toEqual([40 * S, 70 * S]);
  });

  it('an end filter leaves out the event still going on (it has no end yet)', () => {
    expect(selectMotion(motion, { startGte: 0, endLte: 100 * S, newestFirst: false }).map((m) => m.startMs)).toEqual([10 * S, 40 * S]);
    expect(selectMotion(motion, { startGte: 0, startLte: 100 * S, endGte: 21 * S, newestFirst: false }).map((m) => m.startMs)).toEqual([40 * S]);
  });

  it('gives stable 20-character ids per camera and start', () => {
    expect(eventId('1000a001', 1)).toHaveLength(20);
    expect(eventId('1000a001', 10 * S)).toBe(eventId('1000a001', 10 * S));
    expect(eventId('1000a001', 10 * S)).not.toBe(eventId('1000a002', 10 * S));
    // Real starts share their leading digits: the id must still differ.
    expect(eventId('1000a001', 1796520925000)).not.toBe(eventId('1000a001', 1796520926000));
  });
});
