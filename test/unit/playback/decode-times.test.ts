// One mapping per session: media time = (wall − originMs) / 1000 (main/playback/decode-times.ts).
import { describe, expect, it } from 'vitest';
import { parseFragment } from '../../../common/mp4/index.js';
import { decodeTimeOf, RunTimeline, withDecodeTime } from '../../../main/playback/decode-times.js';
import { splitFixture } from '../media/fixture.js';

const fixture = splitFixture();
const video = fixture.initInfo.video!;
const frames = fixture.fragments.filter((f) => f.info.videoSamples > 0);

describe('decode times', () => {
  it('reads the tfdt and writes another into a copy, leaving the rest of the fragment alone', () => {
    const fragment = frames[1]!.bytes;
    const before = decodeTimeOf(fragment, video.id);
    expect(before).toBe(Math.round((frames[1]!.info.videoStartMs! * video.timescale) / 1000));
    const moved = withDecodeTime(fragment, video.id, 2 ** 40 + 7);
    expect(decodeTimeOf(moved, video.id)).toBe(2 ** 40 + 7);
    expect(decodeTimeOf(fragment, video.id)).toBe(before);
    expect(parseFragment(moved, fixture.initInfo).videoSamples).toBe(frames[1]!.info.videoSamples);
    expect(moved.length).toBe(fragment.length);
  });

  it('refuses a negative or unsafe decode time, and a track the fragment does not have', () => {
    expect(() => withDecodeTime(frames[0]!.bytes, video.id, -1)).toThrow(/cannot be written/);
    expect(() => decodeTimeOf(frames[0]!.bytes, 99)).toThrow(/no track 99/);
  });

  it('RunTimeline: the first fragment is the piece’s start; later ones keep their distance in ticks', () => {
    const originMs = 1_700_000_000_000;
    const timeline = new RunTimeline(originMs, originMs + 3_600_000, 90_000);
    expect(timeline.sessionTicks(4_500)).toBe(3_600 * 90_000);
    expect(timeline.wallMs(4_500)).toBe(originMs + 3_600_000);
    expect(timeline.wallMs(4_500 + 9_000)).toBe(originMs + 3_600_100);
    expect(timeline.sessionTicks(4_500 + 9_000)).toBe(3_600 * 90_000 + 9_000);
    expect(() => new RunTimeline(originMs, originMs - 1, 90_000)).toThrow(/before the session’s origin/);
  });
});
