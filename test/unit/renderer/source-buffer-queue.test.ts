/**
 * The SourceBuffer queue against a fake SourceBuffer that behaves like Chromium's: one
 * operation at a time ('updating' until the test finishes it with 'updateend'), an append error
 * as 'error' then 'updateend', and QuotaExceededError thrown from appendBuffer when told to.
 */
import { describe, expect, it } from 'vitest';
import { SourceBufferQueue, type QueueFailure, type SourceBufferLike } from '../../../renderer/src/player/source-buffer-queue.js';

class FakeSourceBuffer implements SourceBufferLike {
  updating = false;
  ranges: [number, number][] = [];
  /** What reached the SourceBuffer, in order. */
  readonly calls: string[] = [];
  /** Thrown by the next appendBuffer calls, one each. */
  readonly throwOnAppend: Error[] = [];
  private readonly listeners = new Map<string, Set<() => void>>();

  get buffered(): SourceBufferLike['buffered'] {
    const ranges = this.ranges;
    return { length: ranges.length, start: (i) => ranges[i]![0], end: (i) => ranges[i]![1] };
  }

  appendBuffer(data: Uint8Array<ArrayBuffer>): void {
    if (this.updating) throw new DOMException('still updating', 'InvalidStateError');
    const error = this.throwOnAppend.shift();
    if (error) throw error;
    this.calls.push(`append ${data[0]}`);
    this.updating = true;
  }

  remove(start: number, end: number): void {
    if (this.updating) throw new DOMException('still updating', 'InvalidStateError');
    this.calls.push(`remove ${start}–${end}`);
    this.updating = true;
  }

  changeType(type: string): void {
    this.calls.push(`changeType ${type}`);
  }

  addEventListener(type: string, listener: () => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  listening(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  /** The operation in progress completes. */
  finish(): void {
    this.updating = false;
    this.emit('updateend');
  }

  /** The operation in progress fails as a bad append does: 'error', then 'updateend'. */
  fail(): void {
    this.updating = false;
    this.emit('error');
    this.emit('updateend');
  }

  private emit(type: string): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
}

/** Bytes whose first byte names them in the fake's log. */
function bytes(tag: number, size = 10): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  out[0] = tag;
  return out;
}

function setup(options: { open?: () => boolean; playhead?: number; canPlay?: (mime: string) => boolean } = {}) {
  const sb = new FakeSourceBuffer();
  const failures: QueueFailure[] = [];
  const appended: string[] = [];
  const queue = new SourceBufferQueue(sb, 'video/mp4; codecs="avc1.42e01e"', {
    playhead: () => options.playhead ?? 0,
    isOpen: options.open ?? (() => true),
    canPlay: options.canPlay ?? (() => true),
    onFailure: (failure) => failures.push(failure),
    // What the SourceBuffer had been given when the queue said media was in.
    onMediaAppended: () => appended.push(sb.calls.join(', ')),
  });
  return { sb, queue, failures, appended };
}

describe('SourceBufferQueue', () => {
  it('hands operations over one at a time, in order, each when the previous has ended', () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    queue.append(bytes(2, 20), true);
    queue.trim(0, 4);
    queue.append(bytes(3, 30), true);
    expect(sb.calls).toEqual(['append 1']);
    expect(queue.queuedBytes).toBe(50);
    sb.finish();
    expect(sb.calls).toEqual(['append 1', 'append 2']);
    expect(queue.queuedBytes).toBe(30);
    sb.finish();
    sb.finish();
    expect(sb.calls).toEqual(['append 1', 'append 2', 'remove 0–4', 'append 3']);
    expect(queue.queuedBytes).toBe(0);
  });

  it('says when a media fragment is in the SourceBuffer (the player steers at once instead of at its next tick); not for init segments, removals or failed appends', () => {
    const { sb, queue, appended } = setup();
    queue.append(bytes(1), false);
    queue.append(bytes(2), true);
    sb.finish();
    expect(appended).toEqual([]);
    sb.finish();
    expect(appended).toEqual(['append 1, append 2']);
    queue.trim(0, 4);
    sb.finish();
    queue.append(bytes(3), true);
    sb.fail();
    expect(appended).toEqual(['append 1, append 2']);
  });

  it('waits while the MediaSource is not open', () => {
    let open = false;
    const { sb, queue } = setup({ open: () => open });
    queue.append(bytes(1), false);
    expect(sb.calls).toEqual([]);
    open = true;
    queue.append(bytes(2), true);
    expect(sb.calls).toEqual(['append 1']);
  });

  it('keeps one trim waiting at a time', () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    queue.trim(0, 4);
    queue.trim(0, 5);
    sb.finish();
    sb.finish();
    expect(sb.calls).toEqual(['append 1', 'remove 0–4']);
  });

