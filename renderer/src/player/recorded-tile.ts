/**
 * One tile in recorded mode: a playback session at main (`playback:open`, one per tile), an MSE
 * player steered by a RecordedDriver, the stills shown while the playhead is dragged, and the
 * group's steering carried out (play at a rate, jump, hold, wait in a gap). It writes what the
 * view shows into a plain RecordedView, and the wall time of the frame on screen (session
 * originMs + media time) to `onFrameTime`, per frame.
 */
import type { PlaybackSession, PlaybackState } from '../../../preload/contract/index.js';
import type { GroupPosition, TileSteer } from '../domain/sync-group.js';
import type { TimeZoneSpec } from '../domain/time-scale.js';
import { RecordedDriver } from './recorded-driver.js';
import { defaultFrameMs, emptyRecordedView, type MediaElementView, type PlaybackApi, type RecordedStatusKind, type RecordedView } from './recorded-view.js';
import { gapWords, noReverseWords } from './recorded-words.js';
import type { VideoPlayer } from './video-player.js';

/** Starting and behind by more than this with the data not buffered: ask main to seek instead of waiting for it, ms. */
const reseekBehindMs = 3000;
/** After asking main to seek, wait this long for the new data before asking again, ms. */
const reseekWaitMs = 5000;
/** A server step's frame not there after this long: main restarts the stream at the frame instead, ms. */
const serverStepWaitMs = 1500;
/** A re-seek aims this far (of wall time at rate 1) ahead of the group until the tile has measured its own restart time, ms. */
const reseekLeadMs = 1500;
/** Bounds of the measured lead: a restart is never free, and one slower than this is better caught by the next re-seek, ms. */
const minLeadMs = 1000;
const maxLeadMs = 4000;
/** The lead is this many restart times: the tile arrives ahead and holds instead of arriving behind again. */
const leadPerRestart = 1.5;
/**
 * Backwards by keyframe steps: main sends nothing new while the rate is negative, and a
 * recorded source may come at real time only (Eagle Eye paces its FLV, the first GOP at once).
 * So the tile asks main to play from a point this far (of wall time at rate 1) before the
 * position, keeps what it holds (the mapping is one for the session), and shows the newest
 * frame at or before the position among them: a keyframe step each time, ms.
 */
const reverseStepMs = 3000;
/** Asks for the next step once the newest frame held at or before the position is this far (at rate 1) behind it, ms. */
const reverseMarginMs = 1000;
/** No new step before this long after the last (main's restart and the source's first bytes take ~1 s), ms. */
const reverseStepWaitMs = 1500;
/**
 * A server's playhead turning round (or restarted when far behind) starts this far (of wall
 * time at rate 1) ahead of the group in the direction of play: the new search takes a second
 * or two to send its first frame, ms.
 */
const serverTurnLeadMs = 3000;

export interface RecordedTileDeps {
  api: PlaybackApi;
  /** A video player whose MSE runs steer with `driver`. */
  player(driver: RecordedDriver): VideoPlayer;
  media: MediaElementView;
  zone(): TimeZoneSpec;
  onFrameTime(ms: number | undefined): void;
  /** Monotonic ms (performance.now in the page). */
  now?(): number;
}

export class RecordedTile {
  readonly driver: RecordedDriver;
  private readonly player: VideoPlayer;
  private session: PlaybackSession | null = null;
  private opening: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private lastSeekMs: number | undefined;
  /** The position main was last asked to restart at (its data may still be on the way). */
  private askedMainMs: number | undefined;
  /** The last frame main was asked to step the server's playhead to, and when (deps.now ms). */
  private serverStep: { toMs: number; at: number } | null = null;
  private attempt = 0;
  /** No new re-seek before this (deps.now ms): the last one's data is on its way. */
  private reseekAfter = -Infinity;
  /** How far ahead a re-seek aims (at rate 1): 1.5 × the last measured time from asking main to a frame of the new position, ms. */
  private leadMs = reseekLeadMs;
  /** The re-seek being waited for: when it was asked and the frame on screen then. */
  private pendingReseek: { askedAt: number; frameMs: number | undefined } | null = null;
  /** Since when (deps.now ms) the playing tile has been behind the group with the data not here. */
  private behindSince: number | undefined;
  /** The rate the group plays at (a session opens at it; backwards only where the camera can). */
  private wantedRate = 1;
  /** Main refused this camera's reverse ('reverse-unsupported'), whatever the session said. */
  private reverseRefused = false;
  /** Main's session was told the group is paused (a session opens playing). */
  private mainPaused = false;
  /**
   * The playhead is being dragged: the scrubber's answer (a still, a gap, a refusal) owns the
   * picture until the tile plays again, whatever its paused video reports meanwhile.
   */
  private scrubbing = false;
  holding = false;

