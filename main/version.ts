/** The app version, taken from package.json at build time so every shell reports the same. */
import pkg from '../package.json' with { type: 'json' };

export const appVersion: string = pkg.version;
