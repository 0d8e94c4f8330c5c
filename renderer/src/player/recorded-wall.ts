/**
 * The recorded side of a window's wall: the sync group every recorded tile follows (or, with
 * Sync off, one group per tile, so a tile goes its own way), the still scrubber used while the
 * playhead is dragged, and the timeline's actions (scrub, release, play/pause, speed, frame
 * step, back to live) carried out on the tiles. A tick every `tickMs` starts the group clock
 * once the tiles show a frame and steers each tile against it (domain/sync-group.ts).
 *
 * Times: the group clock runs on a monotonic `now` (performance.now); positions are wall-clock
 * epoch ms. Players, fetches and clocks are injected: unit tests drive it with fakes.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { nextRecordingStart, type Period } from '../../../common/time-periods.js';
import { previousRecordingEnd, steerTile, SyncGroup, type GroupPosition } from '../domain/sync-group.js';
import type { ScrubResult, StillScrubber } from '../domain/still-scrubber.js';
import type { TimeZoneSpec } from '../domain/time-scale.js';
import { RecordedTile, type RecordedTileDeps } from './recorded-tile.js';
import type { PlaybackApi, RecordedView } from './recorded-view.js';

export interface RecordedWallDeps {
  api: PlaybackApi;
  scrubber: StillScrubber;
  /** Timers (and wall "now" for Live) from here; the group clock uses `monotonicNow`. */
  clock: Clock;
  monotonicNow(): number;
  /** The camera's recorded periods where known (the gap rule needs them). */
  coverage(cameraId: string): readonly Period[] | undefined;
  zone(): TimeZoneSpec;
  player: RecordedTileDeps['player'];
  tickMs?: number;
}

interface Entry {
  tile: RecordedTile;
  /** Its own group while Sync is off. */
  own: SyncGroup | null;
}

/** Let go (or gone to) this close to now, the wall plays live instead of recordings, ms. */
export const liveEdgeMs = 5000;

/** The group every tile follows; the timeline shows it. */
export type WallMode = 'live' | 'recorded';

export class RecordedWall {
  private readonly tiles = new Map<string, Entry>();
  private readonly shared: SyncGroup;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | null = null;
  private stopScrub: (() => void) | null = null;
  mode: WallMode = 'live';
  sync = true;
  /** The tile the timeline follows with Sync off (the focused one). */
  focusedId: string | null = null;
  /** Called after every tick and action (the store mirrors position, rate, status). */
  onChange: () => void = () => {};

  constructor(private readonly deps: RecordedWallDeps) {
    this.shared = new SyncGroup(deps.monotonicNow, deps.clock.now());
    this.stopScrub = deps.scrubber.onResult((r) => this.onStill(r));
  }

  /** A tile of the wall; `media` and `onFrameTime` come from its view. */
  add(id: string, cameraId: string, view: RecordedView, media: RecordedTileDeps['media'], onFrameTime: RecordedTileDeps['onFrameTime']): RecordedTile {
    this.remove(id);
    const tile = new RecordedTile(cameraId, view, { api: this.deps.api, player: this.deps.player, media, zone: this.deps.zone, onFrameTime, now: this.deps.monotonicNow });
    const own = this.sync ? null : new SyncGroup(this.deps.monotonicNow, this.shared.positionMs());
    this.tiles.set(id, { tile, own });
    // It opens at the group's speed (backwards once its session says it can).
    void tile.setRate((own ?? this.shared).rate);
    this.unsubscribe ??= this.deps.api.onState((states) => {
      for (const state of states) for (const e of this.tiles.values()) e.tile.onState(state);
    });
    // A tile added while the wall looks back joins at the group's position.
    if (this.mode === 'recorded' && this.sync) void tile.playFrom(this.shared.positionMs());
    return tile;
  }

  remove(id: string): void {
    const entry = this.tiles.get(id);
    if (!entry) return;
    entry.tile.close();
    this.tiles.delete(id);
    if (this.tiles.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = null;
    }
  }

