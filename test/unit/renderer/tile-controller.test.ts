/**
 * A live tile driven end to end with fakes: a fake `tessera.media` (open/close/state), a fake
 * video player that emits what the test says, fake still players, and a manual clock. The
 * stream policy is the real one. What is asserted is the TileView the component would render.
 */
import { describe, expect, it } from 'vitest';
import type { MediaStream, Result, StreamState } from '../../../preload/contract/index.js';
import type { JpegFrame } from '../../../renderer/src/player/jpeg-player.js';
import { LiveTiles, type LiveTilesOptions } from '../../../renderer/src/player/live-tiles.js';
import { emptyTileView, type LiveApi, type StillPlayer, type TileInputs, type TileView } from '../../../renderer/src/player/tile-view.js';
import type { PlayerEvents, PlayerListener, PlayerStats, VideoPlayer } from '../../../renderer/src/player/video-player.js';
import { ManualClock } from '../../support/manual-clock.js';

class FakeApi implements LiveApi {
  readonly opened: { cameraId: string; profile: string }[] = [];
  readonly closed: string[] = [];
  /** The answer to the next open (default: a stream). */
  answer: Result<MediaStream> | null = null;
  private listener: ((states: StreamState[]) => void) | null = null;

  private held: Promise<void> | null = null;

  /** Holds the answers to open until the returned function is called. */
  hold(): () => void {
    let release = (): void => {};
    this.held = new Promise((resolve) => (release = resolve));
    return release;
  }

  async open(input: { cameraId: string; profile: 'main' | 'sub' }): Promise<Result<MediaStream>> {
    this.opened.push(input);
    await this.held;
    const n = this.opened.length;
    return this.answer ?? { ok: true, value: { streamId: `s${n}`, cameraId: input.cameraId, profile: input.profile, path: `media/stream/s${n}` } };
  }
  async close(input: { streamId: string }): Promise<Result<null>> {
    this.closed.push(input.streamId);
    return { ok: true, value: null };
  }
  onState(listener: (states: StreamState[]) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  async still(): Promise<never> {
    throw new Error('stills come from the fake still players');
  }
  state(streamId: string, status: StreamState['status'], reason?: string): void {
    this.listener?.([{ streamId, cameraId: 'cam-1', profile: 'main', status, ...(reason ? { reason } : {}), info: { transcoded: false } }]);
  }
}

class FakeVideoPlayer implements VideoPlayer {
  readonly log: string[] = [];
  private readonly listeners = new Map<string, (payload: never) => void>();
  attach(): void {
    this.log.push('attach');
  }
  on<K extends keyof PlayerEvents>(event: K, listener: PlayerListener<K>): () => void {
    this.listeners.set(event, listener as (payload: never) => void);
    return () => this.listeners.delete(event);
  }
  async start(path: string): Promise<void> {
    this.log.push(`start ${path}`);
  }
  stop(drainMs?: number): void {
    this.log.push(`stop${drainMs ? ` (drain ${drainMs} ms)` : ''}`);
  }
  stats(): PlayerStats | null {
    return null;
  }
  snapshot(): string | null {
    return 'data:image/jpeg;base64,last-frame';
  }
  emit<K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]): void {
    (this.listeners.get(event) as PlayerListener<K>)(payload);
  }
}

class FakeStills implements StillPlayer {
  request: { cameraId: string; intervalMs: number; onFrame: (frame: JpegFrame) => void } | null = null;
  start(cameraId: string, options: { intervalMs: number }, onFrame: (frame: JpegFrame) => void): void {
    this.request = { cameraId, intervalMs: options.intervalMs, onFrame };
  }
  update(): void {}
  stop(): void {
    this.request = null;
  }
}

