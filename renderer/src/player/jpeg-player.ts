/**
 * Low-rate pictures for tiles beyond the video budget (and a tile's first picture while its video
 * starts): JPEG stills from main (`cameras:still`), fetched with the fair rotation the Eagle Eye
 * API docs prescribe for preview streams: "with a limited pool of requests do a fair rotation
 * between all cameras, fetching only the most recent image for each and skipping the fetch if
 * the image is already loading" — every stream gets a new picture before any stream gets two,
 * so a slow link or a busy main degrades every tile's rate evenly instead of starving some.
 *
 * The pool is sized to what the tiles want (Little's law): pictures per second × the time one
 * still takes (measured), with headroom — 48 tiles at one picture a second need 2 requests in
 * flight when main answers in 20 ms and 11 when a distant VMS takes 150 ms — and a wall that
 * appears at once gets its first pictures in parallel. Never more than `maxInFlight` (12 keep
 * 48 tiles at 1 s up to 250 ms a still): a slow or failing VMS must not be flooded; past that
 * every tile's rate degrades evenly.
 */
import type { Result, Still } from '../../../preload/contract/index.js';

export interface JpegRotationConfig {
  /** Never more requests in flight than this. */
  maxInFlight: number;
  /** Requests in flight ÷ (pictures per second × seconds per still): above 1 absorbs jitter. */
  headroom: number;
  /** What one still is assumed to take before any was measured, ms. */
  initialLatencyMs: number;
  /** How often due pictures are looked for, ms. */
  tickMs: number;
}

export const defaultJpegRotation: JpegRotationConfig = { maxInFlight: 12, headroom: 1.5, initialLatencyMs: 250, tickMs: 100 };

/**
 * How long before its interval ends a tile's next still is due, ms. The interval is the longest
 * wanted gap between pictures, so the fetch starts early by what can stretch it: the wait for the
 * next tick, the wait for a free request (at most a tick ÷ headroom with the pool sized as
 * above) and the still's own time.
 */
export function earlyStartMs(config: Pick<JpegRotationConfig, 'tickMs'>, latencyMs: number): number {
  return 2 * config.tickMs + latencyMs;
}

export interface RotationEntry {
  id: string;
  /** Longest wanted time between pictures, ms; Infinity for a single picture. */
  intervalMs: number;
  /** When the last fetch for it started (ms); undefined before the first. */
  lastStartMs?: number;
  inFlight: boolean;
  /** A fetch for it has finished (its first picture came, or failed). */
  answered?: boolean;
  /** A first picture for a tile that shows nothing yet goes before refreshes. */
  urgent: boolean;
}

export interface RotationDemand {
  /** Pictures per second all subscribed tiles want together. */
  perSecond: number;
  /**
   * Tiles still waiting for their first picture, those being fetched included (fetched in
   * parallel, up to the bound): counting only the ones not yet asked for gave a wall's tiles,
   * added one by one, one slot fewer than they needed each, so half of them queued behind the rest.
   */
  firstPictures: number;
  /** What one still takes now, ms (measured). */
  latencyMs: number;
}

/** Size of the request pool for this demand; 0 when nothing is subscribed. */
export function rotationSlots(demand: RotationDemand, config: Pick<JpegRotationConfig, 'maxInFlight' | 'headroom'>): number {
  const steady = Math.ceil((demand.perSecond * demand.latencyMs * config.headroom) / 1000);
  const wanted = Math.max(steady, demand.firstPictures);
  if (wanted === 0 && demand.perSecond === 0) return 0;
  return Math.max(1, Math.min(config.maxInFlight, wanted));
}

/** What a set of subscriptions asks of the pool. */
export function demandOf(entries: readonly RotationEntry[], latencyMs: number): RotationDemand {
  let perSecond = 0;
  let firstPictures = 0;
  for (const e of entries) {
    if (Number.isFinite(e.intervalMs) && e.intervalMs > 0) perSecond += 1000 / e.intervalMs;
    if (!e.answered) firstPictures += 1;
  }
  return { perSecond, firstPictures, latencyMs };
}

/** Moving average of still latency: recent answers count most, one outlier does not resize the pool. */
export function nextLatency(previousMs: number | undefined, sampleMs: number): number {
  return previousMs === undefined ? sampleMs : previousMs * 0.8 + sampleMs * 0.2;
}

/**
 * The entries to fetch now, in order: due ones only (never fetched, or interval elapsed — less
 * `earlyMs`, at most half of it), not already loading; urgent first, then the one served longest ago (fair rotation).
 */
export function pickDue(entries: readonly RotationEntry[], nowMs: number, freeSlots: number, earlyMs = 0): string[] {
  if (freeSlots <= 0) return [];
  const due = entries.filter((e) => !e.inFlight && (e.lastStartMs === undefined || nowMs - e.lastStartMs >= e.intervalMs - Math.min(earlyMs, e.intervalMs / 2)));
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
  private latencyMs: number | undefined;

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
    const free = rotationSlots(demandOf(entries, this.latencyMs ?? this.config.initialLatencyMs), this.config) - inFlight;
    for (const id of pickDue(entries, this.now(), free, earlyStartMs(this.config, this.latencyMs ?? this.config.initialLatencyMs))) {
      const sub = this.subs.get(id);
      if (sub) void this.fetch(sub);
    }
  }

  /** Requests in flight now (for tests and the overlay). */
  get inFlight(): number {
    return [...this.subs.values()].filter((s) => s.inFlight).length;
  }

  /** What one still takes lately, ms (undefined before the first answer). */
  get measuredLatencyMs(): number | undefined {
    return this.latencyMs;
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
    if (result.ok) this.latencyMs = nextLatency(this.latencyMs, this.now() - sub.lastStartMs);
    sub.inFlight = false;
    sub.answered = true;
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
