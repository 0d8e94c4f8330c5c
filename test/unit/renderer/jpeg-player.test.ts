/**
 * JPEG previews: the fair rotation of the Eagle Eye docs (every stream gets a new picture before
 * any gets two; a limited pool of requests; skip what is already loading).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result, Still } from '../../../preload/contract/index.js';
import { demandOf, earlyStartMs, JpegPlayer, JpegRotation, nextLatency, pickDue, rotationSlots, type JpegFrame, type RotationEntry } from '../../../renderer/src/player/jpeg-player.js';

describe('rotationSlots', () => {
  const config = { maxInFlight: 12, headroom: 1.5 };
  it.each([
    ['nothing subscribed', { perSecond: 0, firstPictures: 0, latencyMs: 250 }, 0],
    ['one tile a second, fast main', { perSecond: 1, firstPictures: 0, latencyMs: 20 }, 1],
    ['48 tiles a second, 20 ms a still', { perSecond: 48, firstPictures: 0, latencyMs: 20 }, 2],
    ['48 tiles a second, 150 ms a still', { perSecond: 48, firstPictures: 0, latencyMs: 150 }, 11],
    ['48 tiles a second, a slow VMS: bounded', { perSecond: 48, firstPictures: 0, latencyMs: 2000 }, 12],
    ['a wall appearing: first pictures in parallel', { perSecond: 48, firstPictures: 48, latencyMs: 20 }, 12],
    ['3 new tiles among many', { perSecond: 20, firstPictures: 3, latencyMs: 20 }, 3],
  ])('%s', (_words, demand, slots) => expect(rotationSlots(demand, config)).toBe(slots));
});

describe('demandOf and nextLatency', () => {
  it('adds up the wanted rates; single pictures add none; tiles without an answer yet (asked or not) count as first pictures', () => {
    const entries: RotationEntry[] = [
      { id: 'a', intervalMs: 1000, inFlight: false, urgent: false, lastStartMs: 5, answered: true },
      { id: 'b', intervalMs: 500, inFlight: false, urgent: true },
      { id: 'c', intervalMs: Infinity, inFlight: false, urgent: true },
      { id: 'd', intervalMs: Infinity, inFlight: true, urgent: true, lastStartMs: 7 },
    ];
    expect(demandOf(entries, 40)).toEqual({ perSecond: 3, firstPictures: 3, latencyMs: 40 });
  });

  it('a still is due early by two ticks and its own time', () => expect(earlyStartMs({ tickMs: 100 }, 30)).toBe(230));

  it('the latency follows recent answers, one outlier moves it a fifth of the way', () => {
    expect(nextLatency(undefined, 30)).toBe(30);
    expect(nextLatency(30, 530)).toBe(130);
  });
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

  it('starts up to earlyMs before the interval ends, at most half an interval early', () => {
    expect(pickDue([e('A', 0)], 799, 1, 200)).toEqual([]);
    expect(pickDue([e('A', 0)], 800, 1, 200)).toEqual(['A']);
    expect(pickDue([e('A', 0)], 499, 1, 10_000)).toEqual([]);
  });
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

  it('with 8 tiles, 2 requests in flight at most, every camera served once before any is served twice', async () => {
    const rotation = new JpegRotation(fetchStill, { maxInFlight: 2 }, () => now);
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
    // Due 2 ticks (100 ms) + one still's time (answered at once: 0 ms) before the interval ends.
    now = 799;
    await vi.advanceTimersByTimeAsync(100);
    expect(pending).toHaveLength(0);
    now = 800;
    await vi.advanceTimersByTimeAsync(100);
    expect(pending).toHaveLength(1);
  });

  it('a wall of video tiles appearing one by one asks for every first still at once (up to the bound)', async () => {
    const rotation = new JpegRotation(fetchStill, {}, () => now);
    for (let i = 0; i < 16; i++) rotation.add({ cameraId: `c${i}`, width: 320, intervalMs: Infinity, urgent: true, onFrame: () => undefined, onError: () => undefined });
    expect(rotation.inFlight).toBe(12);
    now += 20;
    await answerAll();
    expect(pending.map((p) => p.cameraId)).toEqual(['c12', 'c13', 'c14', 'c15']);
  });

  it('sizes the pool to the measured latency: a wall appears in parallel, then few requests keep 48 tiles at 1 s', async () => {
    const rotation = new JpegRotation(fetchStill, {}, () => now);
    for (let i = 0; i < 48; i++) rotation.add({ cameraId: `c${i}`, width: 320, intervalMs: 1000, onFrame: () => undefined, onError: () => undefined });
    expect(rotation.inFlight).toBe(12);
    let served = 0;
    // Main answers in 20 ms: the first pictures go 12 at a time.
    while (served < 48) {
      now += 20;
      served += (await answerAll()).length;
    }
    expect(rotation.measuredLatencyMs).toBe(20);
    // Steady state: 48 a second × 20 ms × 1.5 → 2 in flight.
    let maxInFlight = 0;
    const perCamera = new Map<string, number>();
    for (let t = 0; t < 3000; t += 20) {
      now += 20;
      await vi.advanceTimersByTimeAsync(20);
      maxInFlight = Math.max(maxInFlight, rotation.inFlight);
      for (const id of await answerAll()) perCamera.set(id, (perCamera.get(id) ?? 0) + 1);
    }
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // Every tile refreshed about once a second over the 3 s.
    expect(perCamera.size).toBe(48);
    expect(Math.min(...perCamera.values())).toBeGreaterThanOrEqual(3);
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
    const rotation = new JpegRotation(() => new Promise((resolve) => answers.push(resolve)), { maxInFlight: 3, tickMs: 10_000 }, () => now);
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
