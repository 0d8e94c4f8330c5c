/** What every `tessera` subcommand is: options for node:util parseArgs, help text and a run function. */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks the process to stop (Ctrl-C, SIGTERM). */
  stopSignal: Promise<void>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Words after the command (`sites add`); without this, any extra word is bad usage. */
  takesPositionals?: boolean;
  run(values: OptionValues, positionals: string[], io: CommandIo): Promise<number>;
}

/** Bad usage: exit code 2 and the message on stderr. */
export class UsageError extends Error {}

/** A failure the user can act on: exit code 1 and the message on stderr (no stack). */
export class CommandFailure extends Error {}

export function integerOption(values: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return n;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** Options every command accepts. */
export const commonOptions: OptionSpec = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const commonUsage = `  --data-dir DIR   user-data folder (default: the app's; also TESSERA_DATA_DIR)
  --json           machine-readable output
  -h, --help       this help`;
