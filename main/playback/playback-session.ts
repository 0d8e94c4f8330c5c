/**
 * One recorded playback (one tile): a RecordedSource read through ffmpeg into fragmented MP4 on the
 * session's single mapping, media time = (wall − originMs) / 1000 (decode-times.ts).
 *
 *   open ─▶ opening ──first fragment──▶ playing ⇄ paused
 *              ▲                           │ piece ends: next piece, or the coverage says
 *              │ seek (new run, new init)  ▼ where recording resumes ─▶ gap ─▶ playing
 *              └────────────────────────── ended (nothing after) · failed (with a code)
 *
 * Flow control, not drops: a fragment waits while the sink is not draining or while it is more
 * than `leadMs` ahead of the PlayClock; while one waits, ffmpeg's stdout is paused, so ffmpeg
 * blocks and stops reading the VMS. What waits in main is at most one stdout chunk of fragments.
 * Consecutive pieces continue under the first init segment when theirs is byte-identical; a seek
 * always sends a new one (the player resets its SourceBuffer then, see preload/contract/recordings.ts).
 * A server playhead (exacq) paces, pauses, steps and reverses on the server (playhead-steering.ts)
 * and stamps each frame with the time the server gives it (playhead-feed.ts, recorded-run.ts).
 */
import type { PlaybackState } from '../../preload/contract/index.js';
import { AppFailure } from '../../preload/contract/index.js';
import { nextRecordingStart, type Period } from '../../common/time-periods.js';
import type { Logger } from '../logging/logger.js';
import { redactArgs } from '../media/ffmpeg-args.js';
import { failureFromExit, tail } from '../media/ffmpeg-log.js';
import type { PipelineRunner } from '../media/ffmpeg-process.js';
import type { Clock } from '../media/clock.js';
import type { RateBand, RecordedPiece, RecordedSource } from '../media/sources.js';
import type { ViewerSink } from '../media/viewer.js';
import { FlowGate } from './flow-gate.js';
import { PlayClock } from './play-clock.js';
import { playbackArgs, playheadArgs } from './playback-args.js';
import { PlayheadFeed } from './playhead-feed.js';
import { PlayheadSteering, type PlayheadSource } from './playhead-steering.js';
import { newRun, runFragment, runInit, type Run } from './recorded-run.js';

/** A piece starting this much after the previous one ended is a gap (ms). */
export const GAP_TOLERANCE_MS = 2_000;
/** How far the coverage is asked ahead for where recording resumes after a piece (ms). */
export const RESUME_LOOKAHEAD_MS = 7 * 24 * 3600_000;
/** Lead over the expected position at 1× (ms of wall time); scaled up at higher rates. */
export const DEFAULT_LEAD_MS = 8_000;
/** Above this speed a source may serve the sub-stream or keyframes only (RecordedMedia.video's rate hint); a source without `rates` is asked again when a speed crosses it. */
export const FAST_RATE = 4;
/** Consecutive runs that fail before any fragment: then the playback fails. */
const MAX_FAILED_RUNS = 2;

export type PlaybackStatus = PlaybackState['status'];

export interface PlaybackSessionOptions {
  playbackId: string;
  cameraId: string;
  originMs: number;
  rate: number;
  /**
   * Recorded video of this camera from atMs (bound to the profile by the service); `rate` is the
   * speed's magnitude. `signal` is aborted by a seek or close: what is pending then stops.
   */
  resolve(atMs: number, rate: number, signal: AbortSignal): Promise<RecordedSource>;
  /** Recorded periods of this camera (where a gap ends). */
  coverage(fromMs: number, toMs: number): Promise<Period[]>;
  runner: PipelineRunner;
  clock: Clock;
  log: Logger;
  onChange(kind: 'status' | 'position'): void;
  leadMs?: number;
}

