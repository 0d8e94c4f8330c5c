/**
 * Nothing Tessera starts outlives it, however it ends. Every child process (ffmpeg pipelines,
 * still grabs, ffprobe, the simulator's RTSP server and publishers) is registered here with one
 * small watchdog process per Tessera process, the reaper. The reaper reads pids from a pipe on its
 * stdin; when that pipe reaches end-of-file — which the kernel guarantees whenever Tessera's
 * process ends, SIGKILL and crashes included — it stops every pid still registered (SIGTERM, so
 * an RTSP session ends with TEARDOWN, then SIGKILL after a grace) and exits.
 *
 * Why a reaper and not each child watching a pipe: ffmpeg has no "exit when this fd closes"
 * option (reading 'q' from stdin only works where stdin is not its input, and EOF of stdin does
 * not stop it), prctl(PR_SET_PDEATHSIG) is Linux-only and out of Node's reach, and a wrapper per
 * child would double the processes of a 64-tile wall. One Node reaper (~40 MB, idle) works the
 * same on Linux, macOS and Windows. On Linux it also checks a pid's start time before signalling,
 * so a pid reused by an unrelated process after its child exited is left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Grace between the reaper's SIGTERM and SIGKILL, ms. */
export const REAPER_GRACE_MS = 1_500;

/**
 * The reaper's program (CommonJS, run with `node -e`): lines `+<pid>` register a child and
 * `-<pid>` forget it. It ignores SIGINT, SIGTERM and SIGHUP (a terminal sends them to the whole
 * process group; Tessera then stops cleanly and closes the pipe), so it lives exactly as long as
 * its parent's end of the pipe.
 */
export const REAPER_PROGRAM = `'use strict';
const fs = require('fs');
const grace = ${REAPER_GRACE_MS};
const linux = process.platform === 'linux';
function startOf(pid) {
  if (!linux) return '';
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || null;
  } catch (e) {
    return null;
  }
}
const watched = new Map();
function signalAll(signal) {
  for (const [pid, start] of watched) {
    if (startOf(pid) !== start) { watched.delete(pid); continue; }
    try { process.kill(pid, signal); } catch (e) { watched.delete(pid); }
  }
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) { try { process.on(s, () => {}); } catch (e) {} }
let rest = '';
let ending = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  const lines = (rest + text).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') { const start = startOf(pid); if (start !== null) watched.set(pid, start); }
    else if (line[0] === '-') watched.delete(pid);
  }
});
function end() {
  if (ending) return;
  ending = true;
  signalAll('SIGTERM');
  const deadline = Date.now() + grace;
  const poll = setInterval(() => {
    signalAll(0);
    if (watched.size > 0 && Date.now() < deadline) return;
    clearInterval(poll);
    signalAll('SIGKILL');
    process.exit(0);
  }, 100);
}
process.stdin.on('end', end);
process.stdin.on('close', end);
process.stdin.on('error', end);
`;

let reaper: ChildProcess | null = null;
/** Children registered and not yet exited: handed to a new reaper if the old one died. */
const registered = new Set<number>();

function send(line: string): void {
  const stdin = reaper?.stdin;
  if (stdin && !stdin.destroyed && stdin.writable) stdin.write(`${line}\n`);
}

function ensureReaper(): void {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null) return;
  // In Electron, execPath is the app itself; ELECTRON_RUN_AS_NODE makes it a plain Node.
  const child = spawn(process.execPath, ['-e', REAPER_PROGRAM], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    windowsHide: true,
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.once('exit', () => {
    if (reaper === child) reaper = null;
  });
  // Neither the reaper nor its pipe keeps Tessera's event loop alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  reaper = child;
  for (const pid of registered) send(`+${pid}`);
}

/** Makes sure `child` ends when this process ends, however it ends. Call right after spawn. */
export function watchChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  registered.add(pid);
  ensureReaper();
  send(`+${pid}`);
  child.once('exit', () => {
    registered.delete(pid);
    send(`-${pid}`);
  });
}

/** The reaper's pid, for tests. */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}
