import { describe, expect, it } from 'vitest';
import {
  TIMECODE_BLOCKS, timecodeBits, timecodeBlock, timecodeFilter, timecodeFromBits, timecodeMsExpr,
} from '../../../simulator/media/timecode.js';
import { decodeTimecodeGray } from '../../support/timecode.js';

const T = Date.UTC(2026, 10, 22, 2, 14, 3, 700);

/** A gray frame with the code of ms painted the way the drawbox filters paint it. */
function paint(ms: number, width: number, height: number, white = 235, black = 16): Uint8Array {
  const gray = new Uint8Array(width * height).fill(128);
  timecodeBits(ms).forEach((bit, i) => {
    const r = timecodeBlock(i, width, height);
    for (let y = r.y; y < r.y + r.h; y += 1) gray.fill(bit ? white : black, y * width + r.x, y * width + r.x + r.w);
  });
  return gray;
}

describe('timecode layout', () => {
  it('is start 10, 44 data bits MSB first, 6 check bits (ms mod 61), end 01', () => {
    const bits = timecodeBits(T);
    expect(bits).toHaveLength(54);
    expect(TIMECODE_BLOCKS).toBe(54);
    expect(bits.slice(0, 2)).toEqual([1, 0]);
    expect(bits.slice(-2)).toEqual([0, 1]);
    expect(parseInt(bits.slice(2, 46).join(''), 2)).toBe(T);
    expect(parseInt(bits.slice(46, 52).join(''), 2)).toBe(T % 61);
    expect(timecodeBits(1).slice(2, 46).join('')).toBe(`${'0'.repeat(43)}1`);
  });

  it('round-trips and rejects every single damaged block', () => {
    for (const ms of [0, 1, T, 2 ** 44 - 1]) expect(timecodeFromBits(timecodeBits(ms))).toBe(ms);
    const bits = timecodeBits(T);
    for (let i = 0; i < bits.length; i += 1) {
      const damaged = [...bits];
      damaged[i] = 1 - damaged[i]!;
      expect(timecodeFromBits(damaged), `block ${i}`).toBeNull();
    }
    expect(timecodeFromBits(bits.slice(1))).toBeNull();
  });

  it('refuses times it cannot encode', () => {
    expect(() => timecodeBits(-1)).toThrow(/\[0, 2\^44\)/);
    expect(() => timecodeBits(1.5)).toThrow(/integer/);
    expect(() => timecodeBits(2 ** 44)).toThrow(RangeError);
  });

  it('tiles the row without gaps: ~11 × 16 px blocks at 640 × 360, ~5.6 × 8 at 320 × 180', () => {
    expect(timecodeBlock(0, 640, 360)).toEqual({ x: 19, y: 337, w: 11, h: 16 });
    for (const [w, h] of [[640, 360], [1280, 720], [320, 180]] as const) {
      for (let i = 1; i < TIMECODE_BLOCKS; i += 1) {
        const prev = timecodeBlock(i - 1, w, h);
        expect(timecodeBlock(i, w, h).x).toBe(prev.x + prev.w);
      }
      const last = timecodeBlock(TIMECODE_BLOCKS - 1, w, h);
      expect(last.x + last.w).toBe(Math.round(w * 0.97));
    }
    expect(timecodeBlock(5, 320, 180)).toMatchObject({ y: 168, h: 8 });
  });

  it('computes ms from t: rounded on the recording grid, floored (like the human clock) on the wall clock', () => {
    expect(timecodeMsExpr({ kind: 'recording', startMs: 1763777643000 })).toBe('(round(t*1000)+1763777643000)');
    expect(timecodeMsExpr({ kind: 'wall', offsetSec: 0 })).toBe('floor((t+0.000)*1000)');
    expect(timecodeMsExpr({ kind: 'wall', offsetSec: -86400.25 })).toBe('floor((t-86400.250)*1000)');
    // 10 fps pts times as ffmpeg computes them (n × 0.1): round() lands on n × 100 exactly.
    for (let n = 0; n < 3000; n += 1) expect(Math.round(n * 0.1 * 1000)).toBe(n * 100);
  });

  it('draws a black strip, the two white markers and one enabled box per data and check bit', () => {
    const vf = timecodeFilter(640, 360, { kind: 'recording', startMs: 1000 });
    const boxes = vf.split(',drawbox=');
    expect(boxes).toHaveLength(1 + 2 + 44 + 6);
    expect(vf.startsWith('drawbox=x=8:y=337:w=624:h=16:color=black:t=fill')).toBe(true);
    expect(vf).toContain("drawbox=x=41:y=337:w=12:h=16:color=white:t=fill:enable='mod(floor((round(t*1000)+1000)/8796093022208)\\,2)'");
    expect(vf).toContain("enable='mod(floor(mod((round(t*1000)+1000)\\,61)/32)\\,2)'");
  });
});

describe('timecode decoding (pure)', () => {
  it('reads painted frames at several sizes and contrasts', () => {
    expect(decodeTimecodeGray(paint(T, 640, 360), 640, 360)).toBe(T);
    expect(decodeTimecodeGray(paint(T + 100, 1280, 720), 1280, 720)).toBe(T + 100);
    expect(decodeTimecodeGray(paint(T, 640, 360, 180, 60), 640, 360)).toBe(T);
  });

  it('says null for no code, a faint code or a block nobody can call', () => {
    expect(decodeTimecodeGray(new Uint8Array(640 * 360).fill(128), 640, 360)).toBeNull();
    expect(decodeTimecodeGray(paint(T, 640, 360, 150, 100), 640, 360)).toBeNull();
    const smudged = paint(T, 640, 360);
    const r = timecodeBlock(20, 640, 360);
    for (let y = r.y; y < r.y + r.h; y += 1) smudged.fill(125, y * 640 + r.x, y * 640 + r.x + r.w);
    expect(decodeTimecodeGray(smudged, 640, 360)).toBeNull();
    expect(() => decodeTimecodeGray(new Uint8Array(10), 640, 360)).toThrow(/smaller than 640×360/);
  });
});
