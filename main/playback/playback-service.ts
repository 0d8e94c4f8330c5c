/**
 * Recorded playback for every tile of every window: one session per `playback:open` (never
 * shared, unlike live upstreams), its stream on the media transport at `media/playback/<id>`.
 * Sources come from the adapters through compose (`resolve`), so this folder stays below vms.
 * Playbacks count in the same stream slots as live viewers; a playback whose path is not fetched
 * within UNCLAIMED_MS is closed; its state goes out as whole snapshots, coalesced like media:state.
 */
import { randomUUID } from 'node:crypto';
import { AppFailure, maxCoverageSpanMs, type PlaybackSession as PlaybackSessionDto, type PlaybackState, type PlaybackStepResult, type ProfileName } from '../../preload/contract/index.js';
import { nextRecordingStart, type Period } from '../../common/time-periods.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock, type TimerHandle } from '../media/clock.js';
import { spawnFfmpeg, type PipelineRunner } from '../media/ffmpeg-process.js';
import type { MediaAttachSource } from '../media/http-stream.js';
import { STATE_PUBLISH_MIN_MS, STATS_PUBLISH_MS, UNCLAIMED_MS } from '../media/media-broker.js';
import { PublishThrottle } from '../media/publish-throttle.js';
import type { RecordedSource } from '../media/sources.js';
import { StreamSlots } from '../media/stream-slots.js';
import type { ViewerSink } from '../media/viewer.js';
import { PlaybackSession, RESUME_LOOKAHEAD_MS } from './playback-session.js';

/** Path of a playback's stream, as playback:open returns it (served by both shells' media transports). */
export const playbackPathPattern = /^\/media\/playback\/([A-Za-z0-9-]{1,100})$/;

/** Frame interval when the source does not say, ms (the simulator and most VMSs record at 10 fps or more). */
const FALLBACK_FRAME_MS = 100;

export interface PlaybackServiceOptions {
  /**
   * Recorded video of a camera from atMs (compose: the adapter's recorded.video through
   * withCamera); `signal` is aborted when the playback seeks elsewhere or closes meanwhile.
   */
  resolve(cameraId: string, atMs: number, options: { rate: number; profile: ProfileName; signal?: AbortSignal }): Promise<RecordedSource>;
  /**
   * How the site plays backwards (RecordedMedia.reverse): 'server' where a server playhead source
   * plays backwards itself (exacq: its frames come newest first), 'keyframes' where the player
   * steps keyframes back through forward video; none refuses.
   */
  reverse(cameraId: string): Promise<'server' | 'keyframes' | 'none'>;
  /** Recorded periods, to say where a gap ends (compose: the adapter's coverage). */
  coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]>;
  /** False when no configured site can have this camera: open fails at once with `not-found`. */
  cameraKnown?(cameraId: string): boolean;
  /** Shared with the media broker: live and recorded streams count together. */
  slots?: StreamSlots;
  log: Logger;
  clock?: Clock;
  runner?: PipelineRunner;
  unclaimedMs?: number;
  /** Lead of a stream over the expected play position at 1×, ms (tests make it small). */
  leadMs?: number;
}

export interface PlaybackOpen {
  cameraId: string;
  atMs: number;
  rate: number;
  profile: ProfileName;
}

interface Entry {
  session: PlaybackSession;
  owner: string;
  unclaimed: TimerHandle | null;
  frameMs: number;
  reverse: 'server' | 'keyframes' | 'none';
}

function reverseRefused(): AppFailure {
  return new AppFailure('reverse-unsupported', 'This site cannot play this camera backwards; step back frame by frame while paused.');
}

export class PlaybackService implements MediaAttachSource {
  private readonly sessions = new Map<string, Entry>();
  private readonly listeners = new Set<(states: PlaybackState[]) => void>();
  private readonly clock: Clock;
  private readonly slots: StreamSlots;
  private readonly throttle: PublishThrottle;
  private positionTimer: TimerHandle | null = null;
  private disposed = false;

