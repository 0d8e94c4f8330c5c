import { describe, expect, it } from 'vitest';
import { StreamStats } from '../../../main/media/stream-stats.js';
import { splitFixture } from './fixture.js';

describe('StreamStats', () => {
  it('measures fps, bitrate and GOP of the fixture (10 fps, keyframe every 5 frames = 500 ms)', () => {
    const stats = new StreamStats();
    for (const { bytes, info } of splitFixture().fragments) {
      stats.add({ frames: info.videoSamples, durationMs: info.videoDurationMs, bytes: bytes.length, keyframe: info.keyframe, ...(info.videoStartMs !== undefined ? { startMs: info.videoStartMs } : {}) });
    }
    const snap = stats.snapshot();
    expect(snap.gopMs).toBe(500);
    // 15 frames over 1.564 s of video (the first frame lasts 164 ms).
    expect(snap.fps).toBeCloseTo(9.6, 1);
    expect(snap.bitrateKbps).toBeGreaterThan(150);
    expect(snap.bitrateKbps).toBeLessThan(300);
  });

  it('averages over the last 5 s of media time only', () => {
    const stats = new StreamStats();
    // 10 s at 25 fps and 2 KB per frame, then 5 s at 10 fps and 10 KB per frame.
    let t = 0;
    for (let i = 0; i < 250; i += 1, t += 40) stats.add({ frames: 1, durationMs: 40, bytes: 2000, keyframe: i % 25 === 0, startMs: t });
    expect(stats.snapshot()).toEqual({ fps: 25, bitrateKbps: 400, gopMs: 1000 });
    for (let i = 0; i < 50; i += 1, t += 100) stats.add({ frames: 1, durationMs: 100, bytes: 10000, keyframe: i % 20 === 0, startMs: t });
    expect(stats.snapshot()).toEqual({ fps: 10, bitrateKbps: 800, gopMs: 2000 });
  });

  it('counts the GOP from durations when fragments carry no start time, and forgets on reset', () => {
    const stats = new StreamStats();
    for (let i = 0; i < 12; i += 1) stats.add({ frames: 1, durationMs: 250, bytes: 100, keyframe: i % 4 === 0 });
    expect(stats.snapshot().gopMs).toBe(1000);
    stats.reset();
    expect(stats.snapshot()).toEqual({});
  });

  it('ignores audio-only fragments for fps (they add bytes, not frames)', () => {
    const stats = new StreamStats();
    for (let i = 0; i < 50; i += 1) {
      stats.add({ frames: 1, durationMs: 100, bytes: 1000, keyframe: i === 0, startMs: i * 100 });
      stats.add({ frames: 0, durationMs: 0, bytes: 100, keyframe: false });
    }
    expect(stats.snapshot()).toMatchObject({ fps: 10, bitrateKbps: 88 });
  });
});
