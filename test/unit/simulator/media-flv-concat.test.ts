import { describe, expect, it } from 'vitest';
import { FlvConcat } from '../../../simulator/media/flv-concat.js';
import { FlvReader } from '../../../simulator/media/flv-tags.js';

const HEADER = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);

/** One FLV tag: type, timestamp, data (first bytes say codec, frame and packet type). */
function tag(type: number, ts: number, data: number[]): Buffer {
  const out = Buffer.alloc(11 + data.length + 4);
  out[0] = type;
  out.writeUIntBE(data.length, 1, 3);
  out.writeUIntBE(ts & 0xffffff, 4, 3);
  out[7] = ts >>> 24;
  Buffer.from(data).copy(out, 11);
  out.writeUInt32BE(11 + data.length, 11 + data.length);
  return out;
}

const script = (): Buffer => tag(18, 0, [2, 0, 10]);
const videoConfig = (sps = 0x42): Buffer => tag(9, 0, [0x17, 0, 0, 0, 0, 1, sps]);
const audioConfig = (): Buffer => tag(8, 0, [0xaf, 0, 0x12, 0x10]);
const key = (ts: number): Buffer => tag(9, ts, [0x17, 1, 0, 0, 0, 0xaa]);
const inter = (ts: number): Buffer => tag(9, ts, [0x27, 1, 0, 0, 0, 0xbb]);
const audio = (ts: number): Buffer => tag(8, ts, [0xaf, 1, 0xcc]);
const endOfSequence = (ts: number): Buffer => tag(9, ts, [0x17, 2, 0, 0, 0]);

/** What ffmpeg writes for one piece: header, onMetaData, configs, an AAC frame before the first picture, EOS. */
function piece(firstVideoMs: number, sps = 0x42): Buffer {
  return Buffer.concat([
    HEADER, script(), videoConfig(sps), audioConfig(),
    audio(0), key(firstVideoMs), audio(32), inter(firstVideoMs + 100), endOfSequence(firstVideoMs + 100),
  ]);
}

/** Joined output as [type, timestamp, packet type] rows. */
function rows(bytes: Buffer): [number, number, number][] {
  expect(bytes.subarray(0, 13).equals(HEADER)).toBe(true);
  return new FlvReader().push(bytes).map((t) => [t.type, t.timestampMs, t.bytes[12]!]);
}

function join(pieces: readonly { bytes: Buffer; offsetMs: number }[], step = Number.MAX_SAFE_INTEGER): Buffer {
  const concat = new FlvConcat();
  const out: Buffer[] = [];
  pieces.forEach((p, i) => {
    concat.begin(p.offsetMs, i === pieces.length - 1);
    for (let at = 0; at < p.bytes.length; at += step) out.push(...concat.push(p.bytes.subarray(at, at + step)));
    out.push(...concat.end());
  });
  return Buffer.concat(out);
}

describe('FLV concatenation of per-chunk pieces', () => {
  it('keeps one header, onMetaData and config per stream, the last EOS, and goes on in time', () => {
    // Piece 0 starts its pictures 24 ms in, piece 1 32 ms in (ffmpeg's own start shifts); one
    // ffmpeg over both keeps piece 0's 24 ms: piece 1 moves by 200 (planned) + 24 − 32.
    const joined = join([{ bytes: piece(24), offsetMs: 0 }, { bytes: piece(32), offsetMs: 200 }]);
    expect(rows(joined)).toEqual([
      [18, 0, 0], [9, 0, 0], [8, 0, 0],
      [8, 0, 1], [9, 24, 1], [8, 32, 1], [9, 124, 1],
      [8, 192, 1], [9, 224, 1], [8, 224, 1], [9, 324, 1], [9, 324, 2],
    ]);
  });

  it('gives the same bytes however the pieces arrive in reads', () => {
    const pieces = [{ bytes: piece(24), offsetMs: 0 }, { bytes: piece(32), offsetMs: 200 }, { bytes: piece(0), offsetMs: 5_000 }];
    const whole = join(pieces);
    expect(join(pieces, 1).equals(whole)).toBe(true);
    expect(join(pieces, 17).equals(whole)).toBe(true);
  });

  it('keeps a later piece whose codec config differs (shifted), so a decoder picks it up', () => {
    const joined = join([{ bytes: piece(0), offsetMs: 0 }, { bytes: piece(0, 0x64), offsetMs: 1_000 }]);
    expect(rows(joined).filter(([type, , packet]) => type === 9 && packet === 0)).toEqual([[9, 0, 0], [9, 1_000, 0]]);
  });

  it('refuses bytes before a piece is begun, and a stream that is not FLV', () => {
    expect(() => new FlvConcat().push(piece(0))).toThrow(/before begin/);
    const concat = new FlvConcat();
    concat.begin(0, true);
    expect(() => concat.push(Buffer.from('<html>not a video at all</html>'))).toThrow(/not an FLV/);
  });
});
