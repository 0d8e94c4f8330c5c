/** `tessera coverage`: a camera's recorded periods and motion/event marks between two times. */
import { maxCoverageSpanMs, type Coverage } from '../../preload/contract/index.js';
import { createLogger } from '../logging/logger.js';
import { dataPaths, resolveUserDataDir } from '../paths.js';
import { coverageOf } from '../vms/coverage.js';
import { commonOptions, commonUsage, stringOption, UsageError, type Command } from './command.js';
import { adHocOptions, adHocSession, adHocUsage, isAdHoc } from './site-access.js';
import { findSite, openSites, withFailures } from './site-commands.js';

/** An RFC 3339 time as epoch ms, or a usage error naming the option. */
export function rfc3339Option(name: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`--${name} is required`);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    throw new UsageError(`--${name} must be an RFC 3339 time such as 2026-11-22T10:15:00Z, not ${JSON.stringify(text)}`);
  }
  return ms;
}

/** What --json prints: RFC 3339 times, as the issue's CLI promises. */
export function coverageJson(coverage: Coverage): { periods: { from: string; to: string }[]; marks: { at: string; type: string }[] } {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    periods: coverage.periods.map((p) => ({ from: iso(p.fromMs), to: iso(p.toMs) })),
    marks: coverage.marks.map((m) => ({ at: iso(m.atMs), type: m.type })),
  };
}

/** One line per period and mark, in time order, for a person. */
export function coverageText(coverage: Coverage): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const minutes = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
  const lines = [
    ...coverage.periods.map((p) => ({ at: p.fromMs, text: `recorded ${iso(p.fromMs)} – ${iso(p.toMs)} (${minutes(p.toMs - p.fromMs)})` })),
    ...coverage.marks.map((m) => ({ at: m.atMs, text: `${m.type.padEnd(8)} ${iso(m.atMs)}${m.label ? ` ${m.label}` : ''}` })),
  ].sort((a, b) => a.at - b.at);
  if (!coverage.periods.length) lines.unshift({ at: 0, text: 'Nothing recorded in this window.' });
  if (!coverage.marksKnown) lines.push({ at: 0, text: '(this site gives no motion or event marks for the camera)' });
  return `${lines.map((l) => l.text).join('\n')}\n`;
}

export const coverageCommand: Command = {
  name: 'coverage',
  summary: 'list when a camera recorded, and its motion/event marks',
  usage: `tessera coverage --camera ID --from TIME --to TIME [--json] [--site NAME | --kind KIND --url URL --user NAME --password-stdin]

Prints the recorded periods and the motion/event marks of a camera between two RFC 3339 times
(at most 31 days apart). With --json: {"periods":[{"from":…,"to":…}],"marks":[{"at":…,"type":…}]}.

  --camera ID        camera id as \`tessera cameras\` prints it
  --from TIME        start, e.g. 2026-11-22T10:00:00Z
  --to TIME          end, after --from
  --site NAME        the saved site of the camera (default: the site in the camera id)
${adHocUsage}
${commonUsage}`,
  options: { ...commonOptions, ...adHocOptions, site: { type: 'string' }, camera: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(values, _positionals, io) {
    const camera = stringOption(values, 'camera');
    if (!camera) throw new UsageError('--camera is required');
    const fromMs = rfc3339Option('from', stringOption(values, 'from'));
    const toMs = rfc3339Option('to', stringOption(values, 'to'));
    if (toMs <= fromMs) throw new UsageError('--to must be after --from');
    if (toMs - fromMs > maxCoverageSpanMs) throw new UsageError('--from and --to may be at most 31 days apart');
    let coverage: Coverage;
    if (isAdHoc(values)) {
      const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
      const { session } = await withFailures(() => adHocSession(values, io, createLogger({ dir: dataPaths(dataDir).logs }, 'cli')));
      try {
        coverage = await withFailures(() => session.run((adapter) => coverageOf(adapter, { site: session.config.name, cameraId: camera, siteCameraId: camera }, fromMs, toMs)));
      } finally {
        await session.end(); // best effort
        await session.dispose();
      }
    } else {
      const { sites } = await openSites(values, io);
      try {
        const siteName = stringOption(values, 'site');
        const siteId = siteName ? findSite(sites, siteName).id : camera.split('/')[0]!;
        await withFailures(() => sites.signIn({ siteId }));
        const cameraId = camera.includes('/') ? camera : `${siteId}/${camera}`;
        coverage = await withFailures(() => sites.withCamera(cameraId, (adapter, id, site) => coverageOf(adapter, { site: site.name, cameraId, siteCameraId: id }, fromMs, toMs)));
      } finally {
        await sites.dispose();
      }
    }
    io.stdout.write(values.json ? `${JSON.stringify(coverageJson(coverage))}\n` : coverageText(coverage));
    return 0;
  },
};
