/**
 * Tour scheduler with a fake clock. A tour is driven the way use-tour drives it: wake at
 * `nextWakeAt`, `tick`, collect the events. Timelines are drawn as "t=<ms> <event>" lines.
 *
 *   tour abc:  step 0 "a" 3000 ms | step 1 "b" 5000 ms | step 2 "c" 2000 ms   (cycle 10 s)
 */
import { describe, expect, it } from 'vitest';
import type { Tour } from '../../../preload/contract/index.js';
import {
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
} from '../../../renderer/src/domain/tour-scheduler.js';

const options: TourOptions = { idleResumeMs: 30_000, preloadMs: 2_000 };
const abc: Tour = {
  id: 'abc',
  name: 'ABC',
  steps: [
    { layoutId: 'a', dwellMs: 3000 },
    { layoutId: 'b', dwellMs: 5000 },
    { layoutId: 'c', dwellMs: 2000 },
  ],
};
const T0 = 1_000_000;

function line(at: number, e: TourEvent): string {
  const t = `t=${at - T0}`;
  if (e.type === 'step') return `${t} step ${e.stepIndex} ${e.layoutId} (${e.cause})`;
  if (e.type === 'preload') return `${t} preload ${e.stepIndex} ${e.layoutId}`;
  return `${t} stopped (${e.reason})`;
}

/**
 * Simulates use-tour's timer from `from` on: wakes exactly at each nextWakeAt (at once when that
 * is already past) up to `until`, logging events.
 */
function runUntil(start: TourState, from: number, until: number, log: string[]): TourState {
  let state = start;
  let clock = from;
  for (let guard = 0; guard < 1000; guard += 1) {
    const due = nextWakeAt(state, options);
    if (due === null || due > until) return state;
    const wake = Math.max(due, clock);
    clock = wake;
    const result = tick(state, wake, options);
    for (const e of result.events) log.push(line(wake, e));
    state = result.state;
  }
  throw new Error('runaway');
}

function apply(t: Transition, at: number, log: string[]): TourState {
  for (const e of t.events) log.push(line(at, e));
  return t.state;
}

describe('tour scheduler: switching on time', () => {
  it('switches at the exact dwell boundaries and preloads 2 s before each, wrapping around', () => {
    const log: string[] = [];
    const state = apply(startTour(abc, T0), T0, log);
    runUntil(state, T0, T0 + 10_000, log);
    expect(log).toEqual([
      't=0 step 0 a (start)',
      't=1000 preload 1 b',
      't=3000 step 1 b (timer)',
      't=6000 preload 2 c',
      't=8000 step 2 c (timer)',
      't=8000 preload 0 a', // step c dwells 2 s: its preload window opens at once
      't=10000 step 0 a (timer)',
    ]);
  });

  it('does not switch 1 ms early, and a late timer does not make the tour drift', () => {
    let state = startTour(abc, T0).state;
    expect(tick(state, T0 + 2999, options).events.filter((e) => e.type === 'step')).toEqual([]);
    // The timer fires 400 ms late: the switch happens now, but step 1 still ends at 3000 + 5000.
    state = tick(state, T0 + 3400, options).state;
    expect(state.stepIndex).toBe(1);
    expect(state.dueAt - T0).toBe(8000);
    expect(remainingMs(state, T0 + 3400)).toBe(4600);
  });

  it('a very late tick (suspended machine) announces only the step to show, skipping whole cycles', () => {
    const state = startTour(abc, T0).state;
    const { state: after, events } = tick(state, T0 + 10_000 * 50 + 4000, options); // 50 cycles + 4 s → step 1
    expect(events.filter((e) => e.type === 'step')).toEqual([{ type: 'step', stepIndex: 1, layoutId: 'b', cause: 'timer' }]);
    expect(after.dueAt - T0).toBe(10_000 * 50 + 8000);
  });

  it('a single-step tour never switches nor preloads, it just keeps dwelling', () => {
    const one: Tour = { id: 'one', name: 'One', steps: [{ layoutId: 'a', dwellMs: 1000 }] };
    const log: string[] = [];
    let state = apply(startTour(one, T0), T0, log);
    state = runUntil(state, T0, T0 + 5000, log);
    expect(log).toEqual(['t=0 step 0 a (start)']);
    expect(state.dueAt - T0).toBe(6000);
    expect(nextStep(state, T0 + 5500).state.stepIndex).toBe(0);
    expect(previousStep(state, T0 + 5500).state.stepIndex).toBe(0);
  });

  it('a two-step tour on the same layout twice switches steps (the layout stays)', () => {
    const twice: Tour = { id: 'tw', name: 'Twice', steps: [{ layoutId: 'a', dwellMs: 1000 }, { layoutId: 'a', dwellMs: 1000 }] };
    const log: string[] = [];
    runUntil(apply(startTour(twice, T0), T0, log), T0, T0 + 1000, log);
    expect(log).toEqual(['t=0 step 0 a (start)', 't=0 preload 1 a', 't=1000 step 1 a (timer)', 't=1000 preload 0 a']);
  });
});