  it('drops waiting media fragments but keeps init segments, removals and resets', () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    queue.append(bytes(2), true);
    queue.reset();
    queue.append(bytes(3), false);
    queue.append(bytes(4), true);
    queue.trim(0, 1);
    expect(queue.dropMedia()).toBe(2);
    expect(queue.queuedBytes).toBe(10);
    sb.ranges = [[0, 2]];
    for (let i = 0; i < 4; i++) sb.finish();
    expect(sb.calls).toEqual(['append 1', 'remove 0–Infinity', 'append 3', 'remove 0–1']);
  });

  it('reset: removes everything buffered, switching type first when asked; what follows goes into the fresh buffer', () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    sb.ranges = [[0, 10]];
    queue.reset('video/mp4; codecs="hvc1.1.6.L93.B0"');
    queue.append(bytes(2), false);
    sb.finish();
    expect(sb.calls).toEqual(['append 1', 'changeType video/mp4; codecs="hvc1.1.6.L93.B0"', 'remove 0–Infinity']);
    expect(queue.mime).toBe('video/mp4; codecs="hvc1.1.6.L93.B0"');
    sb.finish();
    expect(sb.calls.at(-1)).toBe('append 2');
  });

  it('reset with nothing buffered goes on by itself (no updateend comes)', async () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    queue.reset();
    queue.append(bytes(2), false);
    sb.finish();
    expect(sb.calls).toEqual(['append 1']);
    await Promise.resolve();
    expect(sb.calls).toEqual(['append 1', 'append 2']);
  });

  it('reset to a type the browser cannot play fails as unsupported and touches nothing', () => {
    const { sb, queue, failures } = setup({ canPlay: (mime) => !mime.includes('hvc1') });
    queue.reset('video/mp4; codecs="hvc1.1.6.L93.B0"');
    queue.append(bytes(2), false);
    expect(failures).toEqual([{ kind: 'unsupported', mime: 'video/mp4; codecs="hvc1.1.6.L93.B0"' }]);
    expect(sb.calls).toEqual([]);
  });

  it('QuotaExceededError: gives back what is behind the playhead (but half a second), then appends the same bytes again', () => {
    const { sb, queue, failures } = setup({ playhead: 10 });
    sb.ranges = [[2, 12]];
    sb.throwOnAppend.push(new DOMException('full', 'QuotaExceededError'));
    queue.append(bytes(7), true);
    queue.append(bytes(8), true);
    expect(sb.calls).toEqual(['remove 2–9.5']);
    expect(queue.queuedBytes).toBe(20);
    sb.finish();
    sb.finish();
    expect(sb.calls).toEqual(['remove 2–9.5', 'append 7', 'append 8']);
    expect(failures).toEqual([]);
  });

  it('QuotaExceededError again after the trim, or with nothing behind the playhead, fails as quota', () => {
    const again = setup({ playhead: 10 });
    again.sb.ranges = [[2, 12]];
    again.sb.throwOnAppend.push(new DOMException('full', 'QuotaExceededError'), new DOMException('full', 'QuotaExceededError'));
    again.queue.append(bytes(7), true);
    again.sb.finish();
    expect(again.failures).toEqual([{ kind: 'quota' }]);

    const nothingBehind = setup({ playhead: 2.2 });
    nothingBehind.sb.ranges = [[2, 12]];
    nothingBehind.sb.throwOnAppend.push(new DOMException('full', 'QuotaExceededError'));
    nothingBehind.queue.append(bytes(7), true);
    expect(nothingBehind.failures).toEqual([{ kind: 'quota' }]);
    expect(nothingBehind.sb.calls).toEqual([]);
  });

  it('any other refusal fails with its name and message, and the queue stops', () => {
    const { sb, queue, failures } = setup();
    sb.throwOnAppend.push(new DOMException('the SourceBuffer was removed', 'InvalidStateError'));
    queue.append(bytes(1), false);
    queue.append(bytes(2), true);
    expect(failures).toEqual([{ kind: 'refused', name: 'InvalidStateError', message: 'the SourceBuffer was removed' }]);
    expect(sb.calls).toEqual([]);
    expect(sb.listening()).toBe(0);
  });

  it('an append error event fails as append-error; nothing more is appended', () => {
    const { sb, queue, failures } = setup();
    queue.append(bytes(1), false);
    queue.append(bytes(2), true);
    sb.fail();
    expect(failures).toEqual([{ kind: 'append-error' }]);
    expect(sb.calls).toEqual(['append 1']);
  });

  it('after dispose nothing reaches the SourceBuffer and its listeners are gone', () => {
    const { sb, queue } = setup();
    queue.append(bytes(1), false);
    queue.append(bytes(2), true);
    queue.dispose();
    sb.finish();
    queue.append(bytes(3), true);
    expect(sb.calls).toEqual(['append 1']);
    expect(sb.listening()).toBe(0);
    expect(queue.queuedBytes).toBe(0);
  });
});