  constructor(
    readonly cameraId: string,
    readonly view: RecordedView,
    private readonly deps: RecordedTileDeps,
  ) {
    this.driver = new RecordedDriver((mediaTime) => this.onShown(mediaTime));
    this.player = deps.player(this.driver);
    this.player.on('error', ({ words }) => this.failed(`the recorded video stopped: ${words}`));
    this.player.on('ended', () => {
      if (this.view.status.kind !== 'failed') this.setStatus('ended', 'End of the recording');
    });
    this.player.on('firstFrame', () => (this.view.picture = 'video'));
    // Before its first frame a stream that stops is a failure in words (no endless "Opening…");
    // after it, a tile paused, holding or in a gap is still on purpose.
    this.player.on('stalled', ({ words }) => {
      if (this.view.picture !== 'video' && this.view.status.kind === 'opening') this.failed(`the recorded video did not start: ${words}`);
    });
  }

  get playbackId(): string | undefined {
    return this.session?.playbackId;
  }

  get frameMs(): number {
    return this.session?.frameMs ?? defaultFrameMs;
  }

  /** Whether this tile plays backwards: true/false once its session says, undefined before. */
  get canReverse(): boolean | undefined {
    if (this.reverseRefused) return false;
    return this.session ? this.session.reverse !== 'none' : undefined;
  }

  /**
   * The group's speed: told to main (which refuses reverse for a camera that cannot; then the
   * tile says so and holds its frame, the others go on). `atMs`: the group's position.
   */
  async setRate(rate: number, atMs?: number): Promise<void> {
    const turned = Math.sign(rate) !== Math.sign(this.wantedRate);
    this.wantedRate = rate;
    const session = this.session;
    if (!session) return;
    if (rate < 0 && this.canReverse === false) return;
    const set = await this.deps.api.setSpeed({ playbackId: session.playbackId, rate });
    if (!set.ok) {
      if (session !== this.session) return;
      if (set.error.code === 'reverse-unsupported') this.reverseRefused = true;
      else this.failed(set.error.message);
      return;
    }
    // A server's playhead turning round goes on from where the server is, which main's flow
    // control may have left well ahead of the group: start it where the group is instead.
    if (turned && atMs !== undefined && session.reverse === 'server' && session === this.session) this.restartAt(atMs + serverTurnLeadMs * rate, session, 0);
  }

  /**
   * Whether the group is paused, told to main once per change: main's pace clock stops with the
   * wall, and a server's playhead (exacqVision) stops instead of streaming into a socket nobody
   * reads. Only a paused group pauses main: a tile holding, in a gap or going backwards has its
   * element paused while the group plays, and main's session must go on for it.
   */
  groupPaused(paused: boolean): void {
    const session = this.session;
    // A failed tile keeps its words; its next seek (status 'opening') tells main again.
    if (!session || paused === this.mainPaused || this.view.status.kind === 'failed') return;
    this.mainPaused = paused;
    void this.deps.api.pause({ playbackId: session.playbackId, paused }).then((done) => {
      if (!done.ok && session === this.session) this.failed(done.error.message);
    });
  }

  /** Wall time of the frame on screen, or undefined while nothing of this session is shown. */
  get frameTimeMs(): number | undefined {
    return this.view.picture === 'video' ? this.view.frameTimeMs : undefined;
  }

  /** Wall time of the <video>'s playhead (continuous, between frames), once a frame is shown. */
  get playheadMs(): number | undefined {
    if (!this.session || this.view.picture !== 'video') return undefined;
    return this.session.originMs + this.deps.media.currentTime() * 1000;
  }

  /** A still from the scrubber (the playhead is being dragged). */
  showStill(src: string, timeMs: number): void {
    this.view.active = true;
    this.scrubbing = true;
    this.view.stillSrc = src;
    this.view.stillTimeMs = timeMs;
    this.view.picture = 'still';
    this.setStatus('scrubbing', '');
  }

  /**
   * The still at the playhead could not be had: say why, over no picture. The one on screen is of
   * another moment, and the tile's time and data-still-time would present it as the playhead's.
   */
  showStillError(words: string): void {
    this.view.active = true;
    this.scrubbing = true;
    this.view.picture = 'none';
    this.setStatus('failed', words);
  }

