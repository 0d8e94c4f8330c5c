/**
 * The speeds the timeline offers and how the speed keys move through them. Pure.
 *
 * Forward 0.25×–16×; reverse −1×…−16× (as Nx Witness offers) only where at least one tile can
 * play backwards (PlaybackSession.reverse is not 'none'). The shuttle keys work as in editing
 * tools: J plays backwards, again for faster backwards; L (Shift+L here: plain L is the layout
 * list) forwards, again for faster; K pauses.
 */

export const forwardSpeeds = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
export const reverseSpeeds = [-16, -8, -4, -2, -1] as const;

/** The speed list, slowest reverse first, fastest forward last. */
export function speedChoices(canReverse: boolean): readonly number[] {
  return canReverse ? [...reverseSpeeds, ...forwardSpeeds] : forwardSpeeds;
}

/** "−2×", "0.25×": the minus sign, not a hyphen, for reading aloud and on screen. */
export function speedText(rate: number): string {
  return `${rate < 0 ? '−' : ''}${Math.abs(rate)}×`;
}

/**
 * `<` / `>`: one step along the list (towards the fastest reverse, or the fastest forward). A
 * rate not in the list steps from the nearest above it; without reverse, `<` stops at 0.25×.
 */
export function stepSpeed(rate: number, direction: 1 | -1, canReverse: boolean): number {
  const list = speedChoices(canReverse);
  const index = list.findIndex((s) => s >= rate);
  const from = index < 0 ? list.length - 1 : list[index] === rate ? index : direction > 0 ? index - 1 : index;
  return list[Math.max(0, Math.min(list.length - 1, from + direction))]!;
}

/**
 * J (direction −1) / L (+1): from pause or the other direction, 1× that way; already going that
 * way, twice as fast up to 16×. Backwards needs a tile that can reverse: without one, J is null.
 */
export function shuttleSpeed(rate: number, playing: boolean, direction: 1 | -1, canReverse: boolean): number | null {
  if (direction < 0 && !canReverse) return null;
  const sameWay = playing && Math.sign(rate) === direction;
  if (!sameWay) return direction;
  return direction * Math.min(16, Math.max(1, Math.abs(rate) * 2));
}
