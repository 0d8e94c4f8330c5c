/**
 * The machine-readable timecode burned into every simulated frame whose wall time is known
 * (recordings, the live encoder, live stills): one row of black/white blocks at the bottom of the
 * name band, beside (below) the human clock, encoding the frame's epoch ms. Tests decode it
 * (test/support/timecode.ts) to assert which instant a picture shows, not just that one played.
 *
 * Row layout, left to right, TIMECODE_BLOCKS equal blocks (white = 1, black = 0):
 *   2 start blocks  1 0          (white and black references for the decoder's threshold)
 *   44 data bits    epoch ms, most significant bit first (good until the year 2527)
 *   6 check bits    epoch ms mod 61, most significant bit first
 *   2 end blocks    0 1
 * Geometry as fractions of the frame (so any scaled copy of a frame decodes the same way): the
 * row spans x ∈ [0.03 W, 0.97 W) and y ∈ [0.935 H, 0.98 H) on an opaque black strip. At 640×360
 * a block is ~11 × 16 px; at 320×180 ~5.6 × 8 px, which survives x264 at 250 kb/s and JPEG q 4–5.
 *
 * The blocks are drawbox filters whose `enable` expressions compute bit i of the frame's ms from
 * `t`, so the cost is ~54 tiny boxes per frame and no extra pass. mod 61 catches every single and
 * nearly every double bit error (2 has order 60 modulo 61), so garbage reads as "no code".
 */

export const TIMECODE_DATA_BITS = 44;
export const TIMECODE_CHECK_BITS = 6;
export const TIMECODE_CHECK_MODULUS = 61;
export const TIMECODE_START = [1, 0] as const;
export const TIMECODE_END = [0, 1] as const;
export const TIMECODE_BLOCKS = TIMECODE_START.length + TIMECODE_DATA_BITS + TIMECODE_CHECK_BITS + TIMECODE_END.length;

/** Row position as fractions of the frame's width and height. */
export const TIMECODE_ROW = { left: 0.03, right: 0.97, top: 0.935, bottom: 0.98 } as const;
const MAX_MS = 2 ** TIMECODE_DATA_BITS;

/** The block values (0/1) of the code for epoch ms. */
export function timecodeBits(ms: number): number[] {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= MAX_MS) throw new RangeError(`timecode needs an integer ms in [0, 2^44), got ${ms}`);
  const field = (value: number, bits: number): number[] =>
    Array.from({ length: bits }, (_, i) => Math.floor(value / 2 ** (bits - 1 - i)) % 2);
  return [...TIMECODE_START, ...field(ms, TIMECODE_DATA_BITS), ...field(ms % TIMECODE_CHECK_MODULUS, TIMECODE_CHECK_BITS), ...TIMECODE_END];
}

/** The epoch ms of a row of block values, or null when markers or check do not hold. */
export function timecodeFromBits(bits: readonly number[]): number | null {
  if (bits.length !== TIMECODE_BLOCKS) return null;
  const start = TIMECODE_START.length;
  const end = TIMECODE_BLOCKS - TIMECODE_END.length;
  if (TIMECODE_START.some((b, i) => bits[i] !== b) || TIMECODE_END.some((b, i) => bits[end + i] !== b)) return null;
  const read = (from: number, count: number): number => bits.slice(from, from + count).reduce((acc, b) => acc * 2 + b, 0);
  const ms = read(start, TIMECODE_DATA_BITS);
  const check = read(start + TIMECODE_DATA_BITS, TIMECODE_CHECK_BITS);
  return ms % TIMECODE_CHECK_MODULUS === check ? ms : null;
}

export interface BlockRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Pixel rectangle of block i in a width × height frame (edges rounded, so blocks tile the row). */
export function timecodeBlock(i: number, width: number, height: number): BlockRect {
  const edge = (k: number): number =>
    Math.round(width * (TIMECODE_ROW.left + (k * (TIMECODE_ROW.right - TIMECODE_ROW.left)) / TIMECODE_BLOCKS));
  const y = Math.round(height * TIMECODE_ROW.top);
  return { x: edge(i), y, w: edge(i + 1) - edge(i), h: Math.round(height * TIMECODE_ROW.bottom) - y };
}

/**
 * The frame's epoch ms as an ffmpeg expression of `t` (seconds of the frame's pts).
 * recording: pts counts from the segment start, frames on an exact grid, so round();
 * wall: pts is the wall clock (RTCTIME) plus an offset; floor() agrees with the human clock,
 * which drawtext truncates to the second.
 */
export type TimecodeClock = { kind: 'recording'; startMs: number } | { kind: 'wall'; offsetSec: number };

export function timecodeMsExpr(clock: TimecodeClock): string {
  return clock.kind === 'recording'
    ? `(round(t*1000)+${Math.trunc(clock.startMs)})`
    : `floor((t${clock.offsetSec < 0 ? '-' : '+'}${Math.abs(clock.offsetSec).toFixed(3)})*1000)`;
}

/** drawbox filters drawing the code row (comma-joined, no leading comma). */
export function timecodeFilter(width: number, height: number, clock: TimecodeClock): string {
  const ms = timecodeMsExpr(clock);
  const first = timecodeBlock(0, width, height);
  const last = timecodeBlock(TIMECODE_BLOCKS - 1, width, height);
  const box = (r: BlockRect, colour: string, enable?: string): string =>
    `drawbox=x=${r.x}:y=${r.y}:w=${r.w}:h=${r.h}:color=${colour}:t=fill` + (enable ? `:enable='${enable}'` : '');
  // An opaque black strip one block wider on each side: the band behind it is translucent.
  const stripX = first.x - first.w;
  const parts = [box({ x: stripX, y: first.y, w: last.x + 2 * last.w - stripX, h: first.h }, 'black')];
  const start = TIMECODE_START.length;
  TIMECODE_START.forEach((b, i) => b && parts.push(box(timecodeBlock(i, width, height), 'white')));
  for (let i = 0; i < TIMECODE_DATA_BITS; i += 1) {
    const weight = 2 ** (TIMECODE_DATA_BITS - 1 - i);
    parts.push(box(timecodeBlock(start + i, width, height), 'white', `mod(floor(${ms}/${weight})\\,2)`));
  }
  for (let i = 0; i < TIMECODE_CHECK_BITS; i += 1) {
    const weight = 2 ** (TIMECODE_CHECK_BITS - 1 - i);
    const check = `mod(${ms}\\,${TIMECODE_CHECK_MODULUS})`;
    parts.push(box(timecodeBlock(start + TIMECODE_DATA_BITS + i, width, height), 'white', `mod(floor(${check}/${weight})\\,2)`));
  }
  const end = TIMECODE_BLOCKS - TIMECODE_END.length;
  TIMECODE_END.forEach((b, i) => b && parts.push(box(timecodeBlock(end + i, width, height), 'white')));
  return parts.join(',');
}