  /** The playhead is in a gap of this camera's recordings: say so, not "failed". */
  showGap(atMs: number, nextMs: number | undefined): void {
    this.view.active = true;
    this.scrubbing = true;
    this.view.picture = 'none';
    this.setStatus('gap', gapWords(this.deps.zone(), atMs, nextMs));
  }

  /** Plays from atMs: in the buffer when it holds it, else main restarts the stream there. */
  async playFrom(atMs: number): Promise<void> {
    this.view.active = true;
    this.scrubbing = false;
    this.lastSeekMs = atMs;
    const session = this.session;
    if (!session) return this.open(atMs);
    const media = (atMs - session.originMs) / 1000;
    if (this.view.status.kind === 'scrubbing' || this.view.status.kind === 'failed' || this.view.status.kind === 'ended') this.setStatus('opening', '');
    this.driver.seek(media);
    if (RecordedDriver.holds(this.deps.media.buffered(), media)) return;
    this.askedMainMs = atMs;
    const sought = await this.deps.api.seek({ playbackId: session.playbackId, atMs: Math.round(atMs) });
    if (!sought.ok) this.failed(sought.error.message);
  }

  /** Carries out the group's steering for this tile. */
  steer(steer: TileSteer, group: GroupPosition): void {
    if (!this.session || this.view.status.kind === 'failed' || this.scrubbing) return;
    const groupRate = group.rate;
    this.view.rate = groupRate;
    this.holding = steer.kind === 'hold';
    if (steer.kind !== 'seek' && steer.kind !== 'play') this.behindSince = undefined;
    if ('driftMs' in steer) this.view.syncOffsetMs = Math.round(steer.driftMs);
    const back = groupRate < 0 && group.status === 'playing';
    if (!back && this.driver.backwards) this.driver.set({ backAt: undefined });
    if (back && steer.kind !== 'loading') return this.steerBackwards(steer, group, this.session);
    switch (steer.kind) {
      case 'gap':
        this.driver.set({ paused: true });
        this.setStatus('gap', gapWords(this.deps.zone(), steer.atMs, steer.nextMs));
        if (steer.nextMs !== undefined && this.frameTimeMs !== undefined && this.frameTimeMs < steer.nextMs - reseekBehindMs && this.lastSeekMs !== steer.nextMs) this.reseek(steer.nextMs, { ...group, status: 'paused' });
        return;
      case 'loading':
        return;
      case 'hold':
        this.driver.set({ paused: true, jumpGaps: false });
        this.setStatus('holding', 'Waiting for the other tiles');
        return;
      case 'paused':
        this.driver.set({ paused: true, jumpGaps: false });
        this.setStatus('paused', 'Paused');
        return;
      case 'play':
        this.driver.set({ paused: false, rate: steer.rate, jumpGaps: false });
        this.setStatus('playing', '');
        // A little behind, and the group's position is not in the buffer: the data comes no
        // faster than the group moves (a server that paces, exacqVision's playhead), so playing
        // faster only empties the buffer. Treated as being behind (below).
        if (steer.driftMs < 0 && !RecordedDriver.holds(this.deps.media.buffered(), (group.positionMs - this.session.originMs) / 1000)) this.behind(group, steer.driftMs);
        else this.behindSince = undefined;
        return;
      case 'seek': {
        // A paused group's tile seeks and stays paused; a playing one plays on from there.
        this.driver.set({ paused: group.status !== 'playing', rate: groupRate, jumpGaps: false });
        // 1 ms into the target: the frame that starts at it (not the one before, by rounding).
        const media = (steer.toMs + 1 - this.session.originMs) / 1000;
        // Held: a plain seek, also when this target was asked of main before (its data has come,
        // and a restart's first frames may have moved the player to their key frame meanwhile).
        if (RecordedDriver.holds(this.deps.media.buffered(), media)) {
          this.driver.seek(media);
        } else if (steer.toMs === this.askedMainMs) {
          // Asked of main already: its data is on the way. (A restart asked earlier, for another
          // position, may still land meanwhile and replace the buffer: this target is then asked
          // again.)
        } else if (group.status === 'starting' && steer.driftMs < 0 && -steer.driftMs <= reseekBehindMs) {
          // Just opened: the stream starts at the key frame before the position and the frames up
          // to it are on their way. Wait for them.
        } else if (group.status === 'paused') {
          // Paused where this tile holds nothing: nothing will come by itself (the player reads
          // no further), so main restarts the stream at the group's frame, at once; on a
          // server's playhead the frame right after what the tile holds is one step away.
          if (this.stepServer(steer.toMs, this.session)) return;
          this.reseekAfter = -Infinity;
          this.reseek(steer.toMs, group);
        } else {
          // Playing and behind what the tile holds. A source that sends in real time (Eagle
          // Eye's recorded FLV) keeps the buffer's end where it is relative to the group, so
          // neither waiting nor playing faster closes the gap; a fast one (HLS segments) may
          // close it sooner than a restart would. Once it has lasted as long as a restart takes
          // here, main restarts the stream ahead of the group and the tile holds there until
          // the group arrives.
          this.behind(group, steer.driftMs);
        }
        return;
      }
    }
  }

