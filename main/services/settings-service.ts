/** Owns the settings document: load once, validate patches, save atomically, announce changes. */
import { defaultSettings, settingsSchema, type LoadProblem, type Settings, type SettingsPatch, type WindowMode } from '../../preload/contract/index.js';
import { JsonFile, type Migrations } from '../persistence/json-file.js';
import { salvageFields } from '../persistence/salvage.js';
import type { Logger } from '../logging/logger.js';

export const SETTINGS_VERSION = 2;

/** migrations[n] turns version n's settings into version n + 1's. */
export const settingsMigrations: Migrations = {
  // 2: the tour idle time moved here from the renderer's localStorage (per browser, lost with it).
  1: (data: unknown) => ({ ...(data as object), tourIdleResumeSeconds: defaultSettings.tourIdleResumeSeconds }),
};

export class SettingsService {
  private readonly file: JsonFile<Settings>;
  private current: Settings;
  /** What was wrong with settings.json at start, for app:info. */
  readonly loadProblem: LoadProblem | undefined;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(path: string, log: Logger) {
    const defaults = (): Settings => structuredClone(defaultSettings);
    this.file = new JsonFile(path, settingsSchema, SETTINGS_VERSION, defaults, settingsMigrations, {
      salvage: salvageFields(settingsSchema, defaults),
      describe: (_value, partial) => (partial ? 'the settings it could read and defaults for the rest' : 'default settings'),
    });
    const loaded = this.file.load();
    if (loaded.problem) log.warn('settings file could not be used as it was; moved aside', loaded.problem);
    this.loadProblem = loaded.problem;
    this.current = loaded.value;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  set(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    this.file.save(next);
    this.current = next;
    for (const listener of this.listeners) listener(this.get());
    return this.get();
  }

  /** One display's mode, merged into the modes main holds now. */
  setWindowMode(displayId: string, mode: WindowMode): Settings {
    return this.set({ windowModes: { ...this.current.windowModes, [displayId]: mode } });
  }

  onChanged(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
