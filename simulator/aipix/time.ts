/** AIPIX timestamps: responses use ISO 8601 with a 6-digit fraction and Z (`2000-01-01T00:00:00.000000Z`). */

export function formatMicros(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Laravel's `Y-m-d H:i:s` (created_at in camera objects), UTC. */
export function formatSqlTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Request times: ISO 8601 with Z or an offset, `Y-m-d H:i:s` (read as UTC, the server's zone here),
 * or epoch seconds. Undefined when unreadable.
 */
export function parseAipixTime(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text * 1000 : undefined;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const value = text.trim();
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}