  /**
   * Backwards: the driver shows the newest frame held at or before the group's position. A
   * camera that cannot reverse holds its frame and says so. Stepping keyframes ('keyframes'),
   * the tile asks main for the stretch before the position when it runs short; a server's
   * reverse ('server') brings its keyframes by itself, and is restarted only when far behind.
   */
  private steerBackwards(steer: Exclude<TileSteer, { kind: 'loading' }>, group: GroupPosition, session: PlaybackSession): void {
    if (this.canReverse === false) {
      this.driver.set({ paused: true, backAt: undefined });
      this.setStatus('no-reverse', noReverseWords);
      return;
    }
    const at = steer.kind === 'gap' ? (steer.nextMs ?? group.positionMs) : group.positionMs;
    const media = (at - session.originMs) / 1000;
    this.driver.set({ paused: true, rate: group.rate, jumpGaps: false, backAt: media });
    if (steer.kind === 'gap') this.setStatus('gap', gapWords(this.deps.zone(), steer.atMs, steer.nextMs));
    else if (steer.kind === 'hold') this.setStatus('holding', 'Waiting for the other tiles');
    else this.setStatus('playing', '');
    const speed = Math.abs(group.rate);
    if (session.reverse === 'keyframes') {
      // Short: nothing held just ahead (going back) of the position, within half a second.
      const ahead = media - (reverseMarginMs * speed) / 1000;
      const newest = this.driver.heldAtOrBefore(this.deps.media.buffered(), ahead);
      const short = newest === undefined || newest < ahead - (500 * speed) / 1000;
      const from = at - reverseStepMs * speed;
      if (short && from >= session.originMs) this.restartAt(from, session, reverseStepWaitMs);
    } else if (steer.kind === 'seek' && Math.abs(steer.driftMs) > reseekBehindMs) this.restartAt(at + serverTurnLeadMs * group.rate, session, reseekWaitMs);
  }

  /** Main plays again from atMs (a new init segment); no more than once per `waitMs` while the last is on its way. */
  private restartAt(atMs: number, session: PlaybackSession, waitMs: number): void {
    const now = this.now();
    if (now < this.reseekAfter) return;
    this.reseekAfter = now + waitMs;
    this.lastSeekMs = atMs;
    this.askedMainMs = atMs;
    void this.deps.api.seek({ playbackId: session.playbackId, atMs: Math.round(atMs) }).then((sought) => {
      if (!sought.ok && session === this.session) this.failed(sought.error.message);
    });
  }

  /** Main's state of this tile's playback. */
  onState(state: PlaybackState): void {
    if (state.playbackId !== this.session?.playbackId) return;
    if (state.status === 'failed') this.failed(state.reason ?? 'the recorded video could not be played');
    else if (state.status === 'ended' && this.view.picture !== 'video') this.setStatus('ended', state.reason ?? 'End of the recording');
  }

  /** Back to live: the session ends at main, and nothing of it stays on screen. */
  close(): void {
    this.attempt += 1;
    this.scrubbing = false;
    const session = this.session;
    this.session = null;
    this.opening = null;
    this.abort?.abort();
    this.abort = null;
    this.player.stop();
    if (session) void this.deps.api.close({ playbackId: session.playbackId });
    Object.assign(this.view, emptyRecordedView());
    delete this.view.stillSrc;
    delete this.view.stillTimeMs;
    delete this.view.frameTimeMs;
    delete this.view.syncOffsetMs;
    this.deps.onFrameTime(undefined);
  }

  /** Behind the group with the data not coming: once that has lasted as long as a restart takes here, restart ahead. */
  private behind(group: GroupPosition, driftMs: number): void {
    const now = this.now();
    this.behindSince ??= now;
    // Seconds behind (a tile that opened after the group started): waiting cannot help.
    if (-driftMs > reseekBehindMs || now - this.behindSince >= this.leadMs / leadPerRestart) this.reseek(group.positionMs, group);
  }

