/**
 * One live source per camera and profile: one ffmpeg (loop with stream copy, or the live encoder)
 * whose MPEG-TS stdout Node fans out to every local consumer (FLV/TS streams, HLS, JPEGs) and
 * which, with RTSP on, also sends RTP to the camera's mount on the RTSP relay (tee muxer).
 *
 * Sources are lazy and reference counted: a source runs while an RTSP client or a local consumer
 * holds it, and stops IDLE_STOP_MS after the last one lets go, so 64 idle cameras cost nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { terminate } from './processes.js';
import { TsGopCache } from './ts-gop-cache.js';

/** Keep a released source running this long, ms: a tile switching streams reconnects at once. */
export const IDLE_STOP_MS = 15_000;
/** Restart delay after an unexpected exit, ms. */
const RESTART_MS = 1_000;
/** A consumer this far behind (bytes queued on its stdin) is cut off rather than buffered forever. */
const MAX_CONSUMER_BACKLOG = 16 * 1024 * 1024;

export interface Consumer {
  write(packets: Buffer): void;
  /** The source stopped for good (camera offline or media closed). */
  end(): void;
}

export interface LiveSourceOptions {
  label: string;
  /** Work to finish before the first spawn (e.g. making the loop file). */
  prepare?: () => Promise<unknown>;
  spawn: () => ChildProcess;
  now: () => number;
  onLog?: (message: string) => void;
}

export class LiveSource {
  private child: ChildProcess | null = null;
  private cache = new TsGopCache();
  private readonly consumers = new Set<Consumer>();
  private holds = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private preparing = false;
  private prepared = false;
  /** When the current process delivered its first bytes (injected clock), ms. */
  private firstDataAtMs: number | null = null;

  constructor(private readonly o: LiveSourceOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** Injected-clock time at which the current process started sending, or null if not running. */
  get startedAtMs(): number | null {
    return this.firstDataAtMs;
  }

  /** Keeps the source running until the returned release is called (idempotent). */
  hold(): () => void {
    this.stopped = false;
    this.holds += 1;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0 && !this.idleTimer) {
        this.idleTimer = setTimeout(() => {
          this.idleTimer = null;
          if (this.holds === 0) this.kill();
        }, IDLE_STOP_MS);
        this.idleTimer.unref();
      }
    };
  }

  /** Adds a consumer: it first gets the current GOP (starts on a keyframe), then live packets. */
  subscribe(consumer: Consumer): () => void {
    const release = this.hold();
    this.consumers.add(consumer);
    if (this.cache.ready) consumer.write(this.cache.snapshot());
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.consumers.delete(consumer);
      release();
    };
  }

  /** Stops now and ends every consumer (camera offline, media closed). Holds are dropped. */
  stop(): void {
    this.stopped = true;
    this.holds = 0;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.kill();
    const consumers = [...this.consumers];
    this.consumers.clear();
    for (const consumer of consumers) consumer.end();
  }

  private start(): void {
    if (this.child || this.restartTimer || this.preparing) return;
    if (this.o.prepare && !this.prepared) {
      this.preparing = true;
      this.o.prepare().then(
        () => {
          this.preparing = false;
          this.prepared = true;
          if (!this.stopped && this.holds > 0) this.start();
        },
        (err: unknown) => {
          // The next hold() tries again.
          this.preparing = false;
          this.o.onLog?.(`media: live source ${this.o.label} cannot start: ${String(err)}`);
        },
      );
      return;
    }
    const child = this.o.spawn();
    this.child = child;
    this.cache = new TsGopCache();
    this.firstDataAtMs = null;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.firstDataAtMs ??= this.o.now();
      const packets = this.cache.push(chunk);
      if (packets.length === 0) return;
      for (const consumer of this.consumers) consumer.write(packets);
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.firstDataAtMs = null;
      if (this.stopped || this.holds === 0) return;
      this.o.onLog?.(`media: live source ${this.o.label} exited (${code ?? signal}): ${stderr.trim().split('\n').pop() ?? ''}; restarting`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopped && this.holds > 0) this.start();
      }, RESTART_MS);
      this.restartTimer.unref();
    });
  }

  private kill(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    this.firstDataAtMs = null;
    if (child) void terminate(child);
  }
}

/** A consumer writing into a child's stdin, cut off when it falls too far behind. */
export function stdinConsumer(child: ChildProcess): Consumer {
  return {
    write(packets) {
      const stdin = child.stdin;
      if (!stdin || stdin.destroyed || !stdin.writable) return;
      if (stdin.writableLength > MAX_CONSUMER_BACKLOG) {
        void terminate(child);
        return;
      }
      stdin.write(packets);
    },
    end() {
      child.stdin?.end();
    },
  };
}
