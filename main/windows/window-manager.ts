/**
 * One BrowserWindow per wall display, following the screen and the settings: a display that is
 * unplugged closes its window, one that comes back gets its window (and its remembered mode)
 * again, a display that moves or changes resolution takes its window along, and a change of
 * settings.windowModes applies at once. A renderer that crashes or hangs is brought back (see
 * renderer-recovery.ts). The decisions are in window-plan.ts and renderer-recovery.ts, unit-tested;
 * this file is the Electron half, which cannot run here.
 */
import { BrowserWindow, screen, type Display as ElectronDisplay } from 'electron';
import { fileURLToPath } from 'node:url';
import type { Display } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsService } from '../services/settings-service.js';
import { RendererRecovery, defaultRecoveryLimits } from './renderer-recovery.js';
import { crashPageUrl, windowUrl } from './window-pages.js';
import { planWindows, toggledMode, windowActions, type WindowPlan } from './window-plan.js';

export function toDisplay(d: ElectronDisplay, primaryId: number, index: number): Display {
  return {
    id: String(d.id),
    label: d.label || `Display ${index + 1}`,
    primary: d.id === primaryId,
    bounds: d.bounds,
    scaleFactor: d.scaleFactor,
  };
}

export function currentDisplays(): Display[] {
  const primaryId = screen.getPrimaryDisplay().id;
  return screen.getAllDisplays().map((d, i) => toDisplay(d, primaryId, i));
}

interface WallWindow {
  window: BrowserWindow;
  plan: WindowPlan;
}

export class WindowManager {
  private readonly windows = new Map<string, WallWindow>();

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {}

  /** Bring the set of windows in line with the displays and settings now. */
  sync(): void {
    const plan = planWindows(currentDisplays(), this.settings.get());
    for (const action of windowActions([...this.windows.values()].map((w) => w.plan), plan)) {
      if (action.kind === 'close') {
        const entry = this.windows.get(action.displayId);
        this.windows.delete(action.displayId);
        this.log.info('display gone; closing its window', { displayId: action.displayId });
        // destroy(), not close(): a kiosk window refuses close() by design, and its display is gone.
        if (entry && !entry.window.isDestroyed()) entry.window.destroy();
      } else if (action.kind === 'update') {
        const entry = this.windows.get(action.plan.displayId);
        if (!entry || entry.window.isDestroyed()) continue;
        entry.plan = action.plan;
        this.log.info('window follows its display', { displayId: action.plan.displayId, moved: action.moved, mode: action.plan.mode });
        applyPlan(entry.window, action.plan, action.moved);
      } else {
        this.log.info('opening a window for display', { displayId: action.plan.displayId, mode: action.plan.mode });
        this.open(action.plan);
      }
    }
  }

  windowsList(): BrowserWindow[] {
    return [...this.windows.values()].map((w) => w.window);
  }

  private open(plan: WindowPlan): void {
    const { displayId } = plan;
    const window = new BrowserWindow({
      ...plan.bounds,
      show: false,
      backgroundColor: '#05070a',
      title: 'Tessera',
      autoHideMenuBar: plan.mode !== 'windowed',
      webPreferences: {
        preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    const entry: WallWindow = { window, plan };
    this.windows.set(displayId, entry);
    window.once('ready-to-show', () => {
      applyPlan(window, entry.plan, true);
      window.show();
    });
    // Kiosk walls must not close by accident: only quitting the app (or the display going) closes them.
    window.on('close', (event) => {
      if (entry.plan.mode === 'kiosk' && !quitting) event.preventDefault();
    });
    window.on('closed', () => {
      // A display unplugged and plugged back may already have a new window under the same id.
      if (this.windows.get(displayId) === entry) this.windows.delete(displayId);
    });
    // F11 goes through the settings, so the mode shown, the mode saved and the menu agree.
    window.webContents.on('before-input-event', (event, input) => {
      if (input.type !== 'keyDown' || input.key !== 'F11' || input.isAutoRepeat) return;
      event.preventDefault();
      const next = toggledMode(entry.plan.mode);
      if (next !== entry.plan.mode) this.settings.setWindowMode(displayId, next);
    });
    this.watchRenderer(entry);
    void window.loadURL(windowUrl(displayId));
  }

  private watchRenderer({ window, plan: { displayId } }: WallWindow): void {
    const recovery = new RendererRecovery(Date.now);
    let hangTimer: NodeJS.Timeout | undefined;
    const stopHangTimer = (): void => {
      if (hangTimer) clearTimeout(hangTimer);
      hangTimer = undefined;
    };
    const checkHang = (): void => {
      hangTimer = undefined;
      if (window.isDestroyed()) return;
      const decision = recovery.hangCheck();
      if (decision.action === 'wait') hangTimer = setTimeout(checkHang, decision.ms);
      else if (decision.action === 'kill') {
        this.log.error('window unresponsive too long; killing its renderer to reload it', { displayId, hangMs: defaultRecoveryLimits.hangMs });
        // Ends in render-process-gone below, which reloads (and counts it as a crash).
        window.webContents.forcefullyCrashRenderer();
      }
    };
    window.webContents.on('render-process-gone', (_event, details) => {
      stopHangTimer();
      if (window.isDestroyed() || details.reason === 'clean-exit') return;
      const decision = recovery.crashed();
      if (decision.action === 'reload') {
        this.log.error('renderer gone; reloading the window', { displayId, reason: details.reason, exitCode: details.exitCode, crashesInPeriod: decision.crashesInPeriod });
        void window.loadURL(windowUrl(displayId));
      } else {
        this.log.error('renderer keeps crashing; showing the error page instead of reloading', { displayId, reason: details.reason, crashesInPeriod: decision.crashesInPeriod });
        void window.loadURL(crashPageUrl(displayId, decision.crashesInPeriod, defaultRecoveryLimits.periodMs));
      }
    });
    window.on('unresponsive', () => {
      const waitMs = recovery.unresponsive();
      this.log.warn('window unresponsive', { displayId, reloadInMs: waitMs });
      stopHangTimer();
      hangTimer = setTimeout(checkHang, waitMs);
    });
    window.on('responsive', () => {
      this.log.info('window responsive again', { displayId });
      recovery.responsive();
      stopHangTimer();
    });
    window.on('closed', stopHangTimer);
  }
}

let quitting = false;
export function markQuitting(): void {
  quitting = true;
}

/**
 * Puts a window in its plan's place and mode. A full-screen window cannot be moved, so a move
 * leaves full screen, moves, then goes back: full screen lands on the display under the window.
 */
function applyPlan(window: BrowserWindow, plan: WindowPlan, moved: boolean): void {
  const full = plan.mode !== 'windowed';
  if (moved) {
    if (window.isKiosk()) window.setKiosk(false);
    if (window.isFullScreen()) window.setFullScreen(false);
    window.setBounds(plan.bounds);
  }
  window.setAutoHideMenuBar(full);
  window.setMenuBarVisibility(!full);
  if (window.isKiosk() !== (plan.mode === 'kiosk')) window.setKiosk(plan.mode === 'kiosk');
  if (window.isFullScreen() !== full) window.setFullScreen(full);
}
