/**
 * Nothing Tessera starts outlives it, however it ends: the built `tessera serve --demo` plays
 * streams (an RTSP demo camera, so the simulator's Python RTSP server and its ffmpeg publishers
 * run, an Eagle Eye one and an AIPIX HLS one), its descendants are collected from /proc, then the
 * Tessera process is SIGKILLed (no exit hook runs) and every descendant must be gone within a
 * bounded wait. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { alive, commandLine, descendants } from '../../support/proc-tree.js';
import { BridgeSession } from '../../support/bridge-session.js';
import { startServeProcess, tesseraBin, type ServeProcess } from '../../support/serve-process.js';
import { simCacheDir } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';

let serve: ServeProcess;
let bridge: BridgeSession;
const sockets: WebSocket[] = [];

/** Opens a stream's socket like a tile does; resolves at its first media bytes. */
function play(path: string): Promise<void> {
  // Sockets carry the token in their query (main/serve/auth.ts), like the page's.
  const socket = new WebSocket(`${serve.origin.replace('http', 'ws')}/${path}?token=${encodeURIComponent(serve.token)}`, { headers: { origin: serve.origin } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no media bytes on ${path} within 60 s`)), 60_000);
    socket.on('message', (_data, binary) => {
      if (!binary) return;
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  serve = await startServeProcess(['--demo'], undefined, 240_000);
  bridge = await BridgeSession.connect(serve);
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  bridge?.close();
  await serve?.stop();
});

describe('leftover processes', () => {
  it.runIf(process.platform === 'linux')('SIGKILL of tessera serve --demo while it plays leaves none of its descendants running', async () => {
    const cameras = await waitUntil('the demo sites to list RTSP, Eagle Eye and AIPIX cameras', 60_000, async () => {
      const list = await bridge.value<{ id: string; siteId: string; state: string }[]>('cameras:list');
      const pick = (siteId: string): string | undefined => list.find((c) => c.siteId === siteId && c.state === 'online')?.id;
      const ids = ['demo-rtsp', 'demo-eagleeye-v1', 'demo-aipix'].map(pick);
      return ids.every(Boolean) ? (ids as string[]) : undefined;
    }, 250);
    for (const cameraId of cameras) {
      const stream = await bridge.value<{ path: string }>('media:open', { cameraId, profile: 'sub' });
      await play(stream.path);
    }
    const pid = serve.child.pid!;
    const before = descendants(pid);
    const commands = before.map((p) => commandLine(p.pid));
    // The RTSP server, its publishers and the live pipelines are running.
    expect(commands.some((c) => c.includes('rtsp-server.py')), commands.join('\n')).toBe(true);
    expect(commands.filter((c) => /ffmpeg/.test(c)).length, commands.join('\n')).toBeGreaterThanOrEqual(3);

    serve.child.kill('SIGKILL');
    await waitUntil('tessera serve to be gone', 5_000, () => (serve.child.exitCode !== null || serve.child.signalCode !== null ? true : undefined));
    const survivors = await waitUntil('every descendant to end', 8_000, () => (before.some(alive) ? undefined : []), 100).catch(() =>
      before.filter(alive).map((p) => `${p.pid}: ${commandLine(p.pid)}`),
    );
    // On failure, end them here so the test does not leave them running either.
    for (const p of before.filter(alive)) process.kill(p.pid, 'SIGKILL');
    expect(survivors).toEqual([]);
  });
});

describe('stopping on a signal', () => {
  it.runIf(process.platform === 'linux')('SIGHUP (a closed terminal) stops tessera sim cleanly: exit code 0, its RTSP server gone', async () => {
    const child = spawn(process.execPath, [tesseraBin, 'sim', '--json', '--cameras', '1', '--hours', '1', '--data-dir', mkdtempSync(join(tmpdir(), 'tessera-sim-'))], {
      env: { ...process.env, TESSERA_SIM_CACHE: simCacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      await waitUntil(`tessera sim to print its sites (stderr: ${stderr})`, 150_000, () => (child.stdout.read() !== null ? true : undefined), 100);
      const before = descendants(child.pid!);
      expect(before.map((p) => commandLine(p.pid)).some((c) => c.includes('rtsp-server.py'))).toBe(true);
      const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGHUP');
      expect(await Promise.race([exit, new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000))])).toEqual({ code: 0, signal: null });
      await waitUntil('the simulator processes to end', 5_000, () => (before.some(alive) ? undefined : true), 100);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
