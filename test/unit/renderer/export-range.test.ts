import { describe, expect, it } from 'vitest';
import { incidentSchema, type ExportJob } from '../../../preload/contract/index.js';
import { defaultIncident, etaWords, fromLocalInput, lastMinutes, newlyEnded, rangeProblem, toLocalInput } from '../../../renderer/src/domain/export-range.js';

describe('export dialog times', () => {
  it('round-trips a time to the second through the datetime-local text (local time)', () => {
    const ms = new Date(2026, 10, 22, 2, 10, 5).getTime();
    expect(toLocalInput(ms + 999)).toBe('2026-11-22T02:10:05');
    expect(fromLocalInput('2026-11-22T02:10:05')).toBe(ms);
    expect(fromLocalInput('2026-11-22T02:10')).toBe(ms - 5000);
  });
  it('refuses text that is no time, and dates that do not exist', () => {
    expect(fromLocalInput('yesterday')).toBeUndefined();
    expect(fromLocalInput('2026-02-30T10:00:00')).toBeUndefined();
  });
  it('defaults to the last 5 minutes in whole seconds', () => {
    expect(lastMinutes(1_000_000_123)).toEqual({ fromMs: 1_000_000_000 - 300_000, toMs: 1_000_000_000 });
  });
  it('says what is wrong with a range', () => {
    const now = 10_000_000;
    expect(rangeProblem(1000, 1000, now)).toBe('The end must be after the start.');
    expect(rangeProblem(0, 25 * 3600_000, 100 * 3600_000)).toBe('An export may cover at most 24 hours.');
    expect(rangeProblem(now + 1, now + 2, now)).toBe('The start is in the future.');
    expect(rangeProblem(undefined, 5, now)).toBe('Give a start time.');
    expect(rangeProblem(1000, 2000, now)).toBeUndefined();
  });
  it('names the incident after the start by default, a name main accepts as a folder', () => {
    const name = defaultIncident(new Date(2026, 10, 22, 2, 10, 5).getTime());
    expect(name).toBe('Export 2026-11-22 02h10');
    expect(incidentSchema.safeParse(name).success).toBe(true);
  });
});

describe('export notices', () => {
  const job = (id: string, state: ExportJob['state']) => ({ id, state }) as ExportJob;
  it('reports a job once, when it goes from running to an end; not jobs that were already ended or new', () => {
    expect(newlyEnded([job('a', 'running'), job('b', 'done'), job('c', 'queued')], [job('a', 'done'), job('b', 'done'), job('c', 'failed'), job('d', 'done')]).map((j) => j.id)).toEqual(['a', 'c']);
  });
  it('words the time left', () => {
    expect(etaWords(undefined)).toBe('');
    expect(etaWords(42)).toBe('42 s left');
    expect(etaWords(125)).toBe('2 min 5 s left');
  });
});
