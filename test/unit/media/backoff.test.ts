import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff } from '../../../main/media/backoff.js';

describe('backoffDelay (500 ms doubling to 30 s, ±20 % jitter)', () => {
  it.each([
    // attempt, random, ms
    [0, 0.5, 500],
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [5, 0.5, 16000],
    [6, 0.5, 30000], // 32 s capped
    [40, 0.5, 30000], // forever, never overflowing
    [0, 0, 400], // − 20 %
    [0, 0.999999, 600], // + 20 %
    [6, 0, 24000],
    [6, 0.999999, 36000],
    [-1, 0.5, 500], // a negative attempt is the first one
  ])('attempt %i, random %f → %i ms', (attempt, random, ms) => {
    expect(backoffDelay(attempt, () => random)).toBe(ms);
  });

  it('spreads retries of many tiles (different random draws give different delays)', () => {
    const draws = [0.1, 0.3, 0.6, 0.9].map((r) => backoffDelay(3, () => r));
    expect(new Set(draws).size).toBe(4);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(3200);
    expect(Math.max(...draws)).toBeLessThanOrEqual(4800);
  });

  it('follows a custom policy', () => {
    expect(backoffDelay(3, () => 0.5, { ...defaultBackoff, initialMs: 100, factor: 3, maxMs: 1000, jitter: 0 })).toBe(1000);
    expect(backoffDelay(2, () => 0.9, { ...defaultBackoff, initialMs: 100, factor: 3, maxMs: 1000, jitter: 0 })).toBe(900);
  });
});
