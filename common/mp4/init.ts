/**
 * The init segment (ftyp + moov, or the moov alone): the tracks a player and the stream-info
 * overlay need (kind, codec string, size, timescale) and the trex defaults fragments rely on.
 */
import { child, childBoxes, children, descend, fourcc, Mp4FormatError, viewOf, type BoxRef } from './boxes.js';
import { avcCodecString, esdsCodecString, hevcCodecString } from './codecs.js';

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

const visualFormats = new Set(['avc1', 'avc3', 'hvc1', 'hev1', 'mp4v', 'av01', 'vp09']);

function sampleEntry(bytes: Uint8Array, stbl: BoxRef): { format: string; codec: string; width?: number; height?: number } | undefined {
  const stsd = child(bytes, stbl, 'stsd');
  if (!stsd) return undefined;
  // stsd: version/flags (4), entry_count (4), then sample entries as boxes.
  const entry = childBoxes(bytes, stsd.payload + 8, stsd.end)[0];
  if (!entry) return undefined;
  const format = entry.type;
  const view = viewOf(bytes);
  if (visualFormats.has(format)) {
    // VisualSampleEntry: 6 reserved + 2 data_reference_index + 16 pre-defined/reserved, then width,
    // height (u16); its child boxes start 78 bytes into the payload.
    const width = view.getUint16(entry.payload + 24);
    const height = view.getUint16(entry.payload + 26);
    const config = childBoxes(bytes, entry.payload + 78, entry.end).find((b) => b.type === 'avcC' || b.type === 'hvcC');
    let codec = format;
    if (config?.type === 'avcC') codec = avcCodecString(format, bytes.subarray(config.payload, config.end));
    if (config?.type === 'hvcC') codec = hevcCodecString(format, bytes.subarray(config.payload, config.end));
    return { format, codec, width, height };
  }
  if (format === 'mp4a') {
    // AudioSampleEntry: 8 (sample entry) + 20 (version, reserved, channels, size, rate), then boxes.
    const esds = childBoxes(bytes, entry.payload + 28, entry.end).find((b) => b.type === 'esds');
    return { format, codec: esds ? esdsCodecString(format, bytes.subarray(esds.payload, esds.end)) : format };
  }
  return { format, codec: format };
}

/** Reads an init segment: ftyp + moov as a muxer writes them, or the moov box alone. */
export function parseInit(bytes: Uint8Array): InitInfo {
  const moov = childBoxes(bytes).find((b) => b.type === 'moov');
  if (!moov) throw new Mp4FormatError('the init segment has no moov box');
  const view = viewOf(bytes);
  const trex = new Map<number, { duration: number; flags: number }>();
  const mvex = child(bytes, moov, 'mvex');
  for (const box of mvex ? children(bytes, mvex, 'trex') : []) {
    // version/flags, track_ID, default_sample_description_index, duration, size, flags.
    trex.set(view.getUint32(box.payload + 4), { duration: view.getUint32(box.payload + 12), flags: view.getUint32(box.payload + 20) });
  }
  const tracks: TrackInfo[] = [];
  for (const trak of children(bytes, moov, 'trak')) {
    const tkhd = child(bytes, trak, 'tkhd');
    const mdhd = descend(bytes, trak, 'mdia', 'mdhd');
    const hdlr = descend(bytes, trak, 'mdia', 'hdlr');
    const stbl = descend(bytes, trak, 'mdia', 'minf', 'stbl');
    if (!tkhd || !mdhd || !hdlr || !stbl) continue;
    // Version 1 headers carry 64-bit creation/modification times before the fields read here.
    const id = view.getUint32(tkhd.payload + (bytes[tkhd.payload] === 1 ? 20 : 12));
    const timescale = view.getUint32(mdhd.payload + (bytes[mdhd.payload] === 1 ? 20 : 12));
    const handler = fourcc(bytes, hdlr.payload + 8);
    const entry = sampleEntry(bytes, stbl);
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
