/**
 * The one way bytes reach a SourceBuffer: operations (append, remove, reset) queued and run one
 * at a time as the SourceBuffer finishes the previous one ('updateend'), a second chance after
 * QuotaExceededError (give back what is behind the playhead, then append again), and failures
 * reported as data, never swallowed. It knows nothing of live or recorded video: which bytes to
 * queue, which to drop and where to play is the driver's business (live-edge-driver.ts).
 */

/** Buffered ranges as [start, end] pairs in seconds, in order (TimeRanges copied out). */
export type Ranges = readonly (readonly [number, number])[];

/** The part of TimeRanges read here. */
export interface TimeRangesLike {
  readonly length: number;
  start(index: number): number;
  end(index: number): number;
}

/** The part of a SourceBuffer the queue uses (a real one, or a fake in tests). */
export interface SourceBufferLike {
  readonly updating: boolean;
  readonly buffered: TimeRangesLike;
  appendBuffer(data: Uint8Array<ArrayBuffer>): void;
  remove(start: number, end: number): void;
  changeType(type: string): void;
  addEventListener(type: 'updateend' | 'error', listener: () => void): void;
  removeEventListener(type: 'updateend' | 'error', listener: () => void): void;
}

/** Why the queue stopped; the player puts it in words. */
export type QueueFailure =
  /** Still QuotaExceededError after giving back everything behind the playhead. */
  | { kind: 'quota' }
  /** appendBuffer / remove / changeType threw (the DOMException's name and message). */
  | { kind: 'refused'; name: string; message: string }
  /** The SourceBuffer could not parse or decode an append ('error' event); its MediaSource has ended. */
  | { kind: 'append-error' }
  /** A reset to a type this browser cannot play. */
  | { kind: 'unsupported'; mime: string };

export interface SourceBufferQueueOptions {
  /** Where playback is, s: a quota trim keeps what lies ahead of it. */
  playhead(): number;
  /** Whether the SourceBuffer may be touched now (its MediaSource is open). */
  isOpen(): boolean;
  /** Whether a reset may switch to this type (MediaSource.isTypeSupported). */
  canPlay(mime: string): boolean;
  onFailure(failure: QueueFailure): void;
  /** A media fragment is in the SourceBuffer now (its append finished): the player may steer at once. */
  onMediaAppended?(): void;
}

type Op =
  | { kind: 'append'; bytes: Uint8Array<ArrayBuffer>; media: boolean; retried?: boolean }
  | { kind: 'remove'; start: number; end: number }
  | { kind: 'reset'; mime?: string };

export function copyRanges(r: TimeRangesLike): Ranges {
  const out: [number, number][] = [];
  for (let i = 0; i < r.length; i++) out.push([r.start(i), r.end(i)]);
  return out;
}

export class SourceBufferQueue {
  private ops: Op[] = [];
  private bytes = 0;
  private stopped = false;
  private currentMime: string;
  /** The operation the SourceBuffer is running (until its 'updateend'). */
  private running: Op | null = null;
  private readonly onUpdateEnd = (): void => {
    const done = this.running;
    this.running = null;
    this.pump();
    if (done?.kind === 'append' && done.media && !this.stopped) this.options.onMediaAppended?.();
  };
  private readonly onError = (): void => this.fail({ kind: 'append-error' });

  constructor(
    private readonly sb: SourceBufferLike,
    mime: string,
    private readonly options: SourceBufferQueueOptions,
  ) {
    this.currentMime = mime;
    sb.addEventListener('updateend', this.onUpdateEnd);
    sb.addEventListener('error', this.onError);
  }

  /** The type the SourceBuffer takes now (changed by a reset). */
  get mime(): string {
    return this.currentMime;
  }

  /** Bytes queued and not yet handed to the SourceBuffer. */
  get queuedBytes(): number {
    return this.bytes;
  }

  buffered(): Ranges {
    return copyRanges(this.sb.buffered);
  }

  /** Queues bytes: an init segment (`media` false) or a media fragment. */
  append(bytes: Uint8Array<ArrayBuffer>, media: boolean): void {
    this.push({ kind: 'append', bytes, media });
  }

  /** Queues the removal of [start, end) s unless a removal is already waiting (a trim is never urgent). */
  trim(start: number, end: number): void {
    if (this.ops.some((op) => op.kind === 'remove')) return;
    this.push({ kind: 'remove', start, end });
  }