/** Lets the tile's promise chains (still head start, media:open) run to their next wait. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(options: LiveTilesOptions = {}) {
  const clock = new ManualClock(1_000_000);
  const api = new FakeApi();
  const video = new FakeVideoPlayer();
  const stills: FakeStills[] = [];
  const tiles = new LiveTiles(api, {
    clock,
    backoffMs: [1000, 2000, 30_000],
    players: {
      video: () => video,
      still: () => {
        const still = new FakeStills();
        stills.push(still);
        return still;
      },
    },
    ...options,
  });
  const view: TileView = emptyTileView();
  const tile = tiles.createTile(view);
  tile.attachVideo({} as HTMLVideoElement);
  const inputs: TileInputs = { cameraId: 'cam-1', widthPx: 640, heightPx: 360, focused: false, maximised: false, pin: 'auto', profiles: ['main', 'sub'] };
  // The tile's two still players: [0] JPEG previews, [1] the first picture while video starts.
  return { clock, api, video, stills, tiles, tile, view, inputs };
}

/** The tile laid out, decided and playing: still first, then video. */
async function playing(t: ReturnType<typeof setup>): Promise<void> {
  t.tile.update(t.inputs);
  t.clock.advance(50);
  t.stills[1]!.request!.onFrame({ src: 'data:image/jpeg;base64,first', timestampMs: 999_000 });
  await settle();
  t.video.emit('firstFrame', { afterMs: 400 });
}

