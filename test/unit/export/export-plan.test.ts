import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../preload/contract/index.js';
import { afterRestart, etaSeconds, exportFileName, nextState, removable, safeFileStem, splitRange } from '../../../main/export/export-plan.js';

describe('splitRange', () => {
  it('cuts a range at the vendor limit into consecutive parts with no overlap and no hole', () => {
    expect(splitRange(0, 12 * 60_000, 5 * 60_000)).toEqual([
      { index: 0, fromMs: 0, toMs: 300_000 },
      { index: 1, fromMs: 300_000, toMs: 600_000 },
      { index: 2, fromMs: 600_000, toMs: 720_000 },
    ]);
  });
  it('keeps a range within the limit whole, also exactly at it', () => {
    expect(splitRange(1000, 301_000, 300_000)).toEqual([{ index: 0, fromMs: 1000, toMs: 301_000 }]);
  });
  it('treats no limit (0, Infinity) as one part', () => {
    expect(splitRange(0, 10, Infinity)).toHaveLength(1);
    expect(splitRange(0, 10, 0)).toHaveLength(1);
  });
  it('refuses an empty or reversed range', () => {
    expect(() => splitRange(10, 10, 5)).toThrow(/toMs after fromMs/);
  });
});

describe('job states', () => {
  it('follows queued → running → done | failed | cancelled, with paused and retry', () => {
    expect(nextState('queued', 'start')).toBe('running');
    expect(nextState('running', 'finish')).toBe('done');
    expect(nextState('running', 'fail')).toBe('failed');
    expect(nextState('running', 'pause')).toBe('paused');
    expect(nextState('paused', 'resume')).toBe('queued');
    expect(nextState('failed', 'retry')).toBe('queued');
    expect(nextState('cancelled', 'retry')).toBe('queued');
  });
  it('refuses what makes no sense: a done job is not cancelled or retried, a running one not retried', () => {
    expect(nextState('done', 'cancel')).toBeUndefined();
    expect(nextState('done', 'retry')).toBeUndefined();
    expect(nextState('running', 'retry')).toBeUndefined();
    expect(nextState('queued', 'finish')).toBeUndefined();
    expect(removable('running')).toBe(false);
    expect(removable('paused')).toBe(false);
    expect(removable('failed')).toBe(true);
  });
  it('queues a job that was running when Tessera stopped and leaves the others as they were', () => {
    const job = { state: 'running', step: 'Downloading', etaS: 4 } as ExportJob;
    expect(afterRestart(job)).toMatchObject({ state: 'queued', step: 'Resuming after Tessera restarted', etaS: undefined });
    const done = { state: 'done' } as ExportJob;
    expect(afterRestart(done)).toBe(done);
  });
});

describe('eta', () => {
  it('says nothing before 3 % or the first second, then extrapolates', () => {
    expect(etaSeconds(0.02, 10_000)).toBeUndefined();
    expect(etaSeconds(0.5, 500)).toBeUndefined();
    expect(etaSeconds(0.25, 10_000)).toBe(30);
    expect(etaSeconds(1, 10_000)).toBe(0);
  });
});

describe('file names', () => {
  it('names the file after the camera and the UTC range, unique in the folder', () => {
    const taken = new Set(['Dock_20261122T021000Z-20261122T021500Z.mp4']);
    expect(exportFileName('Dock', Date.UTC(2026, 10, 22, 2, 10), Date.UTC(2026, 10, 22, 2, 15), (n) => taken.has(n))).toBe('Dock_20261122T021000Z-20261122T021500Z-2.mp4');
  });
  it('takes separators and reserved marks out of a camera name', () => {
    expect(safeFileStem('../Gate: north/east*')).toBe('Gate- north-east-');
    expect(safeFileStem('...')).toBe('camera');
    expect(safeFileStem('Caméra ½')).toBe('Caméra ½');
  });
});
