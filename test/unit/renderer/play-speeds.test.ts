/** The speed list and the speed keys: reverse only where a tile can, J/L as in editing tools. */
import { describe, expect, it } from 'vitest';
import { shuttleSpeed, speedChoices, speedText, stepSpeed } from '../../../renderer/src/domain/play-speeds.js';

describe('play speeds', () => {
  it('offers −16×…−1× before the forward speeds only where a tile can reverse', () => {
    expect(speedChoices(false)).toEqual([0.25, 0.5, 1, 2, 4, 8, 16]);
    expect(speedChoices(true)).toEqual([-16, -8, -4, -2, -1, 0.25, 0.5, 1, 2, 4, 8, 16]);
    expect([-2, 0.25, 16].map(speedText)).toEqual(['−2×', '0.25×', '16×']);
  });

  it.each([
    [1, 1, true, 2],
    [1, -1, true, 0.5],
    [0.25, -1, true, -1],
    [0.25, -1, false, 0.25],
    [-1, -1, true, -2],
    [-16, -1, true, -16],
    [-1, 1, true, 0.25],
    [16, 1, false, 16],
    [3, 1, false, 4],
    [3, -1, false, 2],
  ])('< > from %s× by %s (reverse %s) is %s×', (rate, direction, canReverse, expected) => {
    expect(stepSpeed(rate, direction as 1 | -1, canReverse)).toBe(expected);
  });

  it.each([
    ['J from pause', 4, false, -1, -1],
    ['J while forwards', 4, true, -1, -1],
    ['J again', -1, true, -1, -2],
    ['J at −16×', -16, true, -1, -16],
    ['L from pause', -4, false, 1, 1],
    ['L again', 2, true, 1, 4],
    ['L from 0.25×', 0.25, true, 1, 1],
  ] as const)('%s', (_name, rate, playing, direction, expected) => {
    expect(shuttleSpeed(rate, playing, direction, true)).toBe(expected);
  });

  it('J does nothing where no tile can reverse', () => {
    expect(shuttleSpeed(1, true, -1, false)).toBeNull();
    expect(shuttleSpeed(1, true, 1, false)).toBe(2);
  });
});
