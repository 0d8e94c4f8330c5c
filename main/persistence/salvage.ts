/**
 * Keeping what can be kept of a document that failed validation: the good entries of a list, the
 * good fields of a record. Pure: given the parsed data and its poisoned parts (read-document.ts),
 * each strategy returns the value to start with and one plain-words line per part dropped.
 */
import type { z } from 'zod';
import type { Poison } from './read-document.js';

export interface Salvaged<T> {
  value: T;
  dropped: string[];
}
export type Salvage<T> = (data: unknown, poison: Poison[]) => Salvaged<T> | undefined;

/** "name: Invalid input…; tiles: …" — the first few issues of a zod error, paths from `prefix`. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const shown = error.issues.slice(0, limit).map((i) => {
    const where = i.path.map(String).join('.');
    return where ? `${where}: ${i.message}` : i.message;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
}

/** Runs a schema that may throw (a refinement on absurd data), as a safeParse that never does. */
export function safeCheck<T>(schema: z.ZodType<T>, data: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  try {
    const result = schema.safeParse(data);
    return result.success ? { ok: true, value: result.data } : { ok: false, reason: describeIssues(result.error) };
  } catch (err) {
    return { ok: false, reason: `could not be checked (${err instanceof Error ? err.message : String(err)})` };
  }
}

function poisonAt(poison: Poison[], key: string | number): Poison | undefined {
  return poison.find((p) => p.path[0] === key);
}

/** A list: every entry that passes `entry` is kept, in order; `label(i)` names the others. */
export function salvageEntries<E>(entry: z.ZodType<E>, label = (index: number) => `entry ${index + 1}`): Salvage<E[]> {
  return (data, poison) => {
    if (!Array.isArray(data)) return undefined;
    const value: E[] = [];
    const dropped: string[] = [];
    data.forEach((item, index) => {
      const bad = poisonAt(poison, index);
      const checked = bad ? { ok: false as const, reason: bad.reason } : safeCheck(entry, item);
      if (checked.ok) value.push(checked.value);
      else dropped.push(`${label(index)}: ${checked.reason}`);
    });
    return { value, dropped };
  };
}

/** Per-entry salvage of one field gives up after this many dropped entries (each try checks the whole). */
const MAX_DROPPED_ENTRIES = 20;

/**
 * A record of independent fields (settings; the wall's layouts, tours and displays): each field
 * of the file is tried on top of what was kept so far, so a field that breaks the whole (a
 * display showing a layout that was dropped) is dropped too, and the fallback fills the rest. A
 * list or record field that fails as a whole is tried entry by entry, keeping the entries that fit.
 */
export function salvageFields<T extends object>(schema: z.ZodType<T>, fallback: () => T): Salvage<T> {
  return (data, poison) => {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
    let kept = fallback();
    const dropped: string[] = [];
    const keys = Object.keys(kept);
    for (const bad of poison) if (!keys.includes(String(bad.path[0])) || bad.path.length === 1) dropped.push(`${bad.path.join('.')}: ${bad.reason}`);
    for (const key of keys) {
      if (!Object.hasOwn(data, key) || poison.some((p) => p.path[0] === key && p.path.length === 1)) continue;
      const given = (data as Record<string, unknown>)[key];
      const badEntries = poison.filter((p) => p.path[0] === key);
      const whole = badEntries.length > 0 ? undefined : safeCheck(schema, { ...kept, [key]: given });
      if (whole?.ok) {
        kept = whole.value;
        continue;
      }
      if (given === null || typeof given !== 'object') {
        dropped.push(whole ? whole.reason : `${key}: not usable`);
        continue;
      }
      // Entry by entry: arrays keep their order, records their keys; poisoned entries are skipped.
      const entries: [string | number, unknown][] = Array.isArray(given) ? given.map((v, i) => [i, v]) : Object.entries(given);
      let acc: unknown[] | Record<string, unknown> = Array.isArray(given) ? [] : {};
      let droppedHere = 0;
      for (const [entryKey, entryValue] of entries) {
        const label = typeof entryKey === 'number' ? `${key} entry ${entryKey + 1}` : `${key} “${entryKey}”`;
        if (droppedHere >= MAX_DROPPED_ENTRIES) {
          dropped.push(`${label} and the rest of ${key}: not checked after ${MAX_DROPPED_ENTRIES} bad entries`);
          break;
        }
        const bad = badEntries.find((p) => p.path[1] === entryKey);
        const next = Array.isArray(acc) ? [...acc, entryValue] : { ...acc, [entryKey]: entryValue };
        const checked = bad ? { ok: false as const, reason: bad.reason } : safeCheck(schema, { ...kept, [key]: next });
        if (checked.ok) {
          acc = next;
        } else {
          droppedHere += 1;
          dropped.push(`${label}: ${checked.reason}`);
        }
      }
      const withKept = safeCheck(schema, { ...kept, [key]: acc });
      if (withKept.ok) kept = withKept.value;
    }
    return { value: kept, dropped };
  };
}
