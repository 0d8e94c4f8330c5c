/**
 * Plays one live fragmented-MP4 response in a <video> through Media Source Extensions.
 *
 * The response (see preload/contract/media.ts) is one long body: an init segment (ftyp+moov),
 * then one moof+mdat per frame, and a new init segment whenever main restarted the upstream.
 * This class owns the bytes-to-picture path: fetch, box splitting (common/mp4), the MediaSource,
 * stall detection and the numbers for the overlay. The SourceBuffer's operations go through a
 * SourceBufferQueue; which fragments to keep and where to play is the driver's (the live edge,
 * live-edge-driver.ts). It does not decide which stream to open or when to retry: it says what
 * happened ('stalled', 'ended', 'error') and the tile controller decides.
 */
import type { MediaFetch } from '../../../preload/contract/index.js';
import { codecsOf, Fmp4Splitter, Mp4FormatError, parseFragment, parseInit, type Fmp4Segment, type InitInfo } from '../../../common/mp4/index.js';
import { defaultJitter, defaultLiveEdge, defaultStall, stallCheck, stallWords, type JitterConfig, type LiveEdgeConfig, type StallConfig } from './live-edge.js';
import { LiveEdgeDriver, type PlaybackDriver } from './live-edge-driver.js';
import { copyRanges, defaultTrim, SourceBufferQueue, trimPlan, type QueueFailure, type TrimConfig } from './source-buffer-queue.js';
import type { PlayerEvents, PlayerListener, PlayerStats, VideoPlayer } from './video-player.js';

export interface MsePlayerConfig {
  /** How the stream's bytes are read. */
  fetch: MediaFetch;
  liveEdge: LiveEdgeConfig;
  /** How the live-edge target grows for a stream whose data arrives in clumps. */
  jitter: JitterConfig;
  trim: TrimConfig;
  stall: StallConfig;
  /** How often the player looks at the buffer, ms: fine enough for a 0.5 s live-edge rule. */
  tickMs: number;
  /** Bytes waiting for the SourceBuffer before old fragments are dropped up to the next keyframe. */
  maxQueuedBytes: number;
  /** Who steers each attempt: the live edge (a recorded-video player brings its own driver). */
  driver: (config: MsePlayerConfig) => PlaybackDriver;
}

export const defaultMsePlayerConfig: MsePlayerConfig = {
  fetch: (path, signal) => fetch(path, { signal, cache: 'no-store' }),
  liveEdge: defaultLiveEdge,
  jitter: defaultJitter,
  trim: defaultTrim,
  stall: defaultStall,
  tickMs: 250,
  maxQueuedBytes: 8 * 1024 * 1024,
  driver: (config) => new LiveEdgeDriver(config),
};

/** Drops within this long after a seek are the seek's (decoding from the keyframe to the target), ms. */
const seekSettleMs = 1000;
/** After a failure, how long the response may take to end (main closes it on media:close), ms. */
const finishDrainMs = 3000;

class PlayerFailure extends Error {
  constructor(
    readonly words: string,
    readonly retryable: boolean,
  ) {
    super(words);
  }
}

export class MsePlayer implements VideoPlayer {
  private readonly config: MsePlayerConfig;
  private video: HTMLVideoElement | null = null;
  private listeners = new Map<keyof PlayerEvents, Set<(e: never) => void>>();
  private run: Run | null = null;

  constructor(config: Partial<MsePlayerConfig> = {}) {
    this.config = { ...defaultMsePlayerConfig, ...config };
  }

  attach(video: HTMLVideoElement): void {
    if (this.video === video) return;
    this.stop();
    this.video = video;
    video.muted = true;
    video.playsInline = true;
  }

  on<K extends keyof PlayerEvents>(event: K, listener: PlayerListener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => set.delete(listener as (e: never) => void);
  }

  /**
   * Plays `path` (same-origin, relative) until `signal` aborts, stop() is called, the body ends
   * or a failure is reported. Never rejects: outcomes arrive as events.
   */
  async start(path: string, signal: AbortSignal): Promise<void> {
    const video = this.video;
    if (!video) throw new Error('MsePlayer.start before attach');
    this.stop();
    const run = new Run(video, this.config, (event, payload) => this.emit(event, payload));
    this.run = run;
    await run.play(path, signal);
  }

