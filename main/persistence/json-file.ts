/**
 * A versioned JSON document on disk: validated and migrated on load, written atomically
 * (temp file + fsync + rename) so a crash mid-write leaves the old file intact.
 *
 * Loading never throws. A file that cannot be used as it is (too large, not JSON, poisoned, invalid,
 * a folder, unreadable) is renamed aside (set-aside.ts), never silently overwritten; what can be
 * kept of it (the good entries of a list, the good fields of a record: salvage.ts) is what Tessera
 * starts with, written back as the new file, and the outcome carries a LoadProblem for the UI.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { z } from 'zod';
import type { LoadProblem } from '../../preload/contract/index.js';
import { tempName } from './orphan-temps.js';
import { DocumentError, findPoison, MAX_DOCUMENT_BYTES, parseJson, readText, type Poison, type ReadText } from './read-document.js';
import { safeCheck, type Salvage } from './salvage.js';
import { setAside } from './set-aside.js';

export interface Envelope {
  version: number;
  data: unknown;
}

/** migrations[n] turns the data of version n into version n + 1. */
export type Migrations = Record<number, (data: unknown) => unknown>;

export interface LoadOutcome<T> {
  value: T;
  /** Set when the file could not be used as it was; the UI reports it. */
  problem?: LoadProblem;
}

export interface JsonFileOptions<T> {
  /** How much of a document that fails validation is kept (default: nothing, the fallback). */
  salvage?: Salvage<T>;
  /** What Tessera starts with, in the operator's words ("the other 3 sites", "default settings"). */
  describe?: (value: T, partial: boolean) => string;
  maxBytes?: number;
  now?: () => number;
  /** Tests stand in for the file system here (a file root can read despite its mode). */
  readText?: ReadText;
}

/** The lines of a LoadProblem beyond this are summed up as "and N more". */
const MAX_PROBLEM_LINES = 5;

export class JsonFile<T> {
  /** Set when a bad file could not be moved aside: saving would overwrite the operator's only copy. */
  private blocked?: string;

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly version: number,
    private readonly fallback: () => T,
    private readonly migrations: Migrations = {},
    private readonly options: JsonFileOptions<T> = {},
  ) {}

  load(): LoadOutcome<T> {
    try {
      return this.read();
    } catch (err) {
      // read() catches what it expects; this is the guarantee that a start never fails here.
      return this.reject([`it could not be loaded (${err instanceof Error ? err.message : String(err)})`]);
    }
  }

  save(value: T): void {
    if (this.blocked) throw new Error(this.blocked);
    const checked = this.schema.parse(value);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = tempName(this.path, process.pid);
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

  private read(): LoadOutcome<T> {
    let json: unknown;
    let data: unknown;
    let version: number;
    try {
      const text = (this.options.readText ?? readText)(this.path, this.options.maxBytes ?? MAX_DOCUMENT_BYTES);
      if (text === undefined) return { value: this.fallback() };
      json = parseJson(text);
    } catch (err) {
      if (err instanceof DocumentError) return this.reject([err.message]);
      throw err;
    }
    const poison = findPoison(json);
    // Poison outside the envelope's data, or data that migrations will reshape: nothing to keep.
    const envelopeOk = poison.every((p) => p.path[0] === 'data' && p.path.length > 1);
    if (!envelopeOk) return this.reject(poison.map(describePoison));
    try {
      ({ version, data } = parseEnvelope(json));
      if (poison.length > 0 && version !== this.version) return this.reject(poison.map(describePoison));
      data = this.migrate(version, data);
    } catch (err) {
      return this.reject([err instanceof Error ? err.message : String(err)]);
    }
    const inner = poison.map((p) => ({ ...p, path: p.path.slice(1) }));
    let problems: string[];
    if (inner.length === 0) {
      const whole = safeCheck(this.schema, data);
      if (whole.ok) return { value: whole.value };
      problems = [`invalid content: ${whole.reason}`];
    } else {
      problems = inner.map(describePoison);
    }
    const salvaged = this.options.salvage?.(data, inner);
    const kept = salvaged && safeCheck(this.schema, salvaged.value);
    if (!salvaged || !kept?.ok || sameJson(kept.value, this.fallback())) return this.reject(salvaged?.dropped.length ? salvaged.dropped : problems);
    return this.reject(salvaged.dropped.length ? salvaged.dropped : problems, kept.value);
  }

  private migrate(from: number, data: unknown): unknown {
    if (from > this.version) throw new Error(`written by a newer Tessera (version ${from}, this one reads up to ${this.version})`);
    let version = from;
    while (version < this.version) {
      const migrate = this.migrations[version];
      if (!migrate) throw new Error(`no migration from version ${version}`);
      data = migrate(data);
      version += 1;
    }
    return data;
  }

  /**
   * For a document its owner could not use after it loaded (a site whose adapter would not open):
   * keeps the file aside and writes what the owner kept, as load() does for what it finds itself.
   */
  setAsideKeeping(problems: string[], kept: T): LoadProblem {
    return this.reject(problems, kept).problem!;
  }

  /** Moves the file aside and starts with `kept` (written back as the new file) or the fallback. */
  private reject(problems: string[], kept?: T): LoadOutcome<T> {
    const lines = problems.length > MAX_PROBLEM_LINES ? [...problems.slice(0, MAX_PROBLEM_LINES), `and ${problems.length - MAX_PROBLEM_LINES} more`] : [...problems];
    const aside = setAside(this.path, (this.options.now ?? Date.now)());
    const file = basename(this.path);
    const value = kept ?? this.fallback();
    if ('error' in aside) {
      this.blocked = `${file} could not be moved aside (${aside.error}); Tessera does not overwrite it.`;
      lines.push(`it could not be moved aside (${aside.error}), so changes are not saved`);
    } else if (kept !== undefined) {
      try {
        this.save(kept);
      } catch (err) {
        lines.push(`what could be kept was not saved (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    const partial = kept !== undefined;
    const startedWith = this.options.describe?.(value, partial) ?? (partial ? 'what could be read' : 'defaults');
    return { value, problem: { file, problems: lines, ...('keptAs' in aside ? { keptAs: aside.keptAs } : {}), startedWith } };
  }
}

function parseEnvelope(json: unknown): Envelope {
  if (!json || typeof json !== 'object' || !('version' in json) || !('data' in json) || typeof json.version !== 'number' || !Number.isInteger(json.version)) {
    throw new Error('not a Tessera document (missing version or data)');
  }
  return { version: json.version, data: json.data };
}

function describePoison(p: Poison): string {
  return p.path.length > 0 ? `${p.path.join('.')}: ${p.reason}` : p.reason;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
