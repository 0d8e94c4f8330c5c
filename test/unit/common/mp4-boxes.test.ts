import { describe, expect, it } from 'vitest';
import { codecsOf, Fmp4Splitter, isSyncSample, MAX_BOX_BYTES, Mp4FormatError, parseFragment, parseInit, type Fmp4Segment } from '../../../common/mp4/index.js';

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
  // ES_Descriptor → DecoderConfigDescriptor (object type 0x40) → AudioSpecificConfig (AAC LC, 48 kHz stereo).
  const esds = full('esds', 0, 0, [0x03, 22, 0, 2, 0, 0x04, 17, 0x40, 0x15, ...zeros(11), 0x05, 2, 0x11, 0x90]);
  const mp4a = box('mp4a', zeros(6), u16(1), zeros(20), esds);
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

function split(bytes: Uint8Array, chunkSize: number): Fmp4Segment[] {
  const splitter = new Fmp4Splitter();
  const out: Fmp4Segment[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunkSize) out.push(...splitter.push(bytes.subarray(i, i + chunkSize)));
  return out;
}

/** Segments as lines: "init avc1.64001f,mp4a.40.2" or "media 1.000–1.040 key". */
function draw(segments: Fmp4Segment[]): string[] {
  let init: ReturnType<typeof parseInit> | undefined;
  return segments.map((s) => {
    if (s.kind === 'init') {
      init = parseInit(s.bytes);
      return `init ${init.codecs}`;
    }
    const f = parseFragment(s.bytes, init);
    const time = f.videoStartMs === undefined ? '?' : `${(f.videoStartMs / 1000).toFixed(3)}–${((f.videoStartMs + f.videoDurationMs) / 1000).toFixed(3)}`;
    return `media ${time} ${f.keyframe ? 'key' : 'delta'}`;
  });
}

describe('Fmp4Splitter on synthetic boxes', () => {
  it.each([
    ['size 0 ("to the end of the file")', new Uint8Array([...u32(0), ...ascii('mdat')]), /size 0/],
    ['a size smaller than the header', new Uint8Array([...u32(4), ...ascii('moof')]), /smaller than its header/],
    ['a size over the limit', new Uint8Array([...u32(MAX_BOX_BYTES + 1), ...ascii('mdat')]), /over the/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => new Fmp4Splitter().push(bytes)).toThrow(Mp4FormatError);
    expect(() => new Fmp4Splitter().push(bytes)).toThrow(message);
  });
});

describe('parseInit', () => {
  it('reads track ids, kinds, timescales, codec strings, sizes and trex defaults from a moov alone', () => {
    const info = parseInit(moov(videoTrak(1, 90000, 640, 360), audioTrak(2, 48000)));
    expect(info.tracks).toEqual([
      { id: 1, kind: 'video', format: 'avc1', timescale: 90000, codec: 'avc1.64001f', width: 640, height: 360, defaultSampleDuration: 3600, defaultSampleFlags: NONKEY },
      { id: 2, kind: 'audio', format: 'mp4a', timescale: 48000, codec: 'mp4a.40.2', defaultSampleDuration: 1024, defaultSampleFlags: KEY },
    ]);
    expect(info.mimeType).toBe('video/mp4; codecs="avc1.64001f,mp4a.40.2"');
  });
});

