/**
 * Every child process of the media layer is spawned here, so close() can kill all of them and
 * nothing outlives the simulator. On an abrupt exit (SIGKILL included) the host's reaper stops
 * them (../child-watch.ts): publishers sending RTP do not notice their stdout pipe breaking.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { watchChild } from '../child-watch.js';

/** Every live group, so a process 'exit' hook can still SIGKILL what close() did not reach. */
const liveGroups = new Set<ProcessGroup>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) group.killNow();
  });
}

/** Grace between SIGTERM and SIGKILL, ms. */
const KILL_GRACE_MS = 2_000;

/**
 * Stops one child: closes its stdin first (an ffmpeg blocked reading a pipe only notices SIGTERM
 * once the read returns), then SIGTERM, then SIGKILL after the grace. Resolves when it has exited.
 */
export function terminate(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    timer.unref();
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.destroy();
    child.kill('SIGTERM');
  });
}

export class ProcessFailed extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  constructor() {
    liveGroups.add(this);
    installExitHook();
  }

  get size(): number {
    return this.children.size;
  }

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new Error('media layer is closed');
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    watchChild(child);
    this.children.add(child);
    const forget = (): void => void this.children.delete(child);
    child.once('exit', forget);
    child.once('error', forget);
    // A consumer that went away must not crash Node with EPIPE on the child's stdin.
    child.stdin?.on('error', () => undefined);
    return child;
  }

  /** Runs to completion; resolves with stdout, rejects with the last stderr lines. */
  run(command: string, args: readonly string[], input?: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = this.spawn(command, args);
      } catch (err) {
        reject(err as Error);
        return;
      }
      const out: Buffer[] = [];
      let err = '';
      child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString('utf8')).slice(-4000);
      });
      child.once('error', reject);
      child.once('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new ProcessFailed(`${command} ${args.slice(-1)[0] ?? ''}`, code, err));
      });
      if (input) child.stdin!.end(input);
      else child.stdin!.end();
    });
  }

  /** SIGTERM everything, SIGKILL what is still alive after graceMs. */
  async killAll(graceMs = KILL_GRACE_MS): Promise<void> {
    this.closed = true;
    await Promise.all([...this.children].map((child) => terminate(child, graceMs)));
    liveGroups.delete(this);
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

/**
 * The stdout of a child as a Readable for a consumer: when the consumer destroys it the child is
 * killed, and when the child fails the stream errors with its stderr. `cleanup` runs once either way.
 */
export function childOutput(child: ChildProcess, cleanup: () => void = () => undefined): PassThrough {
  const out = new PassThrough();
  let stderr = '';
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    cleanup();
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  child.stdout!.pipe(out);
  child.once('close', (code, signal) => {
    finish();
    if (code !== 0 && signal === null && !out.destroyed) out.destroy(new ProcessFailed('ffmpeg', code, stderr));
  });
  child.once('error', (err) => out.destroy(err));
  out.once('close', () => {
    finish();
    void terminate(child);
  });
  return out;
}
