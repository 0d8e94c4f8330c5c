/**
 * The live driver over the SourceBuffer queue: when the queue backs up it drops the waiting
 * fragments and skips to the next keyframe; it steers to the live edge and counts its jumps; a
 * restarted upstream starts its arrival history afresh.
 */
import { describe, expect, it } from 'vitest';
import { LiveEdgeDriver, type FragmentQueue } from '../../../renderer/src/player/live-edge-driver.js';
import { defaultJitter, defaultLiveEdge } from '../../../renderer/src/player/live-edge.js';

/** A queue that holds what it is given (nothing is ever appended to a SourceBuffer). */
class HeldQueue implements FragmentQueue {
  held: { tag: number; media: boolean; size: number }[] = [];
  get queuedBytes(): number {
    return this.held.reduce((n, f) => n + f.size, 0);
  }
  append(bytes: Uint8Array<ArrayBuffer>, media: boolean): void {
    this.held.push({ tag: bytes[0]!, media, size: bytes.byteLength });
  }
  dropMedia(): number {
    const before = this.held.length;
    this.held = this.held.filter((f) => !f.media);
    return before - this.held.length;
  }
}

function fragment(tag: number, size = 100): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  out[0] = tag;
  return out;
}

const driver = (maxQueuedBytes = 1000): LiveEdgeDriver => new LiveEdgeDriver({ liveEdge: defaultLiveEdge, jitter: defaultJitter, maxQueuedBytes });

describe('LiveEdgeDriver', () => {
  it('queues fragments while the queue keeps up', () => {
    const live = driver();
    const queue = new HeldQueue();
    for (let i = 1; i <= 3; i++) live.fragment({ keyframe: i === 1 }, fragment(i), i * 40, queue);
    expect(queue.held.map((f) => f.tag)).toEqual([1, 2, 3]);
    expect(live.stats(200).skippedFragments).toBe(0);
  });

  it('a backed-up queue loses its waiting fragments and decoding restarts at the next keyframe', () => {
    // An init segment of 1 byte and ten fragments of 100 fill the 1001 bytes allowed: the 11th does not fit.
    const live = driver(1001);
    const queue = new HeldQueue();
    queue.append(fragment(0, 1), false);
    for (let i = 1; i <= 10; i++) live.fragment({ keyframe: i === 1 }, fragment(i), i * 40, queue);
    live.fragment({ keyframe: false }, fragment(11), 440, queue);
    live.fragment({ keyframe: false }, fragment(12), 480, queue);
    live.fragment({ keyframe: true }, fragment(13), 520, queue);
    live.fragment({ keyframe: false }, fragment(14), 560, queue);
    // The init segment stays; 1–10 dropped, 11 and 12 skipped (no keyframe), from 13 on queued.
    expect(queue.held.map((f) => f.tag)).toEqual([0, 13, 14]);
    expect(live.stats(600).skippedFragments).toBe(12);
  });

  it('a keyframe that arrives on a backed-up queue replaces what waits at once', () => {
    const live = driver(250);
    const queue = new HeldQueue();
    live.fragment({ keyframe: true }, fragment(1), 0, queue);
    live.fragment({ keyframe: false }, fragment(2), 40, queue);
    live.fragment({ keyframe: true }, fragment(3), 80, queue);
    expect(queue.held.map((f) => f.tag)).toEqual([3]);
    expect(live.stats(100).skippedFragments).toBe(2);
  });

  it('steers: plays at 1× near the edge, speeds up a little behind, jumps when far behind and counts the jump', () => {
    const live = driver();
    const sample = { ranges: [[10, 12]] as const, playingForMs: 60_000, droppedFrames: 0 };
    expect(live.steer({ ...sample, nowMs: 0, currentTime: 11.9 })).toEqual({ rate: 1 });
    expect(live.steer({ ...sample, nowMs: 250, currentTime: 11.4 })).toEqual({ rate: 1.1 });
    expect(live.steer({ ...sample, nowMs: 500, currentTime: 9.5 })).toEqual({ rate: 1, seekTo: 11.88 });
    expect(live.stats(500).jumps).toBe(0);
    expect(live.steer({ ...sample, nowMs: 750, ranges: [[10, 14]], currentTime: 11.9 })).toEqual({ rate: 1, seekTo: 13.88 });
    expect(live.stats(750).jumps).toBe(1);
  });

  it('measures arrival → shown latency, and a restarted upstream starts its arrival history afresh', () => {
    const live = driver();
    const queue = new HeldQueue();
    live.fragment({ keyframe: true, videoStartMs: 5000 }, fragment(1), 1000, queue);
    live.fragment({ keyframe: false, videoStartMs: 5040 }, fragment(2), 1300, queue);
    live.shown(5.04, 1420);
    expect(live.stats(1400)).toMatchObject({ latencyMs: 120, arrivalGapMs: 300 });
    live.restarted();
    expect(live.stats(1400).arrivalGapMs).toBe(0);
    // Times start again near 0: a frame of the old session no longer maps to an arrival.
    live.shown(5.04, 2000);
    expect(live.stats(2000).latencyMs).toBe(120);
  });
});
