/**
 * Holds back repeats of a log line: the same line (scope, level, message and the fields that say
 * what it is about: camera, site, caller…) is written at most once per interval; the next one
 * written after the interval says how many were held back. A camera retrying every second, or a
 * client sending thousands of bad requests, grew the log by 54 KB/s before.
 *
 *   same key   ●  ○ ○ ○ ○     ●(4 more suppressed)  ○      ●(1 more suppressed)
 *              │◀─ interval ─▶│                    │◀─ interval ─▶│
 *
 * Pure: time comes in as an argument.
 */

/** Field names whose values tell two lines with the same message apart (about different things). */
export const repeatKeyFields = ['camera', 'profile', 'site', 'siteId', 'caller', 'channel', 'displayId'] as const;

/** Keys remembered at most: beyond it the oldest are forgotten (a flood of distinct keys must not grow memory). */
const MAX_KEYS = 2_000;

interface Seen {
  lastMs: number;
  suppressed: number;
}

export class RepeatLimiter {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly intervalMs: number) {}

  /** null: hold this line back; a number: write it, noting that many held back since the last one written. */
  admit(key: string, nowMs: number): number | null {
    const seen = this.seen.get(key);
    if (seen && nowMs - seen.lastMs < this.intervalMs) {
      seen.suppressed += 1;
      return null;
    }
    const suppressed = seen?.suppressed ?? 0;
    // Re-inserted so the Map's order is oldest first.
    this.seen.delete(key);
    this.seen.set(key, { lastMs: nowMs, suppressed: 0 });
    if (this.seen.size > MAX_KEYS) this.seen.delete(this.seen.keys().next().value!);
    return suppressed;
  }
}

/** The key of a line: what it says and what it is about. */
export function repeatKey(scope: string, level: string, message: string, fields: Record<string, unknown> | undefined): string {
  const about = repeatKeyFields.map((name) => (fields && fields[name] !== undefined ? String(fields[name]) : '')).join('\u0000');
  return `${scope}\u0000${level}\u0000${message}\u0000${about}`;
}