  /**
   * Releases the MediaSource at once (the <video> goes blank) and stops the fetch. With
   * `drainMs`, the caller has asked main to close the stream (media:close): the response is left
   * to end by itself, which main does at once, and is aborted only if it has not ended in that
   * time. Ending the response from the server side is the clean way: an aborted fetch is a
   * failed request in the page's network log.
   */
  stop(drainMs = 0): void {
    this.run?.dispose(drainMs);
    this.run = null;
  }

  stats(): PlayerStats | null {
    return this.run?.stats() ?? null;
  }

  snapshot(): string | null {
    const video = this.video;
    if (!video?.videoWidth) return null;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.85);
  }

  private emit<K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as PlayerListener<K>)(payload);
  }
}

/** One attempt: one MediaSource, one fetch. A restart is a new Run on the same <video>. */
class Run {
  private readonly abort = new AbortController();
  private readonly splitter = new Fmp4Splitter<ArrayBuffer>();
  private readonly driver: PlaybackDriver;
  private mediaSource: MediaSource | null = null;
  private queue: SourceBufferQueue | null = null;
  private objectUrl: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private frameHandle: number | undefined;
  private finished = false;
  private stalledSent = false;
  private playRequested = false;
  private lastCurrentTime = -1;
  private readonly startedMs = performance.now();
  private firstDataMs: number | undefined;
  private lastDataMs: number | undefined;
  private lastProgressMs: number | undefined;
  private readonly counters = { bytes: 0, fragments: 0, reinits: 0 };
  /** Drops counted against seeks: settled ones, and the one settling now (until `untilMs`). */
  private seekDrops = { settled: 0, base: 0, untilMs: -Infinity };
  private firstFrameMs: number | undefined;
  /** The Content-Type's MIME when it names codecs. */
  private mime: string | undefined;
  private init: InitInfo | null = null;
  private readonly cleanups: (() => void)[] = [];
  /** The fetch is under way (so a stop can let main end it). */
  private fetching = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly config: MsePlayerConfig,
    private readonly emit: <K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]) => void,
  ) {
    this.driver = config.driver(config);
  }

  async play(path: string, outer: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([outer, this.abort.signal]);
    const onAbort = (): void => this.dispose(0);
    signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    try {
      // The stream is asked for while the MediaSource opens, not after: under load 'sourceopen'
      // took hundreds of ms, and main's first bytes waited for the request all that time.
      this.fetching = true;
      const responding = this.config.fetch(path, signal);
      // Settled below; until then a failure must not count as unhandled.
      responding.catch(() => undefined);
      await this.openMediaSource(signal);
      if (this.finished) return;
      this.listen();
      this.timer = setInterval(() => this.tick(), this.config.tickMs);
      const response = await responding;
      if (!response.ok || !response.body) throw new PlayerFailure(await describeRefusal(response), response.status >= 500 || response.status === 404 || response.status === 410);
      this.mime = this.pickMime(response.headers.get('content-type'));
      await this.read(response.body.getReader());
      if (!this.finished) this.finish('ended', { words: 'the video stream ended' });
    } catch (err) {
      if (this.finished || signal.aborted) return;
      if (err instanceof PlayerFailure) this.finish('error', { words: err.words, retryable: err.retryable });
      else if (err instanceof Mp4FormatError) this.finish('error', { words: `the video data was damaged (${err.message})`, retryable: true });
      else this.finish('error', { words: `the video connection failed (${err instanceof Error ? err.message : String(err)})`, retryable: true });
    } finally {
      this.fetching = false;
      clearTimeout(this.drainTimer);
    }
  }

  /** Stops playing at once; the fetch is aborted now, or after `drainMs` if main has not ended it by then. */
  dispose(drainMs = 0): void {
    if (!this.finished) this.teardown();
    if (drainMs > 0 && this.fetching) this.drainTimer ??= setTimeout(() => this.abort.abort(), drainMs);
    else {
      clearTimeout(this.drainTimer);
      this.abort.abort();
    }
  }

  private teardown(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.frameHandle !== undefined) this.video.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = undefined;
    this.finished = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.queue?.dispose();
    if (this.objectUrl) {
      // Detaching ends the MediaSource; load() drops the decoder and its last frame.
      this.video.removeAttribute('src');
      this.video.load();
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
    this.mediaSource = null;
  }

  stats(): PlayerStats {
    const quality = this.video.getVideoPlaybackQuality();
    const ranges = copyRanges(this.video.buffered);
    const end = ranges[ranges.length - 1]?.[1];
    const video = this.init?.video;
    const now = performance.now();
    const settling = now < this.seekDrops.untilMs ? quality.droppedVideoFrames - this.seekDrops.base : 0;
    const mime = this.queue?.mime ?? this.mime;
    return {
      decodedFrames: quality.totalVideoFrames,
      droppedFrames: quality.droppedVideoFrames,
      seekDroppedFrames: this.seekDrops.settled + settling,
      bufferAheadSec: end === undefined ? 0 : Math.max(0, end - this.video.currentTime),
      ...this.driver.stats(now),
      ...(this.firstDataMs === undefined ? {} : { firstByteMs: Math.round(this.firstDataMs - this.startedMs) }),
      ...(this.firstFrameMs === undefined ? {} : { firstFrameMs: Math.round(this.firstFrameMs) }),
      ...this.counters,
      playbackRate: this.video.playbackRate,
      ...(mime ? { mime } : {}),
      ...(video ? { codec: video.codec } : {}),
      ...(this.video.videoWidth ? { width: this.video.videoWidth, height: this.video.videoHeight } : video?.width ? { width: video.width, height: video.height ?? 0 } : {}),
    };
  }

  private finish<K extends 'ended' | 'error'>(event: K, payload: PlayerEvents[K]): void {
    if (this.finished) return;
    // The listener closes the stream at main, which ends the response: drain rather than abort.
    this.dispose(finishDrainMs);
    this.emit(event, payload);
  }

  private async openMediaSource(signal: AbortSignal): Promise<void> {
    const mediaSource = new MediaSource();
    this.mediaSource = mediaSource;
    this.objectUrl = URL.createObjectURL(mediaSource);
    const opened = new Promise<void>((resolve, reject) => {
      mediaSource.addEventListener('sourceopen', () => resolve(), { once: true });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    this.video.src = this.objectUrl;
    await opened;
  }

  private listen(): void {
    const onError = (): void => this.finish('error', { words: this.decodeWords(), retryable: true });
    this.video.addEventListener('error', onError);
    this.cleanups.push(() => this.video.removeEventListener('error', onError));
    const onSeeked = (): void => this.driver.seeked?.(this.video.currentTime);
    this.video.addEventListener('seeked', onSeeked);
    this.cleanups.push(() => this.video.removeEventListener('seeked', onSeeked));
    if ('requestVideoFrameCallback' in this.video) this.frameHandle = this.video.requestVideoFrameCallback((now, meta) => this.onFrame(now, meta));
    // Fallback for the first frame: rVFC fires only for frames the compositor presents, and a
    // tile may cover its video with a still until the first frame is known.
    const onLoaded = (): void => {
      if (this.firstFrameMs === undefined) this.onFrame(performance.now(), null);
    };
    this.video.addEventListener('loadeddata', onLoaded, { once: true });
    this.cleanups.push(() => this.video.removeEventListener('loadeddata', onLoaded));
  }

  /** MEDIA_ERR_DECODE (3) and MEDIA_ERR_SRC_NOT_SUPPORTED (4) from the bytes: a new attempt may get a clean keyframe. */
  private decodeWords(): string {
    const error = this.video.error;
    return `the browser could not decode the video${error?.message ? ` (${error.message})` : ''}`;
  }

  private onFrame(now: number, meta: VideoFrameCallbackMetadata | null): void {
    if (this.finished) return;
    this.lastProgressMs = performance.now();
    this.stalledSent = false;
    if (this.firstFrameMs === undefined) {
      this.firstFrameMs = now - this.startedMs;
      this.emit('firstFrame', { afterMs: Math.round(this.firstFrameMs) });
    }
    if (meta) {
      this.driver.shown(meta.mediaTime, meta.expectedDisplayTime);
      this.frameHandle = this.video.requestVideoFrameCallback((n, m) => this.onFrame(n, m));
    }
  }

  /** The Content-Type's MIME when it names codecs; otherwise built from the init segment later. */
  private pickMime(contentType: string | null): string | undefined {
    if (!contentType) return undefined;
    if (!/^video\/mp4\b/i.test(contentType)) throw new PlayerFailure(`the video stream sent ${contentType.split(';')[0]} instead of MP4`, false);
    return codecsOf(contentType).length > 0 ? contentType : undefined;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    for (;;) {
      await this.roomForMore();
      const { done, value } = await reader.read();
      if (done) return;
      // Stopped with a drain: read the rest and drop it until main ends the response.
      if (!this.finished) this.onChunk(value);
    }
  }

  /** Waits while the driver wants no more data (recorded video well ahead of the playhead). */
  private async roomForMore(): Promise<void> {
    const wants = this.driver.wantsMore?.bind(this.driver);
    if (!wants) return;
    // Bounded by the run: a stopped player's tick no longer runs, so stop waiting then too.
    while (!this.finished && !wants(this.aheadSec())) {
      // Not reading on purpose: no data is expected, so none is a stall.
      this.lastDataMs = performance.now();
      await new Promise((resolve) => setTimeout(resolve, this.config.tickMs));
    }
  }

  private aheadSec(): number {
    const ranges = copyRanges(this.video.buffered);
    const current = ranges.find(([start, end]) => this.video.currentTime >= start - 0.05 && this.video.currentTime < end);
    return current ? current[1] - this.video.currentTime : (ranges.at(-1)?.[1] ?? 0) > this.video.currentTime ? 1 : 0;
  }

  private onChunk(value: Uint8Array): void {
    const now = performance.now();
    this.firstDataMs ??= now;
    this.lastDataMs = now;
    this.counters.bytes += value.byteLength;
    // Bridge chunks are fresh ArrayBuffer-backed arrays, which is what appendBuffer takes.
    for (const segment of this.splitter.push(value as Uint8Array<ArrayBuffer>)) {
      if (this.finished) return;
      this.onSegment(segment, now);
    }
  }

  private onSegment(segment: Fmp4Segment<ArrayBuffer>, arrivalMs: number): void {
    if (segment.kind === 'init') {
      const info = parseInit(segment.bytes);
      if (!this.queue) this.queue = this.createQueue(this.mime ?? info.mimeType);
      else {
        // A restarted upstream: its times start afresh, so the old data must go (unless the
        // driver keeps it: recorded video going backwards, on one mapping, same codec).
        this.counters.reinits += 1;
        const keep = this.driver.restarted() === true;
        const changed = info.mimeType !== this.init?.mimeType;
        if (!keep || changed) this.queue.reset(changed ? info.mimeType : undefined);
      }
      this.init = info;
      this.queue.append(segment.bytes, false);
      return;
    }
    if (!this.init || !this.queue) throw new Mp4FormatError('a fragment arrived before its init segment');
    const fragment = parseFragment(segment.bytes, this.init);
    this.counters.fragments += 1;
    this.driver.fragment(fragment, segment.bytes, arrivalMs, this.queue);
  }

  private createQueue(mime: string): SourceBufferQueue {
    const mediaSource = this.mediaSource;
    // Set before the fetch starts and cleared only by teardown, after which no segment is read.
    if (!mediaSource) throw new Error('the MediaSource is gone');
    if (!MediaSource.isTypeSupported(mime)) {
      const codecs = codecsOf(mime).join(', ') || mime;
      throw new PlayerFailure(`this browser cannot play ${codecs}; main should have transcoded it`, false);
    }
    const sourceBuffer = mediaSource.addSourceBuffer(mime);
    sourceBuffer.mode = 'segments';
    return new SourceBufferQueue(sourceBuffer, mime, {
      playhead: () => this.video.currentTime,
      isOpen: () => this.mediaSource?.readyState === 'open',
      canPlay: (type) => MediaSource.isTypeSupported(type),
      onFailure: (failure) => this.finish('error', { words: this.failureWords(failure), retryable: failure.kind !== 'unsupported' }),
      // Until the first frame, steer as soon as media is buffered rather than at the next tick
      // (up to tickMs later, more on a busy machine): the first seek and play() start the picture.
      onMediaAppended: () => {
        if (this.firstFrameMs === undefined) this.tick();
      },
    });
  }

  private failureWords(failure: QueueFailure): string {
    switch (failure.kind) {
      case 'quota':
        return 'the browser’s video buffer stayed full after freeing old video';
      case 'unsupported':
        return `the restarted stream is ${codecsOf(failure.mime).join(', ')}, which this browser cannot play`;
      case 'append-error':
        return this.decodeWords();
      case 'refused':
        return `the browser refused the video data (${failure.name}: ${failure.message}${this.video.error?.message ? `; ${this.video.error.message}` : ''})`;
    }
  }

  private tick(): void {
    if (this.finished) return;
    const now = performance.now();
    const video = this.video;
    const ranges = copyRanges(video.buffered);
    this.settleSeekDrops(now);
    if (ranges.length > 0) {
      const playingForMs = this.firstFrameMs === undefined ? 0 : now - this.startedMs - this.firstFrameMs;
      const droppedFrames = video.getVideoPlaybackQuality().droppedVideoFrames;
      const steer = this.driver.steer({ nowMs: now, currentTime: video.currentTime, ranges, playingForMs, droppedFrames });
      if (video.playbackRate !== steer.rate) video.playbackRate = steer.rate;
      if (steer.seekTo !== undefined) {
        this.countSeekDrops(now);
        video.currentTime = steer.seekTo;
      }
      if (steer.paused) {
        // Paused on purpose: no progress is expected, so none is a stall (data still is).
        if (!video.paused) video.pause();
        this.lastProgressMs = now;
      } else if (!this.playRequested || (video.paused && video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA)) this.requestPlay();
      const plan = trimPlan(ranges, video.currentTime, this.config.trim, steer.backwards);
      if (plan) this.queue?.trim(plan[0], plan[1]);
    }
    if (video.currentTime !== this.lastCurrentTime) {
      if (this.lastCurrentTime >= 0 && !video.paused) this.lastProgressMs = now;
      this.lastCurrentTime = video.currentTime;
    }
    const stall = stallCheck({ nowMs: now, startedMs: this.startedMs, ...(this.firstDataMs === undefined ? {} : { firstDataMs: this.firstDataMs }), ...(this.lastDataMs === undefined ? {} : { lastDataMs: this.lastDataMs }), ...(this.lastProgressMs === undefined ? {} : { lastProgressMs: this.lastProgressMs }) }, this.config.stall);
    if (stall && !this.stalledSent) {
      this.stalledSent = true;
      this.emit('stalled', { reason: stall, words: stallWords[stall] });
    }
  }

  /** A seek starts (or extends) a second in which drops are put down to the seek. */
  private countSeekDrops(now: number): void {
    if (now >= this.seekDrops.untilMs) this.seekDrops.base = this.video.getVideoPlaybackQuality().droppedVideoFrames;
    this.seekDrops.untilMs = now + seekSettleMs;
  }

  private settleSeekDrops(now: number): void {
    if (this.seekDrops.untilMs === -Infinity || now < this.seekDrops.untilMs) return;
    this.seekDrops.settled += this.video.getVideoPlaybackQuality().droppedVideoFrames - this.seekDrops.base;
    this.seekDrops.untilMs = -Infinity;
  }

  private requestPlay(): void {
    this.playRequested = true;
    this.video.play().catch((err: unknown) => {
      // AbortError: a seek or a new source interrupted this play(); the next tick asks again.
      if (err instanceof DOMException && err.name === 'AbortError') return;
      this.finish('error', { words: `the browser would not start playback (${err instanceof Error ? err.message : String(err)})`, retryable: false });
    });
  }
}

async function describeRefusal(response: Response): Promise<string> {
  let detail = '';
  try {
    const text = (await response.text()).trim();
    // A short plain message from main is worth showing; an HTML page is not.
    if (text && text.length < 300 && !text.startsWith('<')) detail = `: ${text}`;
  } catch (err) {
    detail = ` (${err instanceof Error ? err.message : 'no body'})`;
  }
  if (response.status === 404 || response.status === 410) return `the stream is no longer open${detail}`;
  if (response.status === 401 || response.status === 403) return `the video stream was refused (${response.status})${detail}`;
  return `the video stream answered ${response.status}${detail}`;
}
