import { describe, expect, it } from 'vitest';
import { jobResource, newExportJob, tickJob } from '../../../simulator/een-v3/jobs.js';
import { formatTimestamp } from '../../../simulator/een-v3/timestamps.js';

const timing = { pendingMs: 400, speedFactor: 100, minWorkMs: 800, maxWorkMs: 15_000 };
const calm = { stallExports: false, slowTranscodeFactor: 1 };

function job(durationMs = 100_000) {
  // 100 s of media at 100× → 1000 ms of simulated work.
  return newExportJob({ id: 'j', userId: 'u', exportType: 'video', arguments: {}, durationMs, nowMs: 0 }, timing);
}

describe('export job state machine', () => {
  it('pending → started (file work starts) → progress → success only once the file exists', () => {
    const j = job();
    expect(tickJob(j, 399, calm)).toBe(false);
    expect(j.state).toBe('pending');
    expect(tickJob(j, 400, calm)).toBe(true);
    expect(j.state).toBe('started');
    j.production = 'running';
    tickJob(j, 900, calm);
    expect(j.progress).toBe(0.5);
    tickJob(j, 2000, calm);
    expect(j.state).toBe('started');
    expect(j.progress).toBe(0.99); // work done, file not yet
    j.production = 'done';
    tickJob(j, 2001, calm);
    expect(j.state).toBe('success');
    expect(j.progress).toBe(1);
  });

  it('stallExports freezes the job; slowTranscodeFactor slows it', () => {
    const j = job();
    tickJob(j, 400, calm);
    j.production = 'done';
    tickJob(j, 10_000, { stallExports: true, slowTranscodeFactor: 1 });
    expect(j.state).toBe('started');
    expect(j.progress).toBe(0);
    tickJob(j, 12_000, { stallExports: false, slowTranscodeFactor: 10 }); // 2000 wall ms = 200 work ms
    expect(j.progress).toBe(0.2);
    tickJob(j, 12_800, calm);
    expect(j.state).toBe('success');
  });

  it('a failed file production fails the job with an ApiV3Error', () => {
    const j = job();
    tickJob(j, 400, calm);
    j.production = 'failed';
    j.error = { code: 404, status: 'notFound', message: 'Nothing is recorded', details: [] };
    tickJob(j, 401, calm);
    expect(j.state).toBe('failure');
    const r = jobResource(j, formatTimestamp, 'spec');
    expect(r).toMatchObject({ state: 'failure', progress: 0, result: null, error: { code: 404 } });
  });

  it('work time is clamped and the resource follows the spec shape, or the how-to state names', () => {
    expect(job(1).workNeededMs).toBe(800);
    expect(job(10 * 3600_000).workNeededMs).toBe(15_000);
    const j = job();
    expect(jobResource(j, formatTimestamp, 'spec')).toMatchObject({ state: 'pending', detailedState: null, progress: 0, result: null, error: null, namespace: 'export', type: 'export.video' });
    tickJob(j, 400, calm);
    j.production = 'done';
    j.files.push({ fileId: 'f', name: 'a.mp4', size: 10, url: 'http://x/api/v3.0/files/f:download' });
    tickJob(j, 5000, calm);
    expect(jobResource(j, formatTimestamp, 'spec')).toMatchObject({ state: 'success', progress: 1, result: { files: [{ name: 'a.mp4', size: 10, mimetype: 'video/mp4' }] } });
    expect(jobResource(j, formatTimestamp, 'howTo').state).toBe('done');
  });
});
