import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { cliIo } from '../../support/adapter-harness.js';
import { formatEta, parseTime, progressBar, progressJson, worthShowing } from '../../../main/cli/progress-line.js';
import { burnFilter } from '../../../main/export/ffmpeg-export.js';

describe('export progress on the command line', () => {
  it('draws a bar with percent, time left and step', () => {
    expect(progressBar({ progress: 0.5, etaS: 75, step: 'Downloading' }, 10)).toBe('[#####-----]  50%  1 min 15 s left  Downloading');
    expect(progressBar({ progress: 1.2, step: 'Done' }, 4)).toBe('[####] 100%  Done');
    expect(formatEta(3725)).toBe('1 h 2 min');
  });
  it('writes JSON lines as the issue names them', () => {
    expect(JSON.parse(progressJson({ progress: 0.41999, etaS: 3, step: 'Writing the MP4' }))).toEqual({ progress: 0.42, etaS: 3, step: 'Writing the MP4' });
  });
  it('shows a line per whole percent or new step, not per chunk', () => {
    const a = { progress: 0.421, step: 'x' };
    expect(worthShowing(undefined, a)).toBe(true);
    expect(worthShowing(a, { progress: 0.429, step: 'x' })).toBe(false);
    expect(worthShowing(a, { progress: 0.43, step: 'x' })).toBe(true);
    expect(worthShowing(a, { progress: 0.421, step: 'y' })).toBe(true);
  });
  it('reads RFC 3339 times with a zone and refuses the rest', () => {
    expect(parseTime('2026-11-22T02:10:00Z')).toBe(Date.UTC(2026, 10, 22, 2, 10));
    expect(parseTime('2026-11-22T03:10:00+01:00')).toBe(Date.UTC(2026, 10, 22, 2, 10));
    expect(parseTime('2026-11-22')).toBeUndefined();
    expect(parseTime('2026-11-22T02:10:00')).toBeUndefined();
  });
});

describe('burnFilter', () => {
  it('keeps only plain marks of the camera name (no filtergraph or expansion syntax) and counts the time from the first frame', () => {
    const f = burnFilter("Gate 1: it's 100%'[out]", Date.UTC(2026, 10, 22, 2, 10, 0, 500));
    expect(f).toContain("text='Gate 1  it s 100   out  %{pts\\:gmtime\\:1795313400.500\\:");
  });
});

describe('tessera export usage', () => {
  it.each([
    [[], '--camera is required'],
    [['--camera', 'a/b', '--from', '2026-11-22', '--to', '2026-11-22T02:12:00Z', '-o', '/tmp/x.mp4'], '--from must be an RFC 3339 time'],
    [['--camera', 'a/b', '--from', '2026-11-22T02:12:00Z', '--to', '2026-11-22T02:10:00Z', '-o', '/tmp/x.mp4'], '--to must be after --from'],
    [['--camera', 'a/b', '--from', '2026-11-22T02:10:00Z', '--to', '2026-11-22T02:12:00Z', '-o', '/tmp/x.mov'], '-o must name an .mp4 file'],
    [['--camera', 'a/b', '--from', '2026-11-22T02:10:00Z', '--to', '2026-11-22T02:12:00Z', '-o', '/no/such/dir/x.mp4'], 'the folder of -o does not exist'],
  ])('exit 2 with a clear line for %j', async (args, message) => {
    const t = cliIo(undefined, Promise.resolve());
    expect(await runCli(['export', ...args], t.io)).toBe(2);
    expect(t.err()).toContain(message);
  });
  it('verify wants exactly one file and says when it has no manifest', async () => {
    const none = cliIo(undefined, Promise.resolve());
    expect(await runCli(['verify'], none.io)).toBe(2);
    const missing = cliIo(undefined, Promise.resolve());
    expect(await runCli(['verify', '/no/such/file.mp4'], missing.io)).toBe(1);
    expect(missing.err()).toContain('/no/such/file.mp4 is NOT intact: /no/such/file.mp4 does not exist');
  });
});
