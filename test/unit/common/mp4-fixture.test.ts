import { describe, expect, it } from 'vitest';
import { avcCodecString, esdsCodecString, fourcc, Fmp4Splitter, hevcCodecString, Mp4FormatError, parseFragment, parseInit, type Fmp4Segment } from '../../../common/mp4/index.js';
import { fixtureBytes, splitFixture } from '../media/fixture.js';

/** Feeds bytes in chunks of `size` and collects every segment. */
function splitInChunks(bytes: Buffer, size: number): Fmp4Segment[] {
  const splitter = new Fmp4Splitter();
  const out: Fmp4Segment[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...splitter.push(bytes.subarray(i, i + size)));
  return out;
}

/** K = fragment starting with a keyframe, p = other video, a = audio only. */
function picture(fixture = splitFixture()): string {
  return fixture.fragments.map(({ info }) => (info.keyframe ? 'K' : info.videoSamples > 0 ? 'p' : 'a')).join('');
}

describe('Fmp4Splitter on the committed fixture (ffmpeg per-frame fragments, H.264 + AAC)', () => {
  it('cuts it into one init segment (ftyp+moov) and 25 fragments (moof+mdat); the trailing mfra is dropped', () => {
    const segments = new Fmp4Splitter().push(fixtureBytes);
    expect(segments.map((s) => s.kind)).toEqual(['init', ...Array<string>(25).fill('fragment')]);
    expect(segments[0]!.bytes.length).toBe(28 + 1223);
    expect(fourcc(segments[0]!.bytes, 4)).toBe('ftyp');
    expect(segments[1]!.bytes.length).toBe(180 + 4539);
    for (const s of segments.slice(1)) {
      expect(fourcc(s.bytes, 4)).toBe('moof');
    }
    const total = segments.reduce((n, s) => n + s.bytes.length, 0);
    expect(fixtureBytes.length - total).toBe(832); // the mfra at the end
  });

  it.each([1, 7, 100, 4096, 65536])('gives the same segments whatever the chunk size (%i bytes)', (size) => {
    const whole = new Fmp4Splitter().push(fixtureBytes);
    const chunked = splitInChunks(fixtureBytes, size);
    expect(chunked.length).toBe(whole.length);
    chunked.forEach((s, i) => expect(Buffer.compare(s.bytes, whole[i]!.bytes)).toBe(0));
  });

  it('holds back a partial box until it is complete', () => {
    const splitter = new Fmp4Splitter();
    expect(splitter.push(fixtureBytes.subarray(0, 1000))).toEqual([]);
    expect(splitter.pendingBytes).toBe(1000);
    expect(splitter.push(fixtureBytes.subarray(1000, 1251)).map((s) => s.kind)).toEqual(['init']);
  });

  it('starts a new init segment when the producer restarts (a second ftyp+moov)', () => {
    const first = fixtureBytes.subarray(0, 28 + 1223 + 180 + 4539);
    const kinds = splitInChunks(Buffer.concat([first, first]), 333).map((s) => s.kind);
    expect(kinds).toEqual(['init', 'fragment', 'init', 'fragment']);
  });

  it('reads a box with a 64-bit size', () => {
    const { init, fragments } = splitFixture();
    const frag = Buffer.from(fragments[0]!.bytes);
    const moofSize = frag.readUInt32BE(0);
    const mdat = frag.subarray(moofSize);
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(BigInt(mdat.length + 8), 8);
    const rewritten = Buffer.concat([frag.subarray(0, moofSize), large, mdat.subarray(8)]);
    const segments = new Fmp4Splitter().push(Buffer.concat([init, rewritten]));
    expect(segments.map((s) => [s.kind, s.bytes.length])).toEqual([
      ['init', init.length],
      ['fragment', frag.length + 8],
    ]);
  });

  it('refuses bytes that are not MP4 boxes', () => {
    expect(() => new Fmp4Splitter().push(Buffer.from('HTTP/1.1 401 Unauthorized\r\n\r\n'))).toThrow(Mp4FormatError);
    expect(() => new Fmp4Splitter().push(Buffer.from('FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00', 'latin1'))).toThrow(Mp4FormatError);
  });
});

describe('parseInit', () => {
  it('reads tracks, codecs, size and timescales from the moov', () => {
    const { initInfo } = splitFixture();
    expect(initInfo.codecs).toBe('avc1.42c00a,mp4a.40.2');
    expect(initInfo.mimeType).toBe('video/mp4; codecs="avc1.42c00a,mp4a.40.2"');
    expect(initInfo.tracks).toEqual([
      { id: 1, kind: 'video', format: 'avc1', codec: 'avc1.42c00a', timescale: 10240, width: 160, height: 90, defaultSampleFlags: 0, defaultSampleDuration: 0 },
      { id: 2, kind: 'audio', format: 'mp4a', codec: 'mp4a.40.2', timescale: 16000, defaultSampleFlags: 0, defaultSampleDuration: 0 },
    ]);
    expect(initInfo.video?.id).toBe(1);
    expect(initInfo.audio?.id).toBe(2);
  });

  it('refuses a segment without a moov', () => {
    expect(() => parseInit(fixtureBytes.subarray(0, 28))).toThrow(Mp4FormatError);
  });
});

