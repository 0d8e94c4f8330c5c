/**
 * Scoped loggers writing JSON lines to <data>/logs/tessera.log, rotated by size. Every field and
 * message goes through redact() first. Writes are synchronous on purpose: logs are rare (never
 * per media chunk) and a crash must not lose the last lines. Repeats of a line are held back
 * (repeat-limit.ts), so neither a failing camera nor a hostile client can flood the disk.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact, redactString } from './redact.js';
import { RepeatLimiter, repeatKey } from './repeat-limit.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogSinkOptions {
  dir: string;
  /** Rotate when the file would exceed this many bytes (default 5 MB). */
  maxBytes?: number;
  /** Rotated files kept: tessera.1.log … tessera.N.log (default 3). */
  keep?: number;
  minLevel?: LogLevel;
  /** Also echo warnings and errors to stderr (CLI, serve mode). */
  echo?: boolean;
  /** The same line at most once per this many ms (default 10 s; 0 writes every one). */
  repeatIntervalMs?: number;
  /** Epoch ms (tests move time). */
  now?: () => number;
}

/** Default for LogSinkOptions.repeatIntervalMs, ms. */
export const LOG_REPEAT_INTERVAL_MS = 10_000;

class FileSink {
  readonly file: string;
  private size: number;
  constructor(private readonly options: Required<Omit<LogSinkOptions, 'repeatIntervalMs' | 'now'>>) {
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, 'tessera.log');
    this.size = existsSync(this.file) ? statSync(this.file).size : 0;
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.options.maxBytes && this.size > 0) this.rotate();
    appendFileSync(this.file, line, { mode: 0o600 });
    this.size += bytes;
  }

  private rotate(): void {
    const { dir, keep } = this.options;
    rmSync(join(dir, `tessera.${keep}.log`), { force: true });
    for (let i = keep - 1; i >= 1; i -= 1) {
      const from = join(dir, `tessera.${i}.log`);
      if (existsSync(from)) renameSync(from, join(dir, `tessera.${i + 1}.log`));
    }
    renameSync(this.file, join(dir, 'tessera.1.log'));
    this.size = 0;
  }
}

export function createLogger(options: LogSinkOptions, scope = 'main'): Logger {
  const { now = Date.now, repeatIntervalMs = LOG_REPEAT_INTERVAL_MS, ...sinkOptions } = options;
  const sink = new FileSink({ maxBytes: 5 * 1024 * 1024, keep: 3, minLevel: 'info', echo: false, ...sinkOptions });
  const min = levels[options.minLevel ?? 'info'];
  const repeats = repeatIntervalMs > 0 ? new RepeatLimiter(repeatIntervalMs) : null;
  const make = (name: string): Logger => {
    const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (levels[level] < min) return;
      const nowMs = now();
      const suppressed = repeats ? repeats.admit(repeatKey(name, level, message, fields), nowMs) : 0;
      if (suppressed === null) return;
      const msg = suppressed > 0 ? `${redactString(message)} (${suppressed} more suppressed)` : redactString(message);
      const record = { t: new Date(nowMs).toISOString(), level, scope: name, msg, ...(fields ? (redact(fields) as object) : {}), ...(suppressed > 0 ? { suppressed } : {}) };
      const line = `${JSON.stringify(record)}\n`;
      try {
        sink.write(line);
      } catch {
        // A full or read-only disk must not take the app down with it; stderr still gets errors.
      }
      if (options.echo && levels[level] >= levels.warn) process.stderr.write(`tessera ${level}: ${record.msg}\n`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (sub) => make(`${name}.${sub}`),
    };
  };
  return make(scope);
}
