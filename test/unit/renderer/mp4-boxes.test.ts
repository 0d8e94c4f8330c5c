import { describe, expect, it } from 'vitest';
import {
  BoxSplitter,
  codecsOf,
  isSyncSample,
  maxBoxBytes,
  Mp4FormatError,
  parseMoof,
  parseMoov,
  SegmentAssembler,
  type Mp4Box,
  type Segment,
} from '../../../renderer/src/player/mp4-boxes.js';

// ── Tiny ISO-BMFF writer: just enough to build the boxes a live fMP4 stream is made of ──────────

function u8(...values: number[]): number[] {
  return values.map((v) => v & 0xff);
}
function u16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}
function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function u64(v: number): number[] {
  return [...u32(Math.floor(v / 2 ** 32)), ...u32(v % 2 ** 32)];
}
function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}
function box(type: string, ...payload: (number[] | Uint8Array)[]): Uint8Array {
  const body = payload.flatMap((p) => [...p]);
  return new Uint8Array([...u32(8 + body.length), ...ascii(type), ...body]);
}
function full(type: string, version: number, flags: number, ...payload: (number[] | Uint8Array)[]): Uint8Array {
  return box(type, [version, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff], ...payload);
}
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** A video trak: tkhd (v0), mdia/mdhd timescale, hdlr vide, stsd with an avc1 entry holding avcC. */
function videoTrak(id: number, timescale: number, width = 1280, height = 720): Uint8Array {
  const avcC = box('avcC', u8(1, 0x64, 0x00, 0x1f, 0xff, 0xe0));
  // SampleEntry (6 reserved + data_reference_index) + VisualSampleEntry fields up to the child boxes (78 bytes).
  const avc1 = box('avc1', zeros(6), u16(1), zeros(16), u16(width), u16(height), zeros(78 - 28), avcC);
  const stsd = full('stsd', 0, 0, u32(1), avc1);
  return box(
    'trak',
    full('tkhd', 0, 3, zeros(8), u32(id), zeros(4 + 4 + 8 + 2 + 2 + 2 + 2 + 36 + 4 + 4)),
    box('mdia', full('mdhd', 0, 0, zeros(8), u32(timescale), u32(0), zeros(4)), full('hdlr', 0, 0, zeros(4), ascii('vide'), zeros(12), [0]), box('minf', box('stbl', stsd))),
  );
}

function audioTrak(id: number, timescale: number): Uint8Array {
  const mp4a = box('mp4a', zeros(6), u16(1), zeros(20));
  return box(
    'trak',
    full('tkhd', 1, 3, zeros(16), u32(id), zeros(4 + 8 + 8 + 2 + 2 + 2 + 2 + 36 + 4 + 4)),
    box('mdia', full('mdhd', 1, 0, zeros(16), u32(timescale), u64(0), zeros(4)), full('hdlr', 0, 0, zeros(4), ascii('soun'), zeros(12), [0]), box('minf', box('stbl', full('stsd', 0, 0, u32(1), mp4a)))),
  );
}

function trex(trackId: number, duration: number, flags: number): Uint8Array {
  return full('trex', 0, 0, u32(trackId), u32(1), u32(duration), u32(0), u32(flags));
}

const ftyp = box('ftyp', ascii('iso5'), u32(512), ascii('iso5'), ascii('iso6'), ascii('mp41'));

function moov(...traks: Uint8Array[]): Uint8Array {
  return box('moov', full('mvhd', 0, 0, zeros(96)), ...traks, box('mvex', trex(1, 3600, 0x01010000), trex(2, 1024, 0x02000000)));
}

/** Sample flags of a keyframe (depends on nothing) and of a P-frame (non-sync). */
const KEY = 0x02000000;
const NONKEY = 0x01010000;

/** A traf: tfhd (optionally with default duration/flags), tfdt v0 or v1, trun with per-sample durations. */
function traf(trackId: number, o: { base: number; v1?: boolean; durations?: number[]; count?: number; firstFlags?: number; defaultDuration?: number; defaultFlags?: number; sampleFlags?: number[] }): Uint8Array {
  const tfhdFlags = 0x020000 | (o.defaultDuration !== undefined ? 0x8 : 0) | (o.defaultFlags !== undefined ? 0x20 : 0);
  const tfhd = full('tfhd', 0, tfhdFlags, u32(trackId), o.defaultDuration !== undefined ? u32(o.defaultDuration) : [], o.defaultFlags !== undefined ? u32(o.defaultFlags) : []);
  const tfdt = o.v1 ? full('tfdt', 1, 0, u64(o.base)) : full('tfdt', 0, 0, u32(o.base));
  const count = o.durations?.length ?? o.count ?? 1;
  const trunFlags = 0x1 | (o.firstFlags !== undefined ? 0x4 : 0) | (o.durations ? 0x100 : 0) | 0x200 | (o.sampleFlags ? 0x400 : 0);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(...(o.durations ? u32(o.durations[i]!) : []), ...u32(1000), ...(o.sampleFlags ? u32(o.sampleFlags[i]!) : []));
  const trun = full('trun', 0, trunFlags, u32(count), u32(0), o.firstFlags !== undefined ? u32(o.firstFlags) : [], samples);
  return box('traf', tfhd, tfdt, trun);
}

