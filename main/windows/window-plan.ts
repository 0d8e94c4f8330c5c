/**
 * Which windows the wall needs: one per display (or only the primary one), each with the mode
 * remembered for that display id, and the steps that turn the open windows into that plan.
 * Pure, so display changes are tested without Electron.
 */
import type { Display, Settings, WindowMode } from '../../preload/contract/index.js';

export interface WindowPlan {
  displayId: string;
  bounds: Display['bounds'];
  mode: WindowMode;
}

export function planWindows(displays: readonly Display[], settings: Settings): WindowPlan[] {
  const chosen = settings.displays === 'primary' ? displays.filter((d) => d.primary).slice(0, 1) : displays;
  return chosen.map((display) => ({
    displayId: display.id,
    bounds: display.bounds,
    mode: (Object.hasOwn(settings.windowModes, display.id) ? settings.windowModes[display.id] : undefined) ?? settings.defaultWindowMode,
  }));
}

/**
 * One step towards the plan. `update` says what changed, because moving a full-screen window
 * means leaving full screen first, while a mode change alone does not touch the bounds.
 */
export type WindowAction =
  | { kind: 'close'; displayId: string }
  | { kind: 'update'; plan: WindowPlan; moved: boolean; modeChanged: boolean }
  | { kind: 'open'; plan: WindowPlan };

/**
 * What to do to go from the open windows to the plan: move or re-mode the windows that stay, open
 * windows for new displays, then close the windows of displays that went away. Closing last means
 * the app never has zero windows in the middle of a change (that would quit it on Windows and
 * Linux), e.g. when the only display is swapped for another. No displays at all is taken as a
 * transient report (a monitor waking up, a dock reconnecting): the windows stay until displays
 * come back.
 */
export function windowActions(open: readonly WindowPlan[], plan: readonly WindowPlan[]): WindowAction[] {
  if (plan.length === 0) return [];
  const current = new Map(open.map((w) => [w.displayId, w]));
  const planned = new Set(plan.map((w) => w.displayId));
  const actions: WindowAction[] = [];
  for (const wanted of plan) {
    const now = current.get(wanted.displayId);
    if (!now) continue;
    const moved = !sameBounds(now.bounds, wanted.bounds);
    const modeChanged = now.mode !== wanted.mode;
    if (moved || modeChanged) actions.push({ kind: 'update', plan: wanted, moved, modeChanged });
  }
  for (const wanted of plan) if (!current.has(wanted.displayId)) actions.push({ kind: 'open', plan: wanted });
  for (const w of open) if (!planned.has(w.displayId)) actions.push({ kind: 'close', displayId: w.displayId });
  return actions;
}

function sameBounds(a: Display['bounds'], b: Display['bounds']): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/**
 * The mode F11 switches to: windowed and full screen swap; kiosk stays, because a kiosk wall
 * must not leave full screen by a stray key (the operator changes it in the window-mode menu).
 */
export function toggledMode(mode: WindowMode): WindowMode {
  if (mode === 'windowed') return 'fullscreen';
  if (mode === 'fullscreen') return 'windowed';
  return 'kiosk';
}
