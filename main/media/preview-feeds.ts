/**
 * Live preview feeds: for sites that push their grid previews as an MJPEG stream (Eagle Eye v3's
 * `multipartUrl`, type=preview, a couple of pictures a second), main keeps one reader per camera
 * while tiles ask for its stills and answers them from the newest picture at once. Without it a
 * v3 JPEG tile's every picture is a `liveImage.jpeg` request, which waits for the camera's next
 * preview (up to a second): each tile's gap between pictures was a second plus that wait.
 *
 * `latest()` never waits and returns nothing until a reader runs (the caller asks the VMS as
 * before). A reader starts at a camera's second ask within `lingerMs`: a video tile asks once for
 * its first picture and needs no feed, a JPEG tile asks every second. Later asks get the newest
 * picture while it is fresh. A reader nobody asked for during `lingerMs` is closed. A feed that
 * cannot be had, breaks, goes silent for `stallMs` or sends nonsense is logged once and not tried
 * again for `retryAfterMs`: stills keep coming the usual way meanwhile, so a broken feed costs
 * nothing but its absence.
 */
import type { Logger } from '../logging/logger.js';
import { MultipartReader, multipartBoundaryOf } from './multipart-reader.js';
import type { LiveStill } from './still-cache.js';

export interface PreviewFeed {
  url: string;
  /** Secrets (cookie, token): sent with the request, never logged. */
  headers: Record<string, string>;
  /** When a part's picture was taken, from its headers (names in lower case); undefined = unknown. */
  timestampOf(headers: Record<string, string>): number | undefined;
}

export interface PreviewFeedsOptions {
  /** The camera's feed; null when its site has none (not asked again for that camera). */
  open(cameraId: string): Promise<PreviewFeed | null>;
  log: Logger;
  /** A reader nobody asked for during this long is closed, ms. */
  lingerMs?: number;
  /** A picture older than this is not handed out (the feed has stalled), ms. */
  maxAgeMs?: number;
  /** After a failure, the camera's feed is not tried for this long, ms. */
  retryAfterMs?: number;
  /** A reader that has delivered no picture for this long (connected but silent) is closed as failed, ms. */
  stallMs?: number;
  /** Readers at most (64 tiles of distinct cameras). */
  maxReaders?: number;
  now?: () => number;
}

interface Reader {
  abort: AbortController;
  startedMs: number;
  lastAskedMs: number;
  newest?: LiveStill & { arrivedMs: number };
}

export class PreviewFeeds {
  private readonly readers = new Map<string, Reader>();
  /** Cameras asked once without a reader, and when. */
  private readonly askedOnce = new Map<string, number>();
  /** Cameras whose site has no feed, or whose feed failed (until when, ms). */
  private readonly unavailable = new Map<string, number>();
  private readonly sweep: NodeJS.Timeout;
  private readonly lingerMs: number;
  private readonly maxAgeMs: number;
  private readonly retryAfterMs: number;
  private readonly stallMs: number;
  private readonly maxReaders: number;
  private readonly now: () => number;

  constructor(private readonly options: PreviewFeedsOptions) {
    this.lingerMs = options.lingerMs ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 1_500;
    this.retryAfterMs = options.retryAfterMs ?? 60_000;
    this.stallMs = options.stallMs ?? 10_000;
    this.maxReaders = options.maxReaders ?? 64;
    this.now = options.now ?? Date.now;
    this.sweep = setInterval(() => this.check(), Math.max(250, Math.floor(Math.min(this.lingerMs, this.stallMs) / 4)));
    this.sweep.unref();
  }

