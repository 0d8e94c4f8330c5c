/** Owns the settings document: load once, validate patches, save atomically, announce changes. */
import { MAX_WINDOW_MODES, defaultSettings, nullPrototype, settingsSchema, type LoadProblem, type Settings, type SettingsPatch, type WindowMode } from '../../preload/contract/index.js';
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

  /**
   * One display's mode, merged into the modes main holds now. When MAX_WINDOW_MODES displays are
   * remembered already (entries of unplugged displays pile up), one is forgotten to make room:
   * one that says the default mode anyway if any, else the first listed.
   */
  setWindowMode(displayId: string, mode: WindowMode): Settings {
    const modes = nullPrototype(this.current.windowModes);
    const ids = Object.keys(modes);
    if (!Object.hasOwn(modes, displayId) && ids.length >= MAX_WINDOW_MODES) {
      delete modes[ids.find((id) => modes[id] === this.current.defaultWindowMode) ?? ids[0]!];
    }
    modes[displayId] = mode;
    return this.set({ windowModes: modes });
  }

  onChanged(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