describe('tour scheduler: pause, resume, next, previous, stop', () => {
  it('pause keeps the dwell left; resume switches that much later', () => {
    const log: string[] = [];
    let state = apply(startTour(abc, T0), T0, log);
    state = pauseTour(state, T0 + 1200).state;
    expect(state.mode).toBe('paused');
    expect(nextWakeAt(state, options)).toBeNull();
    expect(tick(state, T0 + 60_000, options).events).toEqual([]);
    expect(remainingMs(state, T0 + 60_000)).toBe(1800);
    state = resumeTour(state, T0 + 60_000).state;
    runUntil(state, T0 + 60_000, T0 + 61_800, log);
    expect(log).toEqual(['t=0 step 0 a (start)', 't=60000 preload 1 b', 't=61800 step 1 b (timer)']);
  });

  it('pausing inside the preload window withdraws the preload, and it is announced again after resume', () => {
    let state = startTour(abc, T0).state;
    state = tick(state, T0 + 1500, options).state;
    expect(state.preloaded).toBe(1);
    state = pauseTour(state, T0 + 2000).state;
    expect(state.preloaded).toBeNull();
    const events = tick(resumeTour(state, T0 + 9000).state, T0 + 9000, options).events;
    expect(events).toEqual([{ type: 'preload', stepIndex: 1, layoutId: 'b' }]);
  });

  it('next and previous wrap, give the full dwell, and keep a paused tour paused', () => {
    let state = startTour(abc, T0).state;
    const seen: string[] = [];
    for (const move of [previousStep, previousStep, nextStep, nextStep, nextStep]) {
      const t = move(state, T0 + 500);
      state = t.state;
      seen.push(t.events.map((e) => (e.type === 'step' ? `${e.stepIndex}${e.layoutId}` : e.type)).join());
    }
    expect(seen).toEqual(['2c', '1b', '2c', '0a', '1b']);
    expect(state.dueAt - T0).toBe(500 + 5000);
    state = pauseTour(state, T0 + 700).state;
    state = nextStep(state, T0 + 800).state;
    expect([state.mode, state.stepIndex, remainingMs(state, T0 + 5000)]).toEqual(['paused', 2, 2000]);
  });

  it('stop ends the tour; a stopped tour ignores every control', () => {
    const { state, events } = stopTour(startTour(abc, T0).state);
    expect(events).toEqual([{ type: 'stopped', reason: 'stop' }]);
    expect(state).toEqual(stoppedTour);
    for (const f of [pauseTour, resumeTour, nextStep, previousStep, interaction]) expect(f(state, T0).events).toEqual([]);
    expect(tourPosition(state)).toBeNull();
  });

  it('the persisted position follows running and paused, never the interaction hold', () => {
    let state = nextStep(startTour(abc, T0).state, T0).state;
    expect(tourPosition(state)).toEqual({ tourId: 'abc', stepIndex: 1, running: true });
    expect(tourPosition(interaction(state, T0 + 10).state)).toEqual({ tourId: 'abc', stepIndex: 1, running: true });
    state = pauseTour(state, T0 + 20).state;
    expect(tourPosition(state)).toEqual({ tourId: 'abc', stepIndex: 1, running: false });
  });
});

describe('tour scheduler: operator interaction', () => {
  it('holds the tour while the operator interacts and resumes 30 s after the last interaction with the dwell left', () => {
    const log: string[] = [];
    let state = apply(startTour(abc, T0), T0, log);
    state = interaction(state, T0 + 500).state; // 2500 ms of step 0 left
    expect(isHeld(state)).toBe(true);
    state = runUntil(state, T0 + 500, T0 + 20_000, log);
    state = interaction(state, T0 + 20_000).state; // extends the hold: resume at 50 000
    expect(nextWakeAt(state, options)).toBe(T0 + 50_000);
    expect(tick(state, T0 + 49_999, options).state).toBe(state);
    runUntil(state, T0 + 20_000, T0 + 52_500, log);
    expect(log).toEqual(['t=0 step 0 a (start)', 't=50500 preload 1 b', 't=52500 step 1 b (timer)']);
  });

  it('a late tick after the idle time counts the dwell left from the resume moment, not the tick', () => {
    let state = interaction(startTour(abc, T0).state, T0 + 1000).state; // 2000 left, resumes at 31 000
    state = tick(state, T0 + 32_500, options).state; // 1.5 s late: the step was due at 33 000, still is
    expect(state.stepIndex).toBe(0);
    expect(state.dueAt - T0).toBe(33_000);
    expect(isHeld(state)).toBe(false);
  });

  it('the idle time is configurable (a 2 s idle resume)', () => {
    const quick = { ...options, idleResumeMs: 2000 };
    const state = interaction(startTour(abc, T0).state, T0 + 1000).state;
    expect(nextWakeAt(state, quick)).toBe(T0 + 3000);
    expect(tick(state, T0 + 3000, quick).state.dueAt - T0).toBe(5000);
  });

  it('interaction does not touch a paused tour; Resume and Next end a hold at once', () => {
    const paused = pauseTour(startTour(abc, T0).state, T0 + 100).state;
    expect(interaction(paused, T0 + 200).state).toBe(paused);
    const held = interaction(startTour(abc, T0).state, T0 + 1000).state;
    const resumed = resumeTour(held, T0 + 5000).state;
    expect([isHeld(resumed), resumed.dueAt - T0]).toEqual([false, 7000]);
    const moved = nextStep(held, T0 + 5000).state;
    expect([isHeld(moved), moved.stepIndex, moved.dueAt - T0]).toEqual([false, 1, 10_000]);
  });

  it('an interaction inside the preload window withdraws the preload', () => {
    let state = tick(startTour(abc, T0).state, T0 + 2000, options).state;
    expect(state.preloaded).toBe(1);
    state = interaction(state, T0 + 2500).state;
    expect(state.preloaded).toBeNull();
  });
});

