/**
 * Stills while the playhead is dragged: every tile shows the recorded still nearest the playhead.
 * Per camera, the newest request wins (an older one still out is aborted: its answer would only
 * be overtaken), stills are cached per camera × time bucket (a drag back over the same stretch
 * costs nothing), and the buckets around the playhead and ahead in the drag's direction are
 * fetched before they are needed, a few at a time, once the picture under the playhead is in. The fetch and the release of an evicted
 * still (an object URL) are injected, so tests drive it with fakes.
 */

export interface ScrubStill {
  /** What an <img> shows (an object URL in the app). */
  src: string;
  /** The time the picture shows, epoch ms (the vendor's nearest image, not the time asked). */
  frameTimeMs: number;
}

/** Fetches the still nearest `atMs`; rejects with an Error whose message is the reason in words. */
export type StillFetch = (cameraId: string, atMs: number, signal: AbortSignal) => Promise<ScrubStill>;

export type ScrubResult = { cameraId: string; atMs: number } & ({ still: ScrubStill; cached: boolean } | { error: string });

export interface ScrubberConfig {
  /** Width of a cache bucket when the caller gives none, ms. */
  bucketMs: number;
  /** Stills kept in all (object URLs cost memory): the oldest used go first. */
  maxCached: number;
  /** Buckets prefetched on each side of the playhead. */
  around: number;
  /** Buckets prefetched ahead in the drag's direction. */
  ahead: number;
  /** Prefetches out at once per camera (beside the one current request). */
  parallel: number;
  /**
   * A cached still further than this from the playhead is shown at once and then replaced by
   * one asked for the playhead itself, ms (a bucket spans seconds at a wide zoom).
   */
  exactMs: number;
}

export const defaultScrubber: ScrubberConfig = { bucketMs: 500, maxCached: 600, around: 1, ahead: 4, parallel: 2, exactMs: 300 };

interface CameraState {
  current: { key: string; atMs: number; abort: AbortController } | null;
  /** Prefetches out, by cache key. */
  prefetching: Map<string, AbortController>;
  /** Buckets still to prefetch, in order of need (keys → the time to ask). */
  queue: [string, number][];
}

export class StillScrubber {
  private readonly cache = new Map<string, ScrubStill>();
  private readonly cameras = new Map<string, CameraState>();
  private readonly listeners = new Set<(result: ScrubResult) => void>();
  /** The still each camera's tile shows now: never released while on screen. */
  private readonly onScreen = new Map<string, ScrubStill>();
  /** Evicted while on screen: released once the tile shows another. */
  private readonly deferred = new Set<ScrubStill>();
  private disposed = false;

  constructor(
    private readonly fetch: StillFetch,
    private readonly release: (still: ScrubStill) => void,
    private readonly config: ScrubberConfig = defaultScrubber,
  ) {}

