/**
 * Reads the video tags of the head of an FLV stream: each frame's decode time and whether it is
 * a keyframe. Enough to learn a recording's keyframe spacing from a few seconds of it (Eagle Eye
 * serves recorded video as FLV and seeks "to the nearest key frame", so a client that knows the
 * spacing can ask for a keyframe and know exactly which frame comes first). Pure; a truncated
 * buffer yields the whole tags it holds.
 */

export interface FlvVideoFrame {
  /** The tag's timestamp (decode time), ms from the start of the stream. */
  dtsMs: number;
  keyframe: boolean;
}

const headerMagic = [0x46, 0x4c, 0x56]; // "FLV"
const videoTag = 9;
const tagHeaderBytes = 11;
const previousTagSizeBytes = 4;
/** AVC and HEVC carry a packet-type byte: 0 is the decoder configuration, not a frame. */
const codecsWithPacketType = new Set([7, 12]);

/** The video frames of an FLV head, in stream order; null when the bytes are not FLV. */
export function flvVideoFrames(bytes: Buffer): FlvVideoFrame[] | null {
  if (bytes.length < 9 || headerMagic.some((b, i) => bytes[i] !== b)) return null;
  const headerSize = bytes.readUInt32BE(5);
  if (headerSize < 9) return null;
  const frames: FlvVideoFrame[] = [];
  let at = headerSize + previousTagSizeBytes;
  while (at + tagHeaderBytes <= bytes.length) {
    const type = bytes[at]! & 0x1f;
    const size = bytes.readUIntBE(at + 1, 3);
    // Timestamp: 24 low bits, then the extension byte holds bits 24–31.
    const dtsMs = bytes.readUIntBE(at + 4, 3) + bytes[at + 7]! * 0x1000000;
    const data = at + tagHeaderBytes;
    if (data + size > bytes.length) break;
    if (type === videoTag && size > 0) {
      const first = bytes[data]!;
      const frameType = first >> 4;
      const codec = first & 0x0f;
      const isConfig = codecsWithPacketType.has(codec) && size > 1 && bytes[data + 1] !== 1;
      // Frame type 5 is a "video info/command frame", not a picture.
      if (!isConfig && frameType !== 5) frames.push({ dtsMs, keyframe: frameType === 1 });
    }
    at = data + size + previousTagSizeBytes;
  }
  return frames;
}

/**
 * The spacing of keyframes (ms), from the first two keyframes of a stream head; undefined when
 * the head holds fewer than two, or a spacing no camera uses (over a minute).
 */
export function keyframeSpacingMs(frames: readonly FlvVideoFrame[]): number | undefined {
  const keys = frames.filter((f) => f.keyframe).map((f) => f.dtsMs);
  if (keys.length < 2) return undefined;
  const spacing = keys[1]! - keys[0]!;
  return spacing > 0 && spacing <= 60_000 ? spacing : undefined;
}
