/**
 * FLV tag splitting, shared by the Eagle Eye joiner (../een-v1/flv.ts), the recorded-stream
 * pacer (./flv-pacer.ts) and the clip concatenation (./flv-concat.ts). Pure byte handling.
 *
 * FLV layout: 9-byte header ("FLV", version, flags, header size) + PreviousTagSize0 (4 bytes),
 * then tags: type (8 audio, 9 video, 18 script), 24-bit data size, 24-bit timestamp + 8-bit
 * extension (ms), 24-bit stream id, data, then PreviousTagSize (11 + data size).
 */

const HEADER_BYTES = 9 + 4;
export const TAG_HEADER_BYTES = 11;
export const SCRIPT_TAG = 18;

export interface FlvTag {
  type: number;
  timestampMs: number;
  /** The whole tag: header, data and trailing PreviousTagSize. */
  bytes: Buffer;
}

/** Incremental FLV parser: push bytes, get the file header once and then whole tags. */
export class FlvReader {
  private buffer: Buffer = Buffer.alloc(0);
  private headerSeen = false;
  header: Buffer | null = null;

  push(chunk: Buffer): FlvTag[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const tags: FlvTag[] = [];
    if (!this.headerSeen) {
      if (this.buffer.length < HEADER_BYTES) return tags;
      if (this.buffer.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV stream');
      const headerSize = this.buffer.readUInt32BE(5);
      if (this.buffer.length < headerSize + 4) return tags;
      this.header = this.buffer.subarray(0, headerSize + 4);
      this.buffer = this.buffer.subarray(headerSize + 4);
      this.headerSeen = true;
    }
    let offset = 0;
    while (this.buffer.length - offset >= TAG_HEADER_BYTES) {
      const size = this.buffer.readUIntBE(offset + 1, 3);
      const total = TAG_HEADER_BYTES + size + 4;
      if (this.buffer.length - offset < total) break;
      const bytes = Buffer.from(this.buffer.subarray(offset, offset + total));
      const timestampMs = (bytes.readUIntBE(4, 3) | (bytes[7]! << 24)) >>> 0;
      tags.push({ type: bytes[0]! & 0x1f, timestampMs, bytes });
      offset += total;
    }
    this.buffer = this.buffer.subarray(offset);
    return tags;
  }
}

export const VIDEO_TAG = 9;

/** The tag with its timestamp (ms: 24 bits + an 8-bit extension) replaced. */
export function withTimestamp(tag: FlvTag, timestampMs: number): Buffer {
  const out = Buffer.from(tag.bytes);
  const ts = Math.max(0, Math.round(timestampMs)) >>> 0;
  out.writeUIntBE(ts & 0xffffff, 4, 3);
  out[7] = (ts >>> 24) & 0xff;
  return out;
}

/** Whether a tag is a video key frame (frame type 1 in the first data byte's high nibble). */
export function isKeyframe(tag: FlvTag): boolean {
  return tag.type === VIDEO_TAG && tag.bytes.length > TAG_HEADER_BYTES && tag.bytes[TAG_HEADER_BYTES]! >> 4 === 1;
}
