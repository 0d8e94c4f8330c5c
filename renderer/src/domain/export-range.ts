/**
 * The export dialog's times and the panel's notices, pure: a range edited to the second in the
 * operator's local time (what `<input type="datetime-local" step="1">` holds), the tile menu's
 * default (the last 5 minutes), and which jobs just ended (for the notice).
 */
import type { ExportJob } from '../../../preload/contract/index.js';

export const DEFAULT_EXPORT_MS = 5 * 60_000;
export const MAX_EXPORT_MS = 24 * 3600_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms → "2026-11-22T02:10:05" in local time (seconds kept, milliseconds dropped). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2026-11-22T02:10" or "…:05" in local time → epoch ms; undefined when it is not such a time. */
export function fromLocalInput(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, m[6] === undefined ? 0 : Number(m[6]));
  return date.getMonth() === mo - 1 && date.getDate() === d ? date.getTime() : undefined;
}

/** The tile menu's range: the last 5 minutes, whole seconds. */
export function lastMinutes(nowMs: number, spanMs = DEFAULT_EXPORT_MS): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / 1000) * 1000;
  return { fromMs: toMs - spanMs, toMs };
}

/** Why a range cannot be exported, in words; undefined when it can. */
export function rangeProblem(fromMs: number | undefined, toMs: number | undefined, nowMs: number): string | undefined {
  if (fromMs === undefined) return 'Give a start time.';
  if (toMs === undefined) return 'Give an end time.';
  if (toMs <= fromMs) return 'The end must be after the start.';
  if (toMs - fromMs > MAX_EXPORT_MS) return 'An export may cover at most 24 hours.';
  if (fromMs > nowMs) return 'The start is in the future.';
  return undefined;
}

/** A default incident name: "Export 2026-11-22 02h10" (a folder name: no colon; the operator usually renames it). */
export function defaultIncident(fromMs: number): string {
  return `Export ${toLocalInput(fromMs).slice(0, 16).replace('T', ' ').replace(':', 'h')}`;
}

/** Jobs that were not ended in `before` and are now: done, failed or cancelled. */
export function newlyEnded(before: readonly ExportJob[], after: readonly ExportJob[]): ExportJob[] {
  const ended = (j: ExportJob) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled';
  const was = new Map(before.map((j) => [j.id, ended(j)]));
  return after.filter((j) => ended(j) && was.get(j.id) === false);
}

/** "2 min 5 s left", or nothing before there is an estimate. */
export function etaWords(etaS: number | undefined): string {
  if (etaS === undefined) return '';
  if (etaS < 60) return `${Math.round(etaS)} s left`;
  return `${Math.floor(etaS / 60)} min ${Math.round(etaS % 60)} s left`;
}
