/**
 * Scoped loggers writing JSON lines to <data>/logs/tessera.log, rotated by size. Every field and
 * message goes through redact() first. Writes are synchronous on purpose: logs are rare (never
 * per media chunk) and a crash must not lose the last lines.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact, redactString } from './redact.js';

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
}

class FileSink {
  readonly file: string;
  private size: number;
  constructor(private readonly options: Required<LogSinkOptions>) {
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
  const sink = new FileSink({ maxBytes: 5 * 1024 * 1024, keep: 3, minLevel: 'info', echo: false, ...options });
  const min = levels[options.minLevel ?? 'info'];
  const make = (name: string): Logger => {
    const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (levels[level] < min) return;
      const record = { t: new Date().toISOString(), level, scope: name, msg: redactString(message), ...(fields ? (redact(fields) as object) : {}) };
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
