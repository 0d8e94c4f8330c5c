import { describe, expect, it } from 'vitest';
import { decodeImageToken, encodeImageToken, operatorOfCursor, selectImage, targetWidthFor, type ImageOperator } from '../../../simulator/een-v3/images.js';

/*
 * Two recordings with a gap, images every 1000 ms from each recording's start:
 *
 *   ms:    10000      12000 13500      20500     22500
 *          |A0   A1   A2  |   (gap)    |B0   B1   B2 ...
 *          [10000,   13500)            [20500, 30000)
 *   A images: 10000 11000 12000 13000     B images: 20500 21500 22500 ...
 */
const spans = [
  { startMs: 10_000, endMs: 13_500 },
  { startMs: 20_500, endMs: 30_000 },
];
const now = 1_000_000;

describe('selectImage: the five timestamp operators of the seed', () => {
  it.each<[ImageOperator, number, number | null]>([
    // exact ("covering"): the image showing at that instant
    ['timestamp', 11_000, 11_000],
    ['timestamp', 11_999, 11_000],
    ['timestamp', 13_499, 13_000],
    ['timestamp', 13_500, null], // gap
    ['timestamp', 15_000, null],
    ['timestamp', 9_999, null],
    // at or after / strictly after: jump forward over the gap
    ['timestamp__gte', 11_000, 11_000],
    ['timestamp__gte', 11_001, 12_000],
    ['timestamp__gte', 13_001, 20_500],
    ['timestamp__gte', 15_000, 20_500],
    ['timestamp__gte', 0, 10_000],
    ['timestamp__gt', 11_000, 12_000],
    ['timestamp__gt', 13_000, 20_500],
    ['timestamp__gt', 10_999, 11_000],
    ['timestamp__gte', 29_600, null], // after the last image of B (29500)
    // at or before / strictly before: jump back over the gap
    ['timestamp__lte', 12_000, 12_000],
    ['timestamp__lte', 12_999, 12_000],
    ['timestamp__lte', 15_000, 13_000],
    ['timestamp__lte', 20_499, 13_000],
    ['timestamp__lt', 12_000, 11_000],
    ['timestamp__lt', 20_500, 13_000],
    ['timestamp__lt', 10_000, null],
    ['timestamp__lte', 9_999, null],
  ])('%s=%i → %s', (op, t, expected) => {
    expect(selectImage(spans, op, t, 1000, now)).toBe(expected);
  });

  it('"strict" exact matching only returns an image whose own timestamp is asked for', () => {
    expect(selectImage(spans, 'timestamp', 11_000, 1000, now, 'strict')).toBe(11_000);
    expect(selectImage(spans, 'timestamp', 11_500, 1000, now, 'strict')).toBeNull();
  });

  it('never returns anything after now (the live edge is not recorded yet)', () => {
    const live = [{ startMs: 0, endMs: 60_000 }];
    expect(selectImage(live, 'timestamp__gte', 5_200, 1000, 5_500)).toBeNull();
    expect(selectImage(live, 'timestamp__gte', 5_000, 1000, 5_500)).toBe(5_000);
    expect(selectImage(live, 'timestamp__lte', 50_000, 1000, 5_500)).toBe(5_000);
    expect(selectImage(live, 'timestamp', 6_000, 1000, 5_500)).toBeNull();
  });

  it('main images are frames: a 40 ms grid at 25 fps', () => {
    expect(selectImage(spans, 'timestamp__gt', 10_000, 40, now)).toBe(10_040);
    expect(selectImage(spans, 'timestamp__lte', 13_499, 40, now)).toBe(13_480);
  });
});

describe('next/prev image tokens', () => {
  it('round-trip, and are followed as strictly after / strictly before', () => {
    const cursor = { deviceId: '1000a001', type: 'preview' as const, timestampMs: 12_000, direction: 'next' as const, width: 320 };
    const token = encodeImageToken(cursor);
    expect(decodeImageToken(token)).toEqual(cursor);
    expect(operatorOfCursor(cursor)).toBe('timestamp__gt');
    expect(operatorOfCursor({ ...cursor, direction: 'prev' })).toBe('timestamp__lt');
  });

  it('walking next from the last image of A lands on the first of B, prev walks back', () => {
    const next = selectImage(spans, operatorOfCursor({ deviceId: 'x', type: 'preview', timestampMs: 13_000, direction: 'next', width: null }), 13_000, 1000, now);
    expect(next).toBe(20_500);
    const prev = selectImage(spans, 'timestamp__lt', next!, 1000, now);
    expect(prev).toBe(13_000);
  });

  it('refuses tampered or foreign tokens', () => {
    const token = encodeImageToken({ deviceId: 'x', type: 'main', timestampMs: 1, direction: 'prev', width: null });
    expect(decodeImageToken(token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')))).toBeNull();
    expect(decodeImageToken('cHJldlBhZ2VQbHoK')).toBeNull();
  });
});

describe('targetWidthFor', () => {
  const profile = { width: 1280, height: 720 };
  it('keeps the aspect ratio when only the height is given, and prefers the width', () => {
    expect(targetWidthFor(profile, undefined, undefined)).toBe(1280);
    expect(targetWidthFor(profile, 640, undefined)).toBe(640);
    expect(targetWidthFor(profile, undefined, 360)).toBe(640);
    expect(targetWidthFor(profile, 320, 999)).toBe(320);
  });
});
