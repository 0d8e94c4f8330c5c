/**
 * MPEG-TS packet splitter that remembers the current GOP, so a consumer joining a live source
 * starts at once on a keyframe (with PAT/PMT first) instead of waiting up to one GOP (4 s) and
 * probing garbage. Pure: bytes in, packets out.
 *
 * Relies on ffmpeg's mpegts muxer defaults: PAT on PID 0, PMT on PID 0x1000, the first mapped
 * stream (video) on PID 0x100, and the random_access_indicator set on keyframes.
 */
export const TS_PACKET = 188;
const SYNC = 0x47;
const PAT_PID = 0x0000;
const PMT_PID = 0x1000;
export const VIDEO_PID = 0x0100;
/** Cap of the cached GOP, bytes: 4 s of 720p at 1.2 Mb/s is ~0.6 MB; anything bigger is a bug. */
const MAX_GOP_BYTES = 8 * 1024 * 1024;

export function packetPid(packet: Buffer, offset = 0): number {
  return ((packet[offset + 1]! & 0x1f) << 8) | packet[offset + 2]!;
}

/** True when the packet starts a video PES of a keyframe (random_access_indicator). */
export function isKeyframeStart(packet: Buffer, offset = 0): boolean {
  const b1 = packet[offset + 1]!;
  const b3 = packet[offset + 3]!;
  const payloadStart = (b1 & 0x40) !== 0;
  const hasAdaptation = (b3 & 0x20) !== 0;
  if (!payloadStart || !hasAdaptation) return false;
  const adaptationLength = packet[offset + 4]!;
  return adaptationLength > 0 && (packet[offset + 5]! & 0x40) !== 0;
}

export class TsGopCache {
  private remainder: Buffer = Buffer.alloc(0);
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private sawKeyframe = false;

  /** Feeds bytes; returns whole packets (a multiple of 188 bytes) ready to forward. */
  push(chunk: Buffer): Buffer {
    let data = this.remainder.length ? Buffer.concat([this.remainder, chunk]) : chunk;
    // Resynchronise if the stream does not start on a sync byte (should not happen with ffmpeg).
    let start = 0;
    while (start < data.length && data[start] !== SYNC) start += 1;
    const whole = Math.floor((data.length - start) / TS_PACKET) * TS_PACKET;
    const packets = data.subarray(start, start + whole);
    this.remainder = Buffer.from(data.subarray(start + whole));
    data = packets;
    for (let offset = 0; offset < packets.length; offset += TS_PACKET) {
      if (packets[offset] !== SYNC) continue;
      const packet = packets.subarray(offset, offset + TS_PACKET);
      const pid = packetPid(packet);
      if (pid === PAT_PID) this.pat = Buffer.from(packet);
      else if (pid === PMT_PID) this.pmt = Buffer.from(packet);
      if (pid === VIDEO_PID && isKeyframeStart(packet)) {
        this.gop = [];
        this.gopBytes = 0;
        this.sawKeyframe = true;
      }
      if (this.sawKeyframe && this.gopBytes < MAX_GOP_BYTES) {
        this.gop.push(Buffer.from(packet));
        this.gopBytes += TS_PACKET;
      }
    }
    return packets;
  }

  /** What a new consumer gets first: PAT, PMT, then everything since the last keyframe. */
  snapshot(): Buffer {
    if (!this.sawKeyframe || !this.pat || !this.pmt) return Buffer.alloc(0);
    return Buffer.concat([this.pat, this.pmt, ...this.gop]);
  }

  /** Whether a consumer joining now starts on a keyframe. */
  get ready(): boolean {
    return this.sawKeyframe && this.pat !== null && this.pmt !== null;
  }
}
