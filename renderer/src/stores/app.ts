/** App-level facts from main: version, shell, displays, settings. Thin: main owns the truth. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, AppInfo, Result, Settings, SettingsPatch, WindowMode } from '../../../preload/contract/index.js';
import { tessera } from '../bridge/index.js';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const settings = ref<Settings | null>(null);
  const error = ref<AppError | null>(null);

  async function load(): Promise<void> {
    const [infoResult, settingsResult] = await Promise.all([tessera.app.info(), tessera.settings.get()]);
    if (infoResult.ok) info.value = infoResult.value;
    else error.value = infoResult.error;
    if (settingsResult.ok) settings.value = settingsResult.value;
    else error.value = settingsResult.error;
    tessera.settings.onChanged((next) => (settings.value = next));
    tessera.app.onDisplaysChanged((displays) => {
      if (info.value) info.value = { ...info.value, displays };
    });
  }

  /** Takes main's answer to a settings change: null when saved, otherwise main's error (also kept in `error`). */
  function adopt(result: Result<Settings>): AppError | null {
    if (result.ok) settings.value = result.value;
    else error.value = result.error;
    return result.ok ? null : result.error;
  }

  async function updateSettings(patch: SettingsPatch): Promise<AppError | null> {
    return adopt(await tessera.settings.set(patch));
  }

  async function setWindowMode(displayId: string, mode: WindowMode): Promise<AppError | null> {
    return adopt(await tessera.settings.setWindowMode({ displayId, mode }));
  }

  return { info, settings, error, load, updateSettings, setWindowMode };
});
