/**
 * The timeline's state for this window: live or looking back, where the playhead is and how it
 * moves (mirrored from the recorded wall, wall/use-playback.ts, which acts), the visible
 * window, Sync, UTC labels, and the in/out selection the export dialog takes. Pure UI state:
 * nothing here talks to main.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Period } from '../../../common/time-periods.js';
import { siteZone, type TimeScale, type TimeZoneSpec, type ZoneChoice } from '../domain/time-scale.js';

export type PlayStatus = 'paused' | 'starting' | 'playing';

const hourMs = 3600_000;

export const useTimelineStore = defineStore('timeline', () => {
  const mode = ref<'live' | 'recorded'>('live');
  /** The playhead, epoch ms (now while live). */
  const positionMs = ref(Date.now());
  const status = ref<PlayStatus>('paused');
  const rate = ref(1);
  /** Some tile the timeline moves can play backwards: the reverse speeds are offered. */
  const canReverse = ref(false);
  const sync = ref(true);
  /** Which zone times are labelled in (the site's only while the focused camera's site reports an offset). */
  const zoneChoice = ref<ZoneChoice>('operator');
  /** The focused camera's site offset from UTC, minutes, or null where it reports none (WallView sets it). */
  const siteOffsetMin = ref<number | null>(null);
  /** The visible window; widthPx follows the strip's size. */
  const scale = ref<TimeScale>({ startMs: Date.now() - hourMs, spanMs: hourMs, widthPx: 800 });
  /** An in mark set and no out mark yet. */
  const markIn = ref<number | null>(null);
  const markOut = ref<number | null>(null);

  /** The in/out selection as a period (the export issue uses it), or null without both marks. */
  const selection = computed<Period | null>(() => {
    if (markIn.value === null || markOut.value === null) return null;
    const fromMs = Math.min(markIn.value, markOut.value);
    const toMs = Math.max(markIn.value, markOut.value);
    return toMs > fromMs ? { fromMs, toMs } : null;
  });

  /** "Go to date/time…" is open. */
  const goToOpen = ref(false);
  /** The newest "Export selection…" asked (the export dialog takes it; the lead's wiring). */
  const exportRequest = ref<{ cameraIds: string[]; fromMs: number; toMs: number } | null>(null);

  /** Asks for the export of the selection from these cameras; false without a selection. */
  function requestExport(cameraIds: readonly string[]): boolean {
    const period = selection.value;
    if (!period || cameraIds.length === 0) return false;
    exportRequest.value = { cameraIds: [...cameraIds], fromMs: period.fromMs, toMs: period.toMs };
    return true;
  }

  const operatorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = computed<TimeZoneSpec>(() => {
    if (zoneChoice.value === 'site' && siteOffsetMin.value !== null) return siteZone(siteOffsetMin.value);
    return zoneChoice.value === 'utc' ? { kind: 'utc' } : { kind: 'zone', name: operatorZone };
  });

  function setIn(atMs: number): void {
    markIn.value = Math.round(atMs);
  }
  function setOut(atMs: number): void {
    markOut.value = Math.round(atMs);
  }
  function setSelection(period: Period | null): void {
    markIn.value = period ? Math.round(period.fromMs) : null;
    markOut.value = period ? Math.round(period.toMs) : null;
  }
  function clearSelection(): boolean {
    const had = markIn.value !== null || markOut.value !== null;
    markIn.value = null;
    markOut.value = null;
    return had;
  }

  return { mode, positionMs, status, rate, canReverse, sync, zoneChoice, siteOffsetMin, scale, markIn, markOut, selection, zone, goToOpen, exportRequest, requestExport, setIn, setOut, setSelection, clearSelection };
});