  /**
   * Queues a fresh start: everything buffered goes (new media times start afresh), and with
   * `mime` the SourceBuffer switches type (changeType) first. Operations queued after it apply
   * to the fresh buffer.
   */
  reset(mime?: string): void {
    this.push({ kind: 'reset', ...(mime ? { mime } : {}) });
  }

  /** Drops every queued media fragment (init segments, removals and resets stay); returns how many. */
  dropMedia(): number {
    const before = this.ops.length;
    this.ops = this.ops.filter((op) => op.kind !== 'append' || !op.media);
    this.bytes = this.ops.reduce((n, op) => n + (op.kind === 'append' ? op.bytes.byteLength : 0), 0);
    return before - this.ops.length;
  }

  /** Stops for good: nothing more reaches the SourceBuffer. */
  dispose(): void {
    this.stopped = true;
    this.ops = [];
    this.bytes = 0;
    this.sb.removeEventListener('updateend', this.onUpdateEnd);
    this.sb.removeEventListener('error', this.onError);
  }

  private push(op: Op): void {
    if (this.stopped) return;
    this.ops.push(op);
    if (op.kind === 'append') this.bytes += op.bytes.byteLength;
    this.pump();
  }

  /** Starts the next operation when the SourceBuffer is idle; 'updateend' calls it again. */
  private pump(): void {
    const sb = this.sb;
    if (this.stopped || sb.updating || !this.options.isOpen()) return;
    const op = this.ops.shift();
    if (!op) return;
    if (op.kind === 'append') this.bytes -= op.bytes.byteLength;
    this.running = op;
    try {
      if (op.kind === 'append') sb.appendBuffer(op.bytes);
      else if (op.kind === 'remove') sb.remove(op.start, op.end);
      else this.runReset(op.mime);
    } catch (err) {
      this.onThrown(op, err);
    }
  }

  private runReset(mime: string | undefined): void {
    if (mime) {
      if (!this.options.canPlay(mime)) return this.fail({ kind: 'unsupported', mime });
      this.sb.changeType(mime);
      this.currentMime = mime;
    }
    // remove() ends with 'updateend', which pumps; with nothing to remove, pump on our own.
    if (this.sb.buffered.length > 0) this.sb.remove(0, Infinity);
    else queueMicrotask(() => this.pump());
  }

  private onThrown(op: Op, err: unknown): void {
    const name = err instanceof DOMException ? err.name : '';
    if (name === 'QuotaExceededError' && op.kind === 'append') {
      // The browser's per-SourceBuffer memory is full: give back what is behind the playhead and try once more.
      const plan = op.retried ? null : quotaTrim(this.buffered(), this.options.playhead());
      if (!plan) return this.fail({ kind: 'quota' });
      this.ops.unshift({ kind: 'remove', start: plan[0], end: plan[1] }, { ...op, retried: true });
      this.bytes += op.bytes.byteLength;
      this.pump();
      return;
    }
    this.fail({ kind: 'refused', name: name || 'error', message: err instanceof Error ? err.message : String(err) });
  }

  private fail(failure: QueueFailure): void {
    if (this.stopped) return;
    this.dispose();
    this.options.onFailure(failure);
  }
}

export interface TrimConfig {
  /** Media kept behind currentTime, s: enough to seek back a little, small enough for memory. */
  keepBehindSec: number;
  /** Trim only once this much more has piled up, s (fewer, larger removes). */
  slackSec: number;
}

export const defaultTrim: TrimConfig = { keepBehindSec: 8, slackSec: 4 };

/**
 * The span to remove so no more than keepBehindSec stays behind currentTime, or null.
 * `backwards` (recorded video played in reverse): behind is later, so the span is after it.
 */
export function trimPlan(ranges: Ranges, currentTime: number, config: TrimConfig = defaultTrim, backwards = false): [number, number] | null {
  const first = ranges[0];
  if (!first) return null;
  if (backwards) {
    const start = currentTime + config.keepBehindSec;
    const last = ranges[ranges.length - 1]![1];
    return last - start < config.slackSec ? null : [start, last];
  }
  const end = currentTime - config.keepBehindSec;
  if (end - first[0] < config.slackSec) return null;
  return [first[0], end];
}

/**
 * After a QuotaExceededError: everything behind currentTime except a little, or null when
 * there is nothing left to give back (then the buffer ahead is the problem, not the past).
 */
export function quotaTrim(ranges: Ranges, currentTime: number, keepSec = 0.5): [number, number] | null {
  const first = ranges[0];
  if (!first) return null;
  const end = currentTime - keepSec;
  return end - first[0] > 0.1 ? [first[0], end] : null;
}
