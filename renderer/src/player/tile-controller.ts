/**
 * Wires live tiles to main: the stream policy decides what each tile shows, a TileController
 * carries it out (media:open/close, the MSE player or the JPEG player, restarts with backoff) and
 * writes everything the view needs into a plain `TileView` record. The component only renders
 * that record and reports its size and focus; it holds no player logic.
 *
 * Who handles what when video stops:
 *  - main watches the upstream (ffmpeg, camera) and says so in `media:state` (retrying, failed,
 *    with the reason in words); while main is retrying, the tile waits and shows main's reason;
 *  - the player watches the bytes and the picture in the page ('stalled', 'ended', 'error');
 *    when main believes all is well but nothing moves here, the tile closes and reopens the
 *    stream with backoff.
 */
import type { MediaStream, Result, Still, StreamInfo, StreamState } from '../../../preload/contract/index.js';
import { JpegPlayer, JpegRotation, type JpegFrame, type JpegRotationConfig } from './jpeg-player.js';
import { MsePlayer, type MsePlayerConfig, type PlayerStats } from './mse-player.js';
import { StreamPolicy, type Pin, type Profile, type StreamPolicyConfig, type TileMode, type TileNeeds } from './stream-policy.js';

/** The part of `tessera` live tiles use (injected, so a fake can drive the controller). */
export interface LiveApi {
  open(input: { cameraId: string; profile: Profile }): Promise<Result<MediaStream>>;
  close(input: { streamId: string }): Promise<Result<null>>;
  onState(listener: (states: StreamState[]) => void): () => void;
  still(input: { cameraId: string; width?: number }): Promise<Result<Still>>;
}

export type TileStatusKind = 'idle' | 'connecting' | 'playing' | 'retrying' | 'failed' | 'preview';

/** Everything a CameraTile renders. Plain data; the composable makes it reactive. */
export interface TileView {
  /** What the policy gave the tile: live video or JPEG previews. */
  mode: 'none' | 'video' | 'jpeg';
  profile?: Profile;
  /** Why the policy chose this, in words (shown in the info overlay). */
  why: string;
  /** What is on screen: nothing yet, a still (first picture, JPEG preview, last frame) or the video. */
  picture: 'none' | 'still' | 'video';
  stillSrc?: string;
  /** When the still was taken, epoch ms. */
  stillAtMs?: number;
  status: { kind: TileStatusKind; reason?: string; retryAtMs?: number };
  /** What main knows about the stream (codec, size, fps, bitrate, GOP, transcoded). */
  info?: StreamInfo;
  /** What the player measured (frames, buffer, latency), refreshed every second. */
  stats?: PlayerStats;
  /** media:open asked → first frame shown, ms. */
  ttffMs?: number;
  /** JPEG previews: wanted interval, ms. */
  jpegIntervalMs?: number;
}

export function emptyTileView(): TileView {
  return { mode: 'none', why: '', picture: 'none', status: { kind: 'idle' } };
}

export interface TileInputs {
  cameraId: string;
  widthPx: number;
  heightPx: number;
  focused: boolean;
  maximised: boolean;
  pin: Pin;
  profiles: readonly Profile[];
}

export interface LiveTilesOptions {
  policy?: Partial<StreamPolicyConfig>;
  rotation?: Partial<JpegRotationConfig>;
  player?: Partial<MsePlayerConfig>;
  /** The newest still the app already holds for a camera (the camera panel's thumbnail). */
  cachedStill?: (cameraId: string) => JpegFrame | undefined;
  /** Delays between restarts, ms; the last one repeats. */
  backoffMs?: readonly number[];
}

/** Restart delays: quick at first (a blip), then slower so a dead camera costs little. */
const defaultBackoffMs = [1000, 2000, 4000, 8000, 15_000, 30_000];
/** After this long playing, the next failure starts the backoff afresh, ms. */
const stableAfterMs = 10_000;
/** A still older than this is shown but a fresh one is fetched too, ms. */
const stillFreshMs = 60_000;
/** How long opening the video waits for the tile's first still, ms (see showFirstPicture). */
const stillHeadStartMs = 300;
/** How long a closed stream's response may take to end before its fetch is aborted, ms. */
const drainMs = 3000;
/** How often players report health to the policy and the overlay refreshes, ms. */
const healthEveryMs = 1000;

/** The shared side of all live tiles of a window: policy, JPEG rotation, main's stream states. */
export class LiveTiles {
  readonly policy: StreamPolicy;
  readonly rotation: JpegRotation;
  private readonly tiles = new Map<string, TileController>();
  private readonly byStream = new Map<string, TileController>();
  private readonly states = new Map<string, StreamState>();
  private unsubscribe: (() => void) | null = null;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private decideTimer: ReturnType<typeof setTimeout> | undefined;
  private nextTile = 0;
  private ticks = 0;