export class PlaybackSession {
  status: PlaybackStatus = 'opening';
  rate: number;
  paused = false;
  positionMs: number | undefined;
  nextRecordingMs: number | undefined;
  reason: string | undefined;
  code: string | undefined;
  private readonly pace: PlayClock;
  private source: RecordedSource | null = null;
  /** The speed the source was asked for. */
  private sourceRate = 0;
  /** Set while the source is a server playhead. */
  private steering: PlayheadSteering | null = null;
  private run: Run | null = null;
  private generation = 0;
  private readonly gate: FlowGate;
  /** The init segment the player has now (its bytes, to tell whether a new run needs a new one). */
  private sentInit: Buffer | null = null;
  /** After a seek the next init goes out even when identical: the player resets on it. */
  private initRequired = true;
  /** Nothing follows what is held: once it is sent, the playback has ended. */
  private endAfterHeld = false;
  private failedRuns = 0;
  private closed = false;
  /**
   * What this generation still waits for from the source (its open, its next piece: Eagle Eye v1
   * polls an MP4 job for up to 20 s) is aborted by the next seek or the close.
   */
  private pending = new AbortController();
  private readonly dying = new Set<Promise<void>>();

  constructor(private readonly o: PlaybackSessionOptions) {
    this.rate = o.rate;
    this.pace = new PlayClock(o.clock);
    this.pace.setRate(Math.max(0, o.rate));
    this.gate = new FlowGate({
      clock: o.clock,
      pace: this.pace,
      // A server playhead paces its frames itself (and may go backwards): nothing to wait for here.
      leadMs: () => (this.source?.kind === 'playhead' ? Number.POSITIVE_INFINITY : (o.leadMs ?? DEFAULT_LEAD_MS) * Math.max(1, Math.abs(this.rate))),
      producer: () => this.run?.feed ?? this.run?.handle ?? null,
      onFragmentSent: (wallMs) => this.fragmentSent(wallMs),
      onEmpty: () => {
        if (!this.endAfterHeld) return;
        this.endAfterHeld = false;
        this.setStatus('ended');
      },
    });
  }

  get playbackId(): string {
    return this.o.playbackId;
  }

  get cameraId(): string {
    return this.o.cameraId;
  }

  get originMs(): number {
    return this.o.originMs;
  }

  /** Fragments and init segments waiting in main (tests: memory stays bounded). */
  get heldCount(): number {
    return this.gate.size;
  }

  state(): PlaybackState {
    return {
      playbackId: this.o.playbackId,
      cameraId: this.o.cameraId,
      status: this.status,
      rate: this.rate,
      ...(this.positionMs !== undefined ? { positionMs: this.positionMs } : {}),
      ...(this.status === 'gap' && this.nextRecordingMs !== undefined ? { nextRecordingMs: this.nextRecordingMs } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.code ? { code: this.code } : {}),
    };
  }

  /**
   * Starts with a source the service resolved at `atMs` (so open can answer its errors), or in
   * the gap at `gapAtMs`.
   */
  begin(start: { source: RecordedSource; atMs?: number } | { gapAtMs: number }): void {
    if ('source' in start) {
      this.pace.reset(start.atMs);
      this.play(start.source, this.generation, Math.abs(this.rate));
    } else void this.resumeAt(start.gapAtMs, this.generation);
  }

  /** Connects the player's fetch; a second fetch replaces the first (and starts again where it was). */
  attach(sink: ViewerSink): void {
    const previous = this.gate.attach(sink);
    previous?.end();
    if (previous && this.positionMs !== undefined) {
      void this.seek(this.positionMs);
      return;
    }
    this.pump();
  }

  isCurrent(sink: ViewerSink): boolean {
    return this.gate.isCurrent(sink);
  }

  /** Plays from atMs: a new run and a new init segment, on the same originMs. */
  async seek(atMs: number): Promise<void> {
    const generation = this.restart(atMs);
    await this.resolveAndPlay(atMs, generation, (err) => (err instanceof AppFailure && err.error.code === 'no-recording' ? this.resumeAt(atMs, generation) : this.fail(err)));
  }

  /** The source at atMs, played unless a newer seek came meanwhile (then it is closed at once). */
  private async resolveAndPlay(atMs: number, generation: number, failed: (err: unknown) => unknown): Promise<void> {
    let source: RecordedSource;
    const rate = Math.abs(this.rate);
    try {
      source = await this.o.resolve(atMs, rate, this.pending.signal);
    } catch (err) {
      if (generation === this.generation) await failed(err);
      return;
    }
    if (generation !== this.generation) this.track(closeSource(source));
    else this.play(source, generation, rate);
  }

