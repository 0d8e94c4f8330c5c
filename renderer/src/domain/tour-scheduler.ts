/**
 * The layout-tour scheduler of one display, pure: plain state in, plain state and events out, the
 * time always passed in as `now` (ms). No timers, no Vue, no I/O — the composable
 * (renderer/src/wall/use-tour.ts) sets one timeout to `nextWakeAt`, calls `tick`, and applies the
 * events (show a layout, open the next step's streams early, persist the position).
 *
 * Three kinds of stillness, kept apart on purpose:
 * - `mode: 'paused'`: the operator pressed Pause. Persisted (`running: false`), stays paused.
 * - `heldSince`: the tour runs, but the operator is working on the wall (pointer, wheel, keys),
 *   so it holds and resumes `idleResumeMs` after the last interaction. Not persisted: a restart
 *   is not an interaction.
 * - `mode: 'stopped'`: no tour.
 * Paused and held steps keep the dwell time they had left; a step entered by Next, Previous, a
 * switch or a restore gets its full dwell.
 *
 * Switching is exact: the next due time is the previous due time plus the new step's dwell, not
 * "when the timer fired" plus dwell, so late timers do not make a tour drift.
 */
import type { Tour, TourPosition } from '../../../preload/contract/index.js';

export interface TourOptions {
  /** A held tour resumes this long after the operator's last interaction, ms. */
  idleResumeMs: number;
  /** The next step's layout is announced this long before the switch so its streams can open, ms. */
  preloadMs: number;
}

/** 30 s idle like most VMS clients' tour pause; 2 s covers an RTSP connect plus a 1 s GOP (LAB-NOTES). */
export const defaultTourOptions: TourOptions = { idleResumeMs: 30_000, preloadMs: 2_000 };

export type TourMode = 'stopped' | 'running' | 'paused';

export interface TourState {
  tour: Tour | null;
  stepIndex: number;
  mode: TourMode;
  /** While running: when the current step ends (clock ms). Meaningless while paused or held. */
  dueAt: number;
  /** While paused or held: dwell left of the current step, ms. */
  remainingMs: number;
  /** Running but held by operator interaction since this time (the last interaction), or null. */
  heldSince: number | null;
  /** The step whose layout was announced for preloading (inside the preload window), or null. */
  preloaded: number | null;
}

export type StepCause = 'start' | 'timer' | 'next' | 'previous' | 'restore' | 'edit';

export type TourEvent =
  /** Show this step's layout. */
  | { type: 'step'; stepIndex: number; layoutId: string; cause: StepCause }
  /** Open this upcoming step's streams now; the switch follows in ≤ preloadMs. */
  | { type: 'preload'; stepIndex: number; layoutId: string }
  | { type: 'stopped'; reason: 'stop' | 'deleted' };

export interface Transition {
  state: TourState;
  events: TourEvent[];
}

export const stoppedTour: TourState = { tour: null, stepIndex: 0, mode: 'stopped', dueAt: 0, remainingMs: 0, heldSince: null, preloaded: null };

const unchanged = (state: TourState): Transition => ({ state, events: [] });

function dwellOf(tour: Tour, index: number): number {
  return tour.steps[index]?.dwellMs ?? 0;
}

function stepEvent(tour: Tour, stepIndex: number, cause: StepCause): TourEvent {
  return { type: 'step', stepIndex, layoutId: tour.steps[stepIndex]!.layoutId, cause };
}

/** Enters `stepIndex` with its full dwell, keeping the mode; a hold ends (the operator chose a step). */
function enter(state: TourState, tour: Tour, stepIndex: number, mode: TourMode, now: number, cause: StepCause): Transition {
  const dwell = dwellOf(tour, stepIndex);
  return {
    state: { tour, stepIndex, mode, dueAt: now + dwell, remainingMs: dwell, heldSince: null, preloaded: null },
    events: [stepEvent(tour, stepIndex, cause)],
  };
}

export function isHeld(state: TourState): boolean {
  return state.mode === 'running' && state.heldSince !== null;
}

/** Dwell left of the current step at `now`, ms (0 when stopped). */
export function remainingMs(state: TourState, now: number): number {
  if (state.mode === 'stopped') return 0;
  if (state.mode === 'paused' || isHeld(state)) return state.remainingMs;
  return Math.max(0, state.dueAt - now);
}

/** When a held tour resumes by itself, or null. */
export function resumesAt(state: TourState, options: TourOptions): number | null {
  return isHeld(state) ? state.heldSince! + options.idleResumeMs : null;
}

/** The index after `index`, wrapping. */
export function nextIndex(tour: Tour, index: number): number {
  return (index + 1) % tour.steps.length;
}

/** Starts `tour` at `stepIndex` (0 when out of range), running, full dwell. */
export function startTour(tour: Tour, now: number, stepIndex = 0): Transition {
  const index = stepIndex < tour.steps.length ? stepIndex : 0;
  return enter(stoppedTour, tour, index, 'running', now, 'start');
}

/**
 * Picks up a persisted position (after a restart or reload). The step gets its full dwell: how
 * long the app was away is unknown and irrelevant. A tour gone since, or a step out of range
 * (steps removed), is handled: no tour → stopped; bad step → step 0.
 */
export function restoreTour(position: TourPosition | undefined, tour: Tour | undefined, now: number): Transition {
  if (!position || !tour || tour.id !== position.tourId) return unchanged(stoppedTour);
  const index = position.stepIndex < tour.steps.length ? position.stepIndex : 0;
  return enter(stoppedTour, tour, index, position.running ? 'running' : 'paused', now, 'restore');
}

export function pauseTour(state: TourState, now: number): Transition {
  if (state.mode !== 'running') return unchanged(state);
  return unchanged({ ...state, mode: 'paused', remainingMs: remainingMs(state, now), heldSince: null, preloaded: null });
}

