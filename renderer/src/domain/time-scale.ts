/**
 * The timeline's scale: which span of wall time the strip shows, how it zooms and pans, and its
 * ticks, labelled in a time zone (the operator's, UTC, or a site's own fixed offset, as exacq
 * sites report one). Pure: times are epoch ms, positions CSS px from the strip's left edge.
 */

/** The visible window: `spanMs` of wall time from `startMs` over `widthPx` pixels. */
export interface TimeScale {
  startMs: number;
  spanMs: number;
  widthPx: number;
}

/** Zoom limits (the issue: 1 minute – 7 days). */
export const minSpanMs = 60_000;
export const maxSpanMs = 7 * 24 * 3600_000;
/** The strip may show this fraction of its span past "now" (room for the playhead at live). */
const futureRoom = 0.1;

/** How ticks are labelled: the operator's zone (IANA name), UTC, or a fixed offset (a site's own). */
export type TimeZoneSpec = { kind: 'utc' } | { kind: 'zone'; name: string } | { kind: 'fixed'; offsetMin: number; label: string };

export function xOf(scale: TimeScale, atMs: number): number {
  return ((atMs - scale.startMs) / scale.spanMs) * scale.widthPx;
}

export function timeAt(scale: TimeScale, xPx: number): number {
  return scale.startMs + (xPx / scale.widthPx) * scale.spanMs;
}

/** Keeps the span within the zoom limits and the window from running far into the future. */
export function clampScale(scale: TimeScale, nowMs: number): TimeScale {
  const spanMs = Math.min(maxSpanMs, Math.max(minSpanMs, scale.spanMs));
  const latestStart = nowMs + spanMs * futureRoom - spanMs;
  return { ...scale, spanMs, startMs: Math.min(scale.startMs, latestStart) };
}

/** Zooms by `factor` (> 1 zooms in) keeping `anchorMs` (the pointer, or the playhead) where it is on screen. */
export function zoomScale(scale: TimeScale, factor: number, anchorMs: number, nowMs: number): TimeScale {
  const spanMs = Math.min(maxSpanMs, Math.max(minSpanMs, scale.spanMs / factor));
  const ratio = (anchorMs - scale.startMs) / scale.spanMs;
  return clampScale({ ...scale, spanMs, startMs: anchorMs - ratio * spanMs }, nowMs);
}

/** Pans by a drag of `dxPx` (positive: the strip moves right, showing earlier times). */
export function panScale(scale: TimeScale, dxPx: number, nowMs: number): TimeScale {
  return clampScale({ ...scale, startMs: scale.startMs - (dxPx / scale.widthPx) * scale.spanMs }, nowMs);
}

/** The window of `spanMs` that shows `atMs` at `ratio` of the width (0.5: centred). */
export function centreOn(scale: TimeScale, atMs: number, nowMs: number, ratio = 0.5): TimeScale {
  return clampScale({ ...scale, startMs: atMs - ratio * scale.spanMs }, nowMs);
}

