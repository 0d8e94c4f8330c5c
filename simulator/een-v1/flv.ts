/**
 * Joins FLV streams into one, the way the service "will seamlessly rewrite headers within the
 * video format to join segments" (seed 000): a recorded clip whose end lies in the future goes on
 * with the live stream. Pure byte handling, no ffmpeg.
 *
 * FLV layout: 9-byte header ("FLV", version, flags, header size) + PreviousTagSize0 (4 bytes),
 * then tags: type (8 audio, 9 video, 18 script), 24-bit data size, 24-bit timestamp + 8-bit
 * extension (ms), 24-bit stream id, data, then PreviousTagSize (11 + data size).
 * Later streams lose their header and script tags; their timestamps are shifted to continue
 * after the previous stream. Codec sequence headers are kept: decoders pick up the new ones.
 * The first stream's script tag (onMetaData) can be dropped too: its duration would be a lie once
 * more media follows.
 */

import { FlvReader, SCRIPT_TAG, withTimestamp, type FlvTag } from '../media/flv-tags.js';

export { FlvReader, type FlvTag };

/**
 * Writes one continuous FLV from consecutive sources. `begin(i)` starts source i; its bytes go
 * through `push(i, chunk)`. Output timestamps of source i > 0 start `gapMs` after the last
 * timestamp written before it.
 */
export class FlvJoiner {
  private readonly readers: FlvReader[] = [];
  private lastWrittenMs = 0;
  private offsetMs: number | null = null;
  private current = -1;

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly gapMs = 40,
    private readonly keepFirstScript = true,
  ) {}

  begin(index: number): void {
    this.current = index;
    this.readers[index] = new FlvReader();
    this.offsetMs = null;
  }

  push(chunk: Buffer): void {
    const reader = this.readers[this.current];
    if (!reader) throw new Error('FlvJoiner.push before begin');
    const hadHeader = reader.header !== null;
    const tags = reader.push(chunk);
    if (!hadHeader && reader.header && this.current === 0) this.write(reader.header);
    for (const tag of tags) {
      if (tag.type === SCRIPT_TAG && (this.current > 0 || !this.keepFirstScript)) continue;
      if (this.current === 0) {
        this.lastWrittenMs = Math.max(this.lastWrittenMs, tag.timestampMs);
        this.write(tag.bytes);
        continue;
      }
      this.offsetMs ??= this.lastWrittenMs + this.gapMs - tag.timestampMs;
      const ts = tag.timestampMs + this.offsetMs;
      this.write(withTimestamp(tag, ts));
      this.lastWrittenMs = Math.max(this.lastWrittenMs, ts);
    }
  }
}