  /**
   * The player plays at `rate` (it sets playbackRate itself). Backwards (keyframe steps in the
   * player's buffer, a seek back for more) nothing new is sent. A forward speed the source was
   * not chosen for (its `rates`; without them, crossing 4×) restarts at the player's position
   * `atMs` (main's estimate when not given), so the adapter can pick what keeps up (Eagle Eye:
   * MP4 pieces above 1×, the sub-stream above 4×; RecordedMedia.video).
   */
  setRate(rate: number, atMs?: number): void {
    const crossed = this.source?.kind === 'pieces' && rate > 0 && !servesRate(this.source.rates, rate, this.sourceRate);
    // Asked before the rate changes the play clock's estimate.
    const restartAt = atMs ?? this.playerEstimateMs();
    this.rate = rate;
    this.pace.setRate(Math.max(0, rate));
    this.gate.clearTimer();
    if (!this.paused) this.steering?.speed(rate);
    this.o.onChange('status');
    if (crossed && restartAt !== undefined) {
      void this.seek(restartAt);
      return;
    }
    this.pump();
  }

  /**
   * Where the player is, as far as main can tell when the caller does not say: where the play
   * clock expects it, but never past the last frame sent (a source that fell behind).
   */
  private playerEstimateMs(): number | undefined {
    const expected = this.pace.positionMs();
    if (expected === undefined || this.positionMs === undefined) return this.positionMs;
    return Math.round(Math.min(expected, this.positionMs));
  }

  /** `steer`: false where the caller sets the server's speed itself (step). */
  setPaused(paused: boolean, steer = true): void {
    // A server playhead stops sending at speed 0 and goes on at the rate.
    if (steer && paused !== this.paused) this.steering?.speed(paused ? 0 : this.rate);
    this.paused = paused;
    this.pace.setPaused(paused);
    this.gate.clearTimer();
    if (paused && this.status === 'playing') this.setStatus('paused');
    else if (!paused && this.status === 'paused') this.setStatus('playing');
    this.pump();
  }

  /**
   * One frame by the server's playhead (true; it pauses first), or false where the player steps in
   * its buffer. Forward, the stream sends the next frame; back, the stream cannot go back, so it
   * restarts where the playhead now is (the GOP up to that frame, under a new init segment).
   */
  async step(direction: 1 | -1): Promise<boolean> {
    const steering = this.steering;
    if (!steering) return false;
    if (!this.paused) {
      this.setPaused(true, false);
      // Stopped before the step, so the frame after the step is the only one that comes.
      await steering.source.playhead.setSpeed(0);
    }
    await steering.step(direction);
    return true;
  }

  /** Ends the stream; resolves once its ffmpeg processes have exited and the source's server session is closed. */
  async close(): Promise<void> {
    this.closed = true;
    this.restart();
    this.gate.detach()?.end();
    await Promise.all([...this.dying]);
  }

  /**
   * Ends the current run and source and aborts what they still wait for; returns the new
   * generation. `atMs`: where the player will be (a seek's target), which paces the new run.
   */
  private restart(atMs?: number): number {
    this.generation += 1;
    this.pending.abort();
    this.pending = new AbortController();
    this.gate.clearTimer();
    this.stopRun();
    this.dropSource();
    this.gate.clear();
    this.endAfterHeld = false;
    this.initRequired = true;
    this.failedRuns = 0;
    this.pace.reset(atMs);
    if (!this.closed) this.setStatus('opening');
    return this.generation;
  }

  private stopRun(): void {
    const handle = this.run?.handle;
    this.run?.feed?.stop();
    this.run = null;
    if (handle) this.track(handle.stop());
  }

  /** Processes stopping and server sessions closing, which close() waits for. */
  private track(ending: Promise<void>): void {
    this.dying.add(ending);
    void ending.finally(() => this.dying.delete(ending));
  }

