import { describe, expect, it } from 'vitest';
import { advanceProgress, plannedExportMs } from '../../../simulator/exacq/exports.js';
import { SessionStore } from '../../../simulator/exacq/sessions.js';
import { slotTimes } from '../../../simulator/exacq/thumbnails.js';
import { playbackWindows } from '../../../simulator/exacq/search-stream.js';
import { gridSlots, viewList } from '../../../simulator/exacq/routes-layout.js';
import { unionClips } from '../../../simulator/exacq/searches.js';

describe('exacq export progress', () => {
  const base = { progress: 0, plannedMs: 2000, slowTranscodeFactor: 1, stalled: false, fileReady: true };
  it('rises linearly to 100 over the planned time', () => {
    expect(advanceProgress({ ...base, elapsedMs: 500 })).toBe(25);
    expect(advanceProgress({ ...base, progress: 90, elapsedMs: 5000 })).toBe(100);
  });
  it('is slowed by slowTranscodeFactor and frozen by stallExports', () => {
    expect(advanceProgress({ ...base, elapsedMs: 500, slowTranscodeFactor: 10 })).toBe(2.5);
    expect(advanceProgress({ ...base, progress: 40, elapsedMs: 5000, stalled: true })).toBe(40);
  });
  it('holds at 99 until the file is written', () => {
    expect(advanceProgress({ ...base, elapsedMs: 10_000, fileReady: false })).toBe(99);
  });
  it('plans stream-copy speed with a floor', () => {
    expect(plannedExportMs(60_000, 30, 1500)).toBe(2000);
    expect(plannedExportMs(10_000, 30, 1500)).toBe(1500);
  });
});

describe('exacq sessions', () => {
  it('expire after idling, and use refreshes them', () => {
    let now = 0;
    const store = new SessionStore(() => now, () => 1000);
    const id = store.create();
    now = 900;
    expect(store.touch(id)).toBe(true);
    now = 1800;
    expect(store.isLive(id)).toBe(true);
    expect(store.touch(id)).toBe(true);
    now = 2801;
    expect(store.isLive(id)).toBe(false);
    expect(store.touch(id)).toBe(false);
    expect(store.size).toBe(0);
    expect(store.touch(undefined)).toBe(false);
  });
});

describe('exacq thumbnail slots', () => {
  // slots   |0...|10..|20..|30..|   (interval 10 s over 0–40 s)
  // clips      |5=12|       |28======
  it('takes the first recorded instant of each slot and skips empty slots', () => {
    const clips = [
      { startMs: 5000, endMs: 12_000 },
      { startMs: 28_000, endMs: 60_000 },
    ];
    expect(slotTimes(clips, 0, 40_000, 10_000)).toEqual([5000, 10_000, 28_000, 30_000]);
  });
});

describe('exacq playback windows', () => {
  it('start on the keyframe before the play head and cover each segment in GOP multiples', () => {
    const segments = [
      { startMs: 0, endMs: 70_000 },
      { startMs: 100_000, endMs: 110_000 },
    ];
    expect(playbackWindows(segments, 9_000, 105_000, 4000)).toEqual([
      { startMs: 8000, endMs: 40_000 },
      { startMs: 40_000, endMs: 70_000 },
      { startMs: 100_000, endMs: 105_000 },
    ]);
  });
});

describe('exacq views and clips', () => {
  it('lays views out on square grids', () => {
    expect([1, 2, 4, 5, 9, 10].map(gridSlots)).toEqual([1, 4, 4, 9, 9, 16]);
    expect(viewList(6).map((v) => [v.name, v.layout, v.indexes])).toEqual([
      ['All Cameras', 9, [0, 1, 2, 3, 4, 5]],
      ['Quad 1', 4, [0, 1, 2, 3]],
      ['Quad 2', 4, [4, 5]],
    ]);
  });
  it('merges clips of several cameras into one timeline', () => {
    expect(unionClips([[{ startMs: 0, endMs: 10 }, { startMs: 30, endMs: 40 }], [{ startMs: 5, endMs: 20 }]])).toEqual([
      { startMs: 0, endMs: 20 },
      { startMs: 30, endMs: 40 },
    ]);
  });
});