  constructor(private readonly o: PlaybackServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.slots = o.slots ?? new StreamSlots();
    this.throttle = new PublishThrottle(this.clock, STATE_PUBLISH_MIN_MS, () => this.publish());
  }

  /**
   * Opens recorded video of a camera from atMs for one tile of the window `owner`. Fails with
   * `not-found` (no such camera), `no-recording` (in the future, or nothing recorded then or after),
   * `not-recorded` (a camera without recordings), `reverse-unsupported`, `conflict` (slots).
   * A time in a gap with a recording after it opens in state `gap`.
   */
  async open(input: PlaybackOpen, owner: string): Promise<PlaybackSessionDto> {
    if (this.disposed) throw new AppFailure('unsupported', 'Tessera is shutting down.');
    const { cameraId, atMs, rate, profile } = input;
    if (this.o.cameraKnown && !this.o.cameraKnown(cameraId)) {
      throw new AppFailure('not-found', `There is no camera ${JSON.stringify(cameraId.slice(0, 120))} on any site Tessera knows.`);
    }
    if (atMs > this.clock.now()) throw new AppFailure('no-recording', `${new Date(atMs).toISOString()} is in the future: nothing is recorded there yet.`);
    const vendorReverse = await this.o.reverse(cameraId);
    if (rate < 0 && vendorReverse === 'none') throw reverseRefused();
    this.slots.take(owner);
    let start: { source: RecordedSource } | { gapAtMs: number };
    try {
      start = await this.firstSource(cameraId, atMs, Math.abs(rate), profile);
    } catch (err) {
      this.slots.release(owner);
      throw err;
    }
    if (this.disposed) {
      this.slots.release(owner);
      if ('source' in start && start.source.kind === 'playhead') await start.source.playhead.close().catch(() => undefined);
      throw new AppFailure('unsupported', 'Tessera is shutting down.');
    }
    const playbackId = randomUUID();
    const originMs = Math.floor((atMs - maxCoverageSpanMs) / 1000) * 1000;
    const session = new PlaybackSession({
      playbackId,
      cameraId,
      originMs,
      rate,
      resolve: (at, r, signal) => this.o.resolve(cameraId, at, { rate: r, profile, signal }),
      coverage: (from, to) => this.o.coverage(cameraId, from, to),
      runner: this.o.runner ?? spawnFfmpeg,
      clock: this.clock,
      log: this.o.log,
      onChange: (kind) => (kind === 'status' ? this.queuePublish() : this.queuePositionPublish()),
      ...(this.o.leadMs !== undefined ? { leadMs: this.o.leadMs } : {}),
    });
    const fps = 'source' in start ? (start.source.kind === 'pieces' ? start.source.first.fps : start.source.piece.fps) : undefined;
    // Server reverse needs the server's playhead; URL pieces (or a gap first) step keyframes.
    const reverse = vendorReverse === 'none' ? 'none' : vendorReverse === 'server' && 'source' in start && start.source.kind === 'playhead' ? 'server' : 'keyframes';
    const entry: Entry = { session, owner, unclaimed: null, frameMs: fps ? 1000 / fps : FALLBACK_FRAME_MS, reverse };
    entry.unclaimed = this.clock.setTimeout(() => {
      this.o.log.info('closing a playback its player never fetched', { playbackId, camera: cameraId });
      this.close(playbackId);
    }, this.o.unclaimedMs ?? UNCLAIMED_MS);
    this.sessions.set(playbackId, entry);
    session.begin('source' in start ? { source: start.source, atMs } : start);
    this.queuePublish();
    return { playbackId, cameraId, path: `media/playback/${playbackId}`, originMs, frameMs: entry.frameMs, reverse };
  }

  async seek(playbackId: string, atMs: number): Promise<void> {
    const { session } = this.entry(playbackId);
    if (atMs < session.originMs + 60_000) throw new AppFailure('unsupported', 'That is more than a month before where this playback opened: open a new playback there.');
    if (atMs > this.clock.now()) throw new AppFailure('no-recording', `${new Date(atMs).toISOString()} is in the future: nothing is recorded there yet.`);
    await session.seek(atMs);
  }

