/**
 * The input of a server-playhead run (exacqVision's search stream): the stream read here as
 * multipart parts, one access unit each. Each part's data goes to ffmpeg's stdin (raw H.264,
 * `-i pipe:0`); the wall time its headers state is queued in `stamps`, in the same order, so the
 * n-th sample ffmpeg writes is the n-th stamp (stream copy keeps every access unit). The server
 * paces the parts (its playhead), so nothing here waits on a clock.
 *
 *   VMS ──multipart──▶ PlayheadFeed ──H.264──▶ ffmpeg stdin ──fMP4──▶ session (tfdt := stamp)
 *                           └── stamps (wall ms per access unit) ──────────▲
 */
import http from 'node:http';
import https from 'node:https';
import { MultipartError, MultipartReader, multipartBoundaryOf } from '../media/multipart-reader.js';
import type { RecordedParts } from '../media/sources.js';

/** No bytes for this long while the server should be sending: the stream is dead (ms). A paused playhead sends nothing, so only the answer's start is timed. */
export const FEED_CONNECT_TIMEOUT_MS = 30_000;
/** Largest access unit accepted (a 4K keyframe fits). */
const MAX_PART_BYTES = 8 * 1024 * 1024;

export interface PlayheadFeedHandlers {
  /** The server answered with the stream: its playhead may move now (the stream starts where it is). */
  onOpen(): void;
  /** One access unit; false when ffmpeg takes no more (the feed then ends with an error). */
  write(data: Buffer): boolean;
  /** The stream ended (error undefined) or broke (in words). */
  onEnd(error?: string): void;
}

export class PlayheadFeed {
  /** Wall ms of every access unit written and not yet matched to an output sample, oldest first. */
  readonly stamps: number[] = [];
  private request: http.ClientRequest | null = null;
  private response: http.IncomingMessage | null = null;
  private done = false;

  constructor(
    private readonly parts: RecordedParts,
    private readonly h: PlayheadFeedHandlers,
  ) {}

  start(): void {
    const url = new URL(this.parts.url);
    const get = url.protocol === 'https:' ? https.get : http.get;
    const request = get(url, { headers: this.parts.headers, timeout: FEED_CONNECT_TIMEOUT_MS }, (response) => {
      request.setTimeout(0);
      const boundary = multipartBoundaryOf(response.headers['content-type']);
      if (response.statusCode !== 200 || !boundary) {
        response.resume();
        this.finish(`the server answered ${response.statusCode ?? '?'} ${response.headers['content-type'] ?? 'without a content type'} instead of multipart frames`);
        return;
      }
      const reader = new MultipartReader(boundary, MAX_PART_BYTES);
      this.response = response;
      this.h.onOpen();
      response.on('data', (chunk: Buffer) => {
        if (this.done) return;
        try {
          for (const part of reader.push(chunk)) this.take(part.headers, part.data);
        } catch (err) {
          this.finish(err instanceof MultipartError ? `a broken frame (${err.message})` : 'an unreadable frame');
        }
      });
      response.on('end', () => this.finish());
      response.on('error', () => this.finish('the stream broke off'));
    });
    request.on('timeout', () => request.destroy(new Error('no answer')));
    request.on('error', (err) => this.finish(`the stream could not be read (${err.message})`));
    this.request = request;
  }

  /**
   * Flow control: while the reader downstream takes nothing, the socket is not read either, so
   * the server's writes block (the simulator, like a server, then restarts its stream at its
   * playhead when it can write again; the stamps keep every frame's time right).
   */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  /** Stops reading (the run is over); no handler is called after this. */
  stop(): void {
    this.done = true;
    this.request?.destroy();
    this.request = null;
  }

  private take(headers: Record<string, string>, data: Buffer): void {
    const wallMs = this.parts.wallMsOf(headers);
    if (wallMs === undefined) {
      this.finish('a frame without its time (no TimeOffset)');
      return;
    }
    this.stamps.push(wallMs);
    if (!this.h.write(data)) this.finish('ffmpeg stopped reading the recorded video');
  }

  private finish(error?: string): void {
    if (this.done) return;
    this.done = true;
    this.request?.destroy();
    this.request = null;
    this.h.onEnd(error);
  }
}
