// Maintenance: npm 11 writes only this platform's optional native packages (rollup's
// @rollup/rollup-<os>-<cpu>) into package-lock.json, yet `npm ci` then refuses the lock as "out of
// sync" (npm/cli#4828). The registry mirror here serves only this platform's builds, so their
// metadata cannot be looked up: this adds placeholder entries with the platform each package
// name states, which npm ci skips as not for this platform.
// Run after `npm install` changes the lock: `node scripts/complete-lockfile.js`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

const osNames = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux', openbsd: 'openbsd', openharmony: 'openharmony', win32: 'win32' };
const cpuNames = { arm: 'arm', 'arm-eabi': 'arm', arm64: 'arm64', ia32: 'ia32', x64: 'x64', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x' };

/** "@rollup/rollup-linux-arm-musleabihf" → { os: linux, cpu: arm, libc: musl } */
function platformOf(name) {
  const [os, ...rest] = name.split('/').pop().replace(/^rollup-/, '').split('-');
  const tail = rest.join('-');
  const cpu = Object.keys(cpuNames).sort((a, b) => b.length - a.length).find((c) => tail === c || tail.startsWith(`${c}-`));
  const libc = /musl/.test(tail) ? 'musl' : /gnu/.test(tail) ? 'glibc' : undefined;
  if (!osNames[os] || !cpu) return null;
  return { os: [osNames[os]], cpu: [cpuNames[cpu]], ...(libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`cannot tell the platform of ${name}; add its lock entry by hand`);
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`added ${added} optional package entries\n`);
