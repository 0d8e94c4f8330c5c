/**
 * ISO 8601 timestamps as API v3 writes and reads them: `2022-08-08T07:57:37.000+00:00`.
 * Pure functions; the HTTP layer decides which endpoints refuse the `Z` form.
 */

export type TimestampResult = { ok: true; ms: number } | { ok: false; reason: 'format' | 'zulu' | 'range' };

// Date, time to the second, optional fraction, then Z or ±hh:mm. A space where the sign should
// be is what an unencoded "+" in a query string turns into.
const pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+\- ]\d{2}:\d{2})$/;

export interface ParseOptions {
  /** Accept the `Z` suffix (default true). */
  allowZulu?: boolean;
  /** Read " 00:00" as "+00:00" (default false: such a value is malformed). */
  spaceAsPlus?: boolean;
}

export function parseTimestamp(text: string, options: ParseOptions = {}): TimestampResult {
  const m = pattern.exec(text);
  if (!m) return { ok: false, reason: 'format' };
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  if (zone === 'Z' && options.allowZulu === false) return { ok: false, reason: 'zulu' };
  if (zone!.startsWith(' ') && !options.spaceAsPlus) return { ok: false, reason: 'format' };
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'range' };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return { ok: false, reason: 'range' };
  // Milliseconds only: the API works in ms, finer digits are truncated.
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const oh = Number(zone!.slice(1, 3));
    const om = Number(zone!.slice(4, 6));
    if (oh > 14 || om > 59) return { ok: false, reason: 'range' };
    offsetMinutes = sign * (oh * 60 + om);
  }
  return { ok: true, ms: Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000 };
}

/** UTC with milliseconds and an explicit `+00:00`, the form EEN's answers use. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}
