/**
 * Fakes for the recorded wall's unit tests: a fake `tessera.playback`, fake players whose frames
 * a test "shows" through the tile's driver, a fake still fetch, a manual clock.
 */
import type { PlaybackSession, PlaybackState, Result } from '../../../preload/contract/index.js';
import { StillScrubber, type ScrubStill } from '../../../renderer/src/domain/still-scrubber.js';
import { RecordedWall } from '../../../renderer/src/player/recorded-wall.js';
import { emptyRecordedView, type PlaybackApi, type RecordedView } from '../../../renderer/src/player/recorded-view.js';
import type { RecordedDriver } from '../../../renderer/src/player/recorded-driver.js';
import type { PlayerEvents, PlayerListener, VideoPlayer } from '../../../renderer/src/player/video-player.js';
import { ManualClock } from '../../support/manual-clock.js';

export const T = Date.UTC(2026, 11, 7, 2, 0, 0);
export const origin = T - 60_000;

export class FakePlayback implements PlaybackApi {
  readonly log: string[] = [];
  private listener: ((s: PlaybackState[]) => void) | null = null;
  private n = 0;
  failFor = new Map<string, string>();
  /** How each camera plays backwards (PlaybackSession.reverse); 'keyframes' where not set. */
  reverseFor = new Map<string, PlaybackSession['reverse']>();
  private cameraOf = new Map<string, string>();
  async open(input: { cameraId: string; atMs: number }): Promise<Result<PlaybackSession>> {
    this.log.push(`open ${input.cameraId} ${input.atMs - T}`);
    const refusal = this.failFor.get(input.cameraId);
    if (refusal) return { ok: false, error: { code: 'no-recording', message: refusal, retryable: false } };
    const id = `p${++this.n}`;
    this.cameraOf.set(id, input.cameraId);
    return { ok: true, value: { playbackId: id, cameraId: input.cameraId, path: `media/playback/${id}`, originMs: origin, frameMs: 100, reverse: this.reverseFor.get(input.cameraId) ?? 'keyframes' } };
  }
  async seek(input: { playbackId: string; atMs: number }): Promise<Result<null>> {
    this.log.push(`seek ${input.playbackId} ${input.atMs - T}`);
    return { ok: true, value: null };
  }
  async setSpeed(input: { playbackId: string; rate: number }): Promise<Result<null>> {
    this.log.push(`speed ${input.playbackId} ${input.rate}`);
    if (input.rate < 0 && this.reverseFor.get(this.cameraOf.get(input.playbackId) ?? '') === 'none') return { ok: false, error: { code: 'reverse-unsupported', message: 'cannot reverse', retryable: false } };
    return { ok: true, value: null };
  }
  async step(input: { playbackId: string; direction: 1 | -1 }): Promise<Result<{ by: 'server' | 'player' }>> {
    this.log.push(`step ${input.playbackId} ${input.direction}`);
    return { ok: true, value: { by: this.reverseFor.get(this.cameraOf.get(input.playbackId) ?? '') === 'server' ? 'server' : 'player' } };
  }
  async pause(input: { playbackId: string; paused: boolean }): Promise<Result<null>> {
    this.log.push(`pause ${input.playbackId} ${input.paused}`);
    return { ok: true, value: null };
  }
  async close(input: { playbackId: string }): Promise<Result<null>> {
    this.log.push(`close ${input.playbackId}`);
    return { ok: true, value: null };
  }
  onState(listener: (s: PlaybackState[]) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  push(state: PlaybackState): void {
    this.listener?.([state]);
  }
}

export class FakePlayer implements VideoPlayer {
  started: string[] = [];
  private listeners = new Map<string, (p: never) => void>();
  constructor(readonly driver: RecordedDriver) {}
  attach(): void {}
  on<K extends keyof PlayerEvents>(event: K, listener: PlayerListener<K>): () => void {
    this.listeners.set(event, listener as (p: never) => void);
    return () => {};
  }
  async start(path: string): Promise<void> {
    this.started.push(path);
  }
  stop(): void {}
  stats(): null {
    return null;
  }
  snapshot(): null {
    return null;
  }
  emit<K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]): void {
    (this.listeners.get(event) as PlayerListener<K>)(payload);
  }
  /** The element's currentTime, s. */
  currentTime = 0;
  /** A frame of wall time `ms` is on screen (and the playhead there). */
  show(ms: number): void {
    this.currentTime = (ms - origin) / 1000;
    this.driver.shown(this.currentTime);
  }
}

export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export function setup(coverage: Record<string, { fromMs: number; toMs: number }[]> = {}, reverse: Record<string, PlaybackSession['reverse']> = {}) {
  /** What each tile's <video> holds, media s (default: everything). */
  const buffered: Record<string, [number, number][]> = {};
  const clock = new ManualClock(T + 600_000);
  let mono = 0;
  const api = new FakePlayback();
  for (const [camera, how] of Object.entries(reverse)) api.reverseFor.set(camera, how);
  const stillsAsked: [string, number][] = [];
  const scrubberFails = new Set<string>();
  const scrubber = new StillScrubber(
    async (cameraId, atMs): Promise<ScrubStill> => {
      stillsAsked.push([cameraId, atMs]);
      if (scrubberFails.has(cameraId)) throw new Error('no picture here');
      return { src: `blob:${cameraId}@${atMs}`, frameTimeMs: Math.round(atMs / 1000) * 1000 };
    },
    () => {},
    { bucketMs: 500, maxCached: 50, around: 0, ahead: 0, parallel: 1, exactMs: 300 },
  );
  const players: FakePlayer[] = [];
  const wall = new RecordedWall({
    api,
    scrubber,
    clock,
    monotonicNow: () => mono,
    coverage: (id) => coverage[id],
    zone: () => ({ kind: 'utc' }),
    player: (driver) => {
      const p = new FakePlayer(driver);
      players.push(p);
      return p;
    },
  });
  const views: RecordedView[] = [];
  const frameTimes: (number | undefined)[][] = [];
  for (const [i, cam] of ['een', 'exacq'].entries()) {
    const view = emptyRecordedView();
    const times: (number | undefined)[] = [];
    views.push(view);
    frameTimes.push(times);
    wall.add(`tile-${cam}`, cam, view, { buffered: () => buffered[cam] ?? [[0, 1e6]], currentTime: () => players[i]?.currentTime ?? 0 }, (ms) => times.push(ms));
  }
  return { wall, api, views, players, stillsAsked, frameTimes, scrubberFails, buffered, advance: (ms: number) => (mono += ms) };
}

