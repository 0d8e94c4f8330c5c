// The pure parts of Eagle Eye recorded access: FLV tag reading (keyframes and their spacing), the
// keyframe grid a clip starts on, and the neighbour cache of recorded stills (what it proves,
// what it answers, and its bounds).
import { describe, expect, it } from 'vitest';
import { flvVideoFrames, keyframeSpacingMs } from '../../../main/media/flv-tags.js';
import { GopMemory, holdsTwoKeyframes, keyframeAtOrBefore } from '../../../main/vms/keyframe-grid.js';
import { provenEmptyUntil, settleMs, StillNeighbours } from '../../../main/vms/still-neighbours.js';

/** One FLV tag: type, timestamp (with the extension byte), data, then PreviousTagSize. */
function tag(type: number, dtsMs: number, data: number[]): Buffer {
  const head = Buffer.alloc(11);
  head[0] = type;
  head.writeUIntBE(data.length, 1, 3);
  head.writeUIntBE(dtsMs & 0xffffff, 4, 3);
  head[7] = Math.floor(dtsMs / 0x1000000) & 0xff;
  const size = Buffer.alloc(4);
  size.writeUInt32BE(11 + data.length);
  return Buffer.concat([head, Buffer.from(data), size]);
}
const flvHeader = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
const avcConfig = (ts: number) => tag(9, ts, [0x17, 0, 0, 0, 0, 1, 2]);
const avcKey = (ts: number) => tag(9, ts, [0x17, 1, 0, 0, 0, 9, 9]);
const avcInter = (ts: number) => tag(9, ts, [0x27, 1, 0, 0, 0, 9]);
const audio = (ts: number) => tag(8, ts, [0xaf, 1, 3]);
const script = tag(18, 0, [2, 0, 10]);

describe('FLV video tags', () => {
  it('lists frames with their decode times; the decoder configuration and audio are not frames', () => {
    const bytes = Buffer.concat([flvHeader, script, avcConfig(0), avcKey(0), audio(0), avcInter(100), avcInter(200), avcKey(300), audio(320)]);
    expect(flvVideoFrames(bytes)).toEqual([
      { dtsMs: 0, keyframe: true },
      { dtsMs: 100, keyframe: false },
      { dtsMs: 200, keyframe: false },
      { dtsMs: 300, keyframe: true },
    ]);
  });

  it('a probe is enough once it holds two keyframes (a tag cut off mid-way is not yet one; a web page never is)', () => {
    const bytes = Buffer.concat([flvHeader, script, avcConfig(0), avcKey(0), avcInter(100), avcKey(2000)]);
    expect(holdsTwoKeyframes(bytes.subarray(0, bytes.length - 6))).toBe(false);
    expect(holdsTwoKeyframes(bytes)).toBe(true);
    expect(holdsTwoKeyframes(Buffer.concat([flvHeader, avcConfig(0), avcKey(0), avcInter(100)]))).toBe(false);
    expect(holdsTwoKeyframes(Buffer.from('<html><body>Sign in</body></html>'))).toBe(false);
  });

  it('reads the extended timestamp byte (times past 4.6 hours)', () => {
    expect(flvVideoFrames(Buffer.concat([flvHeader, avcKey(0x1234567)]))).toEqual([{ dtsMs: 0x1234567, keyframe: true }]);
  });

  it('a truncated head yields its whole tags; bytes that are not FLV yield null', () => {
    const whole = Buffer.concat([flvHeader, avcKey(0), avcInter(100), avcKey(4000)]);
    expect(flvVideoFrames(whole.subarray(0, whole.length - 6))).toEqual([
      { dtsMs: 0, keyframe: true },
      { dtsMs: 100, keyframe: false },
    ]);
    expect(flvVideoFrames(Buffer.from('<!doctype html><html>'))).toBeNull();
    expect(flvVideoFrames(Buffer.alloc(0))).toBeNull();
  });

  it.each([
    ['two keyframes 4 s apart', [avcKey(0), avcInter(100), avcKey(4000), avcKey(8000)], 4000],
    ['one keyframe only', [avcKey(0), avcInter(100), avcInter(200)], undefined],
    ['no frames', [], undefined],
    ['keyframes two minutes apart (no camera does that)', [avcKey(0), avcKey(120_000)], undefined],
  ])('keyframe spacing: %s → %s', (_what, tags, spacing) => {
    expect(keyframeSpacingMs(flvVideoFrames(Buffer.concat([flvHeader, ...tags]))!)).toBe(spacing);
  });
});

