import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng } from '../../../simulator/een-v1/png.js';
import { coveredPixels, parseArgb, pointPixels, renderStrip } from '../../../simulator/een-v1/pngspan.js';

const S = 1000;

describe('PNG encoder', () => {
  it('computes the standard CRC-32 (IEND chunk CRC is AE426082)', () => {
    expect(crc32(Buffer.from('IEND', 'ascii'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
  });

  it('writes signature, IHDR (8-bit RGBA), IDAT, IEND and round-trips pixels', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8]);
    const png = encodePng(3, 2, rgba);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    expect([png[24], png[25]]).toEqual([8, 6]);
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
    const decoded = decodePng(png);
    expect(decoded.width).toBe(3);
    expect(decoded.height).toBe(2);
    expect([...decoded.rgba]).toEqual([...rgba]);
    // Scanlines start with filter byte 0.
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw[0]).toBe(0);
    expect(raw[13]).toBe(0);
  });

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(4))).toThrow();
  });
});

describe('pngspan coverage', () => {
  // range 0–100 s at 10 px (10 s per pixel)
  // spans      [5s–25s)          [61s–61.5s)
  // pixels  0 1 2 . . . 6 . . .      → px 0,1,2 (5–25 s touches 0..2) and px 6 (tiny span: one pixel)
  it('fills every touched pixel and at least one per span', () => {
    const px = coveredPixels(
      [
        { startMs: 5 * S, endMs: 25 * S },
        { startMs: 61 * S, endMs: 61_500 },
      ],
      0,
      100 * S,
      10,
    );
    expect(px.map((on) => (on ? '#' : '.')).join('')).toBe('###...#...');
  });

  it('clips spans to the range and ignores those outside it', () => {
    const px = coveredPixels(
      [
        { startMs: -50 * S, endMs: 15 * S },
        { startMs: 95 * S, endMs: 500 * S },
        { startMs: 200 * S, endMs: 300 * S },
      ],
      0,
      100 * S,
      10,
    );
    expect(px.map((on) => (on ? '#' : '.')).join('')).toBe('##.......#');
  });

  it('renders events as single pixels', () => {
    expect(pointPixels([0, 55 * S, 99_999, 100 * S], 0, 100 * S, 10).map((on) => (on ? '#' : '.')).join('')).toBe('#....#...#');
  });

  it('reads 32-bit ARGB colours in hex or decimal', () => {
    expect(parseArgb('0xff00ff00')).toBe(0xff00ff00);
    expect(parseArgb('#80112233')).toBe(0x80112233);
    expect(parseArgb('#112233')).toBe(0xff112233);
    expect(parseArgb('4278255360')).toBe(0xff00ff00);
    expect(parseArgb('green')).toBeNull();
    expect(parseArgb(undefined)).toBeNull();
  });

  it('treats colours as opaque when both alphas are zero', () => {
    const png = decodePng(renderStrip([true, false], 0x00ff0000, 0x000000ff));
    expect([...png.rgba]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    const translucent = decodePng(renderStrip([true, false], 0x80ff0000, 0x00000000));
    expect([...translucent.rgba]).toEqual([255, 0, 0, 128, 0, 0, 0, 0]);
  });
});
