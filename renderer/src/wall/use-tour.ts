/**
 * Runs the layout tour of one display: the only place with tour timers. It feeds the pure
 * scheduler (domain/tour-scheduler.ts) the clock, the operator's interactions and tour edits, and
 * applies what comes out:
 * - a step → `wall.setDisplay({ layoutId, tour: position })`; main persists both, so a reload or
 *   restart resumes the same step;
 * - a preload → the next layout's cameras are opened (sub-stream) ~2 s early and closed right
 *   after the switch: main's broker keeps an upstream ~5 s after its last viewer and caches its
 *   GOP, so the new tiles start at once from it;
 * - one timeout to the scheduler's next due moment (never polling), plus a display clock that
 *   wakes when the shown seconds change.
 *
 * Unsaved layout edits (display.draft) win over the tour: the wall draws the draft instead of the
 * saved layout, and a tour switching layouts underneath would hide the operator's work or make it
 * look lost. So a tour does not start while a draft exists ("save or discard first"), and a draft
 * appearing while a tour runs pauses it.
 */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import { defaultSettings, type Layout, type Tour } from '../../../preload/contract/index.js';
import { tessera } from '../bridge/index.js';
import {
  defaultTourOptions,
  interaction,
  isHeld,
  nextStep,
  nextWakeAt,
  pauseTour,
  previousStep,
  remainingMs,
  restoreTour,
  resumeTour,
  startTour,
  stopTour,
  stoppedTour,
  tick,
  tourEdited,
  tourPosition,
  type TourEvent,
  type TourOptions,
  type TourState,
  type Transition,
} from '../domain/tour-scheduler.js';
import { useAppStore } from '../stores/app.js';
import { useCamerasStore } from '../stores/cameras.js';
import { useWallStore } from '../stores/wall.js';

/** Marks the tour's own controls and editor: pointer and keys there are not "the operator working on the wall". */
export const tourControlAttribute = 'data-tour-control';

const now = (): number => performance.now();

export const draftRefusal = 'This display has unsaved layout changes. Save or discard them first: a tour replaces the layout on screen.';
const draftPause = 'Tour paused: this display has unsaved layout changes. Save or discard them, then resume.';