  /** The newest fresh picture of the camera's feed, or undefined (then ask the VMS); starts the feed if needed. */
  latest(cameraId: string): LiveStill | undefined {
    const now = this.now();
    const reader = this.readers.get(cameraId);
    if (reader) {
      reader.lastAskedMs = now;
      const newest = reader.newest;
      return newest && now - newest.arrivedMs <= this.maxAgeMs ? { jpeg: newest.jpeg, timestampMs: newest.timestampMs } : undefined;
    }
    const until = this.unavailable.get(cameraId);
    if (until !== undefined && now < until) return undefined;
    this.unavailable.delete(cameraId);
    const before = this.askedOnce.get(cameraId);
    if (before === undefined || now - before >= this.lingerMs) this.askedOnce.set(cameraId, now);
    else if (this.readers.size < this.maxReaders) {
      this.askedOnce.delete(cameraId);
      this.start(cameraId, now);
    }
    return undefined;
  }

  /** Cameras with a reader open (for tests and diagnostics). */
  get open(): string[] {
    return [...this.readers.keys()];
  }

  close(): void {
    clearInterval(this.sweep);
    for (const reader of this.readers.values()) reader.abort.abort();
    this.readers.clear();
  }

  private start(cameraId: string, now: number): void {
    const reader: Reader = { abort: new AbortController(), startedMs: now, lastAskedMs: now };
    this.readers.set(cameraId, reader);
    void this.read(cameraId, reader).then(
      () => this.ended(cameraId, reader, 'the feed ended'),
      (err: unknown) => this.ended(cameraId, reader, err instanceof Error ? err.message : String(err)),
    );
  }

  private async read(cameraId: string, reader: Reader): Promise<void> {
    const feed = await this.options.open(cameraId);
    if (!feed) {
      this.unavailable.set(cameraId, Infinity);
      return;
    }
    if (reader.abort.signal.aborted) return;
    // A redirect would take the secrets elsewhere; a feed that moves is simply not used.
    const response = await fetch(feed.url, { headers: feed.headers, redirect: 'error', signal: reader.abort.signal });
    const host = new URL(feed.url).host;
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${host} answered HTTP ${response.status}`);
    }
    const boundary = multipartBoundaryOf(response.headers.get('content-type'));
    if (!boundary || !response.body) {
      await response.body?.cancel();
      throw new Error(`${host} answered ${response.headers.get('content-type') ?? 'no content type'}, not a multipart stream`);
    }
    const parts = new MultipartReader(boundary, 4 * 1024 * 1024);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const part of parts.push(Buffer.from(chunk))) {
        if (part.data.length < 4 || part.data[0] !== 0xff || part.data[1] !== 0xd8) continue; // not a JPEG: skip the part
        const arrivedMs = this.now();
        reader.newest = { jpeg: part.data, timestampMs: feed.timestampOf(part.headers) ?? arrivedMs, arrivedMs };
      }
    }
  }

  private ended(cameraId: string, reader: Reader, reason: string): void {
    if (this.readers.get(cameraId) !== reader) return;
    this.readers.delete(cameraId);
    if (reader.abort.signal.aborted) return; // closed on purpose
    if (this.unavailable.get(cameraId) === Infinity) return; // the site has no feed
    this.failed(cameraId, reason);
  }

  private failed(cameraId: string, reason: string): void {
    this.unavailable.set(cameraId, this.now() + this.retryAfterMs);
    const words = reason.replace(/\s+/g, ' ').slice(0, 200);
    this.options.log.warn('live preview feed unavailable; stills are fetched one by one', { cameraId, reason: words, retryInMs: this.retryAfterMs });
  }

  /** Closes readers nobody asks for, and readers that went silent (as failed). */
  private check(): void {
    const now = this.now();
    for (const [cameraId, atMs] of this.askedOnce) if (now - atMs >= this.lingerMs) this.askedOnce.delete(cameraId);
    for (const [cameraId, reader] of this.readers) {
      const idle = now - reader.lastAskedMs >= this.lingerMs;
      const silentMs = now - (reader.newest?.arrivedMs ?? reader.startedMs);
      if (!idle && silentMs < this.stallMs) continue;
      reader.abort.abort();
      this.readers.delete(cameraId);
      if (!idle) this.failed(cameraId, `no picture for ${Math.round(silentMs / 1000)} s`);
    }
  }
}
