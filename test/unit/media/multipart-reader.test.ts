import { describe, expect, it } from 'vitest';
import { MultipartError, MultipartReader, multipartBoundaryOf } from '../../../main/media/multipart-reader.js';

const jpeg = (n: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(n, n % 251), Buffer.from([0xff, 0xd9])]);

/** Eagle Eye style: Content-Length and a timestamp per part. */
function part(data: Buffer, headers: Record<string, string>, boundary = 'eenframe', withLength = true): Buffer {
  const lines = [`--${boundary}`, 'Content-Type: image/jpeg', ...(withLength ? [`Content-Length: ${data.length}`] : []), ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), data, Buffer.from('\r\n')]);
}

function readAll(reader: MultipartReader, stream: Buffer, step: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += step) out.push(...reader.push(stream.subarray(i, i + step)).map((p) => p.data));
  return out;
}

describe('multipartBoundaryOf', () => {
  it.each([
    ['multipart/x-mixed-replace; boundary=eenframe', 'eenframe'],
    ['multipart/x-mixed-replace;boundary="a b"', 'a b'],
    ['Multipart/X-Mixed-Replace; charset=x; boundary=--myboundary', 'myboundary'],
    ['image/jpeg', null],
    ['multipart/x-mixed-replace', null],
    [null, null],
  ])('%s → %s', (contentType, boundary) => {
    expect(multipartBoundaryOf(contentType)).toBe(boundary);
  });
});

describe('MultipartReader', () => {
  const stream = Buffer.concat([
    Buffer.from('preamble to ignore\r\n'),
    part(jpeg(10), { 'X-Een-Timestamp': '2026-12-03T15:00:00.000+00:00' }),
    // Data that holds the boundary itself: the declared length keeps it whole.
    part(Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('\r\n--eenframe\r\n\r\n'), Buffer.from([0xff, 0xd9])]), {}),
    part(jpeg(3000), { 'X-Een-Timestamp': '2026-12-03T15:00:00.500+00:00' }),
  ]);

  it('gives every part whole, however the bytes are split', () => {
    for (const step of [1, 2, 7, 100, stream.length]) {
      const parts = readAll(new MultipartReader('eenframe'), stream, step);
      expect(parts.map((p) => p.length)).toEqual([14, 20, 3004]);
      expect(parts[1]!.toString('latin1')).toContain('--eenframe');
    }
  });

  it('keeps the part headers, names in lower case', () => {
    const parts = new MultipartReader('eenframe').push(stream);
    expect(parts[0]!.headers).toEqual({ 'content-type': 'image/jpeg', 'content-length': '14', 'x-een-timestamp': '2026-12-03T15:00:00.000+00:00' });
  });

  it('without a declared length, a part ends at the next boundary (CRLF before it not included)', () => {
    const noLength = Buffer.concat([part(jpeg(5), {}, 'b', false), part(jpeg(6), {}, 'b', false), Buffer.from('--b--\r\n')]);
    expect(readAll(new MultipartReader('b'), noLength, 3).map((p) => p.length)).toEqual([9, 10]);
  });

  it('refuses a part larger than allowed, an invalid length, and headers that never end', () => {
    expect(() => new MultipartReader('b', 100).push(part(jpeg(200), {}, 'b'))).toThrow(MultipartError);
    expect(() => new MultipartReader('b', 100).push(part(jpeg(200), {}, 'b'))).toThrow(/204 bytes is larger than the 100 allowed/);
    expect(() => new MultipartReader('b').push(Buffer.from('--b\r\nContent-Length: -3\r\n\r\nxyz'))).toThrow(/invalid length/);
    expect(() => new MultipartReader('b').push(Buffer.from(`--b\r\nX-Long: ${'x'.repeat(9000)}`))).toThrow(/headers run past/);
    expect(() => new MultipartReader('b', 100).push(Buffer.concat([Buffer.from('--b\r\n\r\n'), Buffer.alloc(200)]))).toThrow(/without a boundary/);
  });

  it('skips garbage before a boundary and reads the part after it', () => {
    const reader = new MultipartReader('eenframe');
    for (let i = 0; i < 100; i += 1) expect(reader.push(Buffer.alloc(10_000, 0x41))).toEqual([]);
    expect(reader.push(part(jpeg(1), {}))).toHaveLength(1);
  });
});
