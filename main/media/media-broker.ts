/**
 * Live video for every tile of every window: viewers (one per tile, opaque stream ids) share
 * upstreams (one ffmpeg per camera × profile), reference counted.
 *
 *   media:open  ─▶ viewer ──┐
 *   media:open  ─▶ viewer ──┼──▶ upstream (camera 7, sub) ──▶ ffmpeg ──▶ fMP4 ──▶ every viewer
 *   media:close ─▶ (gone) ──┘      stops LINGER_MS after its last viewer left
 *
 * A viewer's bytes flow once its player fetches `media/stream/<id>` (attach); aborting that
 * fetch closes the viewer like media:close. A viewer never fetched is closed after UNCLAIMED_MS
 * (a window that crashed between open and fetch must not keep a camera streaming).
 * State is published as whole snapshots (onStates): soon when a status changes (at most once per
 * STATE_PUBLISH_MIN_MS, merging bursts), and at most once per STATS_PUBLISH_MS when only the
 * numbers of the overlay moved.
 *
 * Opening refuses a camera no site knows (`not-found`, before any slot or ffmpeg is spent on it)
 * and counts streams per window as well as in all (stream-slots.ts).
 */
import { randomUUID } from 'node:crypto';
import { AppFailure, type CameraState, type MediaStream, type ProfileName, type StreamState } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { LiveSource } from './sources.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { spawnFfmpeg, type PipelineRunner } from './ffmpeg-process.js';
import { PublishThrottle } from './publish-throttle.js';
import { StreamSlots } from './stream-slots.js';
import { Upstream } from './upstream.js';
import type { UpstreamLike, UpstreamSpec, UpstreamTuning } from './upstream-types.js';
import { Viewer, type ViewerSink, type ViewerStats } from './viewer.js';

/** Keep an upstream this long after its last viewer left: a tile switching layouts rejoins at once, ms. */
export const LINGER_MS = 5_000;
/** A viewer whose player never fetched its path is closed after this long, ms. */
export const UNCLAIMED_MS = 30_000;
/** Stats-only snapshots at most this often, ms: 64 tiles must not flood every window with events. */
export const STATS_PUBLISH_MS = 2_000;
/**
 * State snapshots at most this often, ms: a burst of opens, closes or upstream retries becomes one
 * event per window per interval (at most 5 a second) instead of one per change.
 */
export const STATE_PUBLISH_MIN_MS = 200;
export { MAX_VIEWERS, MAX_VIEWERS_PER_WINDOW } from './stream-slots.js';

/** Who opens a stream when no window does (the CLI, tests): counted like a window. */
export const MAIN_OWNER = 'main';

export interface MediaBrokerOptions {
  /** Where to pull live video of a camera (compose: the adapter's liveSource through SiteService.withCamera, which signs in again when needed). */
  resolve(cameraId: string, profile: ProfileName): Promise<LiveSource>;
  /** The camera's status at its site, for better words ("camera offline"). */
  cameraState?(cameraId: string): CameraState | undefined;
  /**
   * False when no configured site can have this camera: media:open then fails at once with
   * `not-found` (before, it answered ok and the failure came later in media:state, so a window
   * could fill every slot with cameras that do not exist). Without it every id is accepted.
   */
  cameraKnown?(cameraId: string): boolean;
  /** Tests set smaller limits. */
  slots?: StreamSlots;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  lingerMs?: number;
  unclaimedMs?: number;
  runner?: PipelineRunner;
  tuning?: Partial<UpstreamTuning>;
  /** Tests replace upstreams with fakes. */
  createUpstream?(spec: UpstreamSpec, onChange: (kind: 'status' | 'stats') => void): UpstreamLike;
}

interface UpstreamEntry {
  upstream: UpstreamLike;
  viewers: Set<Viewer>;
  linger: TimerHandle | null;
}

interface ViewerEntry {
  viewer: Viewer;
  entry: UpstreamEntry;
  unclaimed: TimerHandle | null;
  /** The window that opened it (its slot is given back on close). */
  owner: string;
}

export class MediaBroker {
  private readonly upstreams = new Map<string, UpstreamEntry>();
  private readonly viewers = new Map<string, ViewerEntry>();
  private readonly listeners = new Set<(states: StreamState[]) => void>();
  private readonly clock: Clock;
  private readonly slots: StreamSlots;
  private readonly throttle: PublishThrottle;
  private statsTimer: TimerHandle | null = null;
  private disposed = false;

  constructor(private readonly o: MediaBrokerOptions) {
    this.clock = o.clock ?? systemClock;
    this.slots = o.slots ?? new StreamSlots();
    this.throttle = new PublishThrottle(this.clock, STATE_PUBLISH_MIN_MS, () => this.publish());
  }