describe('parseFragment', () => {
  const init = parseInit(moov(videoTrak(1, 90000), audioTrak(2, 48000)));

  it.each([
    ['per-sample durations, first-sample flags say key', { base: 180000, durations: [3600, 3600], firstFlags: KEY }, { baseDecodeTime: 180000, sampleCount: 2, duration: 7200, startsWithSync: true, dataBytes: 2000 }],
    ['tfdt version 1 (64-bit)', { base: 2 ** 33 + 5, v1: true, durations: [3600] }, { baseDecodeTime: 2 ** 33 + 5, sampleCount: 1, duration: 3600, startsWithSync: false, dataBytes: 1000 }],
    ['tfhd default duration and flags', { base: 0, count: 3, defaultDuration: 3000, defaultFlags: KEY }, { baseDecodeTime: 0, sampleCount: 3, duration: 9000, startsWithSync: true, dataBytes: 3000 }],
    ['trex defaults only (non-sync)', { base: 90000, count: 2 }, { baseDecodeTime: 90000, sampleCount: 2, duration: 7200, startsWithSync: false, dataBytes: 2000 }],
    ['per-sample flags', { base: 0, durations: [3600, 3600], sampleFlags: [KEY, NONKEY] }, { baseDecodeTime: 0, sampleCount: 2, duration: 7200, startsWithSync: true, dataBytes: 2000 }],
  ])('%s', (_name, options, expected) => {
    expect(parseFragment(cat(...fragment(traf(1, options))), init).runs).toEqual([{ trackId: 1, ...expected }]);
  });

  it('without the init segment the flags of a fragment relying on trex defaults are unknown', () => {
    const info = parseFragment(cat(...fragment(traf(1, { base: 0, count: 1 }))));
    expect(info.runs[0]?.startsWithSync).toBeUndefined();
    expect(info.keyframe).toBe(false);
  });

  it('refuses a trun claiming more samples than it holds', () => {
    const tfhd = full('tfhd', 0, 0x020000, u32(1));
    const trun = full('trun', 0, 0x100, u32(5), u32(3600));
    const moof = box('moof', box('traf', tfhd, trun));
    expect(() => parseFragment(moof, init)).toThrow(/5 samples/);
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

describe('Fmp4Splitter and the parsers together', () => {
  const init = cat(ftyp, moov(videoTrak(1, 90000), audioTrak(2, 48000)));
  const frame = (base: number, key: boolean): Uint8Array[] => fragment(traf(1, { base, durations: [3600], firstFlags: key ? KEY : NONKEY }), traf(2, { base: (base / 90000) * 48000, durations: [1920] }));

  it('groups ftyp+moov into one init segment and moof+mdat into media segments, at any chunking', () => {
    const bytes = cat(init, ...frame(90000, true), ...frame(93600, false), box('free', zeros(4)), ...frame(97200, false));
    for (const size of [1, 13, 4096]) {
      expect(draw(split(bytes, size))).toEqual(['init avc1.64001f,mp4a.40.2', 'media 1.000–1.040 key', 'media 1.040–1.080 delta', 'media 1.080–1.120 delta']);
    }
  });

  it('a new ftyp mid-stream (upstream restarted) starts a new init segment, and times start afresh', () => {
    const restarted = cat(ftyp, moov(videoTrak(1, 12800)));
    const bytes = cat(init, ...frame(90000, true), restarted, ...fragment(traf(1, { base: 0, durations: [512], firstFlags: KEY })));
    expect(draw(split(bytes, 100))).toEqual(['init avc1.64001f,mp4a.40.2', 'media 1.000–1.040 key', 'init avc1.64001f', 'media 0.000–0.040 key']);
  });

  it('segments are the exact bytes of ftyp+moov and moof+mdat; styp and free boxes are dropped', () => {
    const styp = box('styp', ascii('msdh'), u32(0));
    const [moof, mdat] = frame(90000, true);
    const segments = split(cat(init, box('free', zeros(2)), styp, moof!, mdat!), 50);
    expect(segments.map((s) => s.kind)).toEqual(['init', 'fragment']);
    expect(segments[0]?.bytes).toEqual(init);
    expect(segments[1]?.bytes).toEqual(cat(moof!, mdat!));
  });

  it('a moov without an ftyp is an init segment of its own; an mdat without a moof is dropped', () => {
    const bare = moov(videoTrak(1, 90000));
    expect(split(cat(box('mdat', zeros(2)), bare), 7).map((s) => [s.kind, s.bytes.byteLength])).toEqual([['init', bare.byteLength]]);
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
