/**
 * The play head of an exacq search, as pure maths.
 *
 * A search covers recorded clips with gaps between them. The play head moves through
 * *recorded* time only (a position in ms from the start of the first clip, gaps removed), so
 * playback at 1× jumps gaps instead of showing minutes of nothing, and `frames`/`step.web`
 * count recorded frames only:
 *
 *   wall   |--clip A--|......gap......|----clip B----|
 *   pos    0         10               10             25      (seconds, gaps squeezed out)
 *
 * Speed is exacq's scale: 100 = 1×, −100 = reverse, 50 = ½×, 0 = paused, range ±12800.
 */

export interface Clip {
  startMs: number;
  endMs: number;
}

export const maxSpeed = 12800;

export class Timeline {
  readonly clips: readonly Clip[];
  readonly totalMs: number;
  private readonly offsets: number[];

  /** clips: sorted, non-overlapping, each non-empty. */
  constructor(clips: readonly Clip[]) {
    this.clips = clips;
    let total = 0;
    this.offsets = clips.map((clip) => {
      const offset = total;
      total += clip.endMs - clip.startMs;
      return offset;
    });
    this.totalMs = total;
  }

  get empty(): boolean {
    return this.clips.length === 0;
  }

  /** Wall time of a recorded position (the end of the last clip for pos = totalMs). */
  toWall(pos: number): number {
    const p = Math.min(Math.max(pos, 0), this.totalMs);
    for (let i = this.clips.length - 1; i >= 0; i--) {
      const offset = this.offsets[i]!;
      if (p >= offset) return this.clips[i]!.startMs + (p - offset);
    }
    return this.clips[0]?.startMs ?? 0;
  }

  /** Recorded position of a wall time; a time inside a gap maps to the start of the next clip. */
  toPos(wallMs: number): number {
    for (let i = 0; i < this.clips.length; i++) {
      const clip = this.clips[i]!;
      if (wallMs < clip.startMs) return this.offsets[i]!;
      if (wallMs < clip.endMs) return this.offsets[i]! + (wallMs - clip.startMs);
    }
    return this.totalMs;
  }
}

/** Play head driven by an injected clock: position = anchor + elapsed × speed. No timers. */
export class PlayHead {
  private anchorPos = 0;
  private anchorMs: number;
  private currentSpeed: number;

  constructor(
    readonly timeline: Timeline,
    nowMs: number,
    speed = 100,
  ) {
    this.anchorMs = nowMs;
    this.currentSpeed = speed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  position(nowMs: number): number {
    const pos = this.anchorPos + ((nowMs - this.anchorMs) * this.currentSpeed) / 100;
    return Math.min(Math.max(pos, 0), this.timeline.totalMs);
  }

  /** Wall time at the play head. */
  time(nowMs: number): number {
    return this.timeline.toWall(this.position(nowMs));
  }

  setSpeed(speed: number, nowMs: number): void {
    this.seek(this.position(nowMs), nowMs);
    this.currentSpeed = speed;
  }

  seek(pos: number, nowMs: number): void {
    this.anchorPos = Math.min(Math.max(pos, 0), this.timeline.totalMs);
    this.anchorMs = nowMs;
  }

  /** Moves by whole frames at fps; returns the new frame number. Speed is left as it was. */
  step(frames: number, fps: number, nowMs: number): number {
    const frameMs = 1000 / fps;
    const current = Math.floor(this.position(nowMs) / frameMs + 1e-9);
    const target = Math.min(Math.max(current + frames, 0), frameCount(this.timeline, fps));
    this.seek(target * frameMs, nowMs);
    return frameNumber(this.position(nowMs), fps);
  }
}

export function isValidSpeed(text: string): boolean {
  if (!/^-?\d+$/.test(text)) return false;
  return Math.abs(Number(text)) <= maxSpeed;
}

export function frameCount(timeline: Timeline, fps: number): number {
  return Math.floor((timeline.totalMs * fps) / 1000 + 1e-9);
}

export function frameNumber(pos: number, fps: number): number {
  return Math.floor((pos * fps) / 1000 + 1e-9);
}

/**
 * How long a paced video.web answer waits so that frames come out at the play speed: the next
 * frame is one `frameIntervalMs` of recorded time past the last one served (in the direction of
 * play), and the play head covers that distance at |speed|/100 ms per ms. Paused, or at either
 * end of the timeline, answers at once (a paused search returns the same frame over and over).
 */
export function paceDelayMs(args: {
  lastServedPos: number | undefined;
  pos: number;
  speed: number;
  totalMs: number;
  frameIntervalMs: number;
  maxWaitMs: number;
}): number {
  const { lastServedPos, pos, speed, totalMs, frameIntervalMs, maxWaitMs } = args;
  if (speed === 0 || lastServedPos === undefined) return 0;
  const direction = Math.sign(speed);
  if ((direction > 0 && pos >= totalMs) || (direction < 0 && pos <= 0)) return 0;
  const target = lastServedPos + direction * frameIntervalMs;
  const remaining = (target - pos) * direction;
  if (remaining <= 0) return 0;
  return Math.min(Math.ceil((remaining * 100) / Math.abs(speed)), maxWaitMs);
}
