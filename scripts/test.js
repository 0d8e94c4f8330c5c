// `npm test`: lint, type-check, build, unit, integration (inside a private D-Bus session with a
// throwaway, unlocked gnome-keyring, so keychain tests use a real keychain) and e2e in Chromium.
// Every step runs; the run fails if any step failed. The summary at the end names every failed
// test with the first line of its error, because a CI log is often read from its tail only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = mkdtempSync(join(tmpdir(), 'tessera-test-'));
const vitestJson = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${name}.json`)}`];
const steps = [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', process.execPath, ['scripts/build.js']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit', ...vitestJson('unit')]],
  ['integration', 'bash', ['scripts/with-keyring.sh', 'npx', 'vitest', 'run', '--project', 'integration', ...vitestJson('integration')]],
  ['e2e', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json') }],
];

/**
 * What a failure says, without its stack: the message and its expected/received diff, up to 12
 * lines, so a CI log cut to its tail still shows what the test saw.
 */
function gist(text) {
  const lines = String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n');
  const untilStack = lines.findIndex((line) => /^\s+at /.test(line));
  const kept = (untilStack === -1 ? lines : lines.slice(0, untilStack)).filter((line) => line.trim() !== '');
  const shown = kept.slice(0, 12).map((line) => line.slice(0, 300));
  if (kept.length > shown.length) shown.push(`… ${kept.length - shown.length} more lines`);
  return shown.join('\n        ');
}

/** Failed tests of a vitest JSON report: "file › name: error". */
function vitestFailures(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const failed = [];
  for (const suite of report.testResults ?? []) {
    const path = suite.name.replace(root, '');
    for (const t of suite.assertionResults ?? []) {
      if (t.status === 'failed') failed.push(`${path} › ${t.fullName}: ${gist(t.failureMessages?.[0])}`);
    }
    if (suite.status === 'failed' && !(suite.assertionResults ?? []).some((t) => t.status === 'failed')) {
      failed.push(`${path}: ${gist(suite.message) || 'the file failed outside its tests'}`);
    }
  }
  return failed;
}

/** Failed (or flaky) tests of a Playwright JSON report. */
function playwrightFailures(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const lines = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const results = t.results ?? [];
        const failedRuns = results.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
        if (!failedRuns.length) continue;
        const passedLast = results.at(-1)?.status === 'passed';
        const what = passedLast ? `flaky (passed on retry ${results.length - 1})` : 'failed';
        lines.push(`${spec.file}:${spec.line} › ${spec.title}: ${what}: ${gist(failedRuns[0].error?.message)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  for (const e of report.errors ?? []) lines.push(`error outside tests: ${gist(e.message)}`);
  return lines;
}

function failuresOf(name) {
  const file = join(reports, `${name}.json`);
  try {
    return name === 'e2e' ? playwrightFailures(file) : vitestFailures(file);
  } catch {
    return []; // steps without a report (lint, typecheck, build) print their own errors
  }
}

const only = process.argv.slice(2);
const results = [];
for (const [name, command, args, env = {}] of steps) {
  if (only.length && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0', ...env } });
  results.push({ name, ok: run.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1), failures: failuresOf(name) });
}
rmSync(reports, { recursive: true, force: true });
process.stdout.write('\n=== summary ===\n');
for (const r of results) {
  process.stdout.write(`${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(12)} ${r.seconds} s\n`);
  for (const line of r.failures) process.stdout.write(`      ${line}\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
