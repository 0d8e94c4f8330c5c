/**
 * Fragmented MP4 as ffmpeg writes it with `-movflags frag_keyframe+empty_moov+default_base_moof`:
 *
 *   ftyp moov │ moof mdat │ moof mdat │ … (│ mfra at a clean exit)
 *   └ init ─┘   └ fragment┘
 *
 * Fmp4Splitter cuts a byte stream (pipe chunks of any size) into the init segment and whole
 * fragments; parseInit reads what the player and the overlay need from the moov (tracks, the
 * RFC 6381 codecs string, size, timescales, default sample flags) and parseFragment reads each
 * moof (keyframe or not, sample count, duration). Pure: no I/O, table-tested on real bytes.
 *
 * Box layout (ISO/IEC 14496-12): u32 size, 4cc type; size 1 = a u64 size follows; size 0 = to the
 * end of the stream (never used for fragments, refused here).
 */

export interface TrackInfo {
  id: number;
  kind: 'video' | 'audio' | 'other';
  /** Sample entry 4cc: avc1, avc3, hvc1, hev1, mp4a, … */
  format: string;
  /** RFC 6381 codec of this track: "avc1.4d401e", "mp4a.40.2"; the bare 4cc when unknown. */
  codec: string;
  /** Media ticks per second (mdhd). */
  timescale: number;
  width?: number;
  height?: number;
  /** trex default_sample_flags, used when neither tfhd nor trun carries flags. */
  defaultSampleFlags: number;
  defaultSampleDuration: number;
}

export interface InitInfo {
  tracks: TrackInfo[];
  /** The codecs parameter of the MIME type: video first, then audio ("avc1.4d401e,mp4a.40.2"). */
  codecs: string;
  /** `video/mp4; codecs="…"`. */
  mimeType: string;
  video?: TrackInfo;
  audio?: TrackInfo;
}

export interface TrackRun {
  trackId: number;
  baseDecodeTime: number;
  sampleCount: number;
  /** Sum of sample durations, in the track's timescale. */
  duration: number;
  /** Whether the first sample is a sync sample (an IDR for H.264). */
  startsWithSync: boolean;
  /** Bytes of sample data of this track. */
  dataBytes: number;
}

export interface FragmentInfo {
  sequence: number;
  runs: TrackRun[];
  /** The video track's run starts with a keyframe: a decoder can start here. */
  keyframe: boolean;
  /** Frames (video samples) in this fragment. */
  videoSamples: number;
  /** Video duration in ms (0 when the fragment has no video). */
  videoDurationMs: number;
  /** Video decode time of the first sample, ms. */
  videoStartMs?: number;
}

export interface Fmp4Segment {
  kind: 'init' | 'fragment';
  bytes: Buffer;
}

/** sample_is_non_sync_sample (ISO 14496-12 §8.8.3.1). */
const NON_SYNC = 0x10000;

/** The largest box accepted (a keyframe of 4K video is a few MB; anything this large is garbage). */
export const MAX_BOX_BYTES = 64 * 1024 * 1024;

export class Fmp4Error extends Error {
  override name = 'Fmp4Error';
}

interface Box {
  type: string;
  /** Offset of the payload (after the header) and the end of the box, in the buffer given. */
  start: number;
  end: number;
}

function readBoxes(buf: Buffer, from = 0, to = buf.length): Box[] {
  const boxes: Box[] = [];
  let offset = from;
  while (offset + 8 <= to) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > to) break;
      size = Number(buf.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = to - offset;
    }
    if (size < header || offset + size > to) break;
    boxes.push({ type, start: offset + header, end: offset + size });
    offset += size;
  }
  return boxes;
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.start, parent.end).find((b) => b.type === type);
}

function children(buf: Buffer, parent: Box, type: string): Box[] {
  return readBoxes(buf, parent.start, parent.end).filter((b) => b.type === type);
}

