/**
 * One live tile: carries out the stream policy's decision for it (video or JPEG previews),
 * opens and closes its stream at main, shows a still at once while video starts, restarts with
 * backoff when video stops, and writes all of it into the tile's plain TileView record. The
 * window's LiveTiles is its host; its players and clock come from there.
 */
import type { StreamState } from '../../../preload/contract/index.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { JpegFrame } from './jpeg-player.js';
import type { Profile, TileMode } from './stream-policy.js';
import { emptyTileView, type LiveApi, type StillPlayer, type TileInputs, type TilePlayers, type TileView } from './tile-view.js';
import type { PlayerStats, VideoPlayer } from './video-player.js';

/** What a tile needs of the window's live tiles (LiveTiles). */
export interface TileHost {
  readonly api: LiveApi;
  readonly clock: Clock;
  readonly players: TilePlayers;
  /** Delays between restarts, ms; the last one repeats. */
  readonly backoffMs: readonly number[];
  /** The newest still the app already holds for a camera (the camera panel's thumbnail). */
  readonly cachedStill: ((cameraId: string) => JpegFrame | undefined) | undefined;
  /** Something a decision depends on changed. */
  scheduleDecide(): void;
  /** Routes main's states of `streamId` to `tile` (null: no longer). */
  track(streamId: string, tile: TileController | null): void;
  stateOf(streamId: string): StreamState | undefined;
  removeTile(tile: TileController): void;
}

/** After this long playing, the next failure starts the backoff afresh, ms. */
const stableAfterMs = 10_000;
/** A still older than this is shown but a fresh one is fetched too, ms. */
const stillFreshMs = 60_000;
/** How long opening the video waits for the tile's first still, ms (see showFirstPicture). */
const stillHeadStartMs = 300;
/** How long a closed stream's response may take to end before its fetch is aborted, ms. */
const drainMs = 3000;

/** One tile: carries out the policy's decision for it. */
export class TileController {
  needs: TileInputs | null = null;
  private readonly player: VideoPlayer;
  private readonly jpeg: StillPlayer;
  private readonly firstStill: StillPlayer;
  private readonly clock: Clock;
  private hasVideo = false;
  private applied: TileMode | null = null;
  private attempt = 0;
  private stream: { streamId: string; profile: Profile } | null = null;
  private abort: AbortController | null = null;
  private retryTimer: TimerHandle | undefined;
  private stableTimer: TimerHandle | undefined;
  private backoffIndex = 0;
  private openedAtMs = 0;
  private disposed = false;
  /** Recorded video has the tile: no live stream until resume(). */
  private suspended = false;

  constructor(
    private readonly owner: TileHost,
    readonly id: string,
    readonly view: TileView,
  ) {
    this.clock = owner.clock;
    this.player = owner.players.video();
    this.jpeg = owner.players.still();
    this.firstStill = owner.players.still();
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
    this.hasVideo = true;
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

  /** Recorded video takes the tile over: the live stream and previews stop (nothing else decodes). */
  suspend(): void {
    if (this.suspended || this.disposed) return;
    this.suspended = true;
    this.stopAll(true);
    this.applied = null;
    this.view.status = { kind: 'idle' };
  }

  /** Back to live: the policy decides for this tile again. */
  resume(): void {
    if (!this.suspended || this.disposed) return;
    this.suspended = false;
    this.owner.scheduleDecide();
  }

  /** The policy's decision for this tile (from the host). */
  apply(mode: TileMode): void {
    if (this.disposed || this.suspended || !this.needs) return;
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

  /** Main's newest state of this tile's stream (from the host). */
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

  /** Player numbers for the overlay and the policy (the host asks every second). */
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
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    Object.assign(this.view, { mode: 'video', profile });
    this.view.status = { kind: 'connecting' };
    await this.showFirstPicture(needs.cameraId);
    if (attempt !== this.attempt || this.disposed) return;
    this.openedAtMs = this.clock.now();
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
    if (!this.hasVideo) return;
    this.abort = new AbortController();
    void this.player.start(path, this.abort.signal);
  }

  private onFirstFrame(): void {
    this.firstStill.stop();
    this.view.picture = 'video';
    this.view.ttffMs = Math.round(this.clock.now() - this.openedAtMs);
    const main = this.stream ? this.owner.stateOf(this.stream.streamId) : undefined;
    if (!main || main.status === 'playing') this.view.status = { kind: 'playing' };
    this.clock.clearTimeout(this.stableTimer);
    this.stableTimer = this.clock.setTimeout(() => (this.backoffIndex = 0), stableAfterMs);
  }

  /**
   * Shows a picture at once while video starts: the one on screen, the app's cached still, or a
   * fetched one. Resolves when that picture is up, or after `stillHeadStartMs`: opening a wall
   * starts every tile's ffmpeg and decoder at once, and on a small machine that burst kept the
   * stills (2–30 ms in main) from the screen for 1–2 s, so video waits a moment behind them.
   */
  private showFirstPicture(cameraId: string): Promise<void> {
    if (this.view.stillSrc) return Promise.resolve();
    const cached = this.owner.cachedStill?.(cameraId);
    if (cached) this.setStill(cached);
    if (cached && this.clock.now() - cached.timestampMs < stillFreshMs) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, stillHeadStartMs);
      const done = (): void => {
        this.clock.clearTimeout(timer);
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
      const cached = this.owner.cachedStill?.(needs.cameraId);
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
    const backoff = this.owner.backoffMs;
    const delay = retryable ? backoff[Math.min(this.backoffIndex, backoff.length - 1)]! : backoff[backoff.length - 1]!;
    this.backoffIndex += 1;
    const profile = this.applied?.kind === 'video' ? this.applied.profile : undefined;
    this.view.status = { kind: retryable ? 'retrying' : 'failed', reason: words, retryAtMs: this.clock.now() + delay };
    this.clock.clearTimeout(this.retryTimer);
    if (profile) this.retryTimer = this.clock.setTimeout(() => void this.startVideo(profile), delay);
  }

  /** Ends the video attempt; with `keepFrame`, the last frame stays on screen as a still. */
  private stopVideo(keepFrame: boolean): void {
    this.attempt += 1;
    this.clock.clearTimeout(this.retryTimer);
    this.clock.clearTimeout(this.stableTimer);
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
    const src = this.player.snapshot();
    if (src) this.setStill({ src, timestampMs: this.clock.now() });
    else this.view.picture = this.view.stillSrc ? 'still' : 'none';
  }
}
