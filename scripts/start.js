// `npm start`: build if needed, then launch Electron; without an Electron binary, serve mode on the demo site.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { needsBuild } from './needs-build.js';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

if (needsBuild()) {
  const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // the electron package throws when its binary was never downloaded
  }
}

const electron = electronBinary();
let child;
if (electron) {
  child = spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit' });
} else {
  process.stderr.write('The Electron binary is not installed here, so Tessera starts in serve mode instead: open the address below in a browser.\n');
  child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--demo-when-empty', ...args], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
