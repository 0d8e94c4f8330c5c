// Builds the three parts: renderer (browser), main + CLI (Node/Electron), preload (one CJS file).
import { build } from 'vite';

for (const part of ['renderer', 'main', 'preload']) {
  await build({ configFile: new URL(`../vite.${part}.config.ts`, import.meta.url).pathname, logLevel: 'warn' });
  process.stdout.write(`built ${part}\n`);
}
