import { describe, expect, it } from 'vitest';
import { FlvJoiner, FlvReader } from '../../../simulator/een-v1/flv.js';

function header(): Buffer {
  const h = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
  return h;
}

function tag(type: number, timestampMs: number, data: Buffer): Buffer {
  const t = Buffer.alloc(11 + data.length + 4);
  t[0] = type;
  t.writeUIntBE(data.length, 1, 3);
  t.writeUIntBE(timestampMs & 0xffffff, 4, 3);
  t[7] = (timestampMs >>> 24) & 0xff;
  data.copy(t, 11);
  t.writeUInt32BE(11 + data.length, 11 + data.length);
  return t;
}

function flv(tags: [number, number][]): Buffer {
  return Buffer.concat([header(), ...tags.map(([type, ts], i) => tag(type, ts, Buffer.from([i, type, 0xaa])))]);
}

/** Feeds bytes in uneven pieces, as sockets do. */
function chunks(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, n = 1; i < bytes.length; i += n, n = (n * 7) % 23 + 1) out.push(bytes.subarray(i, i + n));
  return out;
}

function readAll(bytes: Buffer): { header: Buffer | null; tags: { type: number; timestampMs: number }[] } {
  const reader = new FlvReader();
  const tags = chunks(bytes).flatMap((c) => reader.push(c));
  return { header: reader.header, tags: tags.map(({ type, timestampMs }) => ({ type, timestampMs })) };
}

describe('FLV reader', () => {
  it('parses the header once and whole tags across arbitrary chunk boundaries', () => {
    const { header: h, tags } = readAll(flv([[18, 0], [9, 0], [8, 0], [9, 40], [9, 16_777_300]]));
    expect(h).toEqual(header());
    expect(tags).toEqual([
      { type: 18, timestampMs: 0 },
      { type: 9, timestampMs: 0 },
      { type: 8, timestampMs: 0 },
      { type: 9, timestampMs: 40 },
      { type: 9, timestampMs: 16_777_300 }, // beyond 24 bits: the extension byte counts
    ]);
  });

  it('refuses what is not FLV', () => {
    expect(() => new FlvReader().push(Buffer.from('GIF89a-not-a-video'))).toThrow(/not an FLV/);
  });
});

describe('FLV joiner', () => {
  // recorded:  script@0  video@0 … video@900
  // live:      script@5000  video@5000 … video@5080   → shifted to 940 … 1020 (gap 40 ms)
  it('keeps one header, drops later script tags and continues the timestamps', () => {
    const out: Buffer[] = [];
    const joiner = new FlvJoiner((b) => out.push(b), 40);
    joiner.begin(0);
    for (const c of chunks(flv([[18, 0], [9, 0], [8, 0], [9, 900]]))) joiner.push(c);
    joiner.begin(1);
    for (const c of chunks(flv([[18, 5000], [9, 5000], [8, 5020], [9, 5080]]))) joiner.push(c);
    const joined = Buffer.concat(out);
    const { header: h, tags } = readAll(joined);
    expect(h).toEqual(header());
    expect(tags).toEqual([
      { type: 18, timestampMs: 0 },
      { type: 9, timestampMs: 0 },
      { type: 8, timestampMs: 0 },
      { type: 9, timestampMs: 900 },
      { type: 9, timestampMs: 940 },
      { type: 8, timestampMs: 960 },
      { type: 9, timestampMs: 1020 },
    ]);
    // Every PreviousTagSize still matches its tag.
    let offset = 13;
    while (offset < joined.length) {
      const size = joined.readUIntBE(offset + 1, 3);
      expect(joined.readUInt32BE(offset + 11 + size)).toBe(11 + size);
      offset += 11 + size + 4;
    }
    expect(offset).toBe(joined.length);
  });

  it('can drop the first stream\'s onMetaData as well', () => {
    const out: Buffer[] = [];
    const joiner = new FlvJoiner((b) => out.push(b), 40, false);
    joiner.begin(0);
    for (const c of chunks(flv([[18, 0], [9, 0]]))) joiner.push(c);
    expect(readAll(Buffer.concat(out)).tags).toEqual([{ type: 9, timestampMs: 0 }]);
  });

  it('starts a later-only source at its own header when nothing came before', () => {
    const out: Buffer[] = [];
    const joiner = new FlvJoiner((b) => out.push(b));
    joiner.begin(0);
    for (const c of chunks(flv([[18, 7000], [9, 7000]]))) joiner.push(c);
    expect(readAll(Buffer.concat(out)).tags).toEqual([
      { type: 18, timestampMs: 7000 },
      { type: 9, timestampMs: 7000 },
    ]);
  });
});
