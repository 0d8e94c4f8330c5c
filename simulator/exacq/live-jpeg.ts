/**
 * Live JPEG for video.web format 0/6. Clients poll one frame per request for a live grid, so a
 * per-request encoder would be wasteful: while a camera/width is being polled, one
 * media.liveJpegs subscription keeps the latest frame, and it stops after a few idle seconds.
 */
import type { SimMedia } from '../types.js';

interface Feed {
  latest?: { jpeg: Buffer; timestampMs: number };
  waiters: ((frame: { jpeg: Buffer; timestampMs: number }) => void)[];
  stop: () => void;
  lastAskedMs: number;
}

/**
 * Polling stops mattering after this long without a request (ms). Housekeeping of processes runs
 * on the real clock, not the simulator's injected one: it is about CPU, not API behaviour.
 */
const idleStopMs = 5000;

export class LiveJpegCache {
  private readonly feeds = new Map<string, Feed>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly media: SimMedia,
    private readonly fps: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** Latest live frame; waits for the first one of a new feed (bounded by timeoutMs). */
  async frame(cameraIndex: number, width: number | undefined, timeoutMs = 15_000): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const key = `${cameraIndex}:${width ?? ''}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const created: Feed = { waiters: [], stop: () => {}, lastAskedMs: Date.now() };
      created.stop = this.media.liveJpegs(cameraIndex, this.fps, width, (jpeg, timestampMs) => {
        created.latest = { jpeg, timestampMs };
        for (const waiter of created.waiters.splice(0)) waiter(created.latest);
      });
      this.feeds.set(key, created);
      feed = created;
    }
    feed.lastAskedMs = Date.now();
    if (feed.latest) return feed.latest;
    const current = feed;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        current.waiters = current.waiters.filter((w) => w !== waiter);
        reject(new Error(`no live frame from camera ${cameraIndex} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: { jpeg: Buffer; timestampMs: number }): void => {
        clearTimeout(timer);
        resolve(frame);
      };
      current.waiters.push(waiter);
    });
  }

  /** Forget a camera's frames (it went offline: a stale picture must not be served). */
  drop(cameraIndex: number): void {
    for (const [key, feed] of this.feeds) {
      if (key.startsWith(`${cameraIndex}:`)) {
        feed.stop();
        this.feeds.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const feed of this.feeds.values()) feed.stop();
    this.feeds.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, feed] of this.feeds) {
      if (now - feed.lastAskedMs > idleStopMs && feed.waiters.length === 0) {
        feed.stop();
        this.feeds.delete(key);
      }
    }
  }
}