/** Offset of the zone from UTC at `atMs`, ms (local = UTC + offset). */
export function zoneOffsetMs(zone: TimeZoneSpec, atMs: number): number {
  if (zone.kind === 'utc') return 0;
  if (zone.kind === 'fixed') return zone.offsetMin * 60_000;
  const parts = zoneFormatter(zone.name).formatToParts(new Date(atMs));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  // hourCycle h23 gives 0–23; the date parts read as UTC give the wall clock of the zone.
  const local = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return local - Math.floor(atMs / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function zoneFormatter(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(name, f);
  }
  return f;
}

/** The wall clock of the zone at `atMs`, as UTC fields of a Date (read with getUTC*). */
function localDate(zone: TimeZoneSpec, atMs: number): Date {
  return new Date(atMs + zoneOffsetMs(zone, atMs));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "02:14:03" in the zone. */
export function clockText(zone: TimeZoneSpec, atMs: number): string {
  const d = localDate(zone, atMs);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "Mon 7 Dec 2026, 02:14:03.250 UTC": the playhead's value text and the tile's time. */
export function fullText(zone: TimeZoneSpec, atMs: number, withMs = false): string {
  const d = localDate(zone, atMs);
  const ms = withMs ? `.${pad(d.getUTCMilliseconds(), 3)}` : '';
  return `${weekdays[d.getUTCDay()]} ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${clockText(zone, atMs)}${ms} ${zoneLabel(zone, atMs)}`;
}

/** "2026-12-07 02:14:03" in the zone: what "Go to date/time" shows and reads back. */
export function inputText(zone: TimeZoneSpec, atMs: number): string {
  const d = localDate(zone, atMs);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clockText(zone, atMs)}`;
}

/** "UTC−04:00": an offset in minutes as the timeline writes it (the minus sign, not a hyphen). */
export function offsetText(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes < 0 ? '−' : '+';
  return `UTC${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** A site's own fixed offset (exacqVision reports one) as a zone: "Site time (UTC−04:00)". */
export function siteZone(offsetMin: number): TimeZoneSpec {
  return { kind: 'fixed', offsetMin, label: `Site time (${offsetText(offsetMin)})` };
}

/** Which zone the timeline labels times in: this computer's, UTC, or the focused camera's site's. */
export type ZoneChoice = 'operator' | 'utc' | 'site';

/**
 * The U key: this computer → UTC → the site's time (only where the focused camera's site reports
 * an offset) → this computer.
 */
export function nextZoneChoice(choice: ZoneChoice, siteKnown: boolean): ZoneChoice {
  if (choice === 'operator') return 'utc';
  if (choice === 'utc' && siteKnown) return 'site';
  return 'operator';
}

/** "UTC", "UTC+05:30" (a fixed offset names itself), or the offset of the operator's zone then. */
export function zoneLabel(zone: TimeZoneSpec, atMs: number): string {
  if (zone.kind === 'utc') return 'UTC';
  if (zone.kind === 'fixed') return zone.label;
  return offsetText(Math.round(zoneOffsetMs(zone, atMs) / 60_000));
}

export interface Tick {
  atMs: number;
  label: string;
  /** Midnight in the zone: drawn taller and labelled with the date. */
  major: boolean;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
/** Tick intervals the strip may use, ms: round numbers an operator reads at a glance. */
export const tickSteps = [second, 2 * second, 5 * second, 10 * second, 15 * second, 30 * second, minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute, hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour, day] as const;

/** The smallest step whose ticks are at least `minGapPx` apart. */
export function tickStep(scale: TimeScale, minGapPx = 70): number {
  const msPerPx = scale.spanMs / scale.widthPx;
  return tickSteps.find((step) => step / msPerPx >= minGapPx) ?? day;
}

/**
 * The ticks inside the window, on round times of the zone's wall clock (02:00 local, not
 * 02:00 UTC), one per step of real time, so the hour the clocks go back shows twice.
 */
export function ticks(scale: TimeScale, zone: TimeZoneSpec, minGapPx = 70): Tick[] {
  const step = tickStep(scale, minGapPx);
  const endMs = scale.startMs + scale.spanMs;
  const out: Tick[] = [];
  const snap = (atMs: number): number => {
    const offset = zoneOffsetMs(zone, atMs);
    return Math.round((atMs + offset) / step) * step - offset;
  };
  let atMs = snap(scale.startMs);
  if (atMs < scale.startMs) atMs = snap(atMs + step);
  // Bounded: at most widthPx / minGapPx + 2 ticks fit; the guard stops a bad input from spinning.
  for (let guard = 0; guard < 2000 && atMs < endMs; guard += 1) {
    const d = localDate(zone, atMs);
    const major = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
    out.push({ atMs, major, label: major || step >= day ? `${weekdays[d.getUTCDay()]} ${d.getUTCDate()} ${months[d.getUTCMonth()]}` : step < minute ? clockText(zone, atMs) : clockText(zone, atMs).slice(0, 5) });
    // Step in real time, then snap to the zone's round time again: an hour after 02:00 summer
    // time is 02:00 winter time on the night the clocks go back, and a day is 23 or 25 hours.
    const next = snap(atMs + step);
    atMs = next > atMs ? next : atMs + step;
  }
  return out;
}

/**
 * Reads "2026-12-07 02:14", "2026-12-07T02:14:03", "02:14" (today) or "-10m"/"-2h"/"-1d"
 * (before now) in the zone; undefined when it is none of these.
 */
export function parseTimeInput(text: string, zone: TimeZoneSpec, nowMs: number): number | undefined {
  const t = text.trim();
  const relative = /^-(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i.exec(t);
  if (relative) {
    const unit = { s: second, m: minute, h: hour, d: day }[relative[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
    return nowMs - Number(relative[1]) * unit;
  }
  const full = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  let fields: number[];
  if (full) fields = [Number(full[1]), Number(full[2]) - 1, Number(full[3]), Number(full[4] ?? 0), Number(full[5] ?? 0), Number(full[6] ?? 0)];
  else if (clock) {
    const today = localDate(zone, nowMs);
    fields = [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
  } else return undefined;
  const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
  if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const local = Date.UTC(y, mo, d, h, mi, s);
  // Two passes: the offset at the guess, then at the answer (right across a DST change).
  const guess = local - zoneOffsetMs(zone, local);
  return local - zoneOffsetMs(zone, guess);
}
