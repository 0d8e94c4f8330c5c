// Waiting for a server export (main/vms/export-wait.ts) on a manual clock: pauses that grow and
// reset on progress, a job with no progress for the stall window given up as "stalled", an abort
// during a pause, and the range checks every vendor shares.
import { describe, expect, it } from 'vitest';
import { checkRange, exportStalled, isExportStalled, percent, waitForExport, type ExportPoll } from '../../../main/vms/export-wait.js';
import { failure } from '../../support/adapter-harness.js';
import { ManualClock } from '../../support/manual-clock.js';

const timing = { firstPollMs: 500, maxPollMs: 2000, stallMs: 10_000 };

/** Lets the awaited poll and the next pause be scheduled. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function run(answers: ExportPoll<string>[], clock: ManualClock, signal = new AbortController().signal) {
  const polledAt: number[] = [];
  const steps: string[] = [];
  const start = clock.now();
  const result = waitForExport({
    signal,
    timing,
    clock,
    poll: async () => {
      polledAt.push(clock.now() - start);
      // The last answer repeats: a server that says the same thing on every poll.
      return (answers.length > 1 ? answers.shift() : answers[0]) ?? { done: false, progress: undefined, step: 'still waiting' };
    },
    onProgress: (fraction, step) => steps.push(`${fraction} ${step}`),
    stalled: (waitedMs, progress) => exportStalled('Depot', 'The server', waitedMs, progress),
  });
  return { result, polledAt, steps };
}

async function advance(clock: ManualClock, ms: number, stepMs = 100): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs);
    await settle();
  }
}

describe('waitForExport', () => {
  it('polls with growing pauses (×1.5 up to the cap) and reports each new step once', async () => {
    const clock = new ManualClock();
    const pending = (p: number): ExportPoll<string> => ({ done: false, progress: p, step: `making (${p * 100} %)` });
    const { result, polledAt, steps } = run([pending(0.1), pending(0.1), pending(0.1), pending(0.1), pending(0.1), { done: true, value: 'the file' }], clock);
    await settle();
    await advance(clock, 8000);
    expect(await result).toBe('the file');
    //            pauses: 500, 750, 1125, 1688, 2000 (cap)
    expect(polledAt).toEqual([0, 500, 1300, 2500, 4200, 6200]);
    expect(steps).toEqual(['0.1 making (10 %)']);
  });

  it('progress restarts the stall window and the short pauses', async () => {
    const clock = new ManualClock();
    const { result, polledAt } = run(
      [
        { done: false, progress: 0.1, step: 'a' },
        { done: false, progress: 0.1, step: 'a' },
        { done: false, progress: 0.1, step: 'a' },
        { done: false, progress: 0.5, step: 'b' },
        { done: true, value: 'ok' },
      ],
      clock,
    );
    await settle();
    await advance(clock, 4000);
    expect(await result).toBe('ok');
    expect(polledAt).toEqual([0, 500, 1300, 2500, 3000]);
  });

  it('no progress for the stall window is a retryable "stalled" timeout naming where it stuck', async () => {
    const clock = new ManualClock();
    const { result, polledAt } = run([{ done: false, progress: 0.42, step: 'making (42 %)' }], clock);
    const caught = failure(result);
    await settle();
    await advance(clock, 12_000);
    const err = await caught;
    expect(isExportStalled(err)).toBe(true);
    expect(err.error).toMatchObject({ code: 'timeout', retryable: true, message: 'Depot: The server made no progress on the clip for 10 s at 42 %; Tessera gave up on this attempt.' });
    // The last pause is cut to the window: the verdict comes at 10 s, not at the next full pause.
    expect(polledAt.at(-1)).toBe(10_000);
  });

  it('an abort during a pause rejects at once with the signal reason, and polls no more', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { result, polledAt } = run([], clock, controller.signal);
    await settle();
    controller.abort(new Error('cancelled by the operator'));
    await expect(result).rejects.toThrow('cancelled by the operator');
    await advance(clock, 5000);
    expect(polledAt).toEqual([0]);
    expect(clock.pending()).toEqual([]);
  });
});

describe('export words and range checks', () => {
  it('percent floors and clamps; an unknown progress says nothing', () => {
    expect(percent(0.429)).toBe(' (42 %)');
    expect(percent(1.2)).toBe(' (100 %)');
    expect(percent(undefined)).toBe('');
  });

  it('minutes for long stalls', () => {
    expect(exportStalled('Depot', 'exacqVision', 180_000, undefined).error.message).toBe('Depot: exacqVision made no progress on the clip for 3 min; Tessera gave up on this attempt.');
  });

  it('refuses a reversed range, one over the limit and one ending in the future', () => {
    const now = 10_000_000;
    expect(() => checkRange('Depot', 2000, 1000, 60_000, now)).toThrow('Depot: an export needs a start before its end (asked 2000–1000).');
    expect(() => checkRange('Depot', 0, 600_001, 600_000, now)).toThrow('Depot: one export from this site covers at most 10 min; the range must be split.');
    expect(() => checkRange('Depot', now - 1000, now + 1, 60_000, now)).toThrow(/has not been recorded yet/);
    expect(() => checkRange('Depot', now - 60_000, now, 60_000, now)).not.toThrow();
  });
});
