/**
 * ISO-BMFF (MP4) box reading: the layer under the init/fragment parsers and the stream splitter.
 * Shared by main (live fragmenting, export checks) and the renderer (the MSE player), so it uses
 * only Uint8Array and DataView: no Node Buffer, no DOM.
 *
 * Box layout (ISO/IEC 14496-12 §4.2): u32 size, 4cc type; size 1 = a u64 size follows; size 0 =
 * "to the end of the file", which a stream cut into segments never has (refused here).
 */

/** The largest box accepted (a 4K keyframe is a few MB; anything this large is a corrupt stream, not allocated). */
export const MAX_BOX_BYTES = 64 * 1024 * 1024;

export class Mp4FormatError extends Error {
  override name = 'Mp4FormatError';
}

/** Where one box sits in a byte array: its first byte, its payload (after the header) and its end. */
export interface BoxRef {
  type: string;
  start: number;
  payload: number;
  end: number;
}

export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A u64 as a number; refuses values past 2^53 (no real offset or time needs them). */
export function readU64(view: DataView, at: number, what: string): number {
  const high = view.getUint32(at);
  if (high > 0x1fffff) throw new Mp4FormatError(`${what} is larger than 2^53`);
  return high * 2 ** 32 + view.getUint32(at + 4);
}

/** Size, header length and type of the box at `at`, or null while its header is not all there. */
export function boxHeader(bytes: Uint8Array, at: number, end: number): { size: number; header: number; type: string } | null {
  if (end - at < 8) return null;
  const view = viewOf(bytes);
  let size = view.getUint32(at);
  const type = fourcc(bytes, at + 4);
  let header = 8;
  if (size === 1) {
    if (end - at < 16) return null;
    size = readU64(view, at + 8, `box "${printable(type)}"`);
    header = 16;
  } else if (size === 0) {
    throw new Mp4FormatError(`box "${printable(type)}" has size 0 (to the end of the file), which a stream cannot have`);
  }
  if (size < header) throw new Mp4FormatError(`box "${printable(type)}" is ${size} bytes, smaller than its header`);
  if (size > MAX_BOX_BYTES) throw new Mp4FormatError(`box "${printable(type)}" is ${size} bytes, over the ${MAX_BOX_BYTES} limit`);
  return { size, header, type };
}

/** A 4cc safe to put in a message (garbage bytes become '?'). */
export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, '?');
}

/** The boxes in bytes[start, end): a container's children, or the top level of a segment. */
export function childBoxes(bytes: Uint8Array, start = 0, end = bytes.byteLength): BoxRef[] {
  const out: BoxRef[] = [];
  let at = start;
  while (at < end) {
    const head = boxHeader(bytes, at, end);
    if (!head || at + head.size > end) throw new Mp4FormatError(`a box is cut short at byte ${at}`);
    out.push({ type: head.type, start: at, payload: at + head.header, end: at + head.size });
    at += head.size;
  }
  return out;
}

/** The first child of `parent` of this type; `skip` bytes of the parent's payload come before its children. */
export function child(bytes: Uint8Array, parent: Pick<BoxRef, 'payload' | 'end'>, type: string, skip = 0): BoxRef | undefined {
  return childBoxes(bytes, parent.payload + skip, parent.end).find((b) => b.type === type);
}

export function children(bytes: Uint8Array, parent: Pick<BoxRef, 'payload' | 'end'>, type: string): BoxRef[] {
  return childBoxes(bytes, parent.payload, parent.end).filter((b) => b.type === type);
}

/** Follows a path of child types ("mdia", "minf", "stbl") from `parent`. */
export function descend(bytes: Uint8Array, parent: Pick<BoxRef, 'payload' | 'end'>, ...types: string[]): BoxRef | undefined {
  let current: Pick<BoxRef, 'payload' | 'end'> | undefined = parent;
  let found: BoxRef | undefined;
  for (const type of types) {
    found = current && child(bytes, current, type);
    current = found;
  }
  return found;
}

/** One byte array of several (a segment assembled from boxes that arrived apart). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
