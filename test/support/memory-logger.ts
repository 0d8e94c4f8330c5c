/** A Logger that keeps lines in memory, for asserting what was (and was not) logged. */
import type { Logger, LogLevel } from '../../main/logging/logger.js';

export interface MemoryLogger extends Logger {
  lines: { level: LogLevel; scope: string; message: string; fields?: Record<string, unknown> }[];
}

export function memoryLogger(scope = 'test', lines: MemoryLogger['lines'] = []): MemoryLogger {
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, scope, message, ...(fields ? { fields } : {}) });
  };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (sub) => memoryLogger(`${scope}.${sub}`, lines),
  };
}
