// True when out/ is missing or older than any source file: `npm start` and `npm test` build only then.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outputs = ['out/main/cli.js', 'out/main/electron.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
const sources = ['main', 'simulator', 'preload', 'renderer', 'package.json', 'vite.main.config.ts', 'vite.preload.config.ts', 'vite.renderer.config.ts'];

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function needsBuild() {
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return sources.some((s) => existsSync(join(root, s)) && newest(join(root, s)) > built);
}
