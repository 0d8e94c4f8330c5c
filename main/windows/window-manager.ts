/**
 * One BrowserWindow per wall display, following the screen: a display that is unplugged closes
 * its window, one that comes back gets its window (and its remembered mode) again.
 */
import { BrowserWindow, screen, type Display as ElectronDisplay } from 'electron';
import { fileURLToPath } from 'node:url';
import type { Display } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsService } from '../services/settings-service.js';
import { appOrigin } from './security-policy.js';
import { diffWindows, planWindows, type WindowPlan } from './window-plan.js';

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

export class WindowManager {
  private readonly windows = new Map<string, { window: BrowserWindow; plan: WindowPlan }>();

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {}

  /** Bring the set of windows in line with the displays and settings now. */
  sync(): void {
    const plan = planWindows(currentDisplays(), this.settings.get());
    const diff = diffWindows([...this.windows.values()].map((w) => w.plan), plan);
    for (const id of diff.close) {
      this.windows.get(id)?.window.destroy();
      this.windows.delete(id);
    }
    for (const p of diff.update) {
      const entry = this.windows.get(p.displayId)!;
      entry.plan = p;
      applyMode(entry.window, p);
    }
    for (const p of diff.open) this.open(p);
  }

  windowsList(): BrowserWindow[] {
    return [...this.windows.values()].map((w) => w.window);
  }

  private open(plan: WindowPlan): void {
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
    this.windows.set(plan.displayId, { window, plan });
    window.once('ready-to-show', () => {
      applyMode(window, plan);
      window.show();
    });
    // Kiosk walls must not close by accident: only quitting the app closes them.
    window.on('close', (event) => {
      const current = this.windows.get(plan.displayId)?.plan;
      if (current?.mode === 'kiosk' && !quitting) event.preventDefault();
    });
    window.on('closed', () => this.windows.delete(plan.displayId));
    window.webContents.on('render-process-gone', (_event, details) => {
      this.log.error('renderer gone; reloading the window', { displayId: plan.displayId, reason: details.reason });
      if (!window.isDestroyed()) void window.loadURL(windowUrl(plan.displayId));
    });
    window.on('unresponsive', () => this.log.warn('window unresponsive', { displayId: plan.displayId }));
    void window.loadURL(windowUrl(plan.displayId));
  }
}

let quitting = false;
export function markQuitting(): void {
  quitting = true;
}

function windowUrl(displayId: string): string {
  return `${appOrigin}/index.html?display=${encodeURIComponent(displayId)}`;
}

function applyMode(window: BrowserWindow, plan: WindowPlan): void {
  window.setBounds(plan.bounds);
  window.setKiosk(plan.mode === 'kiosk');
  window.setFullScreen(plan.mode === 'fullscreen' || plan.mode === 'kiosk');
}