  constructor(
    readonly api: LiveApi,
    readonly options: LiveTilesOptions = {},
  ) {
    this.policy = new StreamPolicy(options.policy);
    this.rotation = new JpegRotation((cameraId, width) => api.still({ cameraId, width }), options.rotation);
  }

  createTile(view: TileView): TileController {
    const id = `tile-${++this.nextTile}`;
    const tile = new TileController(this, id, view);
    this.tiles.set(id, tile);
    if (!this.unsubscribe) this.unsubscribe = this.api.onState((states) => this.onStates(states));
    this.healthTimer ??= setInterval(() => this.health(), healthEveryMs);
    return tile;
  }

  /** @internal */
  removeTile(tile: TileController): void {
    this.tiles.delete(tile.id);
    this.policy.forget(tile.id);
    if (this.tiles.size === 0) {
      clearInterval(this.healthTimer);
      this.healthTimer = undefined;
      this.unsubscribe?.();
      this.unsubscribe = null;
    }
    this.scheduleDecide();
  }

  /** Something a decision depends on changed; decide once the burst is over (resizes come in bursts). */
  scheduleDecide(delayMs = 50): void {
    if (this.decideTimer !== undefined) return;
    this.decideTimer = setTimeout(() => {
      this.decideTimer = undefined;
      this.decide();
    }, delayMs);
  }

  /** @internal */
  track(streamId: string, tile: TileController | null): void {
    if (tile) this.byStream.set(streamId, tile);
    else {
      this.byStream.delete(streamId);
      this.states.delete(streamId);
    }
  }

  /** @internal */
  stateOf(streamId: string): StreamState | undefined {
    return this.states.get(streamId);
  }

  private decide(): void {
    const needs: TileNeeds[] = [];
    for (const tile of this.tiles.values()) {
      const n = tile.needs;
      // Not laid out yet: a 0 px tile would first get the sub-stream, then main a moment later.
      if (n && n.heightPx > 0) needs.push({ id: tile.id, heightPx: n.heightPx, focused: n.focused, maximised: n.maximised, pin: n.pin, profiles: n.profiles });
    }
    const modes = this.policy.decide(needs);
    for (const [id, mode] of modes) this.tiles.get(id)?.apply(mode);
  }

  private onStates(states: readonly StreamState[]): void {
    for (const state of states) {
      const tile = this.byStream.get(state.streamId);
      if (!tile) continue;
      this.states.set(state.streamId, state);
      tile.onStreamState(state);
    }
  }

  private health(): void {
    let changed = false;
    for (const tile of this.tiles.values()) {
      const stats = tile.sampleStats();
      if (stats && tile.view.picture === 'video' && this.policy.report(tile.id, { decodedFrames: stats.decodedFrames, droppedFrames: stats.droppedFrames - stats.seekDroppedFrames, jumps: stats.jumps, bufferAheadSec: stats.bufferAheadSec, clumpLagMs: stats.clumpLagMs, ...(stats.latencyMs === undefined ? {} : { latencyMs: stats.latencyMs }) })) changed = true;
    }
    // Demotions expire with time, so decide now and then even when nothing was reported.
    if (changed || ++this.ticks % 5 === 0) this.scheduleDecide(0);
  }
}

/** One tile: carries out the policy's decision for it. */
export class TileController {
  needs: TileInputs | null = null;
  private readonly player: MsePlayer;
  private readonly jpeg: JpegPlayer;
  private readonly firstStill: JpegPlayer;
  private videoEl: HTMLVideoElement | null = null;
  private applied: TileMode | null = null;
  private attempt = 0;
  private stream: { streamId: string; profile: Profile } | null = null;
  private abort: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffIndex = 0;
  private openedAtMs = 0;
  private disposed = false;

  constructor(
    private readonly owner: LiveTiles,
    readonly id: string,
    readonly view: TileView,
  ) {
    this.player = new MsePlayer(owner.options.player);
    this.jpeg = new JpegPlayer(owner.rotation);
    this.firstStill = new JpegPlayer(owner.rotation);
    this.player.on('firstFrame', () => this.onFirstFrame());
    this.player.on('stalled', ({ words }) => {
      const main = this.stream ? this.owner.stateOf(this.stream.streamId) : undefined;
      // Main is already reconnecting the upstream and says why: wait for it rather than pile on.
      if (main && (main.status === 'retrying' || main.status === 'connecting')) return;
      this.restart(words, true);
    });
    this.player.on('ended', ({ words }) => this.restart(words, true));
    this.player.on('error', ({ words, retryable }) => this.restart(words, retryable));
  }

