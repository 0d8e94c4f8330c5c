/** A ViewerSink whose consumer the test controls: it is "full" until the test drains it. */
import type { ViewerSink } from '../../../main/media/viewer.js';

export class FakeSink implements ViewerSink {
  contentType: string | null = null;
  readonly chunks: Buffer[] = [];
  ended = false;
  /** write() answers "not draining" while true. */
  full = false;
  private drainCallbacks: (() => void)[] = [];

  open(contentType: string): void {
    if (this.contentType !== null) throw new Error('open called twice');
    this.contentType = contentType;
  }

  write(chunk: Buffer): boolean {
    if (this.contentType === null) throw new Error('write before open');
    this.chunks.push(chunk);
    return !this.full;
  }

  onDrain(callback: () => void): void {
    this.drainCallbacks.push(callback);
  }

  end(): void {
    this.ended = true;
  }

  drain(): void {
    this.full = false;
    const callbacks = this.drainCallbacks;
    this.drainCallbacks = [];
    for (const cb of callbacks) cb();
  }

  get waitingForDrain(): boolean {
    return this.drainCallbacks.length > 0;
  }
}
