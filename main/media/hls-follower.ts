/**
 * Follows a live HLS stream for one upstream and hands its MPEG-TS segments, in order, to the
 * ffmpeg that remuxes them (its stdin, read at real time with -re). Why not ffmpeg's own HLS
 * demuxer:
 *
 * - Its playlist reloads drift. It reloads one segment duration after its previous reload, in
 *   100 ms sleep steps, so each reload comes a little later than the one before (fetch time + up
 *   to 100 ms). Reading the newest segment (one segment behind live) it waited longer at every
 *   segment boundary: on the simulator's AIPIX camera 0.3 s growing to 1.9 s within 20 s, until
 *   it fell a whole segment behind and burst two. The player bridges about 1 s; beyond that it ran
 *   dry, its latency climbed and the stream policy demoted the tile to its sub-stream (a visible
 *   restart; the flake of e2e/hls-live.spec.ts). Here the next poll is timed from when the newest
 *   segment appeared, so each segment is seen within one poll interval of its arrival.
 * - Its links die. AIPIX media links carry a token that expires (`expired_at`); then the playlist
 *   answers 403, the demuxer gave up and the tile restarted once per link lifetime. Here a 401 or
 *   403 fetches a fresh link from the site and reading goes on at the next segment: same ffmpeg,
 *   no restart.
 *
 * fMP4 segments (EXT-X-MAP) are not followed (ffmpeg cannot read them from a pipe as one
 * stream): the follower says so and the upstream falls back to ffmpeg's demuxer.
 */
import type { Logger } from '../logging/logger.js';
import type { Clock, TimerHandle } from './clock.js';
import { readCapped, redirectTarget } from '../net/http-client.js';
import { HlsPlaylistError, parseHlsPlaylist, type HlsPlaylist } from './hls-playlist.js';

export interface HlsLink {
  url: string;
  headers: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  /** The URL answered (after redirects): relative URIs resolve against it. */
  url: string;
  body: Buffer;
}

/** One GET, bounded in time and size; rejects on network errors. Injected so unit tests need no sockets. */
export type HttpGet = (url: string, headers: Record<string, string>, options: { timeoutMs: number; maxBytes: number; signal: AbortSignal }) => Promise<HttpAnswer>;

export type FollowerEnd = { kind: 'failed'; reason: string } | { kind: 'ended' } | { kind: 'fmp4' };

export interface HlsFollowerOptions {
  link: HlsLink;
  /** A fresh link for the same stream (the old one was refused: its token expired). */
  renew(): Promise<HlsLink>;
  /** Hands a segment to ffmpeg; false when it can take no more (gone, or too far behind). */
  write(segment: Buffer): boolean;
  /** Reading stopped for good (not called after stop()). */
  onEnd(end: FollowerEnd): void;
  clock: Clock;
  log: Logger;
  /** Added to every log line (which camera). */
  logFields?: Record<string, unknown>;
  get?: HttpGet;
  /** Per request, ms. */
  timeoutMs?: number;
}

const maxPlaylistBytes = 1024 * 1024;
const maxSegmentBytes = 64 * 1024 * 1024;
/** Master playlists followed to a variant at most this deep (a loop of redirecting playlists ends). */
const maxVariantHops = 3;

/** How often to ask for a segment that is due and not there yet, ms: an eighth of a segment, 0.1–0.5 s. */
export function pollIntervalMs(targetDurationS: number): number {
  return Math.min(500, Math.max(100, Math.round((targetDurationS * 1000) / 8)));
}

/**
 * When to ask for the playlist next. `appearedAfterMs`: the newest segment was not there at that
 * earlier poll, so it came after it, and the next one should come a segment duration after that;
 * unknown (first poll, or nothing new), ask again one poll interval on.
 */
export function nextPollAtMs(polledAtMs: number, playlist: HlsPlaylist, appearedAfterMs: number | undefined): number {
  const interval = pollIntervalMs(playlist.targetDurationS);
  const newest = playlist.segments[playlist.segments.length - 1];
  if (appearedAfterMs === undefined || !newest) return polledAtMs + interval;
  return Math.max(polledAtMs + interval, appearedAfterMs + newest.durationS * 1000);
}

export class HlsFollower {
  private link: HlsLink;
  private stopped = false;
  private readonly abort = new AbortController();
  private sleepTimer: TimerHandle | null = null;
  private wake: (() => void) | null = null;
  private readonly get: HttpGet;

  constructor(private readonly o: HlsFollowerOptions) {
    this.link = o.link;
    this.get = o.get ?? fetchGet;
  }

  start(): void {
    void this.run().then(
      (end) => {
        if (end && !this.stopped) this.o.onEnd(end);
      },
      (err: unknown) => {
        if (!this.stopped) this.o.onEnd({ kind: 'failed', reason: `reading the live playlist failed (${err instanceof Error ? err.message : String(err)})` });
      },
    );
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.o.clock.clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    this.wake?.();
  }