export function useTour(displayId: Ref<string>) {
  const wall = useWallStore();
  const cameras = useCamerasStore();
  const app = useAppStore();
  const state = shallowRef<TourState>(stoppedTour);
  const message = ref<string | null>(null);
  /** Clock for what the controls show (seconds left); the scheduler never reads it. */
  const shownAt = ref(now());
  // The idle time is a setting main keeps (settings.tourIdleResumeSeconds), edited in the tour editor.
  const idleSeconds = computed(() => app.settings?.tourIdleResumeSeconds ?? defaultSettings.tourIdleResumeSeconds);
  const options = computed<TourOptions>(() => ({ ...defaultTourOptions, idleResumeMs: idleSeconds.value * 1000 }));

  const display = computed(() => wall.document?.displays[displayId.value] ?? { layoutId: null });
  const hasDraft = computed(() => display.value.draft !== undefined);
  const layoutName = (layoutId: string): string => wall.layouts.find((l) => l.id === layoutId)?.name ?? layoutId;

  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let displayTimer: ReturnType<typeof setTimeout> | undefined;

  // ---- prefetching the next step's streams ----
  let prefetched: Promise<string | null>[] = [];

  function camerasOf(layout: Layout | null | undefined): Set<string> {
    // A carousel tile starts with its first camera.
    return new Set((layout?.cells ?? []).flatMap((c) => c.cameraIds.slice(0, 1)));
  }

  function prefetch(layoutId: string): void {
    releasePrefetch();
    const onScreen = camerasOf(wall.layouts.find((l) => l.id === display.value.layoutId));
    for (const cameraId of camerasOf(wall.layouts.find((l) => l.id === layoutId))) {
      if (onScreen.has(cameraId)) continue;
      const camera = cameras.cameras.find((c) => c.id === cameraId);
      // The sub-stream is what a tile of a multi-tile grid plays; cameras without one have only main.
      const profile = camera && !camera.profiles.some((p) => p.name === 'sub') ? 'main' : 'sub';
      prefetched.push(tessera.media.open({ cameraId, profile }).then((r) => (r.ok ? r.value.streamId : null)));
    }
  }

  function releasePrefetch(): void {
    const streams = prefetched;
    prefetched = [];
    for (const stream of streams) {
      void stream.then((streamId) => {
        if (streamId) void tessera.media.close({ streamId });
      });
    }
  }

  // ---- applying the scheduler's output ----
  async function applyStep(event: Extract<TourEvent, { type: 'step' }>): Promise<void> {
    const position = tourPosition(state.value);
    // Never under unsaved edits (a restore or a tour edit can still name a step then): the draft stays on screen.
    const patch = display.value.layoutId === event.layoutId || hasDraft.value ? {} : { layoutId: event.layoutId };
    if (Object.keys(patch).length > 0 || !samePosition(position)) await wall.setDisplay({ displayId: displayId.value, ...patch, tour: position });
    // The new tiles have asked for their streams by now (or will within the broker's linger).
    if (state.value.preloaded === null) releasePrefetch();
  }

  function samePosition(position: ReturnType<typeof tourPosition>): boolean {
    return JSON.stringify(position ?? undefined) === JSON.stringify(display.value.tour);
  }

  function persistPosition(): void {
    const position = tourPosition(state.value);
    if (!samePosition(position)) void wall.setDisplay({ displayId: displayId.value, tour: position });
  }

  function run(transition: Transition): void {
    state.value = transition.state;
    let stepped = false;
    for (const event of transition.events) {
      if (event.type === 'step') {
        stepped = true;
        void applyStep(event);
      } else if (event.type === 'preload') prefetch(event.layoutId);
      else if (event.reason === 'deleted') message.value = 'The tour was deleted.';
    }
    if (!stepped) persistPosition();
    if (transition.state.preloaded === null && !stepped) releasePrefetch();
    schedule();
  }

  function schedule(): void {
    clearTimeout(wakeTimer);
    const at = nextWakeAt(state.value, options.value);
    if (at !== null) wakeTimer = setTimeout(() => run(tick(state.value, now(), options.value)), Math.max(0, at - now()));
    refreshDisplay();
  }

  /** Wakes the display clock when the whole seconds shown change, not on a fixed period. */
  function refreshDisplay(): void {
    clearTimeout(displayTimer);
    shownAt.value = now();
    // Paused and held tours show no countdown; the end of a hold comes through `schedule`.
    if (state.value.mode !== 'running' || isHeld(state.value)) return;
    const left = remainingMs(state.value, shownAt.value);
    displayTimer = setTimeout(refreshDisplay, (left % 1000 || 1000) + 5);
  }

  // ---- operator controls ----
  function start(tour: Tour): boolean {
    if (hasDraft.value) {
      message.value = draftRefusal;
      return false;
    }
    message.value = null;
    run(startTour(tour, now()));
    return true;
  }
  function pause(): void {
    run(pauseTour(state.value, now()));
  }
  function resume(): void {
    if (hasDraft.value) {
      message.value = draftPause;
      return;
    }
    message.value = null;
    run(resumeTour(state.value, now()));
  }
  /** T: start the chosen tour, pause a running one, resume a paused or held one. */
  function toggle(chosen: Tour | undefined): void {
    if (state.value.mode === 'stopped') {
      if (chosen) start(chosen);
    } else if (state.value.mode === 'running' && !isHeld(state.value)) pause();
    else resume();
  }
  function next(): void {
    if (!refuseWhileDraft()) run(nextStep(state.value, now()));
  }
  function previous(): void {
    if (!refuseWhileDraft()) run(previousStep(state.value, now()));
  }
  function refuseWhileDraft(): boolean {
    if (hasDraft.value && state.value.mode !== 'stopped') message.value = draftPause;
    return hasDraft.value;
  }
  function stop(): void {
    message.value = null;
    run(stopTour(state.value));
  }

  // ---- the outside world ----
  function onInteraction(event: Event): void {
    if (state.value.mode !== 'running') return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(`[${tourControlAttribute}]`)) return;
    if (event instanceof KeyboardEvent && isTourShortcut(event)) return;
    run(interaction(state.value, now()));
  }

  // Restore once the wall document is known (page load, reload, restart).
  let restored = false;
  watch(
    () => wall.document,
    (doc) => {
      if (!doc || restored) return;
      restored = true;
      const position = display.value.tour;
      run(restoreTour(position, wall.tours.find((t) => t.id === position?.tourId), now()));
      if (state.value.mode === 'running' && hasDraft.value) {
        message.value = draftPause;
        pause();
      }
    },
    { immediate: true },
  );

  // Tour edits (steps changed, tour deleted) while this display runs it.
  watch(
    () => wall.tours,
    (tours) => {
      const current = state.value.tour;
      if (current) run(tourEdited(state.value, tours.find((t) => t.id === current.id), now()));
    },
  );

  // The operator started editing the layout on screen: the tour gives way.
  watch(hasDraft, (draft) => {
    if (draft && state.value.mode === 'running') {
      message.value = draftPause;
      pause();
    }
  });

  // A new idle time applies to the hold under way.
  watch(options, schedule);

  const events = ['pointerdown', 'wheel', 'keydown'] as const;
  onMounted(() => {
    for (const type of events) window.addEventListener(type, onInteraction, { capture: true, passive: true });
  });
  onBeforeUnmount(() => {
    for (const type of events) window.removeEventListener(type, onInteraction, { capture: true });
    clearTimeout(wakeTimer);
    clearTimeout(displayTimer);
    releasePrefetch();
  });

  const tour = computed(() => state.value.tour);
  const step = computed(() => state.value.tour?.steps[state.value.stepIndex]);
  return {
    state,
    tour,
    message,
    held: computed(() => isHeld(state.value)),
    /** "Step 2 of 3 · Lobby" */
    stepText: computed(() => (tour.value && step.value ? `Step ${state.value.stepIndex + 1} of ${tour.value.steps.length} · ${layoutName(step.value.layoutId)}` : '')),
    secondsLeft: computed(() => Math.ceil(remainingMs(state.value, shownAt.value) / 1000)),
    idleResumeSeconds: idleSeconds,
    start,
    pause,
    resume,
    toggle,
    next,
    previous,
    stop,
  };
}

/** Typing in a field or working in a dialog: single-letter shortcuts must not fire there. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog') !== null;
}

/** The tour's own keys (T, [, ]) pressed outside fields and dialogs, without modifiers. */
export function isTourShortcut(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return false;
  return event.key === 't' || event.key === 'T' || event.key === '[' || event.key === ']';
}