describe('keyframe grid of a clip', () => {
  //  clip 10 000 ─ K every 4 000:  10 000 · 14 000 · 18 000 · 22 000 …
  it.each([
    [10_000, 4000, 10_000, 10_000],
    [10_000, 4000, 13_999, 10_000],
    [10_000, 4000, 14_000, 14_000],
    [10_000, 4000, 21_700, 18_000],
    [10_000, undefined, 21_700, 10_000], // spacing unknown: the clip start is the one sure keyframe
    [10_000, 4000, 9_000, 10_000], // before the clip: its start
  ])('clip %i, spacing %s, at %i → %i', (clip, gop, at, expected) => {
    expect(keyframeAtOrBefore(clip, gop, at)).toBe(expected);
  });

  it('remembers spacings per camera, the oldest forgotten past its bound', () => {
    const memory = new GopMemory(2);
    memory.set('a|high', 1000);
    memory.set('b|high', 4000);
    memory.set('c|high', 2000);
    expect([memory.get('a|high'), memory.get('b|high'), memory.get('c|high')]).toEqual([undefined, 4000, 2000]);
  });
});

describe('recorded still neighbours', () => {
  const jpeg = (n: number) => Buffer.alloc(n, 0xff);

  //   P@1000 next 2000            P@5000 (next unknown, clear until 5400)
  //   |==========)      ...       |====]
  it('answers between a picture and its next, and within a proven-empty span; nothing else', () => {
    const cache = new StillNeighbours();
    cache.remember('cam', { timestampMs: 1000, jpeg: jpeg(10), nextMs: 2000, clearUntilMs: 1300 });
    cache.remember('cam', { timestampMs: 5000, jpeg: jpeg(10), clearUntilMs: 5400 });
    expect(cache.showingAt('cam', 999)).toBeUndefined();
    expect(cache.showingAt('cam', 1000)?.timestampMs).toBe(1000);
    expect(cache.showingAt('cam', 1999)?.timestampMs).toBe(1000);
    expect(cache.showingAt('cam', 2000)).toBeUndefined();
    expect(cache.showingAt('cam', 5400)?.timestampMs).toBe(5000);
    expect(cache.showingAt('cam', 5401)).toBeUndefined();
    expect(cache.showingAt('other', 1500)).toBeUndefined();
  });

  it('an answer proves nothing empty within the last minute (pictures may still arrive there)', () => {
    const now = 10_000_000;
    expect(provenEmptyUntil(now - 5 * 60_000, now)).toBe(now - 5 * 60_000);
    expect(provenEmptyUntil(now - 10_000, now)).toBe(now - settleMs);
    expect(provenEmptyUntil(now + 5_000, now)).toBe(now - settleMs);
  });

  it('merges what is learned later about the same picture', () => {
    const cache = new StillNeighbours();
    cache.remember('cam', { timestampMs: 5000, jpeg: jpeg(10), clearUntilMs: 5400, nextToken: 't1' });
    cache.remember('cam', { timestampMs: 5000, jpeg: jpeg(10), clearUntilMs: 5000, nextMs: 6000 });
    expect(cache.size).toBe(1);
    expect(cache.showingAt('cam', 5999)).toMatchObject({ timestampMs: 5000, nextMs: 6000, clearUntilMs: 5400, nextToken: 't1' });
  });

  it('is bounded by count and by bytes, least recently used first', () => {
    const byCount = new StillNeighbours({ entries: 2, bytes: 1_000_000 });
    byCount.remember('cam', { timestampMs: 1000, jpeg: jpeg(10), nextMs: 2000, clearUntilMs: 1000 });
    byCount.remember('cam', { timestampMs: 2000, jpeg: jpeg(10), nextMs: 3000, clearUntilMs: 2000 });
    byCount.showingAt('cam', 1500); // 1000 is now the most recently used
    byCount.remember('cam', { timestampMs: 3000, jpeg: jpeg(10), nextMs: 4000, clearUntilMs: 3000 });
    expect(byCount.size).toBe(2);
    expect(byCount.showingAt('cam', 1500)?.timestampMs).toBe(1000);
    expect(byCount.showingAt('cam', 2500)).toBeUndefined();
    const byBytes = new StillNeighbours({ entries: 100, bytes: 25 });
    for (const t of [1000, 2000, 3000]) byBytes.remember('cam', { timestampMs: t, jpeg: jpeg(10), clearUntilMs: t });
    expect(byBytes.size).toBe(2);
    expect(byBytes.atOrBefore('cam', 1500)).toBeUndefined();
  });
});
