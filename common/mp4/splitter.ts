/**
 * Cuts a fragmented MP4 byte stream, as ffmpeg writes it with
 * `-movflags frag_keyframe+empty_moov+default_base_moof`, into the segments a MediaSource takes:
 *
 *   ftyp moov │ moof mdat │ moof mdat │ … (│ mfra at a clean exit)
 *   └ init ─┘   └ fragment┘
 *
 * Bytes may arrive cut anywhere. A second ftyp starts a new init segment (the producer
 * restarted). Boxes a MediaSource player does not need (styp, sidx, free, mfra, …) are dropped.
 * Segments are views of the chunks given when a box lies in one chunk: callers must not reuse a
 * chunk's memory afterwards (stream and WebSocket chunks are fresh buffers).
 */
import { boxHeader, concatBytes, Mp4FormatError, printable } from './boxes.js';

export interface Fmp4Segment<B extends ArrayBufferLike = ArrayBufferLike> {
  kind: 'init' | 'fragment';
  bytes: Uint8Array<B>;
}

export class Fmp4Splitter<B extends ArrayBufferLike = ArrayBufferLike> {
  private chunks: Uint8Array<B>[] = [];
  private buffered = 0;
  /** Boxes of the segment being assembled. */
  private pending: Uint8Array<B>[] = [];
  private pendingKind: 'init' | 'fragment' | null = null;
  /** Size of the box at the head of the buffer while it is incomplete, else 0. */
  private waitingFor = 0;

  /** Feeds bytes; returns the segments completed by them, in order. */
  push(chunk: Uint8Array<B>): Fmp4Segment<B>[] {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const out: Fmp4Segment<B>[] = [];
    for (;;) {
      // Waiting for the rest of a box whose size is known: do not read its header again.
      if (this.waitingFor > 0 && this.buffered < this.waitingFor) break;
      const peeked = this.peek(16);
      const head = peeked && boxHeader(peeked, 0, peeked.byteLength);
      if (!head) break;
      if (!/^[\x20-\x7e]{4}$/.test(head.type)) {
        throw new Mp4FormatError(`not a fragmented MP4 stream (box "${printable(head.type)}" of ${head.size} bytes)`);
      }
      if (this.buffered < head.size) {
        this.waitingFor = head.size;
        break;
      }
      this.waitingFor = 0;
      this.accept(head.type, this.take(head.size), out);
    }
    return out;
  }

  /** Bytes held back until their segment is complete. */
  get pendingBytes(): number {
    return this.buffered + this.pending.reduce((n, b) => n + b.byteLength, 0);
  }

  private accept(type: string, box: Uint8Array<B>, out: Fmp4Segment<B>[]): void {
    if (type === 'ftyp' || type === 'moof') {
      // A new segment starts; a fragment without a following moof ends here at the latest.
      this.flush(out);
      this.pendingKind = type === 'ftyp' ? 'init' : 'fragment';
      this.pending.push(box);
      return;
    }
    if (type === 'moov') {
      if (this.pendingKind !== 'init') {
        this.flush(out);
        this.pendingKind = 'init';
      }
      this.pending.push(box);
      this.flush(out);
      return;
    }
    if (type === 'mdat' && this.pendingKind === 'fragment') {
      this.pending.push(box);
      this.flush(out);
    }
    // styp, sidx, free, mfra, a stray mdat, …: not needed by a MediaSource player; dropped.
  }

  private flush(out: Fmp4Segment<B>[]): void {
    if (this.pendingKind && this.pending.length) {
      out.push({ kind: this.pendingKind, bytes: this.pending.length === 1 ? this.pending[0]! : this.join(this.pending) });
    }
    this.pending = [];
    this.pendingKind = null;
  }

  /** The first n buffered bytes (fewer when not there yet); walks only the chunks it needs. */
  private peek(n: number): Uint8Array | null {
    if (this.buffered === 0) return null;
    const first = this.chunks[0]!;
    if (first.byteLength >= n) return first.subarray(0, n);
    const parts: Uint8Array[] = [];
    let have = 0;
    for (const chunk of this.chunks) {
      parts.push(chunk);
      have += chunk.byteLength;
      if (have >= n) break;
    }
    return concatBytes(parts).subarray(0, n);
  }

  private take(n: number): Uint8Array<B> {
    const first = this.chunks[0]!;
    if (first.byteLength === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.byteLength > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const parts: Uint8Array<B>[] = [];
    let need = n;
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.byteLength <= need) {
        parts.push(head);
        this.chunks.shift();
        need -= head.byteLength;
      } else {
        parts.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    this.buffered -= n;
    return this.join(parts);
  }

  /** A copy in fresh memory: an ArrayBuffer, which fits every B a caller may use. */
  private join(parts: Uint8Array<B>[]): Uint8Array<B> {
    return concatBytes(parts) as Uint8Array as Uint8Array<B>;
  }
}
