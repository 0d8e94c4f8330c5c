/**
 * The recorded driver backwards (MSE cannot play a negative rate): the element stays paused and
 * currentTime goes to the newest frame held at or before the position, whether the frames came
 * newest first (a server's reverse: one keyframe each, holes between them) or forward from a
 * point further back (keyframe stepping); trimming gives back what is later, not earlier.
 */
import { describe, expect, it } from 'vitest';
import type { FragmentQueue, PlaybackSample } from '../../../renderer/src/player/live-edge-driver.js';
import { newestHeldFrame, RecordedDriver, reverseSteer } from '../../../renderer/src/player/recorded-driver.js';
import { trimPlan } from '../../../renderer/src/player/source-buffer-queue.js';

const queue: FragmentQueue = { queuedBytes: 0, append: () => {}, dropMedia: () => 0 };
const bytes = Uint8Array.of(0);
const sample = (currentTime: number, ranges: [number, number][]): PlaybackSample => ({ nowMs: 0, currentTime, ranges, playingForMs: 0, droppedFrames: 0 });

describe('reverseSteer', () => {
  // Keyframes every second, each one frame (0.1 s) long: 10 11 12 13 held, holes between.
  const frames = [10, 11, 12, 13];
  const ranges: [number, number][] = frames.map((f) => [f, f + 0.1]);

  it('seeks 1 ms into the newest held frame at or before the position, paused at 1×', () => {
    expect(reverseSteer(frames, ranges, 13.001, 12.5)).toEqual({ rate: 1, paused: true, backwards: true, frame: 12, seekTo: 12.001 });
    expect(reverseSteer(frames, ranges, 13.001, 12)).toMatchObject({ seekTo: 12.001 });
  });

  it('does not seek again while the frame shown is still the one', () => {
    expect(reverseSteer(frames, ranges, 12.001, 12.9)).toEqual({ rate: 1, paused: true, backwards: true, frame: 12 });
  });

  it('with nothing at or before the position, shows the nearest frame after it (a server running late still goes back)', () => {
    expect(reverseSteer(frames, ranges, 13.001, 9.5)).toMatchObject({ frame: 10, seekTo: 10.001 });
    expect(reverseSteer([], [], 10.001, 9.5)).toEqual({ rate: 1, paused: true, backwards: true });
  });

  it('never goes forward of the frame shown last (a stretch arriving forward from further back)', () => {
    // Shown last: 11. Held now: 5.0–5.3 (just arrived) and 11–13; the position 12.5 is capped at 11.
    const arriving = [5, 5.1, 5.2, 5.3, 10, 11, 12, 13];
    const held: [number, number][] = [[5, 5.4], ...ranges];
    expect(reverseSteer(arriving, held, 11.001, 12.5, 11)).toMatchObject({ frame: 11 });
    expect(reverseSteer(arriving, held, 11.001, 9.5, 11)).toMatchObject({ frame: 5.3, seekTo: 5.301 });
    // Nothing at or before, and the nearest after is later than shown: stay.
    expect(reverseSteer([12, 13], [[12, 13.1]], 11.001, 9.5, 11)).toEqual({ rate: 1, paused: true, backwards: true });
  });

  it('skips frames noted but no longer buffered (trimmed, or lost to a reset)', () => {
    expect(newestHeldFrame(frames, [[10, 10.1], [11, 11.1]], 13.5)).toBe(11);
  });
});

describe('RecordedDriver backwards', () => {
  it('takes a server reverse stream newest first: each keyframe lands in order, and the position picks among them', () => {
    const d = new RecordedDriver();
    for (const f of [20, 19, 18, 17]) d.fragment({ keyframe: true, videoStartMs: f * 1000 }, bytes, 0, queue);
    d.set({ backAt: 18.4 });
    const ranges: [number, number][] = [17, 18, 19, 20].map((f) => [f, f + 0.1]);
    expect(d.steer(sample(20.001, ranges))).toMatchObject({ paused: true, backwards: true, seekTo: 18.001 });
    expect(d.frameAt(18.001)).toBe(18);
    expect(d.frameAt(19.5)).toBe(19);
  });

  it('ignores forward seeks and restart points while backwards, and asks for data whatever is ahead', () => {
    const d = new RecordedDriver();
    d.restarted();
    d.fragment({ keyframe: true, videoStartMs: 5000 }, bytes, 0, queue);
    for (let i = 1; i < 50; i++) d.fragment({ keyframe: false, videoStartMs: 5000 + i * 100 }, bytes, 0, queue);
    d.seek(9);
    d.set({ backAt: 7.25, rate: -2 });
    const steer = d.steer(sample(9.9, [[5, 10]]));
    expect(steer).toMatchObject({ paused: true, backwards: true });
    expect(steer.seekTo).toBeCloseTo(7.201, 9);
    expect(d.wantsMore(1000)).toBe(true);
    // Forwards again: the pending seek is gone, it plays on from where it is.
    d.set({ backAt: undefined, rate: 1, paused: false });
    expect(d.backwards).toBe(false);
    expect(d.steer(sample(7.201, [[5, 10]]))).toEqual({ rate: 1, paused: false });
  });

  it('forwards a new init segment forgets the frames before it (the buffer is reset); backwards it keeps them', () => {
    const d = new RecordedDriver();
    for (const f of [20, 19]) d.fragment({ keyframe: true, videoStartMs: f * 1000 }, bytes, 0, queue);
    expect(d.restarted()).toBe(false);
    d.fragment({ keyframe: true, videoStartMs: 12_000 }, bytes, 0, queue);
    expect(d.heldAtOrBefore([[0, 100]], 30)).toBe(12);
    d.set({ backAt: 11 });
    expect(d.restarted()).toBe(true);
    d.fragment({ keyframe: true, videoStartMs: 8_000 }, bytes, 0, queue);
    expect(d.heldAtOrBefore([[0, 100]], 30)).toBe(12);
    expect(d.heldAtOrBefore([[0, 100]], 10)).toBe(8);
  });
});

describe('trimPlan backwards', () => {
  it('gives back what is later than the playhead and keeps what is earlier', () => {
    expect(trimPlan([[0, 60]], 30, { keepBehindSec: 8, slackSec: 4 }, true)).toEqual([38, 60]);
    expect(trimPlan([[0, 60]], 30, { keepBehindSec: 8, slackSec: 4 })).toEqual([0, 22]);
    expect(trimPlan([[0, 40]], 30, { keepBehindSec: 8, slackSec: 4 }, true)).toBeNull();
  });
});
