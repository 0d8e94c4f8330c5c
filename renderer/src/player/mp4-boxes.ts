/**
 * Just enough ISO-BMFF (fragmented MP4) reading for a live player: split a byte stream into
 * top-level boxes, group them into segments MSE can take (init = ftyp+moov, media = moof+mdat),
 * and read the few fields the player needs (track timescales, codec, fragment times, keyframes).
 * Pure: no DOM, no timers; the bytes may arrive cut anywhere.
 *
 * References: ISO/IEC 14496-12 (boxes, tfhd/trun flags, sample flags), ISO/IEC 14496-15 (avcC).
 */

/** A box bigger than this is taken as a corrupt stream, not allocated (bytes). */
export const maxBoxBytes = 64 * 1024 * 1024;

export class Mp4FormatError extends Error {
  override name = 'Mp4FormatError';
}

export interface Mp4Box {
  /** Four-character code, e.g. "moof". */
  type: string;
  /** The whole box, header included (its own copy: MSE takes ArrayBuffer-backed views). */
  bytes: Uint8Array<ArrayBuffer>;
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Size and header length of the box at `at`, or null when the header is not all there yet. */
function boxHeader(bytes: Uint8Array, at: number, end: number): { size: number; header: number; type: string } | null {
  if (end - at < 8) return null;
  const v = view(bytes);
  let size = v.getUint32(at);
  const type = fourcc(bytes, at + 4);
  let header = 8;
  if (size === 1) {
    if (end - at < 16) return null;
    const high = v.getUint32(at + 8);
    const low = v.getUint32(at + 12);
    if (high > 0x1fffff) throw new Mp4FormatError(`box "${type}" claims more than 2^53 bytes`);
    size = high * 2 ** 32 + low;
    header = 16;
  } else if (size === 0) {
    // "Extends to the end of the file": meaningless in an endless live stream.
    throw new Mp4FormatError(`box "${type}" has size 0 (to end of file), which a live stream cannot have`);
  }
  if (size < header) throw new Mp4FormatError(`box "${type}" is ${size} bytes, smaller than its header`);
  if (size > maxBoxBytes) throw new Mp4FormatError(`box "${type}" is ${size} bytes, over the ${maxBoxBytes} limit`);
  return { size, header, type };
}

/**
 * Cuts a byte stream into whole top-level boxes. Keeps at most one partial box between calls.
 */
export class BoxSplitter {
  private pending: Uint8Array = new Uint8Array(0);
  private pendingLength = 0;

  /** Bytes held back because their box is not complete yet. */
  get buffered(): number {
    return this.pendingLength;
  }

