/** How `tessera export` shows progress: a bar on a terminal, JSON lines for scripts. Pure. */

export interface ProgressUpdate {
  progress: number;
  etaS?: number;
  step: string;
}

export function progressBar(u: ProgressUpdate, width = 24): string {
  const fraction = Math.max(0, Math.min(1, u.progress));
  const filled = Math.round(fraction * width);
  const eta = u.etaS === undefined ? '' : `  ${formatEta(u.etaS)} left`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%${eta}  ${u.step}`;
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function progressJson(u: ProgressUpdate): string {
  return JSON.stringify({ progress: Math.round(u.progress * 1000) / 1000, ...(u.etaS === undefined ? {} : { etaS: u.etaS }), step: u.step });
}

/**
 * Whether an update is worth a line: the step changed, or the progress moved by a whole percent
 * (a JSON reader does not want a line per downloaded chunk).
 */
export function worthShowing(previous: ProgressUpdate | undefined, next: ProgressUpdate): boolean {
  return !previous || previous.step !== next.step || Math.floor(next.progress * 100) !== Math.floor(previous.progress * 100);
}

/** An RFC 3339 time as epoch ms, or undefined when it is not one (a date alone is refused: which zone?). */
export function parseTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
