/**
 * Recorded stills a camera already sent, with what is known about their neighbours, so that a
 * playhead moving between two known pictures costs no request (Eagle Eye's "random access image
 * discovery": keep x-ee-prev/x-ee-next and fetch again only when the playhead leaves them).
 *
 * A picture at `timestampMs` shows until the next one. What is known of "the next one":
 * - `nextMs`: its exact time (v1's x-ee-next header, or v3's next page token followed);
 * - `clearUntilMs`: no picture lies in (timestampMs, clearUntilMs] (a "latest at or before T"
 *   answer proves that for T).
 * A request at T is answered from here when a known picture P has P.timestampMs ≤ T and T is
 * before P's next (or within its clear span).
 *
 *   pictures:   P1            P2        (next of P2 unknown)
 *   timeline:   |=============|====]
 *               ^ answered by P1 ^ by P2 up to its clear span, then a request
 *
 * Bounded by count and bytes; the least recently used picture goes first. Pure (no I/O).
 */
export interface KnownStill {
  timestampMs: number;
  jpeg: Buffer;
  /** Time of the next picture, when known exactly. */
  nextMs?: number;
  /** No picture in (timestampMs, clearUntilMs]. At least timestampMs. */
  clearUntilMs: number;
  /** Vendor cursor to the next picture (v3's X-Een-NextToken). */
  nextToken?: string;
}

export interface StillNeighboursLimits {
  entries: number;
  bytes: number;
}

export const defaultStillLimits: StillNeighboursLimits = { entries: 256, bytes: 32 * 1024 * 1024 };

/**
 * How long after the fact the archive is taken as settled: pictures of the last minute may still
 * arrive (uploads lag, and near the live edge the next one does not exist yet), so "nothing
 * between the picture and T" is only remembered for times older than this.
 */
export const settleMs = 60_000;

/** What an answer "latest picture at or before atMs" proves empty, given the time now. */
export function provenEmptyUntil(atMs: number, nowMs: number): number {
  return Math.min(atMs, nowMs - settleMs);
}

export class StillNeighbours {
  /** Per key (camera and picture size): pictures sorted by time. */
  private readonly byKey = new Map<string, KnownStill[]>();
  /** Use order for eviction: `${key}\n${timestampMs}` → entry, oldest first. */
  private readonly order = new Map<string, { key: string; still: KnownStill }>();
  private bytes = 0;

  constructor(private readonly limits: StillNeighboursLimits = defaultStillLimits) {}

  get size(): number {
    return this.order.size;
  }

  /** The known picture showing at atMs, when its neighbours prove it; undefined: ask the server. */
  showingAt(key: string, atMs: number): KnownStill | undefined {
    const still = this.atOrBefore(key, atMs);
    if (!still) return undefined;
    const covered = (still.nextMs !== undefined && atMs < still.nextMs) || atMs <= still.clearUntilMs;
    if (!covered) return undefined;
    this.touch(key, still);
    return still;
  }

  /** The latest known picture at or before atMs, whatever is known of its next. */
  atOrBefore(key: string, atMs: number): KnownStill | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    let found: KnownStill | undefined;
    for (const still of list) {
      if (still.timestampMs > atMs) break;
      found = still;
    }
    return found;
  }

  /** Adds a picture, or merges what is now known into the same picture already kept. */
  remember(key: string, still: KnownStill): KnownStill {
    const list = this.byKey.get(key) ?? [];
    const same = list.find((s) => s.timestampMs === still.timestampMs);
    if (same) {
      same.clearUntilMs = Math.max(same.clearUntilMs, still.clearUntilMs);
      if (still.nextMs !== undefined) same.nextMs = still.nextMs;
      if (still.nextToken !== undefined) same.nextToken = still.nextToken;
      this.touch(key, same);
      return same;
    }
    const kept: KnownStill = { ...still, clearUntilMs: Math.max(still.timestampMs, still.clearUntilMs) };
    list.push(kept);
    list.sort((a, b) => a.timestampMs - b.timestampMs);
    this.byKey.set(key, list);
    this.order.set(orderKey(key, kept), { key, still: kept });
    this.bytes += kept.jpeg.length;
    this.evict();
    return kept;
  }

  private touch(key: string, still: KnownStill): void {
    const id = orderKey(key, still);
    this.order.delete(id);
    this.order.set(id, { key, still });
  }

  private evict(): void {
    for (const [id, { key, still }] of this.order) {
      if (this.order.size <= this.limits.entries && this.bytes <= this.limits.bytes) return;
      this.order.delete(id);
      this.bytes -= still.jpeg.length;
      const list = this.byKey.get(key)!;
      list.splice(list.indexOf(still), 1);
      if (list.length === 0) this.byKey.delete(key);
    }
  }
}

function orderKey(key: string, still: KnownStill): string {
  return `${key}\n${still.timestampMs}`;
}