  /** Returns how reading ended, or undefined when stopped. */
  private async run(): Promise<FollowerEnd | undefined> {
    /** Media sequence of the next segment to hand over. */
    let next: number | undefined;
    /** A fresh link was fetched and nothing has been read with it yet: a second refusal is final. */
    let renewed = false;
    let variantHops = 0;
    let previousPollMs: number | undefined;
    let previousNewest: number | undefined;
    while (!this.stopped) {
      const polledAtMs = this.o.clock.now();
      const answer = await this.fetch(this.link.url, maxPlaylistBytes);
      if (!answer) return undefined;
      if (answer.status === 401 || answer.status === 403) {
        if (renewed) return { kind: 'failed', reason: `the media server refused a fresh live link (HTTP ${answer.status})` };
        renewed = await this.renew(answer.status);
        if (!renewed) return undefined;
        continue;
      }
      if (answer.status === 404) return { kind: 'failed', reason: 'the live playlist is not there (HTTP 404): the camera may be offline' };
      if (answer.status >= 400) return { kind: 'failed', reason: `the live playlist answered HTTP ${answer.status}` };
      let playlist: HlsPlaylist;
      try {
        playlist = parseHlsPlaylist(answer.body.toString('utf8'), answer.url);
      } catch (err) {
        if (err instanceof HlsPlaylistError) return { kind: 'failed', reason: `the live link gave no usable playlist: ${err.message}` };
        throw err;
      }
      if (playlist.variants.length > 0) {
        if (++variantHops > maxVariantHops) return { kind: 'failed', reason: 'the live playlist only points at other playlists' };
        this.link = { ...this.link, url: playlist.variants[0]! };
        continue;
      }
      if (playlist.initSection) return { kind: 'fmp4' };
      const segments = playlist.segments;
      const newest = segments[segments.length - 1];
      if (next === undefined || (newest && (next < segments[0]!.seq || next > newest.seq + 1))) {
        // Start (or rejoin after losing our place: a long stall, a server that restarted its
        // numbering) at the newest segment, one segment behind live.
        if (next !== undefined) this.o.log.info('live HLS: rejoining at the newest segment', { ...this.o.logFields, expected: next, first: segments[0]!.seq, newest: newest!.seq });
        next = newest?.seq;
      }
      let refused = false;
      for (const segment of segments) {
        if (next === undefined || segment.seq < next) continue;
        const data = await this.fetch(segment.url, maxSegmentBytes);
        if (!data) return undefined;
        if (data.status === 401 || data.status === 403) {
          if (renewed) return { kind: 'failed', reason: `the media server refused a fresh live link (HTTP ${data.status})` };
          renewed = await this.renew(data.status);
          if (!renewed) return undefined;
          refused = true;
          break;
        }
        next = segment.seq + 1;
        // Gone from the server before we got to it: go on with the next one.
        if (data.status === 404) continue;
        if (data.status >= 400) return { kind: 'failed', reason: `a live segment answered HTTP ${data.status}` };
        renewed = false;
        if (!this.o.write(data.body)) return undefined;
      }
      if (refused) continue;
      if (playlist.ended) return { kind: 'ended' };
      const appearedAfterMs = newest && previousNewest !== undefined && newest.seq > previousNewest ? previousPollMs : undefined;
      previousPollMs = polledAtMs;
      previousNewest = newest?.seq;
      await this.sleepUntil(nextPollAtMs(polledAtMs, playlist, appearedAfterMs));
    }
    return undefined;
  }

  /** Undefined when stopped meanwhile. */
  private async fetch(url: string, maxBytes: number): Promise<HttpAnswer | undefined> {
    const answer = await this.get(url, this.link.headers, { timeoutMs: this.o.timeoutMs ?? 5_000, maxBytes, signal: this.abort.signal }).catch((err: unknown) => {
      if (this.stopped) return undefined;
      throw err;
    });
    return this.stopped ? undefined : answer;
  }

  /** False when stopped meanwhile; a failed renewal throws (it ends the reading with its words). */
  private async renew(status: number): Promise<boolean> {
    this.o.log.info('live link refused: fetching a fresh one', { ...this.o.logFields, status });
    const link = await this.o.renew();
    if (this.stopped) return false;
    this.link = link;
    return true;
  }

  private sleepUntil(atMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = this.o.clock.setTimeout(() => {
        this.sleepTimer = null;
        resolve();
      }, Math.max(0, atMs - this.o.clock.now()));
    });
  }
}

/** Redirects followed per request at most. */
const maxRedirects = 5;

/**
 * The real GET: Node's fetch, aborted after timeoutMs or by stop(), the body read up to maxBytes.
 * Redirects are followed (a media host may hand segments to a CDN), but the link's headers (a
 * bearer token, a session cookie) go only to the origin the link named: a redirect elsewhere is
 * fetched without them, so a token never leaves for a host the site did not give.
 */
export const fetchGet: HttpGet = async (url, headers, { timeoutMs, maxBytes, signal }) => {
  const request = new AbortController();
  const onAbort = (): void => request.abort();
  signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => request.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const origin = new URL(url).origin;
    let current = new URL(url);
    for (let hop = 0; ; hop += 1) {
      const response = await fetch(current, { headers: current.origin === origin ? headers : {}, redirect: 'manual', signal: request.signal });
      const next = redirectTarget(response, current);
      if (next) {
        await response.body?.cancel();
        if (hop >= maxRedirects) throw new Error(`too many redirects from ${new URL(url).host}`);
        current = next;
        continue;
      }
      const body = await readCapped(response, maxBytes, 'live HLS', current.host);
      return { status: response.status, url: current.toString(), body };
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    request.abort();
  }
};