  /** The group the timeline shows: the shared one, or the focused tile's with Sync off. */
  position(): GroupPosition {
    return this.target().snapshot();
  }

  /** The playhead is dragged to atMs: each targeted tile shows the nearest still. */
  scrub(atMs: number, direction: -1 | 0 | 1, bucketMs?: number): void {
    this.enterRecorded();
    const group = this.target();
    if (group.status !== 'paused') group.pause();
    group.seek(atMs);
    this.tellMainPaused();
    const entries = this.targeted();
    for (const e of entries) e.tile.view.active = true;
    this.deps.scrubber.show(
      entries.map((e) => e.tile.cameraId),
      atMs,
      direction,
      bucketMs,
    );
    this.onChange();
  }

  /**
   * The drag ended at atMs: the targeted tiles play from there, in step. At the present (the
   * strip goes no further) the wall goes back to live: nothing is recorded there yet, so playing
   * would leave every tile saying so, second after second.
   */
  release(atMs: number, play = true): void {
    if (play && this.sync && atMs >= this.deps.clock.now() - liveEdgeMs) return this.live();
    this.deps.scrubber.cancel();
    this.enterRecorded();
    const group = this.target();
    if (play) group.play(atMs);
    else group.seek(atMs);
    for (const e of this.targeted()) void e.tile.playFrom(atMs);
    this.ensureTicking();
    this.onChange();
  }

  togglePlay(): void {
    const group = this.target();
    if (this.mode === 'live') return this.release(this.deps.clock.now() - 10_000);
    if (group.status === 'paused') group.play();
    else group.pause();
    this.tellMainPaused();
    this.onChange();
  }

  /** The speed of the group (negative: backwards; a tile that cannot reverse says so and holds). */
  setRate(rate: number): void {
    const group = this.target();
    group.setRate(rate);
    const atMs = group.positionMs();
    for (const e of this.targeted()) void e.tile.setRate(rate, atMs).finally(() => this.onChange());
    this.onChange();
  }

  /**
   * Whether the timeline may offer reverse speeds: some tile it moves can play backwards (known
   * once its session is open), or the group already plays backwards.
   */
  canReverse(): boolean {
    return this.target().rate < 0 || this.targeted().some((e) => e.tile.canReverse === true);
  }

  /** One frame forward or back (pauses first); the frame interval of the focused tile. */
  step(direction: 1 | -1): void {
    if (this.mode === 'live') return;
    const focused = this.focusedId ? this.tiles.get(this.focusedId) : undefined;
    const frameMs = (focused ?? this.targeted()[0])?.tile.frameMs ?? 100;
    this.target().step(direction, frameMs);
    this.tellMainPaused();
    this.onChange();
  }

  /** Jumps the group to atMs (Go to date/time, previous/next event). */
  goTo(atMs: number): void {
    const playing = this.target().status !== 'paused';
    this.release(atMs, playing || this.mode === 'live');
  }

  /** Back to live: every recorded session closes, the tiles' live video comes back. */
  live(): void {
    this.deps.scrubber.cancel();
    for (const e of this.tiles.values()) {
      e.tile.close();
      e.own = null;
    }
    this.shared.pause();
    this.mode = 'live';
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.onChange();
  }

  /** Sync on: every tile follows the shared group from the focused tile's position; off: each its own. */
  setSync(on: boolean): void {
    if (on === this.sync) return;
    const from = this.target().snapshot();
    this.sync = on;
    for (const e of this.tiles.values()) {
      const own = on ? null : new SyncGroup(this.deps.monotonicNow, from.positionMs);
      if (own && from.status !== 'paused') own.play(from.positionMs);
      e.own = own;
    }
    if (on && this.mode === 'recorded') this.release(from.positionMs, from.status !== 'paused');
    this.onChange();
  }

  dispose(): void {
    this.live();
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.stopScrub?.();
  }

