// Recorded playbacks per tile (main/playback/playback-service.ts): what open refuses and why, one
// session per open (never shared), slots shared with live video, the unclaimed reaper, coalesced states.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Period } from '../../../common/time-periods.js';
import type { RecordedSource } from '../../../main/media/sources.js';
import { StreamSlots } from '../../../main/media/stream-slots.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import { AppFailure, type PlaybackState } from '../../../preload/contract/index.js';
import { failure } from '../../support/adapter-harness.js';
import { FakeRunner, settle } from '../../support/fake-runner.js';
import { ManualClock } from '../../support/manual-clock.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';
import { FakeSink } from '../media/fake-sink.js';

const NOW = 1_800_000_000_000;
const T = NOW - 600_000;

function setup(o: { coverage?: Period[]; resolve?: (cameraId: string, atMs: number, rate: number) => RecordedSource; reverse?: 'server' | 'keyframes' | 'none' } = {}) {
  const clock = new ManualClock(NOW);
  const runner = new FakeRunner();
  const slots = new StreamSlots({ total: 3, perWindow: 2 });
  const published: PlaybackState[][] = [];
  const service = new PlaybackService({
    resolve: async (cameraId, atMs, { rate }) => {
      if (o.resolve) return o.resolve(cameraId, atMs, rate);
      return { kind: 'pieces', first: { format: 'h264', url: 'http://127.0.0.1:9/v', headers: {}, startMs: atMs, fps: 10 }, next: async () => null };
    },
    coverage: async () => o.coverage ?? [],
    reverse: async () => o.reverse ?? 'none',
    cameraKnown: (id) => id.startsWith('site/'),
    slots,
    runner: runner.runner,
    clock,
    log: memoryLogger(),
    unclaimedMs: 30_000,
  });
  service.onStates((states) => published.push(states));
  return { clock, runner, slots, service, published };
}

const open = { cameraId: 'site/cam', atMs: T, rate: 1, profile: 'main' as const };

