/**
 * The one place a live ffmpeg process is spawned and stopped. The upstream sees it through
 * PipelineRunner, so unit tests replace it with a scripted fake (bytes in, exit out).
 *
 * Stopping: SIGTERM first, so an RTSP session ends with TEARDOWN (cameras have few session
 * slots); SIGKILL when it has not exited within KILL_AFTER_MS.
 */
import { spawn } from 'node:child_process';
import { ffmpegPath } from './ffmpeg-binary.js';

export interface PipelineHandlers {
  /** stdout bytes, as they come. */
  onData(chunk: Buffer): void;
  /** stderr text, as it comes (not cut at lines). */
  onStderr(text: string): void;
  /** Called once, when the process is gone (or could not be started). */
  onExit(exit: { code: number | null; signal: string | null; spawnError?: string }): void;
}

export interface PipelineHandle {
  readonly pid: number | undefined;
  /** Stops the process; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

export type PipelineRunner = (args: readonly string[], handlers: PipelineHandlers) => PipelineHandle;

export const KILL_AFTER_MS = 2_000;

export const spawnFfmpeg: PipelineRunner = (args, handlers) => {
  const child = spawn(ffmpegPath(), [...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let exited = false;
  let spawnError: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err.code === 'ENOENT' ? `${ffmpegPath()} was not found` : err.message;
      // 'close' does not follow a failed spawn.
      if (child.pid === undefined && !exited) {
        exited = true;
        handlers.onExit({ code: null, signal: null, spawnError });
        resolve();
      }
    });
    child.once('close', (code, signal) => {
      if (exited) return resolve();
      exited = true;
      handlers.onExit({ code, signal, ...(spawnError ? { spawnError } : {}) });
      resolve();
    });
  });
  child.stdout.on('data', (chunk: Buffer) => handlers.onData(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => handlers.onStderr(text));
  let stopping: Promise<void> | null = null;
  return {
    pid: child.pid,
    stop() {
      if (exited) return Promise.resolve();
      stopping ??= (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        timer.unref();
        await exitPromise;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
};