  push(chunk: Uint8Array): Mp4Box[] {
    let bytes: Uint8Array;
    if (this.pendingLength === 0) bytes = chunk;
    else {
      // Grow geometrically so a box arriving in many small chunks is not copied once per chunk.
      const need = this.pendingLength + chunk.byteLength;
      if (need > this.pending.byteLength) {
        const grown = new Uint8Array(Math.max(need, this.pending.byteLength * 2));
        grown.set(this.pending.subarray(0, this.pendingLength));
        this.pending = grown;
      }
      this.pending.set(chunk, this.pendingLength);
      this.pendingLength = need;
      bytes = this.pending.subarray(0, need);
    }
    const boxes: Mp4Box[] = [];
    let at = 0;
    for (;;) {
      const head = boxHeader(bytes, at, bytes.byteLength);
      if (!head || at + head.size > bytes.byteLength) break;
      // Copy out: the caller keeps boxes while `pending` is reused.
      boxes.push({ type: head.type, bytes: bytes.slice(at, at + head.size) });
      at += head.size;
    }
    const rest = bytes.byteLength - at;
    if (rest === 0) this.pendingLength = 0;
    else if (bytes === chunk) {
      this.pending = chunk.slice(at);
      this.pendingLength = rest;
    } else {
      this.pending.copyWithin(0, at, at + rest);
      this.pendingLength = rest;
    }
    return boxes;
  }
}

/** Children of a container box (or of a payload region), as [type, start, end] of each child's payload. */
export function childBoxes(bytes: Uint8Array, start = 0, end = bytes.byteLength): { type: string; start: number; end: number; payload: number }[] {
  const out: { type: string; start: number; end: number; payload: number }[] = [];
  let at = start;
  while (at < end) {
    const head = boxHeader(bytes, at, end);
    if (!head || at + head.size > end) throw new Mp4FormatError(`truncated box inside a container at byte ${at}`);
    out.push({ type: head.type, start: at, end: at + head.size, payload: at + head.header });
    at += head.size;
  }
  return out;
}

function child(bytes: Uint8Array, parent: { payload: number; end: number }, type: string, skip = 0) {
  return childBoxes(bytes, parent.payload + skip, parent.end).find((b) => b.type === type);
}

function children(bytes: Uint8Array, parent: { payload: number; end: number }, type: string) {
  return childBoxes(bytes, parent.payload, parent.end).filter((b) => b.type === type);
}

export interface TrackInfo {
  id: number;
  /** "vide", "soun", … */
  handler: string;
  /** Units per second of this track's times (mdhd). */
  timescale: number;
  /** RFC 6381 codec string when it can be read (avc1/avc3 from avcC, mp4a from the entry), else the sample entry type. */
  codec: string;
  width?: number;
  height?: number;
  /** trex defaults, used by fragments that do not carry their own. */
  defaultSampleDuration: number;
  defaultSampleFlags: number;
}

export interface InitInfo {
  tracks: TrackInfo[];
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Reads the tracks of an init segment's moov. */
export function parseMoov(moov: Uint8Array): InitInfo {
  const root = { payload: 8, end: moov.byteLength };
  const v = view(moov);
  const trex = new Map<number, { duration: number; flags: number }>();
  const mvex = child(moov, root, 'mvex');
  if (mvex) {
    for (const t of children(moov, mvex, 'trex')) {
      // version/flags(4) track_ID(4) desc_index(4) duration(4) size(4) flags(4)
      trex.set(v.getUint32(t.payload + 4), { duration: v.getUint32(t.payload + 12), flags: v.getUint32(t.payload + 20) });
    }
  }
  const tracks: TrackInfo[] = [];
  for (const trak of children(moov, root, 'trak')) {
    const tkhd = child(moov, trak, 'tkhd');
    const mdia = child(moov, trak, 'mdia');
    if (!tkhd || !mdia) continue;
    const tkhdVersion = moov[tkhd.payload]!;
    const id = v.getUint32(tkhd.payload + (tkhdVersion === 1 ? 20 : 12));
    const mdhd = child(moov, mdia, 'mdhd');
    const hdlr = child(moov, mdia, 'hdlr');
    const mdhdVersion = mdhd ? moov[mdhd.payload]! : 0;
    const timescale = mdhd ? v.getUint32(mdhd.payload + (mdhdVersion === 1 ? 20 : 12)) : 0;
    const handler = hdlr ? fourcc(moov, hdlr.payload + 8) : '';
    const minf = child(moov, mdia, 'minf');
    const stbl = minf && child(moov, minf, 'stbl');
    // stsd: version/flags(4) entry_count(4), then sample entries.
    const stsd = stbl && child(moov, stbl, 'stsd');
    const entry = stsd ? childBoxes(moov, stsd.payload + 8, stsd.end)[0] : undefined;
    let codec = entry?.type ?? '';
    let width: number | undefined;
    let height: number | undefined;
    if (entry && handler === 'vide') {
      // VisualSampleEntry: 6 reserved + 2 data_reference_index + 16 pre-defined/reserved, then width, height;
      // its child boxes start 78 bytes into the payload.
      width = v.getUint16(entry.payload + 24);
      height = v.getUint16(entry.payload + 26);
      if (entry.type === 'avc1' || entry.type === 'avc3') {
        const avcC = child(moov, { payload: entry.payload, end: entry.end }, 'avcC', 78);
        // configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication
        if (avcC) codec = `${entry.type}.${hex2(moov[avcC.payload + 1]!)}${hex2(moov[avcC.payload + 2]!)}${hex2(moov[avcC.payload + 3]!)}`;
      }
    } else if (entry && entry.type === 'mp4a') {
      codec = 'mp4a.40.2';
    }
    const defaults = trex.get(id);
    tracks.push({ id, handler, timescale, codec, ...(width ? { width } : {}), ...(height ? { height } : {}), defaultSampleDuration: defaults?.duration ?? 0, defaultSampleFlags: defaults?.flags ?? 0 });
  }
  return { tracks };
}

/** Sample flags: sample_depends_on == 2 ("depends on no other") or not marked non-sync. */
export function isSyncSample(flags: number): boolean {
  const nonSync = (flags >>> 16) & 1;
  const dependsOn = (flags >>> 24) & 3;
  return dependsOn === 2 || (nonSync === 0 && dependsOn !== 1);
}

export interface TrackFragment {
  trackId: number;
  /** tfdt, in the track's timescale (fits a double for any real stream). */
  baseMediaDecodeTime: number;
  sampleCount: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  /** Whether the first sample is a sync sample (keyframe); undefined when the flags say nothing. */
  startsWithKeyframe: boolean | undefined;
}

/** Reads each traf of a moof: track, start time, sample count and duration, first-sample keyframe flag. */
export function parseMoof(moof: Uint8Array, init?: InitInfo): TrackFragment[] {
  const v = view(moof);
  const out: TrackFragment[] = [];
  for (const traf of children(moof, { payload: 8, end: moof.byteLength }, 'traf')) {
    const tfhd = child(moof, traf, 'tfhd');
    if (!tfhd) continue;
    const tfhdFlags = v.getUint32(tfhd.payload) & 0xffffff;
    const trackId = v.getUint32(tfhd.payload + 4);
    const track = init?.tracks.find((t) => t.id === trackId);
    let at = tfhd.payload + 8;
    if (tfhdFlags & 0x1) at += 8; // base_data_offset
    if (tfhdFlags & 0x2) at += 4; // sample_description_index
    let defaultDuration = track?.defaultSampleDuration ?? 0;
    let defaultFlags: number | undefined = track ? track.defaultSampleFlags : undefined;
    if (tfhdFlags & 0x8) {
      defaultDuration = v.getUint32(at);
      at += 4;
    }
    if (tfhdFlags & 0x10) at += 4; // default_sample_size
    if (tfhdFlags & 0x20) defaultFlags = v.getUint32(at);

    const tfdt = child(moof, traf, 'tfdt');
    let base = 0;
    if (tfdt) {
      const version = moof[tfdt.payload]!;
      base = version === 1 ? v.getUint32(tfdt.payload + 4) * 2 ** 32 + v.getUint32(tfdt.payload + 8) : v.getUint32(tfdt.payload + 4);
    }

    let sampleCount = 0;
    let duration = 0;
    let firstFlags: number | undefined;
    for (const trun of children(moof, traf, 'trun')) {
      const flags = v.getUint32(trun.payload) & 0xffffff;
      const count = v.getUint32(trun.payload + 4);
      let p = trun.payload + 8;
      if (flags & 0x1) p += 4; // data_offset
      let firstSampleFlags: number | undefined;
      if (flags & 0x4) {
        firstSampleFlags = v.getUint32(p);
        p += 4;
      }
      const perSample = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) + ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
      if (p + perSample * count > trun.end) throw new Mp4FormatError(`trun says ${count} samples but holds fewer`);
      for (let i = 0; i < count; i++) {
        let q = p + i * perSample;
        let sampleDuration = defaultDuration;
        if (flags & 0x100) {
          sampleDuration = v.getUint32(q);
          q += 4;
        }
        if (flags & 0x200) q += 4;
        let sampleFlags = i === 0 && firstSampleFlags !== undefined ? firstSampleFlags : defaultFlags;
        if (flags & 0x400) {
          const own = v.getUint32(q);
          if (!(i === 0 && firstSampleFlags !== undefined)) sampleFlags = own;
        }
        if (sampleCount === 0 && i === 0) firstFlags = sampleFlags;
        duration += sampleDuration;
      }
      sampleCount += count;
    }
    out.push({ trackId, baseMediaDecodeTime: base, sampleCount, duration, startsWithKeyframe: firstFlags === undefined ? undefined : isSyncSample(firstFlags) });
  }
  return out;
}

export type Segment =
  | { kind: 'init'; bytes: Uint8Array<ArrayBuffer>; info: InitInfo }
  | {
      kind: 'media';
      bytes: Uint8Array<ArrayBuffer>;
      /** Start and end of the video track in this fragment, seconds of media time; undefined without a video track. */
      videoStartSec?: number;
      videoEndSec?: number;
      /** Whether the fragment can start decoding (its video begins with a keyframe); undefined when unknown. */
      keyframe: boolean | undefined;
    };

function concat(parts: readonly Uint8Array<ArrayBuffer>[]): Uint8Array<ArrayBuffer> {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Groups boxes into MSE segments. An ftyp starts a new init segment (a restarted upstream sends
 * one mid-stream); moov completes it. moof+mdat make a media segment; styp/sidx/prft/emsg ride
 * along with the next segment; free/skip/mfra are dropped.
 */
export class SegmentAssembler {
  private parts: Uint8Array<ArrayBuffer>[] = [];
  private state: 'idle' | 'init' | 'moof' = 'idle';
  private moof: Uint8Array | null = null;
  private initInfo: InitInfo | null = null;

  /** The tracks of the newest init segment. */
  get init(): InitInfo | null {
    return this.initInfo;
  }

  push(box: Mp4Box): Segment[] {
    switch (box.type) {
      case 'ftyp':
        this.parts = [box.bytes];
        this.state = 'init';
        return [];
      case 'moov': {
        if (this.state !== 'init') throw new Mp4FormatError('moov arrived without an ftyp before it');
        const info = parseMoov(box.bytes);
        this.initInfo = info;
        const bytes = concat([...this.parts, box.bytes]);
        this.parts = [];
        this.state = 'idle';
        return [{ kind: 'init', bytes, info }];
      }
      case 'moof':
        if (!this.initInfo || this.state === 'init') throw new Mp4FormatError('a fragment arrived before its init segment was complete');
        this.parts.push(box.bytes);
        this.moof = box.bytes;
        this.state = 'moof';
        return [];
      case 'mdat': {
        if (this.state !== 'moof' || !this.moof) throw new Mp4FormatError('mdat arrived without a moof before it');
        const fragments = parseMoof(this.moof, this.initInfo ?? undefined);
        const video = this.initInfo?.tracks.find((t) => t.handler === 'vide');
        const traf = video ? fragments.find((f) => f.trackId === video.id) : undefined;
        const bytes = concat([...this.parts, box.bytes]);
        this.parts = [];
        this.moof = null;
        this.state = 'idle';
        if (!video || !traf || !video.timescale) return [{ kind: 'media', bytes, keyframe: fragments[0]?.startsWithKeyframe }];
        return [
          {
            kind: 'media',
            bytes,
            videoStartSec: traf.baseMediaDecodeTime / video.timescale,
            videoEndSec: (traf.baseMediaDecodeTime + traf.duration) / video.timescale,
            keyframe: traf.startsWithKeyframe,
          },
        ];
      }
      case 'free':
      case 'skip':
      case 'mfra':
        return [];
      default:
        // styp, sidx, prft, emsg…: keep them in front of the segment they belong to.
        this.parts.push(box.bytes);
        return [];
    }
  }
}

/** The `codecs="…"` parameter of a MIME type such as `video/mp4; codecs="avc1.64001f,mp4a.40.2"`. */
export function codecsOf(mime: string): string[] {
  const match = /codecs\s*=\s*"?([^";]+)"?/i.exec(mime);
  return match ? match[1]!.split(',').map((c) => c.trim()).filter(Boolean) : [];
}
