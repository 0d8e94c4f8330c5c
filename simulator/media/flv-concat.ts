/**
 * One FLV from per-piece FLV streams, byte for byte what ffmpeg's concat demuxer writes when it
 * is given all the pieces in one list (checked against it in test/unit/simulator/flv-concat.test.ts).
 * A recorded clip is then sent as soon as its first 1-minute chunk is encoded, each piece
 * remuxed by its own ffmpeg while the later chunks are still being made (./recordings.ts).
 *
 * What one ffmpeg over the whole list writes, and so what the join keeps:
 * - one file header and one onMetaData (the first piece's: ffmpeg writes duration 0 to a pipe);
 * - one codec sequence header per stream (a later piece's is dropped when it is the same; a
 *   different one is kept, shifted, so a decoder picks it up);
 * - one AVC end-of-sequence tag, the last piece's (ffmpeg writes one when an output ends);
 * - timestamps that go on: piece i is shifted by the planned durations (outpoint − inpoint) of
 *   the pieces before it, as the concat demuxer does, so nothing restarts at a join, and by the
 *   difference of ffmpeg's start shifts (see startShift).
 * Pure byte handling, no I/O.
 */
import { FlvReader, SCRIPT_TAG, TAG_HEADER_BYTES, VIDEO_TAG, withTimestamp, type FlvTag } from './flv-tags.js';

const AUDIO_TAG = 8;
/** Video codec id of H.264 (low nibble of the first data byte). */
const AVC = 7;
/** Sound format of AAC (high nibble of the first data byte). */
const AAC = 10;

type Kind = 'video-config' | 'audio-config' | 'end-of-sequence' | 'script' | 'media';

function kindOf(tag: FlvTag): Kind {
  if (tag.type === SCRIPT_TAG) return 'script';
  const first = tag.bytes[TAG_HEADER_BYTES];
  const packetType = tag.bytes[TAG_HEADER_BYTES + 1];
  if (first === undefined || packetType === undefined) return 'media';
  if (tag.type === VIDEO_TAG && (first & 0x0f) === AVC) {
    if (packetType === 0) return 'video-config';
    if (packetType === 2) return 'end-of-sequence';
  }
  if (tag.type === AUDIO_TAG && first >> 4 === AAC && packetType === 0) return 'audio-config';
  return 'media';
}

/** The tag's data (what a decoder sees), without header, timestamp or trailing size. */
function dataOf(tag: FlvTag): Buffer {
  return tag.bytes.subarray(TAG_HEADER_BYTES, tag.bytes.length - 4);
}

export class FlvConcat {
  private reader: FlvReader | null = null;
  private index = -1;
  private offsetMs = 0;
  private last = false;
  private readonly configs = new Map<Kind, Buffer>();
  /** First video frame's timestamp in the first piece, ms; null until seen. */
  private firstVideo0: number | null = null;
  /** Shift of the current piece's tags, ms; null until its first video frame is seen. */
  private shiftMs: number | null = null;
  /** Tags of the current piece that came before its first video frame (audio, configs). */
  private pending: FlvTag[] = [];

  /**
   * Starts the next piece: offsetMs is the planned length of the pieces before it (ms); `last`
   * keeps its end-of-sequence tag. The bytes of the previous piece must all have been pushed.
   */
  begin(offsetMs: number, last: boolean): void {
    this.index += 1;
    this.reader = new FlvReader();
    this.offsetMs = offsetMs;
    this.last = last;
    this.shiftMs = null;
    this.pending = [];
  }

  /** Bytes of the current piece in, bytes of the joined stream out (possibly none yet). */
  push(chunk: Buffer): Buffer[] {
    const reader = this.reader;
    if (!reader) throw new Error('FlvConcat.push before begin');
    const hadHeader = reader.header !== null;
    const tags = reader.push(chunk);
    const out: Buffer[] = [];
    if (!hadHeader && reader.header && this.index === 0) out.push(reader.header);
    for (const tag of tags) {
      if (this.shiftMs === null && kindOf(tag) === 'media' && tag.type === VIDEO_TAG) this.startShift(tag.timestampMs, out);
      if (this.shiftMs === null) this.pending.push(tag);
      else this.emit(tag, out);
    }
    return out;
  }

  /** The end of the current piece: what it held back (a piece without video keeps its planned offset). */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.shiftMs === null) this.startShift(this.firstVideo0 ?? 0, out);
    return out;
  }

  /**
   * ffmpeg moves each output's timestamps so that its earliest packet (often an AAC frame a few
   * ms before the first picture) is at 0: by a different amount in each piece. A piece starts
   * with a picture on its inpoint, so its first video timestamp is that amount; one ffmpeg over
   * the whole list uses the first piece's amount throughout.
   */
  private startShift(firstVideoMs: number, out: Buffer[]): void {
    this.firstVideo0 ??= firstVideoMs;
    this.shiftMs = this.offsetMs + this.firstVideo0 - firstVideoMs;
    for (const tag of this.pending) this.emit(tag, out);
    this.pending = [];
  }

  private emit(tag: FlvTag, out: Buffer[]): void {
    const kind = kindOf(tag);
    if (kind === 'end-of-sequence' && !this.last) return;
    if (this.index > 0 && kind === 'script') return;
    if (kind === 'video-config' || kind === 'audio-config') {
      if (this.configs.get(kind)?.equals(dataOf(tag))) return;
      this.configs.set(kind, Buffer.from(dataOf(tag)));
    }
    out.push(this.shiftMs ? withTimestamp(tag, tag.timestampMs + this.shiftMs) : tag.bytes);
  }
}