function path(buf: Buffer, parent: Box, ...types: string[]): Box | undefined {
  let current: Box | undefined = parent;
  for (const type of types) {
    if (!current) return undefined;
    current = child(buf, current, type);
  }
  return current;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** avc1.PPCCLL from an AVCDecoderConfigurationRecord (ISO 14496-15 §5.3.3.1). */
export function avcCodecString(format: string, avcC: Buffer): string {
  if (avcC.length < 4) return format;
  return `${format}.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`;
}

/** hvc1.P.C.TL.B… from an HEVCDecoderConfigurationRecord (ISO 14496-15 Annex E.3). */
export function hevcCodecString(format: string, hvcC: Buffer): string {
  if (hvcC.length < 13) return format;
  const b1 = hvcC[1]!;
  const space = ['', 'A', 'B', 'C'][b1 >> 6]!;
  const tier = (b1 >> 5) & 1 ? 'H' : 'L';
  const profile = b1 & 0x1f;
  // The 32 compatibility flags are written in reverse bit order, as hex without leading zeros.
  let compat = hvcC.readUInt32BE(2);
  let reversed = 0;
  for (let i = 0; i < 32; i += 1) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const level = hvcC[12]!;
  const constraints = [...hvcC.subarray(6, 12)];
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const tail = constraints.map((c) => `.${c.toString(16).toUpperCase()}`).join('');
  return `${format}.${space}${profile}.${(reversed >>> 0).toString(16).toUpperCase()}.${tier}${level}${tail}`;
}

/** Reads an MPEG-4 descriptor length (1–4 bytes, 7 bits each). */
function descriptorLength(buf: Buffer, offset: number): { length: number; next: number } {
  let length = 0;
  let next = offset;
  for (let i = 0; i < 4 && next < buf.length; i += 1) {
    const byte = buf[next++]!;
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return { length, next };
}

/** mp4a.OO[.A] from an esds box payload (ISO 14496-1 ES_Descriptor → DecoderConfig → AudioSpecificConfig). */
export function esdsCodecString(format: string, esds: Buffer): string {
  // esds is a full box: version + flags first.
  let offset = 4;
  if (esds[offset] !== 0x03) return format;
  let d = descriptorLength(esds, offset + 1);
  offset = d.next;
  const flags = esds[offset + 2] ?? 0;
  offset += 3;
  if (flags & 0x80) offset += 2; // dependsOn_ES_ID
  if (flags & 0x40) offset += 1 + (esds[offset] ?? 0); // URL
  if (flags & 0x20) offset += 2; // OCR_ES_Id
  if (esds[offset] !== 0x04) return format;
  d = descriptorLength(esds, offset + 1);
  offset = d.next;
  const objectType = esds[offset];
  if (objectType === undefined) return format;
  const base = `${format}.${hex2(objectType)}`;
  offset += 13;
  if (esds[offset] !== 0x05) return base;
  d = descriptorLength(esds, offset + 1);
  const asc = esds[d.next];
  if (objectType !== 0x40 || asc === undefined) return base;
  let audioObjectType = asc >> 3;
  if (audioObjectType === 31 && esds[d.next + 1] !== undefined) audioObjectType = 32 + (((asc & 0x07) << 3) | (esds[d.next + 1]! >> 5));
  return `${base}.${audioObjectType}`;
}

function sampleEntry(buf: Buffer, stbl: Box): { format: string; codec: string; width?: number; height?: number } | undefined {
  const stsd = child(buf, stbl, 'stsd');
  if (!stsd) return undefined;
  // stsd: version/flags (4), entry_count (4), then sample entries as boxes.
  const entries = readBoxes(buf, stsd.start + 8, stsd.end);
  const entry = entries[0];
  if (!entry) return undefined;
  const format = entry.type;
  const visual = ['avc1', 'avc3', 'hvc1', 'hev1', 'mp4v', 'av01', 'vp09'].includes(format);
  if (visual) {
    // VisualSampleEntry: 6 reserved + 2 data_reference_index + 16 pre-defined/reserved, then width, height (u16).
    const width = buf.readUInt16BE(entry.start + 24);
    const height = buf.readUInt16BE(entry.start + 26);
    const inner = readBoxes(buf, entry.start + 78, entry.end);
    const config = inner.find((b) => b.type === 'avcC' || b.type === 'hvcC');
    let codec = format;
    if (config?.type === 'avcC') codec = avcCodecString(format, buf.subarray(config.start, config.end));
    if (config?.type === 'hvcC') codec = hevcCodecString(format, buf.subarray(config.start, config.end));
    return { format, codec, width, height };
  }
  if (format === 'mp4a') {
    // AudioSampleEntry: 8 (sample entry) + 20 (version, reserved, channels, size, rate), then boxes.
    const inner = readBoxes(buf, entry.start + 28, entry.end);
    const esds = inner.find((b) => b.type === 'esds');
    return { format, codec: esds ? esdsCodecString(format, buf.subarray(esds.start, esds.end)) : format };
  }
  return { format, codec: format };
}

/** Reads the init segment (ftyp + moov, or the moov alone). */
export function parseInit(init: Buffer): InitInfo {
  const moov = readBoxes(init).find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('the init segment has no moov box');
  const trex = new Map<number, { duration: number; flags: number }>();
  const mvex = child(init, moov, 'mvex');
  for (const box of mvex ? children(init, mvex, 'trex') : []) {
    // version/flags, track_ID, default_sample_description_index, duration, size, flags.
    trex.set(init.readUInt32BE(box.start + 4), { duration: init.readUInt32BE(box.start + 12), flags: init.readUInt32BE(box.start + 20) });
  }
  const tracks: TrackInfo[] = [];
  for (const trak of children(init, moov, 'trak')) {
    const tkhd = child(init, trak, 'tkhd');
    const mdhd = path(init, trak, 'mdia', 'mdhd');
    const hdlr = path(init, trak, 'mdia', 'hdlr');
    const stbl = path(init, trak, 'mdia', 'minf', 'stbl');
    if (!tkhd || !mdhd || !hdlr || !stbl) continue;
    const tkhdVersion = init[tkhd.start]!;
    const id = init.readUInt32BE(tkhd.start + (tkhdVersion === 1 ? 20 : 12));
    const mdhdVersion = init[mdhd.start]!;
    const timescale = init.readUInt32BE(mdhd.start + (mdhdVersion === 1 ? 20 : 12));
    const handler = init.toString('latin1', hdlr.start + 8, hdlr.start + 12);
    const entry = sampleEntry(init, stbl);
    const defaults = trex.get(id) ?? { duration: 0, flags: 0 };
    tracks.push({
      id,
      kind: handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other',
      format: entry?.format ?? 'unknown',
      codec: entry?.codec ?? 'unknown',
      timescale,
      ...(entry?.width ? { width: entry.width } : {}),
      ...(entry?.height ? { height: entry.height } : {}),
      defaultSampleFlags: defaults.flags,
      defaultSampleDuration: defaults.duration,
    });
  }
  const video = tracks.find((t) => t.kind === 'video');
  const audio = tracks.find((t) => t.kind === 'audio');
  const codecs = [video?.codec, audio?.codec].filter((c): c is string => Boolean(c)).join(',');
  return { tracks, codecs, mimeType: `video/mp4; codecs="${codecs}"`, ...(video ? { video } : {}), ...(audio ? { audio } : {}) };
}

function isSync(flags: number): boolean {
  // ffmpeg writes 0x02000000 (depends on nothing) for IDR samples and 0x01010000 (depends on others, non-sync) for the rest.
  return (flags & NON_SYNC) === 0;
}

function parseTraf(buf: Buffer, traf: Box, init: InitInfo): TrackRun | undefined {
  const tfhd = child(buf, traf, 'tfhd');
  if (!tfhd) return undefined;
  const tfhdFlags = buf.readUInt32BE(tfhd.start) & 0xffffff;
  const trackId = buf.readUInt32BE(tfhd.start + 4);
  const track = init.tracks.find((t) => t.id === trackId);
  let o = tfhd.start + 8;
  if (tfhdFlags & 0x01) o += 8; // base_data_offset
  if (tfhdFlags & 0x02) o += 4; // sample_description_index
  let defaultDuration = track?.defaultSampleDuration ?? 0;
  let defaultSize = 0;
  let defaultFlags = track?.defaultSampleFlags ?? 0;
  if (tfhdFlags & 0x08) {
    defaultDuration = buf.readUInt32BE(o);
    o += 4;
  }
  if (tfhdFlags & 0x10) {
    defaultSize = buf.readUInt32BE(o);
    o += 4;
  }
  if (tfhdFlags & 0x20) defaultFlags = buf.readUInt32BE(o);

  const tfdt = child(buf, traf, 'tfdt');
  const baseDecodeTime = tfdt ? (buf[tfdt.start] === 1 ? Number(buf.readBigUInt64BE(tfdt.start + 4)) : buf.readUInt32BE(tfdt.start + 4)) : 0;

  let sampleCount = 0;
  let duration = 0;
  let dataBytes = 0;
  let firstFlags: number | undefined;
  for (const trun of children(buf, traf, 'trun')) {
    const flags = buf.readUInt32BE(trun.start) & 0xffffff;
    const count = buf.readUInt32BE(trun.start + 4);
    let p = trun.start + 8;
    if (flags & 0x001) p += 4; // data_offset
    let runFirstFlags: number | undefined;
    if (flags & 0x004) {
      runFirstFlags = buf.readUInt32BE(p);
      p += 4;
    }
    for (let i = 0; i < count; i += 1) {
      let sampleDuration = defaultDuration;
      let sampleSize = defaultSize;
      let sampleFlags = i === 0 && runFirstFlags !== undefined ? runFirstFlags : defaultFlags;
      if (flags & 0x100) {
        sampleDuration = buf.readUInt32BE(p);
        p += 4;
      }
      if (flags & 0x200) {
        sampleSize = buf.readUInt32BE(p);
        p += 4;
      }
      if (flags & 0x400) {
        sampleFlags = buf.readUInt32BE(p);
        p += 4;
      }
      if (flags & 0x800) p += 4; // composition time offset
      if (firstFlags === undefined) firstFlags = sampleFlags;
      duration += sampleDuration;
      dataBytes += sampleSize;
    }
    sampleCount += count;
  }
  return { trackId, baseDecodeTime, sampleCount, duration, startsWithSync: sampleCount > 0 && isSync(firstFlags ?? defaultFlags), dataBytes };
}

/** Reads one fragment (moof + mdat) against the tracks of its init segment. */
export function parseFragment(fragment: Buffer, init: InitInfo): FragmentInfo {
  const moof = readBoxes(fragment).find((b) => b.type === 'moof');
  if (!moof) throw new Fmp4Error('the fragment has no moof box');
  const mfhd = child(fragment, moof, 'mfhd');
  const sequence = mfhd ? fragment.readUInt32BE(mfhd.start + 4) : 0;
  const runs = children(fragment, moof, 'traf')
    .map((traf) => parseTraf(fragment, traf, init))
    .filter((r): r is TrackRun => r !== undefined);
  const video = init.video;
  const videoRun = video ? runs.find((r) => r.trackId === video.id) : undefined;
  const scale = video?.timescale || 1;
  return {
    sequence,
    runs,
    keyframe: videoRun !== undefined && videoRun.sampleCount > 0 && videoRun.startsWithSync,
    videoSamples: videoRun?.sampleCount ?? 0,
    videoDurationMs: videoRun ? (videoRun.duration * 1000) / scale : 0,
    ...(videoRun ? { videoStartMs: (videoRun.baseDecodeTime * 1000) / scale } : {}),
  };
}

/**
 * Cuts a byte stream into top-level segments: the init segment (everything up to and including
 * the moov) and fragments (a moof with the boxes after it up to the next moof: its mdat).
 * A second ftyp starts a new init segment (the producer restarted).
 */
export class Fmp4Splitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Boxes of the segment being assembled. */
  private pending: Buffer[] = [];
  private pendingKind: 'init' | 'fragment' | null = null;
  /** Size of the box at the head of the buffer while it is incomplete, else 0. */
  private waitingFor = 0;

  /** Feeds bytes; returns the segments completed by them, in order. */
  push(chunk: Buffer): Fmp4Segment[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Fmp4Segment[] = [];
    for (;;) {
      // Waiting for the rest of a box whose size is known: do not parse its header again.
      if (this.waitingFor > 0 && this.buffered < this.waitingFor) break;
      const header = this.peek(16);
      if (!header || header.length < 8) break;
      let size = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (size === 1) {
        if (header.length < 16) break;
        size = Number(header.readBigUInt64BE(8));
      }
      if (size < 8 || size > MAX_BOX_BYTES || !/^[\x20-\x7e]{4}$/.test(type)) {
        throw new Fmp4Error(`not a fragmented MP4 stream (box "${type.replace(/[^\x20-\x7e]/g, '?')}" of ${size} bytes)`);
      }
      if (this.buffered < size) {
        this.waitingFor = size;
        break;
      }
      this.waitingFor = 0;
      this.accept(type, this.take(size), out);
    }
    return out;
  }

  /** Bytes held back waiting for the rest of a box. */
  get pendingBytes(): number {
    return this.buffered + this.pending.reduce((n, b) => n + b.length, 0);
  }

  private accept(type: string, box: Buffer, out: Fmp4Segment[]): void {
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
      return;
    }
    // styp, sidx, free, mfra, …: not needed by a MediaSource player; dropped.
  }

  private flush(out: Fmp4Segment[]): void {
    if (this.pendingKind && this.pending.length) {
      out.push({ kind: this.pendingKind, bytes: this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending) });
    }
    this.pending = [];
    this.pendingKind = null;
  }

  /** The first n buffered bytes (fewer when not there yet); walks only the chunks it needs. */
  private peek(n: number): Buffer | null {
    if (this.buffered === 0) return null;
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let have = 0;
    for (const chunk of this.chunks) {
      parts.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
    return Buffer.concat(parts, Math.min(n, have));
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.length <= need) {
        parts.push(head);
        this.chunks.shift();
        need -= head.length;
      } else {
        parts.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    this.buffered -= n;
    return Buffer.concat(parts, n);
  }
}
