/**
 * Which windows the wall needs: one per display (or only the primary one), each with the mode
 * remembered for that display id. Pure, so display changes are tested without Electron.
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
    mode: settings.windowModes[display.id] ?? settings.defaultWindowMode,
  }));
}

/** What to do to go from the open windows to the plan: open new ones, move or re-mode, close gone ones. */
export function diffWindows(open: readonly WindowPlan[], plan: readonly WindowPlan[]): { open: WindowPlan[]; update: WindowPlan[]; close: string[] } {
  const byId = new Map(open.map((w) => [w.displayId, w]));
  const planned = new Set(plan.map((w) => w.displayId));
  return {
    open: plan.filter((w) => !byId.has(w.displayId)),
    update: plan.filter((w) => {
      const current = byId.get(w.displayId);
      return current !== undefined && (current.mode !== w.mode || JSON.stringify(current.bounds) !== JSON.stringify(w.bounds));
    }),
    close: open.filter((w) => !planned.has(w.displayId)).map((w) => w.displayId),
  };
}