/** Resumes a paused or held tour with the dwell it had left. */
export function resumeTour(state: TourState, now: number): Transition {
  if (state.mode === 'stopped' || (state.mode === 'running' && state.heldSince === null)) return unchanged(state);
  return unchanged({ ...state, mode: 'running', dueAt: now + state.remainingMs, heldSince: null, preloaded: null });
}

export function stopTour(state: TourState): Transition {
  if (state.mode === 'stopped') return unchanged(state);
  return { state: stoppedTour, events: [{ type: 'stopped', reason: 'stop' }] };
}

/** Next step (wrapping), full dwell; a paused tour stays paused, a held one runs again. */
export function nextStep(state: TourState, now: number): Transition {
  if (state.mode === 'stopped' || !state.tour) return unchanged(state);
  return enter(state, state.tour, nextIndex(state.tour, state.stepIndex), state.mode, now, 'next');
}

export function previousStep(state: TourState, now: number): Transition {
  if (state.mode === 'stopped' || !state.tour) return unchanged(state);
  const count = state.tour.steps.length;
  return enter(state, state.tour, (state.stepIndex - 1 + count) % count, state.mode, now, 'previous');
}

/**
 * The operator touched the wall: a running tour holds (keeping its dwell left) until
 * `idleResumeMs` after the last interaction. Paused and stopped tours are unaffected.
 */
export function interaction(state: TourState, now: number): Transition {
  if (state.mode !== 'running') return unchanged(state);
  if (state.heldSince !== null) return unchanged({ ...state, heldSince: Math.max(state.heldSince, now) });
  return unchanged({ ...state, remainingMs: Math.max(0, state.dueAt - now), heldSince: now, preloaded: null });
}

/**
 * Advances the clock to `now`: ends a hold whose idle time is over, switches steps that are due
 * (several at once when the timer came very late; only the last one is announced, it is the one
 * to show), and announces the next step for preloading once inside the preload window.
 */
export function tick(state: TourState, now: number, options: TourOptions): Transition {
  if (state.mode !== 'running' || !state.tour) return unchanged(state);
  const tour = state.tour;
  let next = state;
  const events: TourEvent[] = [];

  const resumeAt = resumesAt(next, options);
  if (resumeAt !== null) {
    if (now < resumeAt) return unchanged(state);
    // The resume happened at resumeAt, not at now: the dwell left counts from there.
    next = { ...next, dueAt: resumeAt + next.remainingMs, heldSince: null };
  }

  if (now >= next.dueAt) {
    let { stepIndex, dueAt } = next;
    const cycleMs = tour.steps.reduce((sum, s) => sum + s.dwellMs, 0);
    // Skip whole cycles missed (a suspended machine) instead of walking through them.
    if (now - dueAt >= cycleMs) dueAt += Math.floor((now - dueAt) / cycleMs) * cycleMs;
    while (now >= dueAt) {
      stepIndex = nextIndex(tour, stepIndex);
      dueAt += dwellOf(tour, stepIndex);
    }
    const moved = stepIndex !== next.stepIndex;
    next = { ...next, stepIndex, dueAt, preloaded: null };
    // A one-step tour (or a full cycle skipped) lands on the layout already shown: nothing to switch.
    if (moved) events.push(stepEvent(tour, stepIndex, 'timer'));
  }

  const upcoming = nextIndex(tour, next.stepIndex);
  if (tour.steps.length > 1 && next.preloaded !== upcoming && now >= next.dueAt - options.preloadMs) {
    next = { ...next, preloaded: upcoming };
    events.push({ type: 'preload', stepIndex: upcoming, layoutId: tour.steps[upcoming]!.layoutId });
  }
  return { state: next, events };
}

/** When `tick` has something to do next (preload, switch, end of a hold), or null for never. */
export function nextWakeAt(state: TourState, options: TourOptions): number | null {
  if (state.mode !== 'running' || !state.tour) return null;
  const resumeAt = resumesAt(state, options);
  if (resumeAt !== null) return resumeAt;
  const upcoming = nextIndex(state.tour, state.stepIndex);
  if (state.tour.steps.length > 1 && state.preloaded !== upcoming) return state.dueAt - options.preloadMs;
  return state.dueAt;
}

/**
 * The tour was edited or deleted while this display runs it. Deleted → stopped. The current step
 * gone (fewer steps) → step 0 with full dwell. The current step now shows another layout → that
 * layout, full dwell. Same layout → the step keeps its time, cut to the new dwell if shorter.
 */
export function tourEdited(state: TourState, tour: Tour | undefined, now: number): Transition {
  if (state.mode === 'stopped' || !state.tour) return unchanged(state);
  if (!tour) return { state: stoppedTour, events: [{ type: 'stopped', reason: 'deleted' }] };
  if (JSON.stringify(tour) === JSON.stringify(state.tour)) return unchanged(state);
  const old = state.tour.steps[state.stepIndex];
  const current = tour.steps[state.stepIndex];
  if (!current) return enter(state, tour, 0, state.mode, now, 'edit');
  if (current.layoutId !== old?.layoutId) return enter(state, tour, state.stepIndex, state.mode, now, 'edit');
  const left = Math.min(remainingMs(state, now), current.dwellMs);
  const timing = state.mode === 'running' && state.heldSince === null ? { dueAt: now + left } : { remainingMs: left };
  return unchanged({ ...state, ...timing, tour, preloaded: null });
}

/** What main persists for this display, or null when no tour runs. A hold is not persisted. */
export function tourPosition(state: TourState): TourPosition | null {
  if (state.mode === 'stopped' || !state.tour) return null;
  return { tourId: state.tour.id, stepIndex: state.stepIndex, running: state.mode === 'running' };
}