describe('tour scheduler: restore and edits', () => {
  it('a restored running tour resumes at its step with a full dwell', () => {
    const log: string[] = [];
    const state = apply(restoreTour({ tourId: 'abc', stepIndex: 1, running: true }, abc, T0), T0, log);
    runUntil(state, T0, T0 + 5000, log);
    expect(log).toEqual(['t=0 step 1 b (restore)', 't=3000 preload 2 c', 't=5000 step 2 c (timer)', 't=5000 preload 0 a']);
  });

  it('a restored paused tour shows its step and stays paused with a full dwell', () => {
    const { state, events } = restoreTour({ tourId: 'abc', stepIndex: 2, running: false }, abc, T0);
    expect(events).toEqual([{ type: 'step', stepIndex: 2, layoutId: 'c', cause: 'restore' }]);
    expect([state.mode, remainingMs(state, T0 + 99_000)]).toEqual(['paused', 2000]);
  });

  it('restoring a step out of range starts at step 0; a missing or other tour restores nothing', () => {
    expect(restoreTour({ tourId: 'abc', stepIndex: 7, running: true }, abc, T0).state.stepIndex).toBe(0);
    expect(restoreTour({ tourId: 'abc', stepIndex: 0, running: true }, undefined, T0)).toEqual({ state: stoppedTour, events: [] });
    expect(restoreTour({ tourId: 'xyz', stepIndex: 0, running: true }, abc, T0).state).toEqual(stoppedTour);
    expect(restoreTour(undefined, abc, T0).state).toEqual(stoppedTour);
    expect(startTour(abc, T0, 9).state.stepIndex).toBe(0);
  });

  it('a tour deleted while running stops', () => {
    expect(tourEdited(startTour(abc, T0).state, undefined, T0 + 10).events).toEqual([{ type: 'stopped', reason: 'deleted' }]);
  });

  it('steps removed under the current step → step 0, full dwell', () => {
    const state = nextStep(nextStep(startTour(abc, T0).state, T0).state, T0).state; // step 2
    const shorter: Tour = { ...abc, steps: abc.steps.slice(0, 2) };
    const { state: after, events } = tourEdited(state, shorter, T0 + 500);
    expect(events).toEqual([{ type: 'step', stepIndex: 0, layoutId: 'a', cause: 'edit' }]);
    expect(after.dueAt - T0).toBe(3500);
  });

  it('the current step now shows another layout → that layout at once, full dwell', () => {
    const state = startTour(abc, T0).state;
    const swapped: Tour = { ...abc, steps: [abc.steps[1]!, abc.steps[0]!, abc.steps[2]!] };
    const { state: after, events } = tourEdited(state, swapped, T0 + 1000);
    expect(events).toEqual([{ type: 'step', stepIndex: 0, layoutId: 'b', cause: 'edit' }]);
    expect(after.dueAt - T0).toBe(6000);
  });

  it('the same layout with a new dwell keeps its time, cut to the new dwell; a paused tour stays paused', () => {
    const longer: Tour = { ...abc, steps: [{ layoutId: 'a', dwellMs: 60_000 }, ...abc.steps.slice(1)] };
    const shorter: Tour = { ...abc, steps: [{ layoutId: 'a', dwellMs: 1000 }, ...abc.steps.slice(1)] };
    const running = startTour(abc, T0).state;
    expect(tourEdited(running, longer, T0 + 1000).state.dueAt - T0).toBe(3000);
    expect(tourEdited(running, shorter, T0 + 1000).state.dueAt - T0).toBe(2000);
    const paused = pauseTour(running, T0 + 500).state;
    const edited = tourEdited(paused, shorter, T0 + 700).state;
    expect([edited.mode, remainingMs(edited, T0 + 9000), edited.tour]).toEqual(['paused', 1000, shorter]);
    expect(tourEdited(running, structuredClone(abc), T0 + 1).state).toBe(running);
  });
});
