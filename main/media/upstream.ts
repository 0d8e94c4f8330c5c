/**
 * One live upstream (camera × profile): one ffmpeg process shared by every viewer, its GOP
 * cache, its stats, and its recovery.
 *
 *            start()                first fragment
 *   (idle) ──────────▶ connecting ─────────────────▶ playing
 *                         ▲   │ resolve/ffmpeg failed,    │ exit, stall (watchdog),
 *                         │   ▼ watchdog                  │ unreadable output
 *                         └─ retrying ◀───────────────────┘
 *                     backoff + jitter, forever            failed: cannot work at all
 *                                                          (site offers no live video, no ffmpeg)
 *
 * Every attempt asks the SiteService for the source again (withCamera signs in again when the
 * session expired), so a rotated token or URL is picked up. Live HLS is followed by Tessera
 * (hls-follower.ts) and piped into ffmpeg: a link refused mid-stream (its token expired) is
 * renewed the same way, without restarting the process. The first ffmpeg output (the input
 * dump) is the probe: when the camera's codec cannot be played the process is restarted at once
 * with a re-encode plan (MediaPlan), without counting as a failure.
 */
import { AppFailure, type CameraState, type StreamInfo } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import { redactString } from '../logging/redact.js';
import type { LiveSource } from './sources.js';
import { backoffDelay } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { defaultPlan, liveArgs, redactArgs, type MediaPlan } from './ffmpeg-args.js';
import { failureFromExit, InputDumpReader, planFor, samePlan, tail, type FailureWords } from './ffmpeg-log.js';
import { HlsFollower, type FollowerEnd, type HlsLink } from './hls-follower.js';
import type { PipelineHandle, PipelineRunner } from './ffmpeg-process.js';
import { Fmp4Splitter, Mp4FormatError, parseFragment, parseInit } from '../../common/mp4/index.js';
import { StreamStats } from './stream-stats.js';
import type { InitSegment, JoinData, LiveFragment, Viewer } from './viewer.js';
import { defaultTuning, type UpstreamLike, type UpstreamSnapshot, type UpstreamSpec, type UpstreamStatus, type UpstreamTuning } from './upstream-types.js';
import { deliveryWords, failureFromResolve } from './delivery-words.js';

/** ffmpeg codec names of MP4 sample entries that are not H.264. */
const sampleEntryCodecs: Record<string, string> = { hvc1: 'hevc', hev1: 'hevc', mp4v: 'mpeg4', av01: 'av1', vp09: 'vp9' };

export interface UpstreamOptions {
  spec: UpstreamSpec;
  resolve(): Promise<LiveSource>;
  /** The camera's status as the site reports it (an offline camera explains a failure best). */
  cameraState?(): CameraState | undefined;
  runner: PipelineRunner;
  clock: Clock;
  random: () => number;
  log: Logger;
  /** Status, reason or codec changed (urgent), or only the stats moved (at most every statsIntervalMs). */
  onChange(kind: 'status' | 'stats'): void;
  tuning?: Partial<UpstreamTuning>;
}

export class Upstream implements UpstreamLike {
  private readonly tuning: UpstreamTuning;
  private readonly viewers = new Set<Viewer>();
  private status: UpstreamStatus = 'connecting';
  private reason: string | undefined;
  private retryAtMs: number | undefined;
  private running = false;
  private generation = 0;
  private plan: MediaPlan = defaultPlan;
  private source: LiveSource | null = null;
  private pipeline: PipelineHandle | null = null;
  /** Feeds the current process when the source is live HLS. */
  private follower: HlsFollower | null = null;
  private splitter = new Fmp4Splitter();
  private dump = new InputDumpReader();
  private stderrTail = '';
  private stderrLine = '';
  /** Set when we end the process on purpose: the reason to report, or 'plan' to restart at once. */
  private killedFor: { kind: 'plan' } | { kind: 'failure'; words: FailureWords } | null = null;
  private init: InitSegment | null = null;
  private gop: LiveFragment[] = [];
  private gopBytes = 0;
  private readonly stats = new StreamStats();
  private lastStatsAnnounceMs = 0;
  private attempt = 0;
  private playingSinceMs: number | null = null;
  private retryTimer: TimerHandle | null = null;
  private watchdog: TimerHandle | null = null;
  /** Processes ended on purpose that have not exited yet. */
  private readonly dying = new Set<Promise<void>>();
  private spawnedAtMs = 0;
  /** When the current process last wrote to stdout; null before its first byte. */
  private lastDataMs: number | null = null;
  /** When the current attempt began asking the site for the source (start-up stages, logged once per attempt). */
  private connectAtMs = 0;
  /** The current process has sent its first fragment (its start-up stages are logged). */
  private firstFragmentSeen = false;

