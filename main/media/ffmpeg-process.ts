/**
 * The one place a live ffmpeg process is spawned and stopped. The upstream sees it through
 * PipelineRunner, so unit tests replace it with a scripted fake (bytes in, exit out).
 *
 * Stopping: SIGTERM first, so an RTSP session ends with TEARDOWN (cameras have few session
 * slots); SIGKILL when it has not exited within KILL_AFTER_MS.
 */
import { spawn } from 'node:child_process';
import { watchChild } from '../processes/child-reaper.js';
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
  /**
   * Input for `-i pipe:0` (runs started with `{ stdin: true }`). False when the process takes no
   * more: it is gone, or MAX_STDIN_BACKLOG bytes wait unread (it stopped reading).
   */
  write?(bytes: Buffer): boolean;
  /** Ends stdin (the input is complete): ffmpeg finishes what it holds and exits. */
  endInput?(): void;
  /**
   * Stops reading stdout (no onData until resume): the pipe fills and ffmpeg blocks writing, so
   * it stops reading its input too. Recorded playback's flow control; live never pauses.
   */
  pause?(): void;
  resume?(): void;
}

export type PipelineRunner = (args: readonly string[], handlers: PipelineHandlers, options?: { stdin?: boolean }) => PipelineHandle;

export const KILL_AFTER_MS = 2_000;
/** Unread input at most, bytes: a live feed is read at real time, so this much unread means a stuck process. */
export const MAX_STDIN_BACKLOG = 32 * 1024 * 1024;

export const spawnFfmpeg: PipelineRunner = (args, handlers, options = {}) => {
  const child = spawn(ffmpegPath(), [...args], { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
  watchChild(child);
  // Writing to a process that just exited fails with EPIPE: its exit is reported by 'close'.
  child.stdin?.on('error', () => undefined);
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
  // Both are pipes (stdio above); only stdin depends on the options.
  child.stdout!.on('data', (chunk: Buffer) => handlers.onData(chunk));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => handlers.onStderr(text));
  let stopping: Promise<void> | null = null;
  const stdin = child.stdin;
  return {
    pid: child.pid,
    ...(stdin
      ? {
          write(bytes: Buffer): boolean {
            if (exited || stdin.destroyed || !stdin.writable || stdin.writableLength > MAX_STDIN_BACKLOG) return false;
            stdin.write(bytes);
            return true;
          },
          endInput(): void {
            if (!stdin.destroyed) stdin.end();
          },
        }
      : {}),
    pause: () => child.stdout!.pause(),
    resume: () => child.stdout!.resume(),
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