  attachVideo(video: HTMLVideoElement): void {
    this.videoEl = video;
    this.player.attach(video);
  }

  /** The view's inputs changed (size, focus, camera…). */
  update(inputs: TileInputs): void {
    const cameraChanged = this.needs !== null && this.needs.cameraId !== inputs.cameraId;
    const before = this.needs;
    this.needs = inputs;
    if (cameraChanged) {
      // Another camera in the same tile: nothing of the old one may stay on screen.
      this.stopAll(false);
      Object.assign(this.view, emptyTileView());
      this.applied = null;
    }
    if (
      cameraChanged ||
      !before ||
      before.heightPx !== inputs.heightPx ||
      before.focused !== inputs.focused ||
      before.maximised !== inputs.maximised ||
      before.pin !== inputs.pin ||
      before.profiles.join() !== inputs.profiles.join()
    )
      this.owner.scheduleDecide();
    if (before && before.widthPx !== inputs.widthPx && this.applied?.kind === 'jpeg') this.jpeg.update({ width: this.stillWidth() });
  }

  /** @internal The policy's decision for this tile. */
  apply(mode: TileMode): void {
    if (this.disposed || !this.needs) return;
    const previous = this.applied;
    this.applied = mode;
    this.view.why = mode.why;
    if (mode.kind === 'jpeg') {
      this.view.jpegIntervalMs = mode.intervalMs;
      if (previous?.kind === 'jpeg') {
        if (previous.intervalMs !== mode.intervalMs) this.jpeg.update({ intervalMs: mode.intervalMs });
        if (this.view.status.kind === 'preview') this.view.status = { kind: 'preview', reason: mode.why };
        return;
      }
      this.stopVideo(true);
      this.startJpeg(mode.intervalMs, mode.why);
      return;
    }
    if (previous?.kind === 'video' && previous.profile === mode.profile) return;
    this.jpeg.stop();
    this.stopVideo(true);
    this.backoffIndex = 0;
    void this.startVideo(mode.profile);
  }

  /** @internal main's newest state of this tile's stream. */
  onStreamState(state: StreamState): void {
    if (!this.stream || state.streamId !== this.stream.streamId) return;
    this.view.info = state.info;
    if (state.status === 'failed') {
      // Main gave up on the upstream (refused, unplayable…): show why, try again much later.
      this.restart(state.reason ?? 'main stopped the stream', false);
      return;
    }
    if (state.status === 'playing') {
      if (this.view.picture === 'video') this.view.status = { kind: 'playing' };
      else this.view.status = { kind: 'connecting', reason: 'waiting for the first picture' };
      return;
    }
    this.view.status = { kind: state.status, ...(state.reason ? { reason: state.reason } : {}), ...(state.retryAtMs ? { retryAtMs: state.retryAtMs } : {}) };
  }

  /** @internal Player numbers for the overlay and the policy. */
  sampleStats(): PlayerStats | null {
    const stats = this.player.stats();
    if (stats) this.view.stats = stats;
    return stats;
  }

  dispose(): void {
    if (this.disposed) return;
    this.stopAll(false);
    this.disposed = true;
    this.owner.removeTile(this);
  }

  private async startVideo(profile: Profile): Promise<void> {
    const needs = this.needs;
    if (!needs || this.disposed) return;
    const attempt = ++this.attempt;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    Object.assign(this.view, { mode: 'video', profile });
    this.view.status = { kind: 'connecting' };
    await this.showFirstPicture(needs.cameraId);
    if (attempt !== this.attempt || this.disposed) return;
    this.openedAtMs = performance.now();
    const opened = await this.owner.api.open({ cameraId: needs.cameraId, profile });
    if (attempt !== this.attempt || this.disposed) {
      if (opened.ok) void this.owner.api.close({ streamId: opened.value.streamId });
      return;
    }
    if (!opened.ok) {
      this.retryLater(opened.error.message, opened.error.retryable);
      return;
    }
    const { streamId, path } = opened.value;
    this.stream = { streamId, profile };
    this.owner.track(streamId, this);
    const known = this.owner.stateOf(streamId);
    if (known) this.onStreamState(known);
    if (!this.videoEl) return;
    this.abort = new AbortController();
    void this.player.start(path, this.abort.signal);
  }

