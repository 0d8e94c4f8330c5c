/**
 * A versioned JSON document on disk: validated and migrated on load, written atomically
 * (temp file + fsync + rename) so a crash mid-write leaves the old file intact. A file that
 * cannot be read as a valid document is moved aside (`name.corrupt-<time>.json`) and reported,
 * never silently overwritten.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

export interface Envelope {
  version: number;
  data: unknown;
}

/** migrations[n] turns the data of version n into version n + 1. */
export type Migrations = Record<number, (data: unknown) => unknown>;

export interface LoadOutcome<T> {
  value: T;
  /** Set when the file was unreadable and moved aside; the UI reports it. */
  corrupt?: { movedTo: string; reason: string };
}

export class JsonFile<T> {
  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly version: number,
    private readonly fallback: () => T,
    private readonly migrations: Migrations = {},
    private readonly now: () => number = Date.now,
  ) {}

  load(): LoadOutcome<T> {
    if (!existsSync(this.path)) return { value: this.fallback() };
    let reason: string;
    try {
      const parsed = parseEnvelope(readFileSync(this.path, 'utf8'));
      let { version, data } = parsed;
      if (version > this.version) throw new Error(`written by a newer Tessera (version ${version}, this one reads up to ${this.version})`);
      while (version < this.version) {
        const migrate = this.migrations[version];
        if (!migrate) throw new Error(`no migration from version ${version}`);
        data = migrate(data);
        version += 1;
      }
      const result = this.schema.safeParse(data);
      if (result.success) return { value: result.data };
      reason = `invalid content: ${result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'root'} ${i.message}`).join('; ')}`;
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    const movedTo = this.asideName();
    renameSync(this.path, movedTo);
    return { value: this.fallback(), corrupt: { movedTo, reason } };
  }

  save(value: T): void {
    const checked = this.schema.parse(value);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      try {
        writeSync(fd, `${JSON.stringify({ version: this.version, data: checked } satisfies Envelope, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (err) {
      // A failed write (disk full, rename refused) leaves the old file as it was and no temp file.
      rmSync(temp, { force: true });
      throw err;
    }
  }

  /** A name beside the file that no earlier moved-aside copy holds, so none is ever overwritten. */
  private asideName(): string {
    const stem = join(dirname(this.path), `${basename(this.path, '.json')}.corrupt-${this.now()}`);
    let candidate = `${stem}.json`;
    for (let n = 2; existsSync(candidate); n += 1) candidate = `${stem}-${n}.json`;
    return candidate;
  }
}

function parseEnvelope(text: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!json || typeof json !== 'object' || !('version' in json) || !('data' in json) || typeof json.version !== 'number' || !Number.isInteger(json.version)) {
    throw new Error('not a Tessera document (missing version or data)');
  }
  return { version: json.version, data: json.data };
}