  /** `atMs`: where the player is, so crossing 4× can restart there on the sub-stream. */
  async setSpeed(playbackId: string, rate: number, atMs?: number): Promise<void> {
    const { session, reverse } = this.entry(playbackId);
    if (rate < 0 && reverse === 'none') throw reverseRefused();
    session.setRate(rate, atMs);
  }

  /** A frame by the server's playhead, or the frame interval for the player to step in its buffer. */
  async step(playbackId: string, direction: 1 | -1): Promise<PlaybackStepResult> {
    const { session, frameMs } = this.entry(playbackId);
    return (await session.step(direction)) ? { by: 'server', frameMs } : { by: 'player', frameMs };
  }

  async pause(playbackId: string, paused: boolean): Promise<void> {
    this.entry(playbackId).session.setPaused(paused);
  }

  /** The tile no longer plays it. Unknown ids are fine (closed twice, or already reaped). */
  close(playbackId: string): boolean {
    const entry = this.sessions.get(playbackId);
    if (!entry) return false;
    this.sessions.delete(playbackId);
    this.slots.release(entry.owner);
    this.clock.clearTimeout(entry.unclaimed);
    void entry.session.close();
    this.queuePublish();
    return true;
  }

  /** Connects the player's fetch of `media/playback/<id>`; the returned function is called when it is gone. */
  attach(playbackId: string, sink: ViewerSink): (() => void) | null {
    const entry = this.sessions.get(playbackId);
    if (!entry) return null;
    this.clock.clearTimeout(entry.unclaimed);
    entry.unclaimed = null;
    entry.session.attach(sink);
    return () => {
      if (this.sessions.get(playbackId) === entry && entry.session.isCurrent(sink)) this.close(playbackId);
    };
  }

  /** The session behind an id (tests look at what it holds). */
  session(playbackId: string): PlaybackSession | undefined {
    return this.sessions.get(playbackId)?.session;
  }

  states(): PlaybackState[] {
    return [...this.sessions.values()].map(({ session }) => session.state());
  }

  onStates(listener: (states: PlaybackState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const entries = [...this.sessions.values()];
    for (const { session } of entries) this.close(session.playbackId);
    await Promise.all(entries.map(({ session }) => session.close()));
    this.clock.clearTimeout(this.positionTimer);
    this.throttle.dispose();
    this.listeners.clear();
  }

  /** The source at atMs; in a gap, where recording resumes (or 'no-recording' when nothing does). */
  private async firstSource(cameraId: string, atMs: number, rate: number, profile: ProfileName): Promise<{ source: RecordedSource } | { gapAtMs: number }> {
    try {
      return { source: await this.o.resolve(cameraId, atMs, { rate, profile }) };
    } catch (err) {
      if (!(err instanceof AppFailure) || err.error.code !== 'no-recording') throw err;
      const next = nextRecordingStart(await this.o.coverage(cameraId, atMs, atMs + RESUME_LOOKAHEAD_MS), atMs);
      if (next === undefined) throw err;
      return { gapAtMs: atMs };
    }
  }

  private entry(playbackId: string): Entry {
    const entry = this.sessions.get(playbackId);
    if (!entry) throw new AppFailure('not-found', `There is no playback ${JSON.stringify(playbackId.slice(0, 100))} (it was closed, or never opened).`);
    return entry;
  }

  private queuePublish(): void {
    if (!this.disposed) this.throttle.request();
  }

  /** Position-only changes (every fragment): at most one snapshot per STATS_PUBLISH_MS. */
  private queuePositionPublish(): void {
    if (this.positionTimer || this.disposed) return;
    this.positionTimer = this.clock.setTimeout(() => {
      this.positionTimer = null;
      this.queuePublish();
    }, STATS_PUBLISH_MS);
  }

  private publish(): void {
    if (this.disposed) return;
    const states = this.states();
    for (const listener of this.listeners) listener(states);
  }
}
