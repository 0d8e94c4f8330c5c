/**
 * How a session steers a server playhead (exacqVision's search): the speed the server plays at
 * (0 while paused, the rate otherwise, negative backwards), steps, and when the stream has to be
 * read again because it cannot turn round:
 *
 * - open: the playhead comes paused; it is started (setSpeed(rate)) once the server answered the
 *   stream request, so the stream starts where the playhead was (`opened`); a source opened
 *   while paused (a seek of a paused tile) is stepped over ffmpeg's lag instead, so its frame
 *   reaches the player;
 * - pause/resume: speed 0 / the rate; the stream stays open and simply sends nothing (forwards,
 *   a pause steps the server over what ffmpeg keeps in, so the player gets the frames sent);
 * - a change of direction: the new speed, then the stream read again from the playhead (the old
 *   one's frames run the other way, and ffmpeg holds its newest frame until the next arrives);
 * - a step: forward the stream sends the next frame; back, the stream is read again from the
 *   playhead (the GOP up to the frame the playhead is on).
 *
 * The wall time of every frame comes from the stream's part headers (playhead-feed.ts), so none
 * of these moves shifts the mapping.
 */
import type { Logger } from '../logging/logger.js';
import type { RecordedSource } from '../media/sources.js';

export type PlayheadSource = RecordedSource & { kind: 'playhead' };

/**
 * Frames of a playhead's stream ffmpeg keeps until later ones arrive: the H.264 parser ends an
 * access unit at the next one's start, and the fragmenting MP4 muxer writes a frame once the next
 * gives its duration. Measured: the last fragment out is two frames behind the last part in.
 */
export const PIPELINE_LAG_FRAMES = 2;

export interface PlayheadSteeringOptions {
  log: Logger;
  playbackId: string;
  /** Read the stream again from where the playhead is (same source, a new run and init). */
  rerun(): void;
  /** This steering's source is still the session's. */
  current(): boolean;
}

export class PlayheadSteering {
  /** Which way the stream being read runs (the sign of the last non-zero speed sent). */
  private direction: 1 | -1 = 1;
  /** The stream was answered once: later answers are the same source read again. */
  private streamed = false;

  constructor(
    readonly source: PlayheadSource,
    private readonly o: PlayheadSteeringOptions,
  ) {}

  /**
   * The server answered the stream request: the playhead may move now. Paused, a new source (an
   * open or a seek) has sent the frames up to its playhead, the target, and ffmpeg keeps the
   * newest ones until later ones arrive: stepping forward PIPELINE_LAG_FRAMES frames lets the
   * target's frame out to the player (the next ones wait in their place). A stream read again
   * after a step back keeps its place.
   */
  opened(rate: number, paused: boolean): void {
    const first = !this.streamed;
    this.streamed = true;
    if (paused) {
      if (first) void this.stepOver(PIPELINE_LAG_FRAMES).catch((err: unknown) => this.refused(err));
      return;
    }
    this.direction = rate < 0 ? -1 : 1;
    this.send(rate);
  }

  /**
   * The speed the server should play at now (0 while paused). Paused going forwards, the server
   * is then stepped over what ffmpeg keeps in, so the player holds every frame up to the server's
   * playhead: a frame step of the wall after a pause finds its frame there instead of restarting.
   */
  speed(speed: number): void {
    const direction = speed < 0 ? -1 : speed > 0 ? 1 : 0;
    if (direction === 0 && this.direction === 1) {
      void this.source.playhead
        .setSpeed(0)
        .then(() => this.stepOver(PIPELINE_LAG_FRAMES))
        .catch((err: unknown) => this.refused(err));
      return;
    }
    if (direction === 0 || direction === this.direction) {
      this.send(speed);
      return;
    }
    this.direction = direction;
    void this.source.playhead.setSpeed(speed).then(
      () => {
        if (this.o.current()) this.o.rerun();
      },
      (err: unknown) => this.refused(err),
    );
  }

  /** One frame (the caller paused first, so the server's speed is 0). */
  async step(direction: 1 | -1): Promise<void> {
    await this.source.playhead.step(direction);
    if (direction < 0 && this.o.current()) this.o.rerun();
  }

  private async stepOver(frames: number): Promise<void> {
    for (let i = 0; i < frames && this.o.current(); i++) await this.source.playhead.step(1);
  }

  private send(speed: number): void {
    void this.source.playhead.setSpeed(speed).catch((err: unknown) => this.refused(err));
  }

  private refused(err: unknown): void {
    this.o.log.warn('the server playhead refused a command', { playback: this.o.playbackId, error: err });
  }
}