describe('TileController', () => {
  it('shows a still first, then the video; a player failure shows its words and retries after the backoff', async () => {
    const t = setup();
    t.tile.update(t.inputs);
    expect(t.view.mode).toBe('none');
    t.clock.advance(50);
    expect(t.view).toMatchObject({ mode: 'video', profile: 'main', picture: 'none', status: { kind: 'connecting' } });
    expect(t.stills[1]!.request?.cameraId).toBe('cam-1');
    expect(t.api.opened).toEqual([]);

    t.stills[1]!.request!.onFrame({ src: 'data:image/jpeg;base64,first', timestampMs: 999_000 });
    expect(t.view).toMatchObject({ picture: 'still', stillSrc: 'data:image/jpeg;base64,first' });
    await settle();
    expect(t.api.opened).toEqual([{ cameraId: 'cam-1', profile: 'main' }]);
    expect(t.video.log).toEqual(['attach', 'stop', 'start media/stream/s1']);

    t.api.state('s1', 'playing');
    expect(t.view.status).toEqual({ kind: 'connecting', reason: 'waiting for the first picture' });
    t.clock.advance(250);
    t.video.emit('firstFrame', { afterMs: 250 });
    expect(t.view).toMatchObject({ picture: 'video', status: { kind: 'playing' }, ttffMs: 250 });

    t.video.emit('error', { words: 'the browser could not decode the video', retryable: true });
    // The last frame stays up as a still; the stream is closed at main and the player drains it.
    expect(t.view).toMatchObject({ picture: 'still', stillSrc: 'data:image/jpeg;base64,last-frame' });
    expect(t.view.status).toEqual({ kind: 'retrying', reason: 'the browser could not decode the video', retryAtMs: t.clock.now() + 1000 });
    await settle();
    expect(t.api.closed).toEqual(['s1']);
    expect(t.video.log.at(-1)).toBe('stop (drain 3000 ms)');

    t.clock.advance(999);
    expect(t.api.opened).toHaveLength(1);
    t.clock.advance(1);
    await settle();
    // The still on screen is the first picture this time: no new still is asked for.
    expect(t.api.opened).toHaveLength(2);
    expect(t.video.log.at(-1)).toBe('start media/stream/s2');
    expect(t.view.status).toEqual({ kind: 'connecting' });
  });

  it('recorded video suspends the live stream (closed, no restart, decisions ignored) until resume', async () => {
    const t = setup();
    await playing(t);
    expect(t.api.opened).toHaveLength(1);
    t.tile.suspend();
    expect(t.api.closed).toEqual(['s1']);
    expect(t.view.status.kind).toBe('idle');
    // A resize or a stall while suspended opens nothing.
    t.tile.update({ ...t.inputs, heightPx: 720 });
    t.clock.advance(60_000);
    expect(t.api.opened).toHaveLength(1);
    t.tile.resume();
    t.clock.advance(50);
    await settle();
    expect(t.api.opened).toHaveLength(2);
  });

  it('backs off further on each failure, and afresh once video has played for 10 s', async () => {
    const t = setup();
    await playing(t);
    const fail = (): number => {
      t.video.emit('ended', { words: 'the video stream ended' });
      return t.view.status.retryAtMs! - t.clock.now();
    };
    expect(fail()).toBe(1000);
    t.clock.advance(1000);
    await settle();
    expect(fail()).toBe(2000);
    t.clock.advance(2000);
    await settle();
    t.video.emit('firstFrame', { afterMs: 300 });
    t.clock.advance(10_000);
    expect(fail()).toBe(1000);
  });

  it('main failing the stream shows main’s reason and waits the longest delay; a stall while main reconnects is left to main', async () => {
    const t = setup();
    await playing(t);
    t.api.state('s1', 'retrying', 'camera not answering');
    expect(t.view.status).toMatchObject({ kind: 'retrying', reason: 'camera not answering' });
    t.video.emit('stalled', { reason: 'no-data', words: 'the video stopped arriving' });
    expect(t.api.closed).toEqual([]);

    t.api.state('s1', 'failed', 'the camera refused the user name or password');
    expect(t.view.status).toEqual({ kind: 'failed', reason: 'the camera refused the user name or password', retryAtMs: t.clock.now() + 30_000 });
    await settle();
    expect(t.api.closed).toEqual(['s1']);
  });

  it('a refused open is retried with its message; a stream that opens after the tile is gone is closed at once; no timer outlives the tile', async () => {
    const t = setup();
    t.api.answer = { ok: false, error: { code: 'unauthorized', message: 'the site is signed out', retryable: true } };
    t.tile.update(t.inputs);
    // No still comes: video waits 300 ms for it, then opens anyway.
    t.clock.advance(50 + 300);
    await settle();
    expect(t.view.status).toMatchObject({ kind: 'retrying', reason: 'the site is signed out' });

    t.api.answer = null;
    const release = t.api.hold();
    t.clock.advance(1000 + 300);
    await settle();
    expect(t.api.opened).toHaveLength(2);
    t.tile.dispose();
    release();
    await settle();
    expect(t.api.closed).toEqual(['s2']);
    expect(t.video.log).not.toContain('start media/stream/s2');
    // Only the wall's last decision is left (the tile's leaving), and nothing after it.
    expect(t.clock.pending()).toEqual([50]);
    t.clock.advance(50);
    expect(t.clock.pending()).toEqual([]);
  });

  it('beyond the video budget an unfocused tile gets JPEG previews; focusing it brings video', async () => {
    const t = setup({ policy: { maxVideoTiles: 0 } });
    t.tile.update(t.inputs);
    t.clock.advance(50);
    expect(t.view).toMatchObject({ mode: 'jpeg', status: { kind: 'preview' }, jpegIntervalMs: 1000 });
    expect(t.stills[0]!.request).toMatchObject({ cameraId: 'cam-1', intervalMs: 1000 });
    t.stills[0]!.request!.onFrame({ src: 'data:image/jpeg;base64,preview', timestampMs: 999_500 });
    expect(t.view).toMatchObject({ picture: 'still', stillSrc: 'data:image/jpeg;base64,preview' });

    t.tile.update({ ...t.inputs, focused: true });
    t.clock.advance(50);
    expect(t.stills[0]!.request).toBeNull();
    expect(t.view).toMatchObject({ mode: 'video', status: { kind: 'connecting' } });
    await settle();
    expect(t.video.log.at(-1)).toBe('start media/stream/s1');
  });
});
