// exacq times: requests carry RFC 3339 in the server's local time (config.web `timezone`, hours),
// answers come in UTC `Z`, and a time without a zone means server-local.
import { describe, expect, it } from 'vitest';
import { clipAt, clipsToPeriods, fromExacqTime, toExacqTime } from '../../../main/vms/exacq/mapper.js';

// 2023-11-14T22:13:20.000Z
const t = 1_700_000_000_000;

describe('toExacqTime', () => {
  it.each([
    [-4, '2023-11-14T18:13:20-04:00'],
    [0, '2023-11-14T22:13:20+00:00'],
    [5.5, '2023-11-15T03:43:20+05:30'],
    [-9.5, '2023-11-14T12:43:20-09:30'],
    [14, '2023-11-15T12:13:20+14:00'],
  ])('writes the server-local time with the offset for timezone %s', (tz, text) => {
    expect(toExacqTime(t, tz)).toBe(text);
  });

  it('uses whole seconds: floor for starts, ceil for ends', () => {
    expect(toExacqTime(t + 999, -4)).toBe('2023-11-14T18:13:20-04:00');
    expect(toExacqTime(t + 1, -4, 'ceil')).toBe('2023-11-14T18:13:21-04:00');
    expect(toExacqTime(t, -4, 'ceil')).toBe('2023-11-14T18:13:20-04:00');
  });

  it('round-trips through fromExacqTime in every zone', () => {
    for (const tz of [-12, -4, 0, 3, 5.75, 13]) expect(fromExacqTime(toExacqTime(t, tz), tz)).toBe(t);
  });
});

describe('fromExacqTime', () => {
  it.each([
    ['2023-11-14T22:13:20Z', t],
    ['2023-11-14T22:13:20z', t],
    ['2023-11-14T22:13:20.250Z', t + 250],
    ['2023-11-14T22:13:20.123456789Z', t + 123],
    ['2023-11-14T18:13:20-04:00', t],
    ['2023-11-14T18:13:20-0400', t],
    ['2023-11-15T03:43:20+05:30', t],
    ['2023-11-14 22:13:20Z', t],
  ])('reads %s', (text, ms) => {
    expect(fromExacqTime(text, 7)).toBe(ms);
  });

  it('reads a time without a zone as server-local', () => {
    expect(fromExacqTime('2023-11-14T18:13:20', -4)).toBe(t);
    expect(fromExacqTime('2023-11-14T22:13:20', 0)).toBe(t);
  });

  it.each(['', 'yesterday', '2023-11-14', '2023-13-14T00:00:00Z', '2023-11-14T25:00:00Z', '1700000000'])('refuses %j', (text) => {
    expect(fromExacqTime(text, 0)).toBeUndefined();
  });
});

describe('clipAt', () => {
  //          clip A                 clip B
  //   |=========|           |===============|
  //  10:00    10:05        10:10          10:15
  const clips = [
    { startTime: '2023-11-14T10:00:00Z', endTime: '2023-11-14T10:05:00Z' },
    { startTime: '2023-11-14T10:10:00Z', endTime: '2023-11-14T10:15:00Z' },
  ];
  const at = (hhmmss: string) => Date.parse(`2023-11-14T${hhmmss}Z`);

  it.each([
    ['10:00:00', true],
    ['10:04:59', true],
    ['10:05:00.500', true], // the end is a whole second: its last second still counts
    ['10:06:00', false],
    ['10:12:30', true],
    ['09:59:59', false],
    ['10:16:00', false],
  ])('at %s → %s', (time, covered) => {
    expect(clipAt(clipsToPeriods(clips, -4)!, at(time)) !== undefined).toBe(covered);
  });
});