  private onFirstFrame(): void {
    this.firstStill.stop();
    this.view.picture = 'video';
    this.view.ttffMs = Math.round(performance.now() - this.openedAtMs);
    const main = this.stream ? this.owner.stateOf(this.stream.streamId) : undefined;
    if (!main || main.status === 'playing') this.view.status = { kind: 'playing' };
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => (this.backoffIndex = 0), stableAfterMs);
  }

  /**
   * Shows a picture at once while video starts: the one on screen, the app's cached still, or a
   * fetched one. Resolves when that picture is up, or after `stillHeadStartMs`: opening a wall
   * starts every tile's ffmpeg and decoder at once, and on a small machine that burst kept the
   * stills (2–30 ms in main) from the screen for 1–2 s, so video waits a moment behind them.
   */
  private showFirstPicture(cameraId: string): Promise<void> {
    if (this.view.stillSrc) return Promise.resolve();
    const cached = this.owner.options.cachedStill?.(cameraId);
    if (cached) this.setStill(cached);
    if (cached && Date.now() - cached.timestampMs < stillFreshMs) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, stillHeadStartMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.firstStill.start(
        cameraId,
        { width: this.stillWidth(), intervalMs: Infinity, urgent: true },
        (frame) => {
          this.firstStill.stop();
          if (this.view.picture !== 'video') this.setStill(frame);
          done();
        },
        // The status line already tells why video is not there; a missing still adds nothing.
        () => {
          this.firstStill.stop();
          done();
        },
      );
    });
  }

  private startJpeg(intervalMs: number, why: string): void {
    const needs = this.needs;
    if (!needs) return;
    Object.assign(this.view, { mode: 'jpeg', profile: undefined, info: undefined, stats: undefined, ttffMs: undefined });
    this.view.status = { kind: 'preview', reason: why };
    if (!this.view.stillSrc) {
      const cached = this.owner.options.cachedStill?.(needs.cameraId);
      if (cached) this.setStill(cached);
    }
    this.jpeg.start(
      needs.cameraId,
      { width: this.stillWidth(), intervalMs, urgent: !this.view.stillSrc },
      (frame) => {
        this.setStill(frame);
        if (this.view.status.kind !== 'preview') this.view.status = { kind: 'preview', reason: this.view.why };
      },
      (words) => (this.view.status = { kind: 'failed', reason: words }),
    );
  }

  private setStill(frame: JpegFrame): void {
    this.view.stillSrc = frame.src;
    this.view.stillAtMs = frame.timestampMs;
    this.view.picture = 'still';
  }

  /** Width of the stills asked of main: the tile's device pixels, in steps of 64 so a resize does not refetch. */
  private stillWidth(): number {
    const css = this.needs?.widthPx ?? 320;
    const device = css * (globalThis.devicePixelRatio || 1);
    return Math.min(1280, Math.max(64, Math.ceil(device / 64) * 64));
  }

  private restart(words: string, retryable: boolean): void {
    if (this.disposed || this.applied?.kind !== 'video') return;
    this.stopVideo(true);
    this.retryLater(words, retryable);
  }

  private retryLater(words: string, retryable: boolean): void {
    const backoff = this.owner.options.backoffMs ?? defaultBackoffMs;
    const delay = retryable ? backoff[Math.min(this.backoffIndex, backoff.length - 1)]! : backoff[backoff.length - 1]!;
    this.backoffIndex += 1;
    const profile = this.applied?.kind === 'video' ? this.applied.profile : undefined;
    this.view.status = { kind: retryable ? 'retrying' : 'failed', reason: words, retryAtMs: Date.now() + delay };
    clearTimeout(this.retryTimer);
    if (profile) this.retryTimer = setTimeout(() => void this.startVideo(profile), delay);
  }

  /** Ends the video attempt; with `keepFrame`, the last frame stays on screen as a still. */
  private stopVideo(keepFrame: boolean): void {
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    this.retryTimer = undefined;
    this.firstStill.stop();
    if (keepFrame && this.view.picture === 'video') this.snapshot();
    if (!keepFrame) this.view.picture = this.view.stillSrc ? 'still' : 'none';
    const abort = this.abort;
    this.abort = null;
    if (this.stream) {
      const { streamId } = this.stream;
      this.owner.track(streamId, null);
      this.stream = null;
      // Closing at main ends the response cleanly; the player drains it meanwhile. Abort only
      // if main could not close it (then nothing else would end the fetch).
      void this.owner.api.close({ streamId }).then((closed) => {
        if (!closed.ok) abort?.abort();
      });
      this.player.stop(drainMs);
    } else {
      abort?.abort();
      this.player.stop();
    }
  }

  private stopAll(keepFrame: boolean): void {
    this.stopVideo(keepFrame);
    this.jpeg.stop();
  }

  /** Copies the frame on screen into the still, so a stream switch or restart does not flash black. */
  private snapshot(): void {
    const video = this.videoEl;
    if (!video || !video.videoWidth) {
      this.view.picture = this.view.stillSrc ? 'still' : 'none';
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    this.setStill({ src: canvas.toDataURL('image/jpeg', 0.85), timestampMs: Date.now() });
  }
}
