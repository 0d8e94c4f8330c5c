/**
 * Recorded playback for every tile of every window: one session per `playback:open` (never
 * shared, unlike live upstreams), its stream on the media transport at `media/playback/<id>`.
 * Sources come from the adapters through compose (`resolve`), so this folder stays below vms.
 * Playbacks count in the same stream slots as live viewers.
 */
import { AppFailure, type PlaybackSession, type PlaybackState, type PlaybackStepResult, type ProfileName } from '../../preload/contract/index.js';
import type { Period } from '../../common/time-periods.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock } from '../media/clock.js';
import type { RecordedSource } from '../media/sources.js';
import { StreamSlots } from '../media/stream-slots.js';

export interface PlaybackServiceOptions {
  /** Recorded video of a camera from atMs (compose: the adapter's recorded.video through withCamera). */
  resolve(cameraId: string, atMs: number, options: { rate: number; profile: ProfileName }): Promise<{ source: RecordedSource; reverse: 'server' | 'keyframes' | 'none' }>;
  /** Recorded periods, to say where a gap ends (compose: the adapter's coverage). */
  coverage?(cameraId: string, fromMs: number, toMs: number): Promise<Period[]>;
  /** False when no configured site can have this camera: open fails at once with `not-found`. */
  cameraKnown?(cameraId: string): boolean;
  /** Shared with the media broker: live and recorded streams count together. */
  slots?: StreamSlots;
  log: Logger;
  clock?: Clock;
}

export interface PlaybackOpen {
  cameraId: string;
  atMs: number;
  rate: number;
  profile: ProfileName;
}

export class PlaybackService {
  private readonly listeners = new Set<(states: PlaybackState[]) => void>();
  readonly clock: Clock;
  readonly slots: StreamSlots;

  constructor(private readonly o: PlaybackServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.slots = o.slots ?? new StreamSlots();
  }

  open(input: PlaybackOpen, _owner: string): Promise<PlaybackSession> {
    if (this.o.cameraKnown && !this.o.cameraKnown(input.cameraId)) {
      return Promise.reject(new AppFailure('not-found', `There is no camera ${JSON.stringify(input.cameraId.slice(0, 120))} on any site Tessera knows.`));
    }
    return Promise.reject(new AppFailure('unsupported', 'Recorded playback is not available in this build yet.'));
  }

  seek(playbackId: string, _atMs: number): Promise<void> {
    return Promise.reject(this.unknown(playbackId));
  }

  setSpeed(playbackId: string, _rate: number): Promise<void> {
    return Promise.reject(this.unknown(playbackId));
  }

  step(playbackId: string, _direction: 1 | -1): Promise<PlaybackStepResult> {
    return Promise.reject(this.unknown(playbackId));
  }

  pause(playbackId: string, _paused: boolean): Promise<void> {
    return Promise.reject(this.unknown(playbackId));
  }

  /** The tile no longer plays it. Unknown ids are fine (closed twice, or already ended). */
  close(_playbackId: string): boolean {
    return false;
  }

  states(): PlaybackState[] {
    return [];
  }

  onStates(listener: (states: PlaybackState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
  }

  private unknown(playbackId: string): AppFailure {
    return new AppFailure('not-found', `There is no playback ${JSON.stringify(playbackId.slice(0, 100))} (it was closed, or never opened).`);
  }
}