  constructor(private readonly o: UpstreamOptions) {
    this.tuning = { ...defaultTuning, ...o.tuning };
  }

  get spec(): UpstreamSpec {
    return this.o.spec;
  }

  /** The pid of the current ffmpeg (tests kill it to prove recovery). */
  get pid(): number | undefined {
    return this.pipeline?.pid;
  }

  get currentPlan(): MediaPlan {
    return this.plan;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.reason = undefined;
    void this.connect(false);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    this.o.clock.clearTimeout(this.retryTimer);
    this.o.clock.clearTimeout(this.watchdog);
    this.retryTimer = this.watchdog = null;
    this.stopFollower();
    const pipeline = this.pipeline;
    this.pipeline = null;
    await Promise.all([pipeline?.stop(), ...this.dying]);
  }

  snapshot(): UpstreamSnapshot {
    const video = this.init?.info.video;
    const stats = this.stats.snapshot();
    const info: StreamInfo = {
      ...(this.init ? { codec: this.init.info.codecs } : {}),
      ...(video?.width ? { width: video.width } : {}),
      ...(video?.height ? { height: video.height } : {}),
      ...stats,
      ...(this.source ? { delivery: deliveryWords(this.source) } : {}),
      transcoded: this.plan.video !== 'copy',
      ...(this.plan.transcodeReason && this.plan.video !== 'copy' ? { transcodeReason: this.plan.transcodeReason } : {}),
    };
    return {
      status: this.status,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.status === 'retrying' && this.retryAtMs !== undefined ? { retryAtMs: this.retryAtMs } : {}),
      info,
    };
  }

  join(): JoinData {
    return { init: this.init, gop: this.gop };
  }

  addViewer(viewer: Viewer): void {
    this.viewers.add(viewer);
  }

  removeViewer(viewer: Viewer): void {
    this.viewers.delete(viewer);
  }

  private async connect(reuseSource: boolean): Promise<void> {
    const generation = ++this.generation;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connectAtMs = this.o.clock.now();
    this.setStatus('connecting', this.reason);
    let source = reuseSource ? this.source : null;
    if (!source) {
      try {
        source = await this.resolveWithTimeout();
      } catch (err) {
        if (generation !== this.generation || !this.running) return;
        const words = failureFromResolve(err);
        this.o.log.warn('no live source', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, reason: words.reason });
        this.failed(words);
        return;
      }
      if (generation !== this.generation || !this.running) return;
      this.source = source;
    }
    this.spawn(source, generation);
  }

  private resolveWithTimeout(): Promise<LiveSource> {
    const { clock } = this.o;
    return new Promise<LiveSource>((resolve, reject) => {
      const timer = clock.setTimeout(() => reject(new AppFailure('timeout', `no answer within ${Math.round(this.tuning.resolveTimeoutMs / 1000)} s`)), this.tuning.resolveTimeoutMs);
      this.o.resolve().then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clock.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private spawn(source: LiveSource, generation: number): void {
    const args = liveArgs(source, { ...this.tuning.args, plan: this.plan });
    this.o.log.info('starting upstream', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, kind: source.kind, plan: this.plan, args: redactArgs(args) });
    this.splitter = new Fmp4Splitter();
    this.dump = new InputDumpReader();
    this.stderrTail = '';
    this.stderrLine = '';
    this.killedFor = null;
    this.gop = [];
    this.gopBytes = 0;
    this.stats.reset();
    this.lastDataMs = null;
    this.firstFragmentSeen = false;
    this.spawnedAtMs = this.o.clock.now();
    this.scheduleWatchdog(this.tuning.connectTimeoutMs);
    this.stopFollower();
    const follow = source.kind === 'http' && source.format === 'hls' && this.plan.hls !== 'demuxer';
    const pipeline = this.o.runner(
      args,
      {
      onData: (chunk) => {
        if (generation === this.generation) this.onData(chunk);
      },
      onStderr: (text) => {
        if (generation === this.generation) this.onStderr(text);
      },
      onExit: (exit) => {
        if (generation === this.generation) this.onExit(exit);
      },
    },
      follow ? { stdin: true } : undefined,
    );
    this.pipeline = pipeline;
    if (follow) this.follow(source, pipeline, generation);
  }

  private follow(source: LiveSource & { kind: 'http' }, pipeline: PipelineHandle, generation: number): void {
    const where = { camera: this.o.spec.cameraId, profile: this.o.spec.profile };
    this.follower = new HlsFollower({
      link: { url: source.url, headers: source.headers },
      renew: () => this.renewLink(generation),
      write: (bytes) => generation === this.generation && (pipeline.write?.(bytes) ?? false),
      onEnd: (end) => {
        if (generation === this.generation) this.followerEnded(end);
      },
      clock: this.o.clock,
      log: this.o.log,
      logFields: where,
    });
    this.follower.start();
  }

  /** A fresh HLS link for the running process (the old one was refused: its token expired). */
  private async renewLink(generation: number): Promise<HlsLink> {
    let source: LiveSource;
    try {
      source = await this.resolveWithTimeout();
    } catch (err) {
      throw new Error(failureFromResolve(err).reason);
    }
    if (source.kind !== 'http' || source.format !== 'hls') throw new Error('asked again, the site gave a live link that is not HLS');
    if (generation === this.generation) this.source = source;
    this.o.log.info('live link renewed', { camera: this.o.spec.cameraId, profile: this.o.spec.profile });
    return { url: source.url, headers: source.headers };
  }

  private followerEnded(end: FollowerEnd): void {
    if (end.kind === 'fmp4') {
      this.o.log.info('live HLS has fMP4 segments: ffmpeg reads the playlist itself', { camera: this.o.spec.cameraId, profile: this.o.spec.profile });
      this.switchPlan({ ...this.plan, hls: 'demuxer' });
      return;
    }
    this.endProcess({ kind: 'failure', words: { reason: end.kind === 'ended' ? 'the camera’s live stream ended' : end.reason } });
  }

  private stopFollower(): void {
    this.follower?.stop();
    this.follower = null;
  }

  private onData(chunk: Buffer): void {
    const first = this.lastDataMs === null;
    this.lastDataMs = this.o.clock.now();
    if ((first || !this.watchdog) && !this.killedFor) this.scheduleWatchdog(this.stallMs());
    let segments;
    try {
      segments = this.splitter.push(chunk);
    } catch (err) {
      this.endProcess({ kind: 'failure', words: { reason: `the video process sent something unreadable (${err instanceof Mp4FormatError ? err.message : 'unknown'})` } });
      return;
    }
    for (const segment of segments) {
      if (this.killedFor) return;
      try {
        // A Buffer over the same memory: sinks (sockets, HTTP responses, Electron streams) take Buffers.
        const bytes = Buffer.from(segment.bytes.buffer, segment.bytes.byteOffset, segment.bytes.byteLength);
        if (segment.kind === 'init') this.onInit(bytes);
        else this.onFragment(bytes);
      } catch (err) {
        this.endProcess({ kind: 'failure', words: { reason: `the video process sent something unreadable (${err instanceof Error ? err.message : 'unknown'})` } });
        return;
      }
    }
  }

  private onInit(bytes: Buffer): void {
    const info = parseInit(bytes);
    if (!info.video) {
      this.endProcess({ kind: 'failure', words: { reason: 'the source sends no video' } });
      return;
    }
    if (this.plan.video === 'copy' && info.video.format !== 'avc1' && info.video.format !== 'avc3') {
      // stdout can overtake stderr: the init segment may arrive before the input dump was read,
      // or the dump named a codec planFor does not know. Either way the init segment decides.
      const codec = sampleEntryCodecs[info.video.format] ?? info.video.format;
      this.switchPlan(planFor([{ index: 0, type: 'video', codec, detail: '' }], this.plan));
      return;
    }
    this.init = { bytes, info };
    for (const viewer of this.viewers) viewer.sendInit(this.init);
    this.o.onChange('status');
  }

  private onFragment(bytes: Buffer): void {
    if (!this.init) return;
    const info = parseFragment(bytes, this.init.info);
    const fragment: LiveFragment = { bytes, keyframe: info.keyframe, info };
    this.stats.add({ frames: info.videoSamples, durationMs: info.videoDurationMs, bytes: bytes.length, keyframe: info.keyframe, ...(info.videoStartMs !== undefined ? { startMs: info.videoStartMs } : {}) });
    this.cache(fragment);
    const now = this.o.clock.now();
    if (!this.firstFragmentSeen) {
      this.firstFragmentSeen = true;
      // Where a start's time goes, for bench:live's stages: asking the site for the source, then
      // ffmpeg's connect + probe + first fragment.
      this.o.log.info('first fragment', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, resolveMs: this.spawnedAtMs - this.connectAtMs, spawnToFragmentMs: now - this.spawnedAtMs });
    }
    if (this.status !== 'playing') {
      this.playingSinceMs = now;
      this.lastStatsAnnounceMs = now;
      this.setStatus('playing', undefined);
    } else if (now - this.lastStatsAnnounceMs >= this.tuning.statsIntervalMs) {
      this.lastStatsAnnounceMs = now;
      this.o.onChange('stats');
    }
    for (const viewer of this.viewers) viewer.offer(fragment);
  }

  /** The GOP cache: fragments from the last keyframe on, so a second viewer starts at once. */
  private cache(fragment: LiveFragment): void {
    if (fragment.keyframe) {
      this.gop = [fragment];
      this.gopBytes = fragment.bytes.length;
      return;
    }
    if (!this.gop.length) return;
    this.gopBytes += fragment.bytes.length;
    if (this.gopBytes > this.tuning.gopCacheMaxBytes) {
      this.gop = [];
      this.gopBytes = 0;
      return;
    }
    // A new array: a joining viewer may be iterating the previous one.
    this.gop = [...this.gop, fragment];
  }

  private onStderr(text: string): void {
    this.stderrTail = tail(this.stderrTail, text);
    if (this.dump.complete) return;
    this.stderrLine += text;
    const lines = this.stderrLine.split(/\r?\n/);
    this.stderrLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!this.dump.line(line)) continue;
      const next = planFor(this.dump.streams, this.plan);
      if (!samePlan(next, this.plan)) this.switchPlan(next);
      return;
    }
  }

  private switchPlan(next: MediaPlan): void {
    this.o.log.info('changing plan', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, from: this.plan, to: next });
    this.plan = next;
    this.endProcess({ kind: 'plan' });
  }

  /**
   * Ends the current process on purpose. A plan change restarts when it has exited; a failure
   * is reported and scheduled at once, since a process stuck on a dead camera may take up to
   * KILL_AFTER_MS to go (its exit no longer matters; stop() still waits for it).
   */
  private endProcess(why: NonNullable<Upstream['killedFor']>): void {
    if (this.killedFor) return;
    this.killedFor = why;
    this.stopFollower();
    this.o.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    const stopping = this.pipeline?.stop();
    if (why.kind !== 'failure') return;
    if (stopping) {
      this.dying.add(stopping);
      void stopping.then(() => this.dying.delete(stopping));
    }
    this.generation += 1;
    this.pipeline = null;
    this.o.log.warn('upstream ended', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, reason: why.words.reason });
    if (this.running) this.failed(why.words);
  }

  private onExit(exit: { code: number | null; signal: string | null; spawnError?: string }): void {
    this.pipeline = null;
    this.stopFollower();
    this.o.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.running) return;
    const killedFor = this.killedFor;
    this.killedFor = null;
    // A failure we ended the process for was reported by endProcess already (other generation).
    if (killedFor?.kind === 'plan') {
      void this.connect(true);
      return;
    }
    // It may have died of the codec (e.g. "Could not find tag" for G.711 audio) right after the dump.
    const next = planFor(this.dump.streams, this.plan);
    if (!samePlan(next, this.plan)) {
      this.plan = next;
      void this.connect(true);
      return;
    }
    const words = failureFromExit({ stderr: this.stderrTail, code: exit.code, signal: exit.signal, ...(exit.spawnError ? { spawnError: exit.spawnError } : {}) });
    if (words.probe && this.plan.probe !== 'thorough') {
      // Common with cameras whose SDP has no parameter sets: costs a second per start, so only then.
      this.o.log.info('probing longer', { camera: this.o.spec.cameraId, profile: this.o.spec.profile });
      this.plan = { ...this.plan, probe: 'thorough' };
      void this.connect(true);
      return;
    }
    this.o.log.warn('upstream ended', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, reason: words.reason, code: exit.code, signal: exit.signal, stderr: redactString(this.stderrTail.slice(-600)) });
    this.failed(words);
  }

  private failed(words: FailureWords): void {
    if (words.permanent) {
      // start() (a new viewer) tries again.
      this.running = false;
      this.setStatus('failed', words.reason);
      return;
    }
    const now = this.o.clock.now();
    if (this.playingSinceMs !== null && now - this.playingSinceMs >= this.tuning.backoff.stableMs) this.attempt = 0;
    this.playingSinceMs = null;
    const reason = this.o.cameraState?.() === 'offline' ? 'camera offline' : words.reason;
    const delay = backoffDelay(this.attempt, this.o.random, this.tuning.backoff);
    this.attempt += 1;
    this.retryAtMs = now + delay;
    this.setStatus('retrying', reason);
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.connect(false);
    }, delay);
  }

  /**
   * One timer per upstream, re-armed lazily (not per chunk): before the first byte it enforces
   * the connect timeout, afterwards the stall timeout measured from the last byte.
   */
  private scheduleWatchdog(ms: number): void {
    this.o.clock.clearTimeout(this.watchdog);
    this.watchdog = this.o.clock.setTimeout(() => this.checkWatchdog(), Math.max(1, ms));
  }

  private checkWatchdog(): void {
    this.watchdog = null;
    if (!this.pipeline || this.killedFor) return;
    const now = this.o.clock.now();
    if (this.lastDataMs === null) {
      const left = this.spawnedAtMs + this.tuning.connectTimeoutMs - now;
      if (left > 0) return this.scheduleWatchdog(left);
      return this.fireWatchdog(`no video arrived within ${Math.round(this.tuning.connectTimeoutMs / 1000)} s of connecting`);
    }
    const stallMs = this.stallMs();
    const left = this.lastDataMs + stallMs - now;
    if (left > 0) return this.scheduleWatchdog(left);
    this.fireWatchdog(`stalled: no video for ${Math.round(stallMs / 1000)} s`);
  }

  private fireWatchdog(reason: string): void {
    this.o.log.warn('watchdog', { camera: this.o.spec.cameraId, profile: this.o.spec.profile, reason });
    this.endProcess({ kind: 'failure', words: { reason } });
  }

  /** No bytes this long while playing means stalled: 8 s, or 2 × GOP + 5 s for long GOPs (ms). */
  private stallMs(): number {
    const gopMs = this.stats.snapshot().gopMs ?? 0;
    return Math.max(this.tuning.stallMinMs, 2 * gopMs + 5_000);
  }

  private setStatus(status: UpstreamStatus, reason: string | undefined): void {
    const changed = status !== this.status || reason !== this.reason || status === 'retrying';
    this.status = status;
    this.reason = reason;
    if (status !== 'retrying') this.retryAtMs = undefined;
    if (changed) this.o.onChange('status');
  }
}
