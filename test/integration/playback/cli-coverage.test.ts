// `tessera coverage` against the simulator's Eagle Eye v1 site, ad hoc: the periods printed are
// the simulator's recording plan in the window (RFC 3339), marks are listed, and the password
// read from stdin appears nowhere in the output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clipPeriods, mergePeriods } from '../../../common/time-periods.js';
import { runCli } from '../../../main/cli/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { cliIo } from '../../support/adapter-harness.js';
import { startTestSimulator } from '../../support/simulator.js';

let sim: SimulatorHandle;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-cli-coverage-'));
  sim = await startTestSimulator([eagleEyeV1Module], { cameras: 2, hours: 2 });
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

it('coverage --json: the recording plan of the window with RFC 3339 times', async () => {
  const site = sim.sites['eagleeye-v1'] as SiteDescription;
  const media = sim.context.media;
  const toMs = Math.floor((sim.context.now() - 120_000) / 1000) * 1000;
  const fromMs = toMs - 90 * 60_000;
  const t = cliIo(site.password, Promise.resolve());
  const argv = ['coverage', '--data-dir', join(scratch, 'data'), '--kind', 'eagleeye-v1', '--url', site.url, '--user', site.username, '--password-stdin'];
  const code = await runCli([...argv, '--camera', media.cameras[0]!.esn, '--from', new Date(fromMs).toISOString(), '--to', new Date(toMs).toISOString(), '--json'], t.io);
  expect(t.err()).toBe('');
  expect(code).toBe(0);
  const printed = JSON.parse(t.out()) as { periods: { from: string; to: string }[]; marks: { at: string; type: string }[] };
  const planned = media.segments(0, fromMs, toMs).map((s) => ({ fromMs: s.startMs, toMs: s.endMs }));
  const expected = clipPeriods(mergePeriods(planned, 1_000), fromMs, toMs);
  expect(printed.periods.map((p) => ({ fromMs: Date.parse(p.from), toMs: Date.parse(p.to) }))).toEqual(expected);
  for (const p of printed.periods) expect(p.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  for (const m of printed.marks) expect(Date.parse(m.at)).toBeGreaterThanOrEqual(fromMs);
  expect(t.out()).not.toContain(site.password);
}, 120_000);
