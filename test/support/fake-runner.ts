/** A PipelineRunner without processes: the test plays ffmpeg (stdout bytes, stderr lines, exit). */
import type { PipelineHandlers, PipelineRunner } from '../../main/media/ffmpeg-process.js';

export class FakeRun {
  stopped = false;
  exited = false;
  /** The reader stopped taking stdout (PipelineHandle.pause): a real process would block writing. */
  paused = false;
  pauses = 0;
  constructor(
    readonly args: readonly string[],
    readonly pid: number,
    private readonly handlers: PipelineHandlers,
  ) {}

  data(bytes: Buffer): void {
    if (!this.exited) this.handlers.onData(bytes);
  }

  stderr(text: string): void {
    if (!this.exited) this.handlers.onStderr(text);
  }

  exit(code: number | null, signal: string | null = null, spawnError?: string): void {
    if (this.exited) return;
    this.exited = true;
    this.handlers.onExit({ code, signal, ...(spawnError ? { spawnError } : {}) });
  }
}

export class FakeRunner {
  readonly runs: FakeRun[] = [];
  /** When true, a stopped run exits only when the test calls exit() (a process stuck in a TEARDOWN). */
  stubborn = false;

  readonly runner: PipelineRunner = (args, handlers) => {
    const run = new FakeRun(args, 1000 + this.runs.length, handlers);
    this.runs.push(run);
    return {
      pid: run.pid,
      pause: () => {
        if (!run.paused) run.pauses += 1;
        run.paused = true;
      },
      resume: () => {
        run.paused = false;
      },
      stop: async () => {
        run.stopped = true;
        if (this.stubborn) {
          while (!run.exited) await new Promise((resolve) => setImmediate(resolve));
          return;
        }
        // Like a real process: the exit is reported a moment after the signal.
        await Promise.resolve();
        run.exit(null, 'SIGTERM');
      },
    };
  };

  get last(): FakeRun {
    const run = this.runs[this.runs.length - 1];
    if (!run) throw new Error('nothing was spawned');
    return run;
  }
}

/** Lets promise callbacks (resolve(), stop()) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