  onResult(listener: (result: ScrubResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The playhead is at `atMs`, moving in `direction` (0: not moving). `bucketMs` follows the
   * zoom (a pixel's worth of time, at least the default): finer gains nothing on screen.
   */
  show(cameraIds: readonly string[], atMs: number, direction: -1 | 0 | 1, bucketMs = this.config.bucketMs): void {
    if (this.disposed) return;
    for (const cameraId of cameraIds) this.showOne(cameraId, atMs, direction, Math.max(this.config.bucketMs, bucketMs));
  }

  /** Stops every request of cameras no longer on the wall, or all (the drag ended). */
  cancel(cameraIds?: readonly string[]): void {
    for (const [id, state] of this.cameras) {
      if (cameraIds && !cameraIds.includes(id)) continue;
      state.current?.abort.abort();
      state.current = null;
      for (const abort of state.prefetching.values()) abort.abort();
      state.prefetching.clear();
      state.queue = [];
    }
  }

  /** How many stills are cached (for the bench's memory check). */
  get cachedCount(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
    for (const still of new Set([...this.cache.values(), ...this.deferred])) this.release(still);
    this.cache.clear();
    this.deferred.clear();
    this.onScreen.clear();
  }

  private showOne(cameraId: string, atMs: number, direction: -1 | 0 | 1, bucketMs: number): void {
    let state = this.cameras.get(cameraId);
    if (!state) {
      state = { current: null, prefetching: new Map(), queue: [] };
      this.cameras.set(cameraId, state);
    }
    const bucket = Math.floor(atMs / bucketMs);
    const key = keyOf(cameraId, bucketMs, bucket);
    const hit = this.touch(key);
    if (hit) this.emit({ cameraId, atMs, still: hit, cached: true });
    const near = (t: number): boolean => Math.abs(t - atMs) <= this.config.exactMs;
    if (hit && near(hit.frameTimeMs)) {
      state.current?.abort.abort();
      state.current = null;
    } else if (!state.current || !near(state.current.atMs)) {
      // Newest wins: the older request's answer would be overtaken by this one. A prefetch of
      // this bucket asked near enough to the playhead is adopted rather than asked again.
      state.current?.abort.abort();
      const bucketMiddle = bucket * bucketMs + bucketMs / 2;
      const prefetch = state.prefetching.get(key);
      const adopt = prefetch !== undefined && !hit && near(bucketMiddle);
      const abort = adopt ? prefetch : new AbortController();
      if (adopt) state.prefetching.delete(key);
      state.current = { key, atMs, abort };
      if (!adopt) void this.run(cameraId, key, atMs, abort);
    }
    // Prefetch: the neighbours first, then ahead in the drag's direction.
    const wanted: [string, number][] = [];
    const add = (b: number): void => {
      const k = keyOf(cameraId, bucketMs, b);
      if (k !== key && !this.cache.has(k) && !wanted.some(([w]) => w === k)) wanted.push([k, b * bucketMs + bucketMs / 2]);
    };
    for (let i = 1; i <= this.config.around; i += 1) {
      add(bucket + (direction || 1) * i);
      add(bucket - (direction || 1) * i);
    }
    if (direction !== 0) for (let i = this.config.around + 1; i <= this.config.around + this.config.ahead; i += 1) add(bucket + direction * i);
    // Prefetches no longer near the playhead are worth nothing now.
    for (const [k, abort] of state.prefetching) {
      if (!wanted.some(([w]) => w === k)) {
        abort.abort();
        state.prefetching.delete(k);
      }
    }
    state.queue = wanted.filter(([k]) => !state.prefetching.has(k));
    this.topUp(cameraId, state);
  }

  private topUp(cameraId: string, state: CameraState): void {
    // The picture under the playhead first: prefetches wait while it is out (a VMS answering
    // stills in seconds under load must not serve the guesses before it).
    if (state.current) return;
    while (state.prefetching.size < this.config.parallel && state.queue.length > 0) {
      const [key, atMs] = state.queue.shift()!;
      if (this.cache.has(key)) continue;
      const abort = new AbortController();
      state.prefetching.set(key, abort);
      void this.run(cameraId, key, atMs, abort);
    }
  }

  private async run(cameraId: string, key: string, atMs: number, abort: AbortController): Promise<void> {
    let still: ScrubStill | undefined;
    let error: string | undefined;
    try {
      still = await this.fetch(cameraId, atMs, abort.signal);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const state = this.cameras.get(cameraId);
    if (this.disposed || !state) {
      if (still) this.release(still);
      return;
    }
    if (still) this.store(key, still);
    if (state.prefetching.get(key) === abort) state.prefetching.delete(key);
    const current = state.current;
    if (current?.abort === abort) {
      // An adopted prefetch answers for the time the playhead asked, not the bucket's middle.
      state.current = null;
      if (still) this.emit({ cameraId, atMs: current.atMs, still, cached: false });
      else if (!abort.signal.aborted) this.emit({ cameraId, atMs: current.atMs, error: error ?? 'no still' });
    }
    this.topUp(cameraId, state);
  }

  private store(key: string, still: ScrubStill): void {
    const old = this.cache.get(key);
    if (old && old.src !== still.src) this.drop(old);
    this.cache.delete(key);
    this.cache.set(key, still);
    while (this.cache.size > this.config.maxCached) {
      const [oldest, value] = this.cache.entries().next().value as [string, ScrubStill];
      this.cache.delete(oldest);
      this.drop(value);
    }
  }

  /** Releases a still no longer cached, unless a tile shows it (then when it shows another). */
  private drop(still: ScrubStill): void {
    if ([...this.onScreen.values()].includes(still)) this.deferred.add(still);
    else this.release(still);
  }

  /** A cached still, marked as used now. */
  private touch(key: string): ScrubStill | undefined {
    const still = this.cache.get(key);
    if (still) {
      this.cache.delete(key);
      this.cache.set(key, still);
    }
    return still;
  }

  private emit(result: ScrubResult): void {
    if ('still' in result) {
      const before = this.onScreen.get(result.cameraId);
      this.onScreen.set(result.cameraId, result.still);
      if (before && before !== result.still && this.deferred.delete(before) && ![...this.onScreen.values()].includes(before)) this.release(before);
    }
    for (const listener of this.listeners) listener(result);
  }
}

function keyOf(cameraId: string, bucketMs: number, bucket: number): string {
  return `${cameraId}|${bucketMs}|${bucket}`;
}
