/** The settings document: version 1 files (before the tour idle time moved to main) load migrated. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WINDOW_MODES } from '../../../preload/contract/index.js';
import { SETTINGS_VERSION, SettingsService } from '../../../main/services/settings-service.js';
import { memoryLogger } from '../../support/memory-logger.js';

describe('settings file', () => {
  const dirs: string[] = [];
  const file = (content: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-settings-'));
    dirs.push(dir);
    const path = join(dir, 'settings.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const v1 = { displays: 'primary', windowModes: { 'browser-2': 'kiosk' }, defaultWindowMode: 'fullscreen', tileOverlay: false, theme: 'light' };

  it('migrates a version 1 file: everything kept, the tour idle time at its default', () => {
    const path = file({ version: 1, data: v1 });
    const log = memoryLogger();
    const service = new SettingsService(path, log);
    expect(service.get()).toEqual({ ...v1, tourIdleResumeSeconds: 30 });
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
    // Saved in the current version on the next change.
    service.set({ tourIdleResumeSeconds: 4 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: SETTINGS_VERSION, data: { ...v1, tourIdleResumeSeconds: 4 } });
  });

  it('refuses an idle time outside 1–3600 s and keeps the old value', () => {
    const service = new SettingsService(file({ version: 1, data: v1 }), memoryLogger());
    for (const bad of [0, 3601, 2.5]) expect(() => service.set({ tourIdleResumeSeconds: bad })).toThrow();
    expect(service.get().tourIdleResumeSeconds).toBe(30);
  });

  it('moves aside a version 2 file that lacks the idle time, and says so', () => {
    const path = file({ version: 2, data: v1 });
    const log = memoryLogger();
    const service = new SettingsService(path, log);
    expect(service.get().tourIdleResumeSeconds).toBe(30);
    expect(log.lines.some((l) => l.level === 'warn' && /moved aside/.test(l.message))).toBe(true);
  });

  it('remembers at most 64 window modes: a new display beyond them makes it forget one that says the default', () => {
    const service = new SettingsService(file({ version: 1, data: v1 }), memoryLogger());
    for (let i = 0; i < 63; i += 1) service.setWindowMode(`d${i}`, i === 20 ? 'fullscreen' : 'kiosk');
    expect(Object.keys(service.get().windowModes)).toHaveLength(64);
    // v1's default mode is fullscreen, so d20 said nothing the default does not.
    const modes = service.setWindowMode('new', 'windowed').windowModes;
    expect(Object.keys(modes)).toHaveLength(64);
    expect(modes['d20']).toBeUndefined();
    expect(modes['new']).toBe('windowed');
  });

  it.each([
    ['10k window modes', JSON.stringify({ version: 2, data: { ...v1, tourIdleResumeSeconds: 30, windowModes: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`d${i}`, 'kiosk'])) } })],
    ['a window mode for __proto__', `{"version":2,"data":{"displays":"all","windowModes":{"__proto__":"kiosk"},"defaultWindowMode":"windowed","tileOverlay":true,"theme":"dark","tourIdleResumeSeconds":30}}`],
  ])('does not load a hostile file (%s): defaults instead, and it says so', (_label, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-settings-'));
    dirs.push(dir);
    const path = join(dir, 'settings.json');
    writeFileSync(path, text);
    const log = memoryLogger();
    const service = new SettingsService(path, log);
    // What could be read is kept (loaders salvage field by field), never beyond the bound.
    expect(Object.keys(service.get().windowModes).length).toBeLessThanOrEqual(MAX_WINDOW_MODES);
    expect(service.loadProblem?.problems.length).toBeGreaterThan(0);
    expect(log.lines.some((l) => l.level === 'warn' && /moved aside/.test(l.message))).toBe(true);
  });
});
