/**
 * JPEG previews: the fair rotation of the Eagle Eye docs (every stream gets a new picture before
 * any gets two; a limited pool of requests; skip what is already loading).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result, Still } from '../../../preload/contract/index.js';
import { JpegPlayer, JpegRotation, pickDue, rotationSlots, type JpegFrame, type RotationEntry } from '../../../renderer/src/player/jpeg-player.js';

describe('rotationSlots', () => {
  it.each([
    [0, 0],
    [1, 1],
    [4, 1],
    [5, 2],
    [8, 2],
    [9, 3],
    [40, 3],
  ])('%i tiles → %i requests in flight', (tiles, slots) => expect(rotationSlots(tiles, { tilesPerRequest: 4, maxInFlight: 3 })).toBe(slots));
});

describe('pickDue', () => {
  const e = (id: string, lastStartMs: number | undefined, extra: Partial<RotationEntry> = {}): RotationEntry => ({ id, intervalMs: 1000, inFlight: false, urgent: false, ...(lastStartMs === undefined ? {} : { lastStartMs }), ...extra });

  it('never-fetched first, then the one served longest ago', () => {
    expect(pickDue([e('A', 500), e('B', undefined), e('C', 100), e('D', 900)], 2000, 3)).toEqual(['B', 'C', 'A']);
  });

  it('skips what is loading and what is not due yet', () => {
    expect(pickDue([e('A', 100, { inFlight: true }), e('B', 1500), e('C', 900)], 2000, 3)).toEqual(['C']);
  });

  it('an urgent first picture jumps the queue', () => {
    expect(pickDue([e('A', undefined), e('B', 100), e('C', undefined, { urgent: true })], 2000, 1)).toEqual(['C']);
  });

  it('a single-picture entry (interval Infinity) is due once only', () => {
    expect(pickDue([e('A', undefined, { intervalMs: Infinity })], 0, 1)).toEqual(['A']);
    expect(pickDue([e('A', 0, { intervalMs: Infinity })], 1e12, 1)).toEqual([]);
  });

  it('no free slot, nothing', () => expect(pickDue([e('A', undefined)], 0, 0)).toEqual([]));
});

describe('JpegRotation', () => {
  let now = 0;
  let pending: { cameraId: string; width: number; resolve: (r: Result<Still>) => void }[];
  const fetchStill = (cameraId: string, width: number): Promise<Result<Still>> => new Promise((resolve) => pending.push({ cameraId, width, resolve }));
  const still = (timestampMs: number): Result<Still> => ({ ok: true, value: { contentType: 'image/jpeg', base64: 'AAAA', timestampMs } });

  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
    pending = [];
  });
  afterEach(() => vi.useRealTimers());

  /** Answers every request in flight, in order, and lets the promises settle. */
  async function answerAll(timestampMs = now): Promise<string[]> {
    const answered = pending.splice(0);
    for (const p of answered) p.resolve(still(timestampMs));
    await vi.advanceTimersByTimeAsync(0);
    return answered.map((p) => p.cameraId);
  }

  it('with 8 tiles, 2 requests in flight, every camera served once before any is served twice', async () => {
    const rotation = new JpegRotation(fetchStill, { tilesPerRequest: 4, maxInFlight: 3 }, () => now);
    const cameras = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    for (const cameraId of cameras) rotation.add({ cameraId, width: 320, intervalMs: 1000, onFrame: () => undefined, onError: () => undefined });
    const order: string[] = [];
    for (let round = 0; round < 8; round++) {
      expect(rotation.inFlight).toBeLessThanOrEqual(2);
      order.push(...(await answerAll()));
      now += 300; // a slow main: each answer takes 300 ms
      await vi.advanceTimersByTimeAsync(300);
    }
    // The first 8 requests cover all 8 cameras; so do the next 8.
    expect(new Set(order.slice(0, 8)).size).toBe(8);
    expect(new Set(order.slice(8, 16)).size).toBe(8);
  });

  it('asks again only after the interval, and delivers the picture as a data: URL', async () => {
    const frames: JpegFrame[] = [];
    const rotation = new JpegRotation(fetchStill, {}, () => now);
    rotation.add({ cameraId: 'c1', width: 640, intervalMs: 1000, onFrame: (f) => frames.push(f), onError: () => undefined });
    expect(pending.map((p) => [p.cameraId, p.width])).toEqual([['c1', 640]]);
    await answerAll(42);
    expect(frames).toEqual([{ src: 'data:image/jpeg;base64,AAAA', timestampMs: 42 }]);
    now = 900;
    await vi.advanceTimersByTimeAsync(200);
    expect(pending).toHaveLength(0);
    now = 1000;
    await vi.advanceTimersByTimeAsync(200);
    expect(pending).toHaveLength(1);
  });

  it('reports a refusal in words and keeps rotating', async () => {
    const errors: string[] = [];
    const rotation = new JpegRotation(fetchStill, {}, () => now);
    rotation.add({ cameraId: 'c1', width: 320, intervalMs: 1000, onFrame: () => undefined, onError: (w) => errors.push(w) });
    pending.shift()!.resolve({ ok: false, error: { code: 'unreachable', message: 'Camera 1 is offline.', retryable: true } });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['Camera 1 is offline.']);
    now = 1000;
    await vi.advanceTimersByTimeAsync(200);
    expect(pending).toHaveLength(1);
  });

  it('a closed subscription gets no late picture, and the timer stops with the last one', async () => {
    const frames: JpegFrame[] = [];
    const rotation = new JpegRotation(fetchStill, {}, () => now);
    const handle = rotation.add({ cameraId: 'c1', width: 320, intervalMs: 1000, onFrame: (f) => frames.push(f), onError: () => undefined });
    handle.close();
    await answerAll();
    expect(frames).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('JpegPlayer', () => {
  it('never replaces a newer picture with an older one', async () => {
    const answers: ((r: Result<Still>) => void)[] = [];
    let now = 0;
    const rotation = new JpegRotation(() => new Promise((resolve) => answers.push(resolve)), { tilesPerRequest: 1, maxInFlight: 3, tickMs: 10_000 }, () => now);
    const shown: number[] = [];
    const player = new JpegPlayer(rotation);
    player.start('c1', { width: 320, intervalMs: 1000 }, (f) => shown.push(f.timestampMs), () => undefined);
    answers.shift()!({ ok: true, value: { contentType: 'image/jpeg', base64: 'AA', timestampMs: 2000 } });
    await Promise.resolve();
    now = 1000;
    rotation.pump();
    answers.shift()!({ ok: true, value: { contentType: 'image/jpeg', base64: 'AA', timestampMs: 1500 } });
    await Promise.resolve();
    expect(shown).toEqual([2000]);
    player.stop();
  });
});
