// Where an Eagle Eye v1 MP4 must start (playStart): the video holding `from` plus an offset, the
// next video when `from` falls in a gap, nothing when the range holds no video.
//
//   time (s)   0         100       200       300
//   videos     [====A====)    [====B====)
//   from  ·────────^ 50           → A + 50 s
//   from  ·──────────────^ 120    → B (gap 100–150 not recorded), offset 0
import { describe, expect, it } from 'vitest';
import { playStart } from '../../../main/vms/eagle-eye-v1/server-export.js';

const s = (n: number) => n * 1000;
const videos = [
  { startMs: s(150), endMs: s(250) },
  { startMs: s(0), endMs: s(100) },
];

describe('playStart', () => {
  it('starts at the video holding from, with the offset into it', () => {
    expect(playStart(videos, s(50), s(170))).toEqual({ startMs: 0, offsetMs: s(50) });
    expect(playStart(videos, s(150), s(170))).toEqual({ startMs: s(150), offsetMs: 0 });
  });

  it('from in a gap: the first video that starts before to, from its start', () => {
    expect(playStart(videos, s(120), s(200))).toEqual({ startMs: s(150), offsetMs: 0 });
  });

  it('nothing recorded in the range: null', () => {
    expect(playStart(videos, s(100), s(150))).toBeNull();
    expect(playStart(videos, s(260), s(300))).toBeNull();
    expect(playStart([], 0, s(10))).toBeNull();
  });
});
