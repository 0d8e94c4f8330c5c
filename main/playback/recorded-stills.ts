/**
 * Recorded stills for scrubbing: kept per camera × time bucket × width, so dragging the playhead
 * back over the same stretch asks the VMS nothing, and several tiles or windows asking the same
 * camera at about the same instant share one request. A request nobody waits for any more (every
 * asker aborted: the playhead moved on) is aborted at the VMS where the adapter allows.
 */
import { widthServes } from '../media/still-cache.js';

export interface RecordedStill {
  jpeg: Buffer;
  /** The time the picture shows (VMS clock), epoch ms. */
  timestampMs: number;
}

export interface RecordedStillsOptions {
  /** The VMS round trip (compose: the adapter's recorded still through withCamera). */
  fetch(cameraId: string, atMs: number, width: number | undefined, signal: AbortSignal): Promise<RecordedStill>;
  /** Requests within one bucket share a picture, ms (under the 1 s the timeline promises). */
  bucketMs?: number;
  /** Bytes of JPEG kept at most (the least recently used go first). */
  maxBytes?: number;
}

interface Pending {
  width: number | undefined;
  promise: Promise<RecordedStill>;
  controller: AbortController;
  waiters: number;
}

export const STILL_BUCKET_MS = 500;
export const STILL_CACHE_BYTES = 32 * 1024 * 1024;

export class RecordedStills {
  private readonly kept = new Map<string, { still: RecordedStill; width: number | undefined }>();
  private readonly pending = new Map<string, Pending>();
  private keptBytes = 0;
  private readonly bucketMs: number;
  private readonly maxBytes: number;

  constructor(private readonly o: RecordedStillsOptions) {
    this.bucketMs = o.bucketMs ?? STILL_BUCKET_MS;
    this.maxBytes = o.maxBytes ?? STILL_CACHE_BYTES;
  }

  /** The still of a camera at atMs; `signal` is this asker's (its abort leaves the others' request alone). */
  get(cameraId: string, atMs: number, width: number | undefined, signal?: AbortSignal): Promise<RecordedStill> {
    if (signal?.aborted) return Promise.reject(abortError());
    const key = `${cameraId}|${Math.floor(atMs / this.bucketMs)}`;
    const hit = this.kept.get(key);
    if (hit && widthServes(hit.width, width)) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return Promise.resolve(hit.still);
    }
    let pending = this.pending.get(key);
    if (!pending || !widthServes(pending.width, width)) pending = this.start(key, cameraId, atMs, width);
    return this.wait(key, pending, signal);
  }

  get size(): number {
    return this.kept.size;
  }

  private start(key: string, cameraId: string, atMs: number, width: number | undefined): Pending {
    const controller = new AbortController();
    const promise = this.o.fetch(cameraId, atMs, width, controller.signal).then((still) => {
      this.keep(key, still, width);
      return still;
    });
    const pending: Pending = { width, promise, controller, waiters: 0 };
    this.pending.set(key, pending);
    const done = (): void => {
      if (this.pending.get(key) === pending) this.pending.delete(key);
    };
    promise.then(done, done);
    return pending;
  }

  private wait(key: string, pending: Pending, signal: AbortSignal | undefined): Promise<RecordedStill> {
    pending.waiters += 1;
    return new Promise<RecordedStill>((resolve, reject) => {
      let settled = false;
      const leave = (): void => {
        if (settled) return;
        settled = true;
        pending.waiters -= 1;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        leave();
        if (pending.waiters === 0) {
          pending.controller.abort();
          if (this.pending.get(key) === pending) this.pending.delete(key);
        }
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.promise.then(
        (still) => {
          leave();
          resolve(still);
        },
        (err: unknown) => {
          leave();
          reject(err);
        },
      );
    });
  }

  private keep(key: string, still: RecordedStill, width: number | undefined): void {
    const previous = this.kept.get(key);
    if (previous) this.keptBytes -= previous.still.jpeg.length;
    this.kept.delete(key);
    this.kept.set(key, { still, width });
    this.keptBytes += still.jpeg.length;
    while (this.keptBytes > this.maxBytes && this.kept.size > 1) {
      const [oldest, entry] = this.kept.entries().next().value!;
      this.kept.delete(oldest);
      this.keptBytes -= entry.still.jpeg.length;
    }
  }
}

function abortError(): Error {
  const err = new Error('The still is no longer wanted.');
  err.name = 'AbortError';
  return err;
}
