/**
 * The `tessera` command line (Node, no Electron). Exit codes: 0 success, 2 bad usage,
 * 1 failure, always with one clear line on stderr.
 */
import { parseArgs } from 'node:util';
import { appVersion } from '../version.js';
import { CommandFailure, UsageError, type Command, type CommandIo } from './command.js';
import { coverageCommand } from './coverage-command.js';
import { exportCommand, verifyCommand } from './export-commands.js';
import { serveCommand } from './serve-command.js';
import { simCommand } from './sim-command.js';
import { camerasCommand, sitesCommand, snapshotCommand } from './site-commands.js';

export const commands: readonly Command[] = [serveCommand, simCommand, sitesCommand, camerasCommand, snapshotCommand, coverageCommand, exportCommand, verifyCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Tessera ${appVersion}: a video-wall client for video management systems.

Usage: tessera <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`tessera <command> --help\` for a command's options.
`;
}

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is bad usage: the help goes where errors go, like any other usage error.
    io.stderr.write(overview());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${appVersion}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tessera: unknown command ${JSON.stringify(name)}; run \`tessera --help\` for the list\n`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify.*$/s, '') : String(err));
    }
    if (parsed.values.help) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    if (!command.takesPositionals && parsed.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tessera ${command.name}: ${err.message}\n(see \`tessera ${command.name} --help\`)\n`);
      return 2;
    }
    const message = err instanceof CommandFailure ? err.message : `unexpected failure: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr.write(`tessera ${command.name}: ${message}\n`);
    return 1;
  }
}

/** Entry point of bin/tessera.js. */
export async function main(): Promise<void> {
  // Ctrl-C, `kill` and a closed terminal all stop a long-running command cleanly (its children
  // too). A second signal of the same kind ends the process at once: the handler is gone by then.
  const stopSignal = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    stopSignal,
  });
  process.exitCode = code;
  // Long-running commands resolve on a signal; make sure nothing left over keeps us alive.
  setImmediate(() => process.exit(code));
}
