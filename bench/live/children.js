// Every process the bench starts goes through here, so all of them (and what they started) are
// stopped on exit, on a signal, on an error and when the overall time cap fires.
import { spawn } from 'node:child_process';
import { allProcesses, treeMembers } from './proc.js';

const running = new Set();
let watchChild = () => undefined;

/**
 * After the build: every child started from here is also registered with Tessera's reaper
 * (main/processes/child-reaper.ts), so it ends even when the bench itself is SIGKILLed.
 */
export async function useReaper() {
  ({ watchChild } = await import('../../out/main/child-reaper.js'));
}

/** Registers a child started elsewhere (execFile) with the reaper. */
export function reaperWatch(child) {
  watchChild(child);
}

/** Spawns and registers a child; stdout/stderr are pipes unless given. */
export function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  running.add(child);
  watchChild(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Resolves with the child's first stdout line (parsed as JSON), or rejects after timeoutMs or on exit. */
export function firstJsonLine(child, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s; stderr: ${err.slice(-2000)}`)), timeoutMs);
    child.stderr?.on('data', (d) => (err = (err + d).slice(-20_000)));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch {
        reject(new Error(`${what} printed no JSON: ${out.slice(0, 200)}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready; stderr: ${err.slice(-2000)}`));
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs; then any descendant it left behind. */
export async function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const descendants = [...treeMembers(allProcesses(), [child.pid]).keys()].filter((pid) => pid !== child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  for (const pid of descendants) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone: the child stopped its own children
    }
  }
}

export async function stopAll() {
  await Promise.all([...running].map((c) => stop(c)));
}

/** Stops everything on SIGINT/SIGTERM/uncaught errors and when the cap fires; exits with code 2 then. */
export function installCleanup(capMs) {
  const bail = async (why) => {
    process.stderr.write(`bench: ${why}; stopping every process it started\n`);
    await stopAll();
    process.exit(2);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void bail(`got ${signal}`));
  process.on('uncaughtException', (err) => void bail(`error: ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => void bail(`error: ${err?.stack ?? err}`));
  const timer = setTimeout(() => void bail(`the run took longer than its cap of ${Math.round(capMs / 1000)} s`), capMs);
  timer.unref();
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