describe('PlaybackService', () => {
  it('opens one session per tile with its own path, origin and the frame step of the recording', async () => {
    const { service, runner, slots } = setup();
    const a = await service.open(open, 'w1');
    const b = await service.open(open, 'w1');
    expect(a.playbackId).not.toBe(b.playbackId);
    expect(a).toMatchObject({ cameraId: 'site/cam', path: `media/playback/${a.playbackId}`, frameMs: 100, reverse: 'none' });
    expect(a.originMs).toBeLessThanOrEqual(T - 30 * 24 * 3600_000);
    expect(runner.runs).toHaveLength(2);
    expect(slots.heldBy('w1')).toBe(2);
    expect(await service.step(a.playbackId, 1)).toEqual({ by: 'player', frameMs: 100 });
    service.close(a.playbackId);
    expect(slots.heldBy('w1')).toBe(1);
    expect(runner.runs[0]!.stopped).toBe(true);
  });

  it('refuses clearly: an unknown camera, the future, backwards, nothing recorded then or after, a full window', async () => {
    const { service, slots } = setup({
      resolve: () => {
        throw new AppFailure('no-recording', 'nothing recorded then');
      },
    });
    expect((await failure(service.open({ ...open, cameraId: 'other/cam' }, 'w1'))).error.code).toBe('not-found');
    const future = await failure(service.open({ ...open, atMs: NOW + 60_000 }, 'w1'));
    expect(future.error).toMatchObject({ code: 'no-recording' });
    expect(future.error.message).toMatch(/in the future/);
    expect((await failure(service.open({ ...open, rate: -2 }, 'w1'))).error.code).toBe('reverse-unsupported');
    expect((await failure(service.open(open, 'w1'))).error).toMatchObject({ code: 'no-recording', message: 'nothing recorded then' });
    expect(slots.inUse).toBe(0);
    expect((await failure(service.seek('nope', T))).error.code).toBe('not-found');
  });

  it('backwards where the site allows it: keyframe steps in the player over forward video, asked at the speed’s magnitude', async () => {
    const rates: number[] = [];
    const { service } = setup({
      reverse: 'keyframes',
      resolve: (_id, atMs, rate) => {
        rates.push(rate);
        return { kind: 'pieces', first: { format: 'flv', url: 'http://127.0.0.1:9/v', headers: {}, startMs: atMs }, next: async () => null };
      },
    });
    const session = await service.open({ ...open, rate: -4 }, 'w1');
    expect(session.reverse).toBe('keyframes');
    expect(rates).toEqual([4]);
    await service.setSpeed(session.playbackId, -16);
    expect(service.states()[0]).toMatchObject({ rate: -16 });
    const refused = setup({ reverse: 'none' });
    const other = await refused.service.open(open, 'w1');
    expect((await failure(refused.service.setSpeed(other.playbackId, -1))).error.code).toBe('reverse-unsupported');
  });

  it('a time in a gap with a recording after it opens in state gap', async () => {
    const resume = T + 120_000;
    const { service } = setup({
      coverage: [{ fromMs: resume, toMs: resume + 60_000 }],
      resolve: (_id, atMs) => {
        if (atMs < resume) throw new AppFailure('no-recording', 'nothing recorded then');
        return { kind: 'pieces', first: { format: 'flv', url: 'http://127.0.0.1:9/v', headers: {}, startMs: atMs }, next: async () => null };
      },
    });
    const session = await service.open(open, 'w1');
    await settle();
    expect(service.states()).toEqual([{ playbackId: session.playbackId, cameraId: 'site/cam', status: 'gap', rate: 1, nextRecordingMs: resume }]);
  });

  it('counts in the stream slots, closes a playback never fetched, and coalesces its states', async () => {
    const { service, slots, clock, published } = setup();
    const a = await service.open(open, 'w1');
    await service.open(open, 'w1');
    expect((await failure(service.open(open, 'w1'))).error).toMatchObject({ code: 'conflict' });
    const sink = new FakeSink();
    expect(service.attach(a.playbackId, sink)).not.toBeNull();
    expect(service.attach('nope', new FakeSink())).toBeNull();
    await settle();
    // Two opens and a refusal in one instant: one snapshot at once, the rest at the interval's end.
    expect(published).toHaveLength(1);
    clock.advance(30_000);
    expect(service.states().map((s) => s.playbackId)).toEqual([a.playbackId]);
    expect(slots.heldBy('w1')).toBe(1);
    await settle();
    expect(published.at(-1)!.map((s) => s.playbackId)).toEqual([a.playbackId]);
    expect(published.length).toBeLessThanOrEqual(3);
  });

  it('a playhead source starts once its stream answered, pauses and steps on the server, turns round by reading the stream again, and is closed with the playback', async () => {
    // The playhead's multipart stream: answered, then silent (a paused server playhead).
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
      res.flushHeaders();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/search`;
    const calls: string[] = [];
    const { service, runner } = setup({
      reverse: 'server',
      resolve: (_id, atMs) => ({
        kind: 'playhead',
        piece: { format: 'h264', url, headers: {}, startMs: atMs, fps: 10 },
        parts: { url, headers: {}, wallMsOf: () => atMs },
        playhead: {
          setSpeed: async (r) => void calls.push(`speed ${r}`),
          step: async (d) => void calls.push(`step ${d}`),
          seek: async () => undefined,
          close: async () => void calls.push('close'),
        },
      }),
    });
    try {
      const session = await service.open(open, 'w1');
      expect(session.reverse).toBe('server');
      await waitUntil('the playhead started', 5_000, () => calls.includes('speed 1') || undefined);
      expect(runner.runs).toHaveLength(1);
      expect(await service.step(session.playbackId, 1)).toEqual({ by: 'server', frameMs: 100 });
      expect(service.states()[0]).toMatchObject({ rate: 1 });
      expect(service.session(session.playbackId)!.paused).toBe(true);
      // Back one frame: the stream is read again from the playhead (a paused one stays paused).
      expect(await service.step(session.playbackId, -1)).toEqual({ by: 'server', frameMs: 100 });
      expect(runner.runs).toHaveLength(2);
      await service.setSpeed(session.playbackId, 2);
      await service.pause(session.playbackId, false);
      await service.setSpeed(session.playbackId, -2);
      await waitUntil('the stream read again backwards', 5_000, () => runner.runs.length === 3 || undefined);
      service.close(session.playbackId);
      await settle();
      expect(calls).toEqual(['speed 1', 'speed 0', 'step 1', 'step -1', 'speed 2', 'speed -2', 'close']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a playhead whose stream breaks fails with a clear reason and its server session is closed at once', async () => {
    const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>gone</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/search`;
    const calls: string[] = [];
    const { service } = setup({
      reverse: 'server',
      resolve: (_id, atMs) => ({
        kind: 'playhead',
        piece: { format: 'h264', url, headers: {}, startMs: atMs, fps: 10 },
        parts: { url, headers: {}, wallMsOf: () => atMs },
        playhead: { setSpeed: async () => undefined, step: async () => undefined, seek: async () => undefined, close: async () => void calls.push('close') },
      }),
    });
    try {
      const session = await service.open(open, 'w1');
      const state = await waitUntil('failed', 5_000, () => service.states().find((s) => s.status === 'failed'));
      expect(state).toMatchObject({ code: 'unreachable', reason: expect.stringContaining('404 text/html') });
      await waitUntil('the search closed', 5_000, () => calls.includes('close') || undefined);
      expect(await service.step(session.playbackId, 1)).toEqual({ by: 'player', frameMs: 100 });
      service.close(session.playbackId);
      await settle();
      expect(calls).toEqual(['close']);
    } finally {
      server.close();
    }
  });
});