  /**
   * Far behind the group with the data not here: main restarts the stream a little ahead of the
   * group (the tile holds there until the group arrives), once per reseekWaitMs, so a slow
   * source is not restarted on every tick.
   */
  /**
   * Paused on a server's playhead (exacqVision) with the group's frame the one right after all
   * the tile holds (the operator stepping on): main steps the server one frame (~0.1 s) instead of
   * a new search there (seconds). Paused, main keeps the server ahead of what the player holds by
   * exactly what ffmpeg keeps in, so the step's frame out is this one. True while that step's
   * frame is awaited; false (restart instead) when it is not this case or the step brought nothing.
   */
  private stepServer(toMs: number, session: PlaybackSession): boolean {
    if (session.reverse !== 'server') return false;
    const media = (toMs + 1 - session.originMs) / 1000;
    const end = Math.max(0, ...this.deps.media.buffered().map(([, e]) => e));
    if (media < end || media >= end + this.frameMs / 1000) return false;
    if (this.serverStep?.toMs === toMs) return this.now() - this.serverStep.at < serverStepWaitMs;
    this.serverStep = { toMs, at: this.now() };
    void this.deps.api.step({ playbackId: session.playbackId, direction: 1 }).then((done) => {
      if (!done.ok && session === this.session) this.failed(done.error.message);
    });
    return true;
  }

  private reseek(toMs: number, group: GroupPosition): void {
    const now = this.now();
    if (now < this.reseekAfter) return;
    this.reseekAfter = now + reseekWaitMs;
    this.pendingReseek = { askedAt: now, frameMs: this.frameTimeMs };
    // Ahead is later forwards, earlier backwards.
    void this.playFrom(group.status === 'playing' ? toMs + this.leadMs * group.rate : toMs);
  }

  private open(atMs: number): Promise<void> {
    if (this.opening) return this.opening.then(() => this.playFrom(atMs));
    const attempt = ++this.attempt;
    this.setStatus('opening', '');
    // The open is the tile's first restart: its first frame tells how far ahead a re-seek must aim.
    this.pendingReseek = { askedAt: this.now(), frameMs: undefined };
    this.opening = (async () => {
      // Forward at the group's speed; backwards is set once open says whether the camera can.
      const opened = await this.deps.api.open({ cameraId: this.cameraId, atMs: Math.round(atMs), rate: this.wantedRate > 0 ? this.wantedRate : 1 });
      if (attempt !== this.attempt) {
        if (opened.ok) void this.deps.api.close({ playbackId: opened.value.playbackId });
        return;
      }
      this.opening = null;
      if (!opened.ok) return this.failed(opened.error.message);
      this.session = opened.value;
      this.reverseRefused = false;
      this.mainPaused = false;
      if (this.wantedRate < 0) void this.setRate(this.wantedRate);
      this.view.frameMs = opened.value.frameMs ?? defaultFrameMs;
      this.driver.seek((atMs - opened.value.originMs) / 1000);
      this.driver.set({ paused: true });
      const video = this.deps.media.element?.();
      if (video) this.player.attach(video);
      else if (this.deps.media.element) return this.failed('the tile has no video element to play into');
      this.abort = new AbortController();
      void this.player.start(opened.value.path, this.abort.signal);
    })();
    return this.opening;
  }

  private onShown(mediaTime: number): void {
    if (!this.session) return;
    const ms = Math.round(this.session.originMs + mediaTime * 1000);
    this.measureRestart(ms);
    this.view.frameTimeMs = ms;
    // While the playhead is dragged the scrubber's answer stays on screen, whatever the paused video does.
    if (!this.scrubbing) this.view.picture = 'video';
    this.deps.onFrameTime(ms);
  }

  /** The first frame of a re-seek's new position (a jump away from the frame then on screen) tells how long a restart takes here. */
  private measureRestart(ms: number): void {
    const pending = this.pendingReseek;
    if (!pending || (pending.frameMs !== undefined && Math.abs(ms - pending.frameMs) <= 250)) return;
    this.pendingReseek = null;
    const tookMs = this.now() - pending.askedAt;
    this.leadMs = Math.min(maxLeadMs, Math.max(minLeadMs, tookMs * leadPerRestart));
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private failed(words: string): void {
    this.view.active = true;
    this.setStatus('failed', words);
  }

  private setStatus(kind: RecordedStatusKind, text: string): void {
    if (this.view.status.kind !== kind || this.view.status.text !== text) this.view.status = { kind, text };
  }
}
