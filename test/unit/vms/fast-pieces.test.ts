// Eagle Eye fast forward (main/vms/fast-pieces.ts): which delivery each speed takes, the MP4
// piece from a keyframe at a speed (whole GOPs, bounded, inside the clip) and where the next
// piece continues.
import { describe, expect, it } from 'vitest';
import { continuationMs, eenSpeedChoice, fastPieceSpan, pieceWallMs } from '../../../main/vms/fast-pieces.js';

const S = 1_000;
const MIN = 60 * S;
/** A 5-minute clip with 2-second GOPs, the keyframes at 0, 2 s, 4 s … from its start. */
const clip = { fromMs: 1_800_000_000_000, toMs: 1_800_000_000_000 + 5 * MIN };
const gop = 2 * S;
const at = (ms: number) => clip.fromMs + ms;

describe('eenSpeedChoice: real-time FLV up to 1×, MP4 pieces above, the small stream above 4×', () => {
  it.each([
    // rate, profile, delivery, small, band
    [0.25, 'main', 'flv', false, { above: 0, upTo: 1 }],
    [1, 'main', 'flv', false, { above: 0, upTo: 1 }],
    [1, 'sub', 'flv', true, { above: 0, upTo: 1 }],
    [1.5, 'main', 'mp4', false, { above: 1, upTo: 4 }],
    [2, 'main', 'mp4', false, { above: 1, upTo: 4 }],
    [4, 'main', 'mp4', false, { above: 1, upTo: 4 }],
    [4, 'sub', 'mp4', true, { above: 1, upTo: 4 }],
    [8, 'main', 'mp4', true, { above: 4, upTo: Number.POSITIVE_INFINITY }],
    [16, 'main', 'mp4', true, { above: 4, upTo: Number.POSITIVE_INFINITY }],
  ] as const)('%s× (%s): %s, small %s', (rate, profile, delivery, small, rates) => {
    expect(eenSpeedChoice(rate, profile)).toEqual({ delivery, small, rates });
  });
});

describe('fastPieceSpan: whole GOPs from the keyframe, about a minute of playing time, inside the clip', () => {
  //   clip |K-K-K-K-K-K-K-K ... K-K-K|   gop 2 s, 5 min
  //   2×   [from ......... from+120 s)   8×: [from ... clip end)
  it.each([
    // rate, from (ms into the clip), to (ms into the clip)
    [1.5, 10 * S, 10 * S + 90 * S],
    [2, 0, 120 * S],
    [2, 10 * S, 130 * S],
    [4, 10 * S, 250 * S],
    [4, 100 * S, 5 * MIN],
    [8, 10 * S, 5 * MIN],
    [16, 0, 5 * MIN],
  ])('%s× from +%i ms ends at +%i ms', (rate, from, to) => {
    expect(fastPieceSpan(clip, gop, at(from), rate)).toEqual({ fromMs: at(from), toMs: at(to) });
  });

  it('ends on the keyframe grid when 60 s × rate is not a whole number of GOPs (4 s GOPs at 1.5×: 22 GOPs, 88 s)', () => {
    expect(fastPieceSpan(clip, 4 * S, at(0), 1.5)).toEqual({ fromMs: at(0), toMs: at(88 * S) });
    expect((fastPieceSpan(clip, 4 * S, at(8 * S), 1.5).toMs - at(8 * S)) % (4 * S)).toBe(0);
  });

  it('at least one GOP, even where a minute of playing is less (a GOP longer than the piece)', () => {
    expect(fastPieceSpan(clip, 2 * MIN, at(0), 1.5)).toEqual({ fromMs: at(0), toMs: at(2 * MIN) });
  });

  it('without a known keyframe spacing: to the clip end (the only sure keyframe to stop at)', () => {
    expect(fastPieceSpan(clip, undefined, at(0), 2)).toEqual({ fromMs: at(0), toMs: clip.toMs });
  });

  it('plays for about pieceWallMs at its rate', () => {
    for (const rate of [2, 3, 4]) {
      const span = fastPieceSpan({ fromMs: 0, toMs: 3_600_000 }, gop, 0, rate);
      expect((span.toMs - span.fromMs) / rate).toBeLessThanOrEqual(pieceWallMs);
      expect((span.toMs - span.fromMs) / rate).toBeGreaterThan(pieceWallMs - gop);
    }
  });
});

describe('continuationMs: the next piece starts at the planned end when the run got there', () => {
  it.each([
    // reached, planned end, gop, continues at
    [at(120 * S), at(120 * S), gop, at(120 * S)],
    [at(120 * S - 100), at(120 * S), gop, at(120 * S)], // the last frame's duration short of it
    [at(120 * S + 40), at(120 * S), gop, at(120 * S)],
    [at(119 * S - 1), at(120 * S), 4 * S, at(120 * S)], // within half a 4 s GOP
    [at(60 * S), at(120 * S), gop, at(60 * S)], // cut short: from where it got to
    [at(60 * S), undefined, gop, at(60 * S)], // no plan (FLV pieces)
  ])('reached %i, planned %s: %i', (reached, planned, g, expected) => {
    expect(continuationMs(reached, planned, g)).toBe(expected);
  });
});