  /** Forgets the source and closes its server session (exacq's search), whatever happened. */
  private dropSource(): void {
    const source = this.source;
    this.source = null;
    this.steering = null;
    if (source) this.track(closeSource(source));
  }

  private play(source: RecordedSource, generation: number, rate: number): void {
    this.source = source;
    this.sourceRate = rate;
    if (source.kind === 'pieces') {
      this.startRun(source.first, generation);
      return;
    }
    const steering: PlayheadSteering = new PlayheadSteering(source, {
      log: this.o.log,
      playbackId: this.o.playbackId,
      current: (): boolean => this.steering === steering && generation === this.generation,
      // The playhead's stream again from where the server's playhead is (same source, new init).
      rerun: () => {
        this.stopRun();
        this.gate.clear();
        this.pace.reset();
        this.initRequired = true;
        this.startPlayheadRun(steering, generation);
      },
    });
    this.steering = steering;
    this.startPlayheadRun(steering, generation);
  }

  /** ffmpeg reads the frames the feed takes from the server; the playhead moves once the server answered. */
  private startPlayheadRun(steering: PlayheadSteering, generation: number): void {
    const source: PlayheadSource = steering.source;
    const run = this.startRun(source.piece, generation, playheadArgs(source.piece.fps));
    const current = (): boolean => generation === this.generation && this.run === run;
    run.feed = new PlayheadFeed(source.parts, {
      onOpen: () => {
        if (current()) steering.opened(this.rate, this.paused);
      },
      write: (data) => run.handle?.write?.(data) ?? false,
      onEnd: (error) => {
        if (!current()) return;
        if (error) this.fail(new AppFailure('unreachable', `The recording could not be played: ${error}.`));
        else run.handle?.endInput?.();
      },
    });
    run.feed.start();
  }

  private startRun(piece: RecordedPiece, generation: number, playheadInput?: string[]): Run {
    const args = playheadInput ?? playbackArgs(piece);
    this.o.log.info('playing a recorded piece', { playback: this.o.playbackId, camera: this.o.cameraId, format: piece.format, startMs: piece.startMs, args: redactArgs(args) });
    const run = newRun(piece);
    this.run = run;
    const current = (): boolean => generation === this.generation && this.run === run;
    run.handle = this.o.runner(args, {
      onData: (chunk) => {
        if (current()) this.onData(run, chunk);
      },
      onStderr: (text) => {
        run.stderr = tail(run.stderr, text);
      },
      onExit: (exit) => {
        run.exited = true;
        if (current()) this.onExit(run, exit, generation);
      },
    }, playheadInput ? { stdin: true } : {});
    return run;
  }

  private onData(run: Run, chunk: Buffer): void {
    try {
      for (const segment of run.splitter.push(chunk)) {
        const bytes = Buffer.from(segment.bytes.buffer, segment.bytes.byteOffset, segment.bytes.byteLength);
        if (segment.kind === 'init') this.onInit(run, bytes);
        else this.onFragment(run, bytes);
      }
    } catch (err) {
      this.stopRun();
      this.fail(new AppFailure('bad-response', `The recorded video could not be read (${err instanceof Error ? err.message : 'unknown'}).`));
      return;
    }
    this.pump();
  }

  private onInit(run: Run, bytes: Buffer): void {
    const info = runInit(run, bytes, this.o.originMs);
    if (!this.initRequired && this.sentInit?.equals(bytes)) return;
    this.initRequired = false;
    this.sentInit = bytes;
    this.gate.push({ bytes, mime: info.mimeType });
  }

  private onFragment(run: Run, bytes: Buffer): void {
    const fragment = runFragment(run, bytes, this.o.originMs);
    if (!fragment) return;
    this.failedRuns = 0;
    this.gate.push(fragment);
  }

  private pump(): void {
    if (!this.closed) this.gate.pump();
  }

  private fragmentSent(wallMs: number): void {
    this.positionMs = wallMs;
    if (this.status === 'opening' || this.status === 'gap') this.setStatus(this.paused ? 'paused' : 'playing');
    else this.o.onChange('position');
  }

