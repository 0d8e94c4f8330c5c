/**
 * The latest live still of each camera, in memory for a moment, so the wall asks the VMS once per
 * camera however many tiles, windows or displays show it: a 64-tile wall over 32 cameras has two
 * JPEG tiles of many cameras, and serve mode's displays each run their own rotation.
 *
 * A request is answered from memory while the kept picture is fresh (younger than `freshMs`, well
 * under the 1 s a JPEG tile waits between pictures, so no tile sees an older picture than it
 * would have fetched) and at least as wide as asked; a request while a fetch for the camera is
 * under way joins it. Failures are not kept: the next request asks again. Recorded stills do not
 * pass through here (they are asked once, for one instant).
 */

export interface LiveStill {
  jpeg: Buffer;
  /** When the picture was taken (VMS clock), epoch ms. */
  timestampMs: number;
}

export interface StillCacheOptions {
  /** The VMS round trip (the site's adapter). */
  fetch(cameraId: string, width: number | undefined): Promise<LiveStill>;
  /** A kept picture answers requests for this long after it arrived, ms. */
  freshMs?: number;
  /** Cameras kept at most (the oldest picture goes first). */
  maxCameras?: number;
  now?: () => number;
}

interface Entry {
  still: LiveStill;
  /** Width it was asked at; undefined = the VMS's own size. */
  width: number | undefined;
  arrivedMs: number;
}

interface Pending {
  width: number | undefined;
  promise: Promise<LiveStill>;
}

/** Whether a picture asked at `had` serves a request for `wants` (wider serves narrower; the tile scales). */
export function widthServes(had: number | undefined, wants: number | undefined): boolean {
  if (had === undefined) return true;
  return wants !== undefined && wants <= had;
}

export class StillCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending>();
  private readonly freshMs: number;
  private readonly maxCameras: number;
  private readonly now: () => number;

  constructor(private readonly options: StillCacheOptions) {
    this.freshMs = options.freshMs ?? 500;
    this.maxCameras = options.maxCameras ?? 256;
    this.now = options.now ?? Date.now;
  }

  live(cameraId: string, width?: number): Promise<LiveStill> {
    const kept = this.entries.get(cameraId);
    if (kept && this.now() - kept.arrivedMs < this.freshMs && widthServes(kept.width, width)) return Promise.resolve(kept.still);
    const running = this.pending.get(cameraId);
    if (running && widthServes(running.width, width)) return running.promise;
    const promise = this.options.fetch(cameraId, width).then((still) => {
      this.keep(cameraId, { still, width, arrivedMs: this.now() });
      return still;
    });
    const mine: Pending = { width, promise };
    this.pending.set(cameraId, mine);
    const done = (): void => {
      if (this.pending.get(cameraId) === mine) this.pending.delete(cameraId);
    };
    promise.then(done, done);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(cameraId: string, entry: Entry): void {
    const previous = this.entries.get(cameraId);
    // A slower, older answer never replaces a newer picture.
    if (previous && previous.still.timestampMs > entry.still.timestampMs) return;
    this.entries.delete(cameraId);
    this.entries.set(cameraId, entry);
    while (this.entries.size > this.maxCameras) this.entries.delete(this.entries.keys().next().value!);
  }
}
