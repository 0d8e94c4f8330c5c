/**
 * Time periods drawn as rulers: one character is one unit (10 ms), `#` recorded, `.` not. A
 * ruler reads as the list of its `#` runs, so each row states input and expected output as a
 * picture an operator could check by eye.
 */
import { describe, expect, it } from 'vitest';
import {
  clipPeriods,
  coveredMs,
  gapsIn,
  mergePeriods,
  nearestRecorded,
  nextRecordingStart,
  periodAt,
  unionPeriods,
  type Period,
} from '../../../common/time-periods.js';

const UNIT = 10;

function ruler(picture: string): Period[] {
  const out: Period[] = [];
  for (const run of picture.matchAll(/#+/g)) out.push({ fromMs: run.index * UNIT, toMs: (run.index + run[0].length) * UNIT });
  return out;
}

function draw(periods: readonly Period[], width: number): string {
  const cells = Array.from({ length: width }, () => '.');
  for (const p of periods) for (let i = p.fromMs / UNIT; i < p.toMs / UNIT; i++) cells[i] = '#';
  return cells.join('');
}

describe('time periods', () => {
  it.each([
    ['one period stays', ['..###.....'], '..###.....'],
    ['overlapping periods join', ['..###.....', '....###...'], '..#####...'],
    ['touching periods join', ['..##......', '....##....'], '..####....'],
    ['separate periods stay apart', ['.#........', '.....##...'], '.#...##...'],
    ['a period inside another disappears', ['.#######..', '...##.....'], '.#######..'],
    ['nothing stays nothing', ['..........'], '..........'],
  ])('union: %s', (_name, rows, expected) => {
    expect(draw(unionPeriods(rows.map(ruler)), 10)).toBe(expected);
  });

  it('merge sorts, drops empty periods and joins across a tolerated gap', () => {
    const input = [{ fromMs: 50, toMs: 70 }, { fromMs: 0, toMs: 20 }, { fromMs: 30, toMs: 30 }];
    expect(mergePeriods(input)).toEqual([{ fromMs: 0, toMs: 20 }, { fromMs: 50, toMs: 70 }]);
    expect(mergePeriods(input, 30)).toEqual([{ fromMs: 0, toMs: 70 }]);
    expect(mergePeriods(input, 29)).toEqual([{ fromMs: 0, toMs: 20 }, { fromMs: 50, toMs: 70 }]);
  });

  it.each([
    ['##..####..', 1, 7, '.#..###...'],
    ['##..####..', 0, 10, '##..####..'],
    ['##..####..', 2, 4, '..........'],
  ])('clip %s to [%i, %i)', (picture, from, to, expected) => {
    expect(draw(clipPeriods(ruler(picture), from * UNIT, to * UNIT), 10)).toBe(expected);
  });

  it.each([
    ['gaps between and around', '..##...#..', 0, 10, '##..###.##'],
    ['gaps only inside the window', '..##...#..', 3, 8, '....###...'],
    ['no gap in a full window', '##########', 2, 6, '..........'],
    ['all gap without recordings', '..........', 1, 4, '.###......'],
  ])('gaps: %s', (_name, picture, from, to, expected) => {
    expect(draw(gapsIn(ruler(picture), from * UNIT, to * UNIT), 10)).toBe(expected);
  });

  it('finds the period at a time, half-open', () => {
    const periods = ruler('..###.....');
    expect(periodAt(periods, 20)).toEqual({ fromMs: 20, toMs: 50 });
    expect(periodAt(periods, 49)).toEqual({ fromMs: 20, toMs: 50 });
    expect(periodAt(periods, 50)).toBeUndefined();
    expect(periodAt(periods, 19)).toBeUndefined();
  });

  it.each([
    ['inside: the time itself', '..###.....', 33, 33],
    ['in a gap nearer the next period', '.#.....##.', 60, 70],
    ['in a gap nearer the previous period', '.##.....#.', 35, 29],
    ['after everything: the last recorded ms', '.##.......', 90, 29],
    ['before everything: the first recorded ms', '......##..', 5, 60],
  ])('nearest recorded: %s', (_name, picture, at, expected) => {
    expect(nearestRecorded(ruler(picture), at)).toBe(expected);
  });

  it('nearest recorded: a tie goes forward, where review continues', () => {
    // The last recorded ms before is 10, the first after is 30: 20 is as far from both.
    expect(nearestRecorded([{ fromMs: 0, toMs: 11 }, { fromMs: 30, toMs: 40 }], 20)).toBe(30);
  });

  it('nearest recorded and next start of nothing are undefined', () => {
    expect(nearestRecorded([], 10)).toBeUndefined();
    expect(nextRecordingStart(ruler('.##.......'), 50)).toBeUndefined();
  });

  it('next recording start is the first period starting after the time', () => {
    expect(nextRecordingStart(ruler('.##..##...'), 15)).toBe(50);
    expect(nextRecordingStart(ruler('.##..##...'), 0)).toBe(10);
  });

  it('covered time counts overlaps once', () => {
    expect(coveredMs([...ruler('.###......'), ...ruler('..###.....')])).toBe(4 * UNIT);
  });
});