  /** One steering pass (the timer calls it every tickMs; tests call it directly). */
  tick(): void {
    const groups = new Map<SyncGroup, Entry[]>();
    for (const [id, e] of this.tiles) {
      if (!e.tile.view.active) continue;
      const g = this.groupOf(id);
      groups.set(g, [...(groups.get(g) ?? []), e]);
    }
    for (const [group, entries] of groups) {
      const before = group.snapshot();
      // A tile that cannot follow (failed, or cannot play backwards) is not waited for.
      const ready = entries.every((e) => e.tile.frameTimeMs !== undefined || this.inGap(e, before.positionMs) || e.tile.view.status.kind === 'failed' || (before.rate < 0 && e.tile.canReverse === false));
      group.tick(ready);
      let position = group.snapshot();
      // Every tile in a gap: nothing to wait for, so the group skips to where the first recording
      // goes on (backwards: where the last one before the gap ended).
      const back = position.rate < 0;
      const nexts = entries.map((e) => {
        if (!this.inGap(e, position.positionMs)) return undefined;
        const periods = this.deps.coverage(e.tile.cameraId) ?? [];
        return back ? previousRecordingEnd(periods, position.positionMs) : nextRecordingStart(periods, position.positionMs);
      });
      if (position.status === 'playing' && nexts.every((n) => n !== undefined)) {
        group.seek(back ? Math.max(...(nexts as number[])) : Math.min(...(nexts as number[])));
        position = group.snapshot();
      }
      for (const e of entries) {
        e.tile.groupPaused(position.status === 'paused');
        const coverage = this.deps.coverage(e.tile.cameraId);
        const playheadMs = e.tile.playheadMs;
        const sample = { frameTimeMs: e.tile.frameTimeMs, holding: e.tile.holding, frameMs: e.tile.frameMs, ...(playheadMs === undefined ? {} : { playheadMs }), ...(coverage ? { coverage } : {}) };
        e.tile.steer(steerTile(position, sample), position);
      }
    }
    this.onChange();
  }

  /** Each tile's session in main pauses and plays with the tile's group (once per change; see RecordedTile.groupPaused). */
  private tellMainPaused(): void {
    for (const [id, e] of this.tiles) e.tile.groupPaused(this.groupOf(id).status === 'paused');
  }

  private inGap(e: Entry, atMs: number): boolean {
    const coverage = this.deps.coverage(e.tile.cameraId);
    return !!coverage && !coverage.some((p) => p.fromMs <= atMs && atMs < p.toMs);
  }

  private onStill(r: ScrubResult): void {
    for (const e of this.targeted()) {
      if (e.tile.cameraId !== r.cameraId) continue;
      if ('still' in r) e.tile.showStill(r.still.src, r.still.frameTimeMs);
      else if (this.inGap(e, r.atMs)) e.tile.showGap(r.atMs, nextRecordingStart(this.deps.coverage(e.tile.cameraId) ?? [], r.atMs));
      else e.tile.showStillError(r.error);
    }
  }

  private enterRecorded(): void {
    if (this.mode === 'recorded') return;
    this.mode = 'recorded';
    for (const e of this.targeted()) e.tile.view.active = true;
  }

  private ensureTicking(): void {
    if (this.timer !== undefined) return;
    const run = (): void => {
      this.timer = this.deps.clock.setTimeout(run, this.deps.tickMs ?? 100);
      this.tick();
    };
    this.timer = this.deps.clock.setTimeout(run, this.deps.tickMs ?? 100);
  }

  private groupOf(id: string): SyncGroup {
    return this.tiles.get(id)?.own ?? this.shared;
  }

  private target(): SyncGroup {
    if (this.sync || !this.focusedId) return this.shared;
    return this.tiles.get(this.focusedId)?.own ?? this.shared;
  }

  /** The tiles the timeline's actions apply to: all with Sync on, else the focused one. */
  private targeted(): Entry[] {
    if (this.sync) return [...this.tiles.values()];
    const focused = this.focusedId ? this.tiles.get(this.focusedId) : undefined;
    return focused ? [focused] : [];
  }
}
