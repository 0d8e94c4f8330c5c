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
 *
 * Players and time are injected (options.players, options.clock), so unit tests drive a whole
 * tile with fakes.
 */
import type { StreamState } from '../../../preload/contract/index.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { browserClock } from './clock.js';
import { JpegPlayer, JpegRotation, type JpegFrame, type JpegRotationConfig } from './jpeg-player.js';
import { MsePlayer, type MsePlayerConfig } from './mse-player.js';
import { StreamPolicy, type StreamPolicyConfig, type TileNeeds } from './stream-policy.js';
import { TileController, type TileHost } from './tile-controller.js';
import type { LiveApi, TilePlayers, TileView } from './tile-view.js';

export interface LiveTilesOptions {
  policy?: Partial<StreamPolicyConfig>;
  rotation?: Partial<JpegRotationConfig>;
  player?: Partial<MsePlayerConfig>;
  /** The newest still the app already holds for a camera (the camera panel's thumbnail). */
  cachedStill?: (cameraId: string) => JpegFrame | undefined;
  /** Delays between restarts, ms; the last one repeats. */
  backoffMs?: readonly number[];
  clock?: Clock;
  /** How tiles get their players (default: MsePlayer, and JpegPlayers over the shared rotation). */
  players?: Partial<TilePlayers>;
}

/** Restart delays: quick at first (a blip), then slower so a dead camera costs little. */
const defaultBackoffMs = [1000, 2000, 4000, 8000, 15_000, 30_000];
/** How often players report health to the policy and the overlay refreshes, ms. */
const healthEveryMs = 1000;

/** The shared side of all live tiles of a window: policy, JPEG rotation, main's stream states. */
export class LiveTiles implements TileHost {
  readonly policy: StreamPolicy;
  readonly rotation: JpegRotation;
  readonly clock: Clock;
  readonly players: TilePlayers;
  readonly backoffMs: readonly number[];
  readonly cachedStill: ((cameraId: string) => JpegFrame | undefined) | undefined;
  private readonly tiles = new Map<string, TileController>();
  private readonly byStream = new Map<string, TileController>();
  private readonly states = new Map<string, StreamState>();
  private unsubscribe: (() => void) | null = null;
  private healthTimer: TimerHandle | undefined;
  private decideTimer: TimerHandle | undefined;
  private nextTile = 0;
  private ticks = 0;

  constructor(
    readonly api: LiveApi,
    options: LiveTilesOptions = {},
  ) {
    const clock = (this.clock = options.clock ?? browserClock);
    this.policy = new StreamPolicy(options.policy, () => clock.now());
    this.rotation = new JpegRotation((cameraId, width) => api.still({ cameraId, width }), options.rotation);
    this.players = {
      video: options.players?.video ?? (() => new MsePlayer(options.player)),
      still: options.players?.still ?? (() => new JpegPlayer(this.rotation)),
    };
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.cachedStill = options.cachedStill;
  }

  createTile(view: TileView): TileController {
    const id = `tile-${++this.nextTile}`;
    const tile = new TileController(this, id, view);
    this.tiles.set(id, tile);
    if (!this.unsubscribe) this.unsubscribe = this.api.onState((states) => this.onStates(states));
    this.healthTimer ??= this.clock.setTimeout(() => this.health(), healthEveryMs);
    return tile;
  }

  removeTile(tile: TileController): void {
    this.tiles.delete(tile.id);
    this.policy.forget(tile.id);
    if (this.tiles.size === 0) {
      this.clock.clearTimeout(this.healthTimer);
      this.healthTimer = undefined;
      this.unsubscribe?.();
      this.unsubscribe = null;
    }
    this.scheduleDecide();
  }

  /** Something a decision depends on changed; decide once the burst is over (resizes come in bursts). */
  scheduleDecide(delayMs = 50): void {
    if (this.decideTimer !== undefined) return;
    this.decideTimer = this.clock.setTimeout(() => {
      this.decideTimer = undefined;
      this.decide();
    }, delayMs);
  }

  track(streamId: string, tile: TileController | null): void {
    if (tile) this.byStream.set(streamId, tile);
    else {
      this.byStream.delete(streamId);
      this.states.delete(streamId);
    }
  }

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
    this.healthTimer = this.clock.setTimeout(() => this.health(), healthEveryMs);
    let changed = false;
    for (const tile of this.tiles.values()) {
      const stats = tile.sampleStats();
      if (stats && tile.view.picture === 'video' && this.policy.report(tile.id, { decodedFrames: stats.decodedFrames, droppedFrames: stats.droppedFrames - stats.seekDroppedFrames, jumps: stats.jumps, bufferAheadSec: stats.bufferAheadSec, clumpLagMs: stats.clumpLagMs, ...(stats.latencyMs === undefined ? {} : { latencyMs: stats.latencyMs }) })) changed = true;
    }
    // Demotions expire with time, so decide now and then even when nothing was reported.
    if (changed || ++this.ticks % 5 === 0) this.scheduleDecide(0);
  }
}
