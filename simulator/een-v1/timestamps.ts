/**
 * EEN timestamps: `YYYYMMDDhhmmss.mmm`, always UTC, plus the relative forms the v1 API accepts
 * wherever a timestamp is expected: `now`, and a signed millisecond offset from now (`+300000`,
 * `-5000`). A `+` sent unencoded in a query string arrives as a space, so a leading space counts
 * as `+` (real clients build `end_timestamp=+300000` by hand).
 */

const EEN_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Epoch ms → `YYYYMMDDhhmmss.mmm` (UTC). */
export function formatEen(ms: number): string {
  const d = new Date(ms);
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    '.' +
    pad(d.getUTCMilliseconds(), 3)
  );
}

/** `YYYYMMDDhhmmss[.mmm]` → epoch ms, or null when malformed or not a real calendar moment. */
export function parseEenAbsolute(text: string): number | null {
  const m = EEN_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Number(frac.padEnd(3, '0')) : 0;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC rolls 20180231 over into March; the real service answers 400 for such input.
  if (formatEen(t).slice(0, 14) !== text.slice(0, 14)) return null;
  return t;
}

export interface ParsedTimestamp {
  ms: number;
  /** True for `now` and ±offsets: answers are then not cacheable and `after` means "nothing yet". */
  relative: boolean;
}

/** Any timestamp the API accepts (absolute, `now`, ±ms) → epoch ms; null when malformed. */
export function parseEenTimestamp(raw: string | undefined, nowMs: number): ParsedTimestamp | null {
  if (raw === undefined) return null;
  let text = raw.replace(/^ +(?=\d)/, '+').trim();
  if (text === 'now') return { ms: nowMs, relative: true };
  // "now+5000"/"now-5000" is not in the docs but is what "an offset from now" reads as; accept it.
  if (text.startsWith('now')) text = text.slice(3);
  if (/^[+-]\d+$/.test(text)) return { ms: nowMs + Number(text), relative: true };
  const abs = parseEenAbsolute(text);
  return abs === null ? null : { ms: abs, relative: false };
}

/** `stream_<id>` as a play start means "start a live stream now" (id: unique per viewer). */
export function parseStreamStart(raw: string | undefined): string | null {
  if (!raw?.startsWith('stream_')) return null;
  const id = raw.slice('stream_'.length);
  return id.length > 0 ? id : null;
}

/** Header value `type-timestamp` used by x-ee-timestamp / x-ee-prev / x-ee-next. */
export function typedTimestamp(type: string, ms: number): string {
  return `${type}-${formatEen(ms)}`;
}
