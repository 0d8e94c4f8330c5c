/**
 * Low-rate pictures for tiles beyond the video budget (and a tile's first picture while its video
 * starts): JPEG stills from main (`cameras:still`), fetched with the fair rotation the Eagle Eye
 * API docs prescribe for preview streams: "with a limited pool of requests do a fair rotation
 * between all cameras, fetching only the most recent image for each and skipping the fetch if
 * the image is already loading" — every stream gets a new picture before any stream gets two,
 * so a slow link or a busy main degrades every tile's rate evenly instead of starving some.
 *
 * Each still costs main a request to the VMS (or an ffmpeg grab for RTSP cameras), so the pool is
 * small: one request in flight per `tilesPerRequest` tiles, never more than `maxInFlight`.
 */
import type { Result, Still } from '../../../preload/contract/index.js';

export interface JpegRotationConfig {
  /** One request in flight per this many subscribed tiles. */
  tilesPerRequest: number;
  /** And never more than this many at once. */
  maxInFlight: number;
  /** How often due pictures are looked for, ms. */
  tickMs: number;
}

export const defaultJpegRotation: JpegRotationConfig = { tilesPerRequest: 4, maxInFlight: 3, tickMs: 200 };

export interface RotationEntry {
  id: string;
  /** Wanted time between pictures, ms; Infinity for a single picture. */
  intervalMs: number;
  /** When the last fetch for it started (ms); undefined before the first. */
  lastStartMs?: number;
  inFlight: boolean;
  /** A first picture for a tile that shows nothing yet goes before refreshes. */
  urgent: boolean;
}

/** Size of the request pool for this many subscribed tiles. */
export function rotationSlots(tiles: number, config: Pick<JpegRotationConfig, 'tilesPerRequest' | 'maxInFlight'>): number {
  if (tiles === 0) return 0;
  return Math.max(1, Math.min(config.maxInFlight, Math.ceil(tiles / config.tilesPerRequest)));
}

/**
 * The entries to fetch now, in order: due ones only (never fetched, or interval elapsed), not
 * already loading; urgent first, then the one served longest ago (fair rotation).
 */
export function pickDue(entries: readonly RotationEntry[], nowMs: number, freeSlots: number): string[] {
  if (freeSlots <= 0) return [];
  const due = entries.filter((e) => !e.inFlight && (e.lastStartMs === undefined || nowMs - e.lastStartMs >= e.intervalMs));
  due.sort((a, b) => Number(b.urgent) - Number(a.urgent) || (a.lastStartMs ?? -Infinity) - (b.lastStartMs ?? -Infinity));
  return due.slice(0, freeSlots).map((e) => e.id);
}

export type StillFetcher = (cameraId: string, width: number) => Promise<Result<Still>>;

export interface JpegFrame {
  /** data: URL of the JPEG. */
  src: string;
  /** When the picture was taken, epoch ms. */
  timestampMs: number;
}

export interface JpegRequest {
  cameraId: string;
  /** Width asked of main, px. */
  width: number;
  intervalMs: number;
  urgent?: boolean;
  onFrame(frame: JpegFrame): void;
  onError(words: string): void;
}

interface Subscription extends RotationEntry {
  request: JpegRequest;
  closed: boolean;
}

/** The shared pool: one per window, every JPEG tile subscribes to it. */
export class JpegRotation {
  private readonly config: JpegRotationConfig;
  private readonly subs = new Map<string, Subscription>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextId = 0;

  constructor(
    private readonly fetchStill: StillFetcher,
    config: Partial<JpegRotationConfig> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.config = { ...defaultJpegRotation, ...config };
  }

  /** Subscribes a tile; returns functions to change its rate and size, and to leave. */
  add(request: JpegRequest): { update(change: Partial<Pick<JpegRequest, 'width' | 'intervalMs'>>): void; close(): void } {
    const id = String(++this.nextId);
    const sub: Subscription = { id, intervalMs: request.intervalMs, inFlight: false, urgent: request.urgent ?? false, request, closed: false };
    this.subs.set(id, sub);
    this.timer ??= setInterval(() => this.pump(), this.config.tickMs);
    this.pump();
    return {
      update: (change) => {
        sub.request = { ...sub.request, ...change };
        if (change.intervalMs !== undefined) sub.intervalMs = change.intervalMs;
        this.pump();
      },
      close: () => {
        sub.closed = true;
        this.subs.delete(id);
        if (this.subs.size === 0 && this.timer !== undefined) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Starts every fetch that is due and fits in the pool (the timer calls it; tests may too). */
  pump(): void {
    const entries = [...this.subs.values()];
    const inFlight = entries.filter((e) => e.inFlight).length;
    const free = rotationSlots(entries.length, this.config) - inFlight;
    for (const id of pickDue(entries, this.now(), free)) {
      const sub = this.subs.get(id);
      if (sub) void this.fetch(sub);
    }
  }

  /** Requests in flight now (for tests and the overlay). */
  get inFlight(): number {
    return [...this.subs.values()].filter((s) => s.inFlight).length;
  }

  private async fetch(sub: Subscription): Promise<void> {
    sub.inFlight = true;
    sub.lastStartMs = this.now();
    const { cameraId, width } = sub.request;
    let result: Result<Still>;
    try {
      result = await this.fetchStill(cameraId, width);
    } catch (err) {
      result = { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err), retryable: true } };
    }
    sub.inFlight = false;
    sub.urgent = false;
    if (!sub.closed) {
      if (result.ok) sub.request.onFrame({ src: `data:${result.value.contentType};base64,${result.value.base64}`, timestampMs: result.value.timestampMs });
      else sub.request.onError(result.error.message);
    }
    this.pump();
  }
}

/**
 * One tile's JPEG sequence: a subscription to the shared rotation that hands each new picture
 * to the view (which draws it in its <img>). Older pictures never replace newer ones.
 */
export class JpegPlayer {
  private handle: ReturnType<JpegRotation['add']> | null = null;
  private newestMs = -Infinity;

  constructor(private readonly rotation: JpegRotation) {}

  get running(): boolean {
    return this.handle !== null;
  }

  start(cameraId: string, options: { width: number; intervalMs: number; urgent?: boolean }, onFrame: (frame: JpegFrame) => void, onError: (words: string) => void): void {
    this.stop();
    this.newestMs = -Infinity;
    this.handle = this.rotation.add({
      cameraId,
      ...options,
      onFrame: (frame) => {
        if (frame.timestampMs < this.newestMs) return;
        this.newestMs = frame.timestampMs;
        onFrame(frame);
      },
      onError,
    });
  }

  update(change: { width?: number; intervalMs?: number }): void {
    this.handle?.update(change);
  }

  stop(): void {
    this.handle?.close();
    this.handle = null;
  }
}
