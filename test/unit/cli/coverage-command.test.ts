// `tessera coverage` (main/cli/coverage-command.ts): its output in RFC 3339 times, its usage errors
// (exit 2), and a saved camera whose site is unknown (exit 1) before anything is asked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coverageJson, coverageText } from '../../../main/cli/coverage-command.js';
import { runCli } from '../../../main/cli/index.js';
import type { Coverage } from '../../../preload/contract/index.js';
import { cliIo } from '../../support/adapter-harness.js';

const io = () => cliIo(undefined, Promise.resolve());
const at = (iso: string) => Date.parse(iso);
const coverage: Coverage = {
  cameraId: 's/1',
  fromMs: at('2026-11-22T10:00:00Z'),
  toMs: at('2026-11-22T11:00:00Z'),
  periods: [
    { fromMs: at('2026-11-22T10:00:00Z'), toMs: at('2026-11-22T10:05:00Z') },
    { fromMs: at('2026-11-22T10:10:00Z'), toMs: at('2026-11-22T10:10:30Z') },
  ],
  marks: [{ atMs: at('2026-11-22T10:02:03.250Z'), type: 'motion', label: 'Motion' }],
  marksKnown: true,
};

describe('tessera coverage', () => {
  it('--json prints periods and marks with RFC 3339 times', () => {
    expect(coverageJson(coverage)).toEqual({
      periods: [
        { from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:05:00.000Z' },
        { from: '2026-11-22T10:10:00.000Z', to: '2026-11-22T10:10:30.000Z' },
      ],
      marks: [{ at: '2026-11-22T10:02:03.250Z', type: 'motion' }],
    });
  });

  it('prints a line per period and mark in time order, and says when there is nothing', () => {
    expect(coverageText(coverage)).toBe(
      'recorded 2026-11-22T10:00:00.000Z – 2026-11-22T10:05:00.000Z (5 min)\n' +
        'motion   2026-11-22T10:02:03.250Z Motion\n' +
        'recorded 2026-11-22T10:10:00.000Z – 2026-11-22T10:10:30.000Z (30 s)\n',
    );
    expect(coverageText({ ...coverage, periods: [], marks: [], marksKnown: false })).toBe('Nothing recorded in this window.\n(this site gives no motion or event marks for the camera)\n');
  });

  it('bad usage exits 2 naming the option (and where the help is)', async () => {
    const cases: [string[], RegExp][] = [
      [['coverage', '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T11:00:00Z'], /--camera is required/],
      [['coverage', '--camera', 's/1', '--to', '2026-11-22T11:00:00Z'], /--from is required/],
      [['coverage', '--camera', 's/1', '--from', 'yesterday', '--to', '2026-11-22T11:00:00Z'], /--from must be an RFC 3339 time such as 2026-11-22T10:15:00Z, not "yesterday"/],
      [['coverage', '--camera', 's/1', '--from', '2026-11-22T11:00:00Z', '--to', '2026-11-22T10:00:00Z'], /--to must be after --from/],
      [['coverage', '--camera', 's/1', '--from', '2026-10-01T00:00:00Z', '--to', '2026-11-22T10:00:00Z'], /at most 31 days apart/],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      expect(await runCli(argv, t.io)).toBe(2);
      const [first, ...rest] = t.err().trimEnd().split('\n');
      expect(first).toMatch(message);
      expect(rest).toEqual(['(see `tessera coverage --help`)']);
      expect(t.out()).toBe('');
    }
  });

  it('a camera of a site that is not saved exits 1 with one line', async () => {
    const t = io();
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    expect(await runCli(['coverage', '--data-dir', dataDir, '--camera', 'gone/1', '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T11:00:00Z'], t.io)).toBe(1);
    expect(t.err().trimEnd().split('\n')).toHaveLength(1);
    expect(t.out()).toBe('');
  });
});