function fragment(...trafs: Uint8Array[]): Uint8Array[] {
  return [box('moof', full('mfhd', 0, 0, u32(1)), ...trafs), box('mdat', zeros(16))];
}

function assemble(bytes: Uint8Array, chunkSize: number): Segment[] {
  const splitter = new BoxSplitter();
  const assembler = new SegmentAssembler();
  const out: Segment[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunkSize) for (const b of splitter.push(bytes.subarray(i, i + chunkSize))) out.push(...assembler.push(b));
  return out;
}

/** A segment as one line: "init avc1.64001f,mp4a.40.2" or "media 1.000–1.040 key 68 B". */
function draw(s: Segment): string {
  if (s.kind === 'init') return `init ${s.info.tracks.map((t) => t.codec).join(',')}`;
  const time = s.videoStartSec === undefined ? '?' : `${s.videoStartSec.toFixed(3)}–${s.videoEndSec!.toFixed(3)}`;
  return `media ${time} ${s.keyframe === undefined ? '?' : s.keyframe ? 'key' : 'delta'}`;
}

describe('BoxSplitter', () => {
  const stream = cat(ftyp, box('free', zeros(3)), box('moov', zeros(20)), box('moof', zeros(5)), box('mdat', zeros(1000)));
  const types = ['ftyp', 'free', 'moov', 'moof', 'mdat'];

  it.each([1, 3, 7, 8, 9, 64, 100_000])('yields the same whole boxes whatever the chunk size (%i bytes)', (size) => {
    const splitter = new BoxSplitter();
    const boxes: Mp4Box[] = [];
    for (let i = 0; i < stream.byteLength; i += size) boxes.push(...splitter.push(stream.subarray(i, i + size)));
    expect(boxes.map((b) => b.type)).toEqual(types);
    expect(cat(...boxes.map((b) => b.bytes))).toEqual(stream);
    expect(splitter.buffered).toBe(0);
  });

  it('holds a partial box back until the rest arrives', () => {
    const splitter = new BoxSplitter();
    const mdat = box('mdat', zeros(100));
    expect(splitter.push(mdat.subarray(0, 50))).toEqual([]);
    expect(splitter.buffered).toBe(50);
    const [whole] = splitter.push(mdat.subarray(50));
    expect(whole?.bytes).toEqual(mdat);
  });

  it('returns copies, so later pushes cannot change boxes already handed out', () => {
    const splitter = new BoxSplitter();
    const chunk = cat(box('moof', [1, 2, 3]), box('mdat', [4]).subarray(0, 4));
    const [moof] = splitter.push(chunk);
    chunk.fill(0);
    expect([...moof!.bytes.subarray(8)]).toEqual([1, 2, 3]);
  });

  it('reads 64-bit sizes (size field 1)', () => {
    const payload = zeros(10);
    const large = new Uint8Array([...u32(1), ...ascii('mdat'), ...u64(16 + payload.length), ...payload]);
    const [only] = new BoxSplitter().push(large);
    expect(only).toMatchObject({ type: 'mdat' });
    expect(only!.bytes.byteLength).toBe(26);
  });

  it.each([
    ['size 0 ("to the end of the file")', new Uint8Array([...u32(0), ...ascii('mdat')]), /size 0/],
    ['a size smaller than the header', new Uint8Array([...u32(4), ...ascii('moof')]), /smaller than its header/],
    ['a size over the limit', new Uint8Array([...u32(maxBoxBytes + 1), ...ascii('mdat')]), /over the/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => new BoxSplitter().push(bytes)).toThrow(Mp4FormatError);
    expect(() => new BoxSplitter().push(bytes)).toThrow(message);
  });
});

describe('parseMoov', () => {
  it('reads track ids, handlers, timescales, codec strings, sizes and trex defaults', () => {
    const info = parseMoov(moov(videoTrak(1, 90000, 640, 360), audioTrak(2, 48000)));
    expect(info.tracks).toEqual([
      { id: 1, handler: 'vide', timescale: 90000, codec: 'avc1.64001f', width: 640, height: 360, defaultSampleDuration: 3600, defaultSampleFlags: NONKEY },
      { id: 2, handler: 'soun', timescale: 48000, codec: 'mp4a.40.2', defaultSampleDuration: 1024, defaultSampleFlags: KEY },
    ]);
  });
});

