// `npm test`: lint, type-check, build, unit, integration (inside a private D-Bus session with a
// throwaway, unlocked gnome-keyring, so keychain tests use a real keychain) and e2e in Chromium.
// Every step runs; the run fails if any step failed.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const steps = [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', process.execPath, ['scripts/build.js']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['integration', 'bash', ['scripts/with-keyring.sh', 'npx', 'vitest', 'run', '--project', 'integration']],
  ['e2e', 'npx', ['playwright', 'test']],
];

const only = process.argv.slice(2);
const results = [];
for (const [name, command, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  results.push({ name, ok: run.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) });
}
process.stdout.write('\n=== summary ===\n');
for (const r of results) process.stdout.write(`${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(12)} ${r.seconds} s\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
