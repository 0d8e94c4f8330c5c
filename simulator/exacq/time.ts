/**
 * exacq timestamps. Requests carry RFC 3339 times, usually with the server's local offset
 * (clients compute it from config.web `timezone` hours); responses are UTC with a `Z`.
 * Whether an offset-less time means server-local or UTC is an open question (VMS-APIS §8.2),
 * so it is a module option.
 */

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an RFC 3339 time to epoch ms. `offsetlessOffsetMinutes` is applied when the string has
 * no zone (server-local time = UTC + that many minutes). Returns undefined when malformed.
 */
export function parseExacqTime(text: string, offsetlessOffsetMinutes: number): number | undefined {
  const m = rfc3339.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(local)) return undefined;
  let offsetMinutes = offsetlessOffsetMinutes;
  if (zone && zone.toUpperCase() === 'Z') offsetMinutes = 0;
  else if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  return local - offsetMinutes * 60_000;
}

/** `2018-06-20T14:01:21Z`: the form of `clips[]`, `start_time` and `timestamp.web` `time`. */
export function formatUtcSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2018-06-20T14:01:21.002Z`: `timestamp.web` `timeWithMs`. */
export function formatUtcMillis(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