describe('parseMoof', () => {
  const init = parseMoov(moov(videoTrak(1, 90000), audioTrak(2, 48000)));

  it.each([
    ['per-sample durations, first-sample flags say key', { base: 180000, durations: [3600, 3600], firstFlags: KEY }, { baseMediaDecodeTime: 180000, sampleCount: 2, duration: 7200, startsWithKeyframe: true }],
    ['tfdt version 1 (64-bit)', { base: 2 ** 33 + 5, v1: true, durations: [3600] }, { baseMediaDecodeTime: 2 ** 33 + 5, sampleCount: 1, duration: 3600, startsWithKeyframe: false }],
    ['tfhd default duration and flags', { base: 0, count: 3, defaultDuration: 3000, defaultFlags: KEY }, { baseMediaDecodeTime: 0, sampleCount: 3, duration: 9000, startsWithKeyframe: true }],
    ['trex defaults only (non-sync)', { base: 90000, count: 2 }, { baseMediaDecodeTime: 90000, sampleCount: 2, duration: 7200, startsWithKeyframe: false }],
    ['per-sample flags', { base: 0, durations: [3600, 3600], sampleFlags: [KEY, NONKEY] }, { baseMediaDecodeTime: 0, sampleCount: 2, duration: 7200, startsWithKeyframe: true }],
  ])('%s', (_name, options, expected) => {
    const [moof] = fragment(traf(1, options));
    expect(parseMoof(moof!, init)).toEqual([{ trackId: 1, ...expected }]);
  });

  it('without the init segment the flags of a fragment relying on trex defaults are unknown', () => {
    const [moof] = fragment(traf(1, { base: 0, count: 1 }));
    expect(parseMoof(moof!)[0]?.startsWithKeyframe).toBeUndefined();
  });

  it('refuses a trun claiming more samples than it holds', () => {
    const tfhd = full('tfhd', 0, 0x020000, u32(1));
    const trun = full('trun', 0, 0x100, u32(5), u32(3600));
    const moof = box('moof', box('traf', tfhd, trun));
    expect(() => parseMoof(moof, init)).toThrow(/5 samples/);
  });
});

describe('isSyncSample', () => {
  it.each([
    [KEY, true],
    [NONKEY, false],
    [0x00000000, true], // nothing said: not marked non-sync
    [0x00010000, false],
    [0x01000000, false], // depends on others
  ])('flags %s → %s', (flags, sync) => expect(isSyncSample(flags)).toBe(sync));
});

describe('SegmentAssembler', () => {
  const init = cat(ftyp, moov(videoTrak(1, 90000), audioTrak(2, 48000)));
  const frame = (base: number, key: boolean): Uint8Array[] => fragment(traf(1, { base, durations: [3600], firstFlags: key ? KEY : NONKEY }), traf(2, { base: (base / 90000) * 48000, durations: [1920] }));

  it('groups ftyp+moov into one init segment and moof+mdat into media segments, at any chunking', () => {
    const bytes = cat(init, ...frame(90000, true), ...frame(93600, false), box('free', zeros(4)), ...frame(97200, false));
    for (const size of [1, 13, 4096]) {
      expect(assemble(bytes, size).map(draw)).toEqual(['init avc1.64001f,mp4a.40.2', 'media 1.000–1.040 key', 'media 1.040–1.080 delta', 'media 1.080–1.120 delta']);
    }
  });

  it('a new ftyp mid-stream (upstream restarted) starts a new init segment, and times start afresh', () => {
    const restarted = cat(ftyp, moov(videoTrak(1, 12800)));
    const bytes = cat(init, ...frame(90000, true), restarted, ...fragment(traf(1, { base: 0, durations: [512], firstFlags: KEY })));
    expect(assemble(bytes, 100).map(draw)).toEqual(['init avc1.64001f,mp4a.40.2', 'media 1.000–1.040 key', 'init avc1.64001f', 'media 0.000–0.040 key']);
  });

  it('media segments are the exact bytes of styp/moof/mdat in order; free boxes are dropped', () => {
    const styp = box('styp', ascii('msdh'), u32(0));
    const [moof, mdat] = frame(90000, true);
    const segments = assemble(cat(init, box('free', zeros(2)), styp, moof!, mdat!), 50);
    expect(segments[1]?.bytes).toEqual(cat(styp, moof!, mdat!));
    expect(segments[0]?.bytes).toEqual(init);
  });

  it.each([
    ['a fragment before any init segment', () => cat(...frame(0, true)), /before its init segment/],
    ['moov without ftyp', () => moov(videoTrak(1, 90000)), /without an ftyp/],
    ['mdat without moof', () => cat(init, box('mdat', zeros(2))), /without a moof/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => assemble(bytes(), 1000)).toThrow(message);
  });
});

describe('codecsOf', () => {
  it.each([
    ['video/mp4; codecs="avc1.64001f,mp4a.40.2"', ['avc1.64001f', 'mp4a.40.2']],
    ['video/mp4;codecs=avc1.42E01E', ['avc1.42E01E']],
    ['video/mp4; codecs="hvc1.1.6.L93.B0"; profiles="iso6"', ['hvc1.1.6.L93.B0']],
    ['video/mp4', []],
  ])('%s', (mime, codecs) => expect(codecsOf(mime)).toEqual(codecs));
});
