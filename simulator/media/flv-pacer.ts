/**
 * Recorded FLV at the pace a real service sends it: real time × speed, the first GOP at once (a
 * player starts without waiting a GOP). The simulator cuts clips with stream copy, which emits a
 * whole clip in well under a second; a client that relies on that (no flow control, no buffer
 * limits) would pass here and fail against a real VMS.
 *
 * Flow control stays honest: a tag is pushed only when due, and the next chunk of the source is
 * taken only after the previous one is pushed, so the Transform's own back-pressure (a slow
 * reader) pauses the source; nothing is dropped and nothing is buffered beyond one chunk.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { FlvReader, isKeyframe, type FlvTag } from './flv-tags.js';

export interface PaceOptions {
  /** 1 = real time, 2 = twice as fast. */
  speed?: number;
  /** Wall clock, ms (injected in tests). */
  now?: () => number;
}

/**
 * When a tag may go out, ms after the moment the burst ended: tags before the second key frame
 * (the first GOP) are due at once; later ones at (timestamp − second key frame's) / speed. Pure.
 */
export function dueAfterBurstMs(tagMs: number, burstEndTagMs: number | null, speed: number): number {
  return burstEndTagMs === null ? 0 : Math.max(0, (tagMs - burstEndTagMs) / speed);
}

export class FlvPacer extends Transform {
  private readonly reader = new FlvReader();
  private readonly speed: number;
  private readonly now: () => number;
  private keyframes = 0;
  /** Timestamp of the second key frame and the wall time it was sent, once seen. */
  private burstEnd: { tagMs: number; wallMs: number } | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PaceOptions = {}) {
    super();
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`pace speed must be > 0, got ${this.speed}`);
    this.now = options.now ?? Date.now;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let tags: FlvTag[];
    const hadHeader = this.reader.header !== null;
    try {
      tags = this.reader.push(chunk);
    } catch (err) {
      return callback(err as Error);
    }
    if (!hadHeader && this.reader.header) this.push(this.reader.header);
    this.sendFrom(tags, 0, callback);
  }

  private sendFrom(tags: readonly FlvTag[], index: number, callback: TransformCallback): void {
    for (let i = index; i < tags.length; i += 1) {
      const tag = tags[i]!;
      if (isKeyframe(tag)) {
        this.keyframes += 1;
        if (this.keyframes === 2) this.burstEnd = { tagMs: tag.timestampMs, wallMs: this.now() };
      }
      const wait = this.burstEnd ? this.burstEnd.wallMs + dueAfterBurstMs(tag.timestampMs, this.burstEnd.tagMs, this.speed) - this.now() : 0;
      if (wait > 1) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.push(tag.bytes);
          this.sendFrom(tags, i + 1, callback);
        }, wait);
        return;
      }
      this.push(tag.bytes);
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    callback(err);
  }
}

/** `source` (an FLV stream) through a pacer; destroying either end releases the other. */
export function pacedFlv(source: Readable, options: PaceOptions = {}): Readable {
  const pacer = new FlvPacer(options);
  source.on('error', (err) => pacer.destroy(err));
  pacer.on('close', () => source.destroy());
  return source.pipe(pacer);
}