describe('parseFragment', () => {
  it('finds the keyframes from the first-sample flags (GOP of 5 frames; a = audio-only fragments)', () => {
    expect(picture()).toBe('KapappapKappapapKappappaa');
  });

  it('reads sample counts, durations and decode times in the track timescale', () => {
    const { fragments } = splitFixture();
    const video = fragments.filter((f) => f.info.videoSamples > 0);
    expect(video.length).toBe(15);
    expect(video[0]!.info).toMatchObject({ sequence: 1, keyframe: true, videoSamples: 1, videoStartMs: 0 });
    expect(video[0]!.info.videoDurationMs).toBeCloseTo(164.06, 1); // 1680 ticks: the first frame covers the AAC priming
    expect(video[1]!.info.videoStartMs).toBeCloseTo(164.06, 1);
    expect(video[1]!.info.videoDurationMs).toBe(100);
    expect(video[0]!.info.runs).toEqual([
      { trackId: 1, baseDecodeTime: 0, sampleCount: 1, duration: 1680, startsWithSync: true, dataBytes: 4340 },
      { trackId: 2, baseDecodeTime: 0, sampleCount: 1, duration: 1024, startsWithSync: true, dataBytes: 191 },
    ]);
    const audioOnly = fragments[1]!.info;
    expect(audioOnly).toMatchObject({ keyframe: false, videoSamples: 0, videoDurationMs: 0 });
    expect(audioOnly.runs).toEqual([{ trackId: 2, baseDecodeTime: 1024, sampleCount: 1, duration: 1024, startsWithSync: true, dataBytes: 176 }]);
  });

  it('refuses bytes without a moof', () => {
    const { initInfo } = splitFixture();
    expect(() => parseFragment(Buffer.from([0, 0, 0, 8, 0x6d, 0x64, 0x61, 0x74]), initInfo)).toThrow(Mp4FormatError);
  });
});

describe('codec strings (RFC 6381)', () => {
  it.each([
    ['avc1', '0142c00a', 'avc1.42c00a'],
    ['avc1', '014d401fff', 'avc1.4d401f'],
    ['avc3', '0164002a', 'avc3.64002a'],
    ['avc1', '01', 'avc1'],
  ])('%s with avcC %s → %s', (format, hex, expected) => {
    expect(avcCodecString(format, Buffer.from(hex, 'hex'))).toBe(expected);
  });

  /** An HEVCDecoderConfigurationRecord head: version, space/tier/profile, compat flags, 6 constraint bytes, level. */
  function hvcC(profileByte: number, compat: number, constraints: number[], level: number): Buffer {
    const b = Buffer.alloc(23);
    b[0] = 1;
    b[1] = profileByte;
    b.writeUInt32BE(compat >>> 0, 2);
    constraints.forEach((c, i) => (b[6 + i] = c));
    b[12] = level;
    return b;
  }

  it.each([
    // The examples of ISO 14496-15 Annex E: Main profile (flags of profiles 1 and 2), level 3.1, progressive+frame-only.
    ['hvc1', hvcC(0x01, 0x60000000, [0xb0], 93), 'hvc1.1.6.L93.B0'],
    // Main 10, high tier, level 5.1, constraint bytes 0x90.
    ['hev1', hvcC(0x22, 0x20000000, [0x90], 153), 'hev1.2.4.H153.90'],
    // Profile space 1 (A), trailing zero constraint bytes omitted but inner ones kept.
    ['hvc1', hvcC(0x41, 0x40000000, [0x90, 0, 0x01], 120), 'hvc1.A1.2.L120.90.0.1'],
  ])('%s with hvcC → %s', (format, config, expected) => {
    expect(hevcCodecString(format, config)).toBe(expected);
  });

  /** An esds payload: ES_Descriptor → DecoderConfigDescriptor(objectType) → DecoderSpecificInfo(asc). */
  function esds(objectType: number, asc: number[]): Buffer {
    const decSpecific = asc.length ? [0x05, asc.length, ...asc] : [];
    const decoderConfig = [0x04, 13 + decSpecific.length, objectType, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...decSpecific];
    const es = [0x03, 3 + decoderConfig.length, 0, 2, 0, ...decoderConfig];
    return Buffer.from([0, 0, 0, 0, ...es]);
  }

  it.each([
    ['the fixture (AAC LC)', Buffer.from('0000000003808080250002000480808017401500000000003e8000003e80058080800514', 'hex'), 'mp4a.40.2'],
    ['HE-AAC (object type 5)', esds(0x40, [0x2b, 0x92, 0x08, 0x00]), 'mp4a.40.5'],
    ['an escaped object type (31 → 32 + 6 = 38)', esds(0x40, [0xf8, 0xc0]), 'mp4a.40.38'],
    ['MP3 (object type 0x6b, no AudioSpecificConfig)', esds(0x6b, []), 'mp4a.6b'],
  ])('mp4a with esds of %s → %s', (_what, payload, expected) => {
    expect(esdsCodecString('mp4a', payload)).toBe(expected);
  });
});
