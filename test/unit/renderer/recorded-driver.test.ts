/**
 * The recorded driver: keeps every fragment (nothing dropped, however much waits), plays from
 * the first fragment after a new init segment, seeks inside the buffer only once the target is
 * there, holds when paused, jumps gaps between buffered ranges unless the sync group decides,
 * and stops reading far enough ahead.
 */
import { describe, expect, it } from 'vitest';
import type { FragmentQueue, PlaybackSample } from '../../../renderer/src/player/live-edge-driver.js';
import { RecordedDriver } from '../../../renderer/src/player/recorded-driver.js';

class HeldQueue implements FragmentQueue {
  held: number[] = [];
  get queuedBytes(): number {
    return this.held.length * 100_000;
  }
  append(bytes: Uint8Array<ArrayBuffer>): void {
    this.held.push(bytes[0]!);
  }
  dropMedia(): number {
    return 0;
  }
}

const bytes = (tag: number): Uint8Array<ArrayBuffer> => Uint8Array.of(tag);
const sample = (currentTime: number, ranges: [number, number][]): PlaybackSample => ({ nowMs: 0, currentTime, ranges, playingForMs: 0, droppedFrames: 0 });

describe('RecordedDriver', () => {
  it('keeps every fragment, however much is queued', () => {
    const d = new RecordedDriver();
    const q = new HeldQueue();
    for (let i = 1; i <= 200; i++) d.fragment({ keyframe: i % 10 === 1, videoStartMs: i * 100 }, bytes(i), 0, q);
    expect(q.held).toHaveLength(200);
  });

  it('plays from the first fragment after a new init segment, holding until it is buffered', () => {
    const d = new RecordedDriver();
    const q = new HeldQueue();
    d.restarted();
    d.fragment({ keyframe: true, videoStartMs: 600_000 }, bytes(1), 0, q);
    expect(d.steer(sample(0, []))).toMatchObject({ paused: true });
    expect(d.steer(sample(0, [[600, 602]]))).toEqual({ rate: 1, paused: false, seekTo: 600 });
    expect(d.steer(sample(600, [[600, 602]]))).toEqual({ rate: 1, paused: false });
  });

  it('seeks inside the buffer once the target is there, and steps exactly one frame while paused', () => {
    const d = new RecordedDriver();
    d.set({ paused: true });
    d.seek(12.3);
    expect(d.steer(sample(10, [[9, 12]]))).toEqual({ rate: 1, paused: true });
    expect(d.steer(sample(10, [[9, 14]]))).toEqual({ rate: 1, paused: true, seekTo: 12.3 });
    d.seek(12.4);
    expect(d.steer(sample(12.3, [[9, 14]])).seekTo).toBeCloseTo(12.4, 9);
    expect(RecordedDriver.holds([[9, 14]], 14)).toBe(false);
    expect(RecordedDriver.holds([[9, 14]], 8.96)).toBe(true);
  });

  it('a seek into a gap gives way to where main restarted the stream (the recording after it)', () => {
    const d = new RecordedDriver();
    const q = new HeldQueue();
    d.seek(100);
    d.restarted();
    d.fragment({ keyframe: true, videoStartMs: 130_000 }, bytes(1), 0, q);
    expect(d.steer(sample(0, [[130, 132]]))).toEqual({ rate: 1, paused: false, seekTo: 130 });
  });

  it('jumps a gap between ranges on its own, but not in a sync group', () => {
    const d = new RecordedDriver();
    const ranges: [number, number][] = [
      [0, 10],
      [40, 50],
    ];
    expect(d.steer(sample(9.9, ranges))).toEqual({ rate: 1, paused: false, seekTo: 40 });
    d.set({ jumpGaps: false, rate: 4 });
    expect(d.steer(sample(9.9, ranges))).toEqual({ rate: 4, paused: false });
  });

  it('reads on while less than 20 s of play is buffered ahead (more at higher speed)', () => {
    const d = new RecordedDriver();
    expect(d.wantsMore(19)).toBe(true);
    expect(d.wantsMore(21)).toBe(false);
    d.set({ rate: 4 });
    expect(d.wantsMore(60)).toBe(true);
  });

  it('after a paused seek, reports the frame that holds the new position', () => {
    const shown: number[] = [];
    const d = new RecordedDriver((t) => shown.push(t));
    const q = new HeldQueue();
    for (let i = 0; i < 10; i++) d.fragment({ keyframe: i === 0, videoStartMs: 600_000 + i * 100 }, bytes(i), 0, q);
    d.seeked(600.3005);
    d.seeked(600.25);
    expect(shown.map((t) => Math.round(t * 1000))).toEqual([600_300, 600_200]);
    expect(d.frameAt(599)).toBeUndefined();
  });

  it('reports each frame shown', () => {
    const shown: number[] = [];
    const d = new RecordedDriver((t) => shown.push(t));
    d.shown(600.1);
    expect(shown).toEqual([600.1]);
  });
});