  private onExit(run: Run, exit: { code: number | null; signal: string | null; spawnError?: string }, generation: number): void {
    this.run = null;
    const words = failureFromExit({ stderr: run.stderr, code: exit.code, signal: exit.signal, ...(exit.spawnError ? { spawnError: exit.spawnError } : {}) });
    if (run.reachedMs === null) {
      this.failedRuns += 1;
      if (exit.code !== 0 || this.failedRuns >= MAX_FAILED_RUNS) {
        this.o.log.warn('recorded piece gave no video', { playback: this.o.playbackId, camera: this.o.cameraId, reason: words.reason, code: exit.code });
        this.fail(new AppFailure(words.permanent ? 'unsupported' : 'unreachable', `The recording could not be played: ${words.reason}.`));
        return;
      }
    } else if (exit.code !== 0) {
      this.o.log.warn('recorded piece ended early', { playback: this.o.playbackId, camera: this.o.cameraId, reason: words.reason });
    }
    void this.continueAfter(run.reachedMs ?? run.piece.startMs, generation);
  }

  /** The run ended at afterMs: the next piece, or the next recording after a gap, or the end. */
  private async continueAfter(afterMs: number, generation: number): Promise<void> {
    const source = this.source;
    let piece: RecordedPiece | null = null;
    try {
      if (source?.kind === 'pieces') piece = await source.next(afterMs, this.pending.signal);
    } catch (err) {
      if (generation === this.generation) this.fail(err);
      return;
    }
    if (generation !== this.generation) return;
    if (piece) {
      if (piece.startMs > afterMs + GAP_TOLERANCE_MS) this.enterGap(piece.startMs);
      this.startRun(piece, generation);
      return;
    }
    this.dropSource();
    await this.resumeAt(afterMs, generation);
  }

  /** No recording at atMs: wait for the next one the coverage knows (state gap), or end. */
  private async resumeAt(atMs: number, generation: number): Promise<void> {
    let next: number | undefined;
    try {
      // A later recording, not the one just played (its period may reach past where the piece ended).
      next = nextRecordingStart(await this.o.coverage(atMs, atMs + RESUME_LOOKAHEAD_MS), atMs + GAP_TOLERANCE_MS);
    } catch (err) {
      if (generation === this.generation) this.fail(err);
      return;
    }
    if (generation !== this.generation) return;
    if (next === undefined) {
      this.endAfterHeld = true;
      this.pump();
      return;
    }
    this.enterGap(next);
    await this.resolveAndPlay(next, generation, (err) => this.fail(err));
  }

  private enterGap(nextMs: number): void {
    this.nextRecordingMs = nextMs;
    this.setStatus('gap');
  }

  private fail(err: unknown): void {
    this.stopRun();
    this.gate.clear();
    // A failed playback keeps no server session (exacq's search): a seek makes a new one.
    this.dropSource();
    const failure = err instanceof AppFailure ? err.error : { code: 'unreachable', message: 'The recording could not be played.' };
    if (!(err instanceof AppFailure)) this.o.log.warn('playback failed', { playback: this.o.playbackId, error: err });
    this.code = failure.code;
    this.reason = failure.message;
    this.setStatus('failed');
  }

  private setStatus(status: PlaybackStatus): void {
    if (status !== 'failed') {
      this.code = undefined;
      this.reason = undefined;
    }
    if (status !== 'gap') this.nextRecordingMs = undefined;
    const changed = status !== this.status;
    this.status = status;
    if (changed || status === 'gap') this.o.onChange('status');
  }
}

/** Whether a source chosen for `band` (none: the side of FAST_RATE the speed it was asked for is on) serves forward speed `rate`. */
function servesRate(band: RateBand | undefined, rate: number, askedRate: number): boolean {
  if (!band) return rate > FAST_RATE === askedRate > FAST_RATE;
  return rate > band.above && rate <= band.upTo;
}

/** Ends a source's server session (exacq's search); never throws. */
async function closeSource(source: RecordedSource): Promise<void> {
  if (source.kind === 'playhead') await source.playhead.close().catch(() => undefined);
}