  /**
   * Starts (or joins) live video of a camera for one tile of the window `owner` (the router's
   * caller). Throws `not-found` for a camera no site knows and `conflict` beyond a slot limit.
   */
  open(cameraId: string, profile: ProfileName, owner = MAIN_OWNER): MediaStream {
    if (this.disposed) throw new AppFailure('unsupported', 'Tessera is shutting down.');
    if (this.o.cameraKnown && !this.o.cameraKnown(cameraId)) {
      throw new AppFailure('not-found', `There is no camera ${JSON.stringify(cameraId.slice(0, 120))} on any site Tessera knows.`);
    }
    try {
      this.slots.take(owner);
    } catch (err) {
      this.o.log.warn('refused a stream: slot limit reached', { caller: owner, open: this.slots.heldBy(owner), total: this.slots.inUse });
      throw err;
    }
    const key = `${cameraId}|${profile}`;
    let entry = this.upstreams.get(key);
    if (!entry) {
      const spec: UpstreamSpec = { key, cameraId, profile };
      entry = { upstream: this.createUpstream(spec), viewers: new Set(), linger: null };
      this.upstreams.set(key, entry);
    }
    this.clock.clearTimeout(entry.linger);
    entry.linger = null;
    const streamId = randomUUID();
    const viewer = new Viewer(streamId, cameraId, profile);
    entry.viewers.add(viewer);
    entry.upstream.addViewer(viewer);
    const viewerEntry: ViewerEntry = { viewer, entry, unclaimed: null, owner };
    viewerEntry.unclaimed = this.clock.setTimeout(() => {
      this.o.log.info('closing a stream its player never fetched', { streamId, camera: cameraId });
      this.close(streamId);
    }, this.o.unclaimedMs ?? UNCLAIMED_MS);
    this.viewers.set(streamId, viewerEntry);
    entry.upstream.start();
    this.queuePublish();
    return { streamId, cameraId, profile, path: `media/stream/${streamId}` };
  }

  /** The tile no longer shows the stream. Unknown ids are fine (closed twice, or already reaped). */
  close(streamId: string): boolean {
    const viewerEntry = this.viewers.get(streamId);
    if (!viewerEntry) return false;
    const { viewer, entry } = viewerEntry;
    this.viewers.delete(streamId);
    this.slots.release(viewerEntry.owner);
    this.clock.clearTimeout(viewerEntry.unclaimed);
    entry.viewers.delete(viewer);
    entry.upstream.removeViewer(viewer);
    viewer.end();
    if (viewer.stats.fragmentsDropped > 0) this.o.log.info('viewer closed after drops', { streamId, ...viewer.stats });
    if (entry.viewers.size === 0 && !entry.linger) {
      entry.linger = this.clock.setTimeout(() => {
        entry.linger = null;
        if (entry.viewers.size > 0 || this.upstreams.get(entry.upstream.spec.key) !== entry) return;
        this.upstreams.delete(entry.upstream.spec.key);
        void entry.upstream.stop();
      }, this.o.lingerMs ?? LINGER_MS);
    }
    this.queuePublish();
    return true;
  }

  /**
   * Connects the player's fetch of a stream. Returns the function to call when the fetch is
   * gone (aborted, reloaded), or null when there is no such stream.
   */
  attach(streamId: string, sink: ViewerSink): (() => void) | null {
    const viewerEntry = this.viewers.get(streamId);
    if (!viewerEntry) return null;
    this.clock.clearTimeout(viewerEntry.unclaimed);
    viewerEntry.unclaimed = null;
    const { viewer, entry } = viewerEntry;
    viewer.attach(sink, entry.upstream.join());
    return () => {
      // A newer fetch of the same stream replaced this one: that one owns the viewer now.
      if (this.viewers.get(streamId)?.viewer === viewer && viewer.isCurrent(sink)) this.close(streamId);
    };
  }

  states(): StreamState[] {
    return [...this.viewers.values()].map(({ viewer, entry }) => {
      const snap = entry.upstream.snapshot();
      return {
        streamId: viewer.streamId,
        cameraId: viewer.cameraId,
        profile: viewer.profile,
        status: snap.status,
        ...(snap.reason ? { reason: snap.reason } : {}),
        ...(snap.retryAtMs !== undefined ? { retryAtMs: snap.retryAtMs } : {}),
        info: snap.info,
      };
    });
  }

  onStates(listener: (states: StreamState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  viewerStats(streamId: string): ViewerStats | undefined {
    return this.viewers.get(streamId)?.viewer.stats;
  }

  /** The upstream a stream is served from (tests reach its process). */
  upstreamOf(streamId: string): UpstreamLike | undefined {
    return this.viewers.get(streamId)?.entry.upstream;
  }

  /** Keys ("camera|profile") of upstreams alive now, lingering ones included. */
  upstreamKeys(): string[] {
    return [...this.upstreams.keys()];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const streamId of [...this.viewers.keys()]) this.close(streamId);
    const entries = [...this.upstreams.values()];
    this.upstreams.clear();
    for (const entry of entries) this.clock.clearTimeout(entry.linger);
    this.clock.clearTimeout(this.statsTimer);
    this.throttle.dispose();
    await Promise.all(entries.map((entry) => entry.upstream.stop()));
    this.listeners.clear();
  }

  private createUpstream(spec: UpstreamSpec): UpstreamLike {
    const onChange = (kind: 'status' | 'stats'): void => (kind === 'status' ? this.queuePublish() : this.queueStatsPublish());
    if (this.o.createUpstream) return this.o.createUpstream(spec, onChange);
    return new Upstream({
      spec,
      resolve: () => this.o.resolve(spec.cameraId, spec.profile),
      cameraState: () => this.o.cameraState?.(spec.cameraId),
      runner: this.o.runner ?? spawnFfmpeg,
      clock: this.clock,
      random: this.o.random ?? Math.random,
      log: this.o.log.child('upstream'),
      onChange,
      ...(this.o.tuning ? { tuning: this.o.tuning } : {}),
    });
  }

  private queuePublish(): void {
    if (!this.disposed) this.throttle.request();
  }

  private queueStatsPublish(): void {
    if (this.statsTimer || this.disposed) return;
    this.statsTimer = this.clock.setTimeout(() => {
      this.statsTimer = null;
      this.queuePublish();
    }, STATS_PUBLISH_MS);
  }

  private publish(): void {
    if (this.disposed) return;
    const states = this.states();
    for (const listener of this.listeners) listener(states);
  }
}
