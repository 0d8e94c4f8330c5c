/**
 * Starts the built `tessera serve --json` as a child process with its own data folder and waits
 * (bounded) for its one JSON line. Used by integration and e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simCacheDir } from './simulator.js';

export const tesseraBin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));

export interface ServeProcess {
  url: string;
  token: string;
  /** With --demo: the demo simulator's admin address (fault knobs, simulator/README.md). */
  demoAdminUrl?: string;
  origin: string;
  dataDir: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export interface ServeProcessOptions {
  /** Added to the environment (e.g. TESSERA_CREDENTIAL_STORE). */
  env?: NodeJS.ProcessEnv;
  /** Flags for node itself, before the script (e.g. `--inspect=127.0.0.1:0` for support/inspector.ts). */
  nodeFlags?: string[];
}

export async function startServeProcess(args: string[] = [], dataDir = mkdtempSync(join(tmpdir(), 'tessera-serve-')), timeoutMs = 30_000, options: ServeProcessOptions = {}): Promise<ServeProcess> {
  // The simulator's generated video is shared with the in-process test simulators (.cache/sim-media).
  const env = { ...process.env, TESSERA_SIM_CACHE: process.env.TESSERA_SIM_CACHE ?? simCacheDir, ...options.env };
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), tesseraBin, 'serve', '--json', '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera serve did not get ready in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += String(d);
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, newline));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tessera serve exited with ${code}: ${stderr}`));
    });
  });
  const ready = JSON.parse(line) as { url: string; token: string; demoAdminUrl?: string };
  return {
    ...ready,
    origin: new URL(ready.url).origin,
    dataDir,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
