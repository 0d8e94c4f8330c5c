import { describe, expect, it } from 'vitest';
import { JpegSplitter } from '../../../simulator/media/jpeg-splitter.js';

/** A minimal JPEG-shaped byte string: SOI, one header segment, SOS, entropy data, EOI. */
function jpeg(fill: number, entropy: number[]): Buffer {
  const header = [0xff, 0xdb, 0x00, 0x05, 0xff, 0xd9, fill]; // a DQT whose body contains FF D9
  const sos = [0xff, 0xda, 0x00, 0x03, 0x01];
  return Buffer.from([0xff, 0xd8, ...header, ...sos, ...entropy, 0xff, 0xd9]);
}

describe('JPEG splitter', () => {
  it('splits concatenated images, ignoring FF D9 inside headers and stuffed FF 00 / restart markers', () => {
    const a = jpeg(1, [1, 2, 0xff, 0x00, 3, 0xff, 0xd3, 4]);
    const b = jpeg(2, [9, 9]);
    const splitter = new JpegSplitter();
    const out = [...splitter.push(Buffer.concat([a, b]).subarray(0, a.length + 3)), ...splitter.push(Buffer.concat([a, b]).subarray(a.length + 3))];
    expect(out).toEqual([a, b]);
  });

  it('waits for the rest of an image', () => {
    const a = jpeg(1, [1, 2, 3]);
    const splitter = new JpegSplitter();
    expect(splitter.push(a.subarray(0, 10))).toEqual([]);
    expect(splitter.push(a.subarray(10))).toEqual([a]);
  });

  it('skips garbage before an image', () => {
    const a = jpeg(1, [5]);
    expect(new JpegSplitter().push(Buffer.concat([Buffer.from([1, 2, 3]), a]))).toEqual([a]);
  });
});
