/**
 * The one user-data folder: settings, layouts, logs and caches all live under it. Default is
 * where Electron puts userData for productName "Tessera", so the CLI, serve mode and the desktop
 * app share it; `--data-dir` or TESSERA_DATA_DIR overrides it everywhere.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const productName = 'Tessera';

export function defaultUserDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), productName);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', productName);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), productName);
}

/** --data-dir wins, then TESSERA_DATA_DIR, then the platform default. */
export function resolveUserDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, fallback = defaultUserDataDir()): string {
  const chosen = flag ?? env.TESSERA_DATA_DIR;
  return chosen ? resolve(chosen) : fallback;
}

/**
 * The simulator's generated video is large and slow to make, and the same for every data folder:
 * TESSERA_SIM_CACHE lets tests and several instances share one copy.
 */
export function simulatorCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.TESSERA_SIM_CACHE ? resolve(env.TESSERA_SIM_CACHE) : join(root, 'cache', 'simulator');
}

export interface DataPaths {
  root: string;
  logs: string;
  cache: string;
  settingsFile: string;
  sitesFile: string;
  /** Layouts, tours and per-display assignments. */
  wallFile: string;
  /** The evidence export queue. */
  exportsFile: string;
  /** safeStorage ciphertexts, used only when no system keychain answers. */
  encryptedCredentialsFile: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    logs: join(root, 'logs'),
    cache: join(root, 'cache'),
    settingsFile: join(root, 'settings.json'),
    sitesFile: join(root, 'sites.json'),
    wallFile: join(root, 'wall.json'),
    exportsFile: join(root, 'exports.json'),
    encryptedCredentialsFile: join(root, 'credentials.enc.json'),
  };
}
