/**
 * One fragment (moof + mdat): per track its decode time, sample count, duration and whether it
 * starts with a sync sample, read against the tracks of its init segment.
 */
import { child, childBoxes, children, Mp4FormatError, readU64, viewOf, type BoxRef } from './boxes.js';
import type { InitInfo } from './init.js';

export interface TrackRun {
  trackId: number;
  /** tfdt, in the track's timescale. */
  baseDecodeTime: number;
  sampleCount: number;
  /** Sum of sample durations, in the track's timescale. */
  duration: number;
  /** Whether the first sample is a sync sample (an IDR for H.264); undefined when nothing says (no flags, no init). */
  startsWithSync: boolean | undefined;
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

/**
 * Sample flags (ISO 14496-12 §8.8.3.1): sync when sample_depends_on says "depends on no other"
 * (ffmpeg's 0x02000000 on IDRs), or when not marked non-sync and not said to depend on others.
 */
export function isSyncSample(flags: number): boolean {
  const nonSync = (flags >>> 16) & 1;
  const dependsOn = (flags >>> 24) & 3;
  return dependsOn === 2 || (nonSync === 0 && dependsOn !== 1);
}

function parseTraf(bytes: Uint8Array, traf: BoxRef, init: InitInfo | undefined): TrackRun | undefined {
  const view = viewOf(bytes);
  const tfhd = child(bytes, traf, 'tfhd');
  if (!tfhd) return undefined;
  const tfhdFlags = view.getUint32(tfhd.payload) & 0xffffff;
  const trackId = view.getUint32(tfhd.payload + 4);
  const track = init?.tracks.find((t) => t.id === trackId);
  let at = tfhd.payload + 8;
  if (tfhdFlags & 0x01) at += 8; // base_data_offset
  if (tfhdFlags & 0x02) at += 4; // sample_description_index
  let defaultDuration = track?.defaultSampleDuration ?? 0;
  let defaultSize = 0;
  let defaultFlags: number | undefined = track?.defaultSampleFlags;
  if (tfhdFlags & 0x08) {
    defaultDuration = view.getUint32(at);
    at += 4;
  }
  if (tfhdFlags & 0x10) {
    defaultSize = view.getUint32(at);
    at += 4;
  }
  if (tfhdFlags & 0x20) defaultFlags = view.getUint32(at);

  const tfdt = child(bytes, traf, 'tfdt');
  const baseDecodeTime = !tfdt ? 0 : bytes[tfdt.payload] === 1 ? readU64(view, tfdt.payload + 4, 'tfdt') : view.getUint32(tfdt.payload + 4);

  let sampleCount = 0;
  let duration = 0;
  let dataBytes = 0;
  let firstFlags: number | undefined;
  for (const trun of children(bytes, traf, 'trun')) {
    const flags = view.getUint32(trun.payload) & 0xffffff;
    const count = view.getUint32(trun.payload + 4);
    let p = trun.payload + 8;
    if (flags & 0x001) p += 4; // data_offset
    let runFirstFlags: number | undefined;
    if (flags & 0x004) {
      runFirstFlags = view.getUint32(p);
      p += 4;
    }
    const perSample = (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0) + (flags & 0x400 ? 4 : 0) + (flags & 0x800 ? 4 : 0);
    if (p + perSample * count > trun.end) throw new Mp4FormatError(`trun says ${count} samples but holds fewer`);
    for (let i = 0; i < count; i += 1) {
      let sampleDuration = defaultDuration;
      let sampleSize = defaultSize;
      let sampleFlags = defaultFlags;
      if (flags & 0x100) {
        sampleDuration = view.getUint32(p);
        p += 4;
      }
      if (flags & 0x200) {
        sampleSize = view.getUint32(p);
        p += 4;
      }
      if (flags & 0x400) {
        sampleFlags = view.getUint32(p);
        p += 4;
      }
      if (flags & 0x800) p += 4; // composition time offset
      // first_sample_flags overrides whatever else the first sample of a run would have.
      if (i === 0 && runFirstFlags !== undefined) sampleFlags = runFirstFlags;
      if (sampleCount === 0 && i === 0) firstFlags = sampleFlags;
      duration += sampleDuration;
      dataBytes += sampleSize;
    }
    sampleCount += count;
  }
  const startsWithSync = sampleCount === 0 ? false : firstFlags === undefined ? undefined : isSyncSample(firstFlags);
  return { trackId, baseDecodeTime, sampleCount, duration, startsWithSync, dataBytes };
}

/** Reads one fragment (moof, and the mdat after it) against the tracks of its init segment. */
export function parseFragment(bytes: Uint8Array, init?: InitInfo): FragmentInfo {
  const moof = childBoxes(bytes).find((b) => b.type === 'moof');
  if (!moof) throw new Mp4FormatError('the fragment has no moof box');
  const mfhd = child(bytes, moof, 'mfhd');
  const sequence = mfhd ? viewOf(bytes).getUint32(mfhd.payload + 4) : 0;
  const runs = children(bytes, moof, 'traf')
    .map((traf) => parseTraf(bytes, traf, init))
    .filter((r): r is TrackRun => r !== undefined);
  const video = init?.video;
  const videoRun = video ? runs.find((r) => r.trackId === video.id) : undefined;
  const scale = video?.timescale || 1;
  return {
    sequence,
    runs,
    keyframe: videoRun !== undefined && videoRun.sampleCount > 0 && videoRun.startsWithSync === true,
    videoSamples: videoRun?.sampleCount ?? 0,
    videoDurationMs: videoRun ? (videoRun.duration * 1000) / scale : 0,
    ...(videoRun ? { videoStartMs: (videoRun.baseDecodeTime * 1000) / scale } : {}),
  };
}
