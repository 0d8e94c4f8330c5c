/** `tessera sites`, `tessera cameras` and `tessera snapshot`; the saved-site helpers `tessera coverage` shares. */
import { writeFileSync } from 'node:fs';
import { addSiteSchema, loadProblemText, siteKinds, type SiteState } from '../../preload/contract/index.js';
import { chooseCredentialStore } from '../credentials/choose-store.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { dataPaths, resolveUserDataDir } from '../paths.js';
import { SiteRepository } from '../sites/site-repository.js';
import { SiteService } from '../sites/site-service.js';
import { hasUrlCredentials } from '../sites/url-credentials.js';
import { recordedMedia } from '../vms/capabilities.js';
import { commonOptions, commonUsage, CommandFailure, stringOption, UsageError, type Command, type CommandIo, type OptionValues } from './command.js';
import { adHocSession, adHocOptions, adHocUsage, cliBrowserOpener, describeFailure, isAdHoc, readPassword } from './site-access.js';

export interface Context {
  log: Logger;
  sites: SiteService;
  credentials: CredentialStore;
}

export async function openSites(values: OptionValues, io: CommandIo): Promise<Context> {
  const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
  const paths = dataPaths(dataDir);
  const log = createLogger({ dir: paths.logs }, 'cli');
  const credentials = await chooseCredentialStore({ safeStoragePath: paths.encryptedCredentialsFile, log, env: io.env });
  const sites = new SiteService({ repository: new SiteRepository(paths.sitesFile), credentials, log: log.child('sites'), refreshMs: 0, browserOpener: cliBrowserOpener(values, io) });
  for (const problem of sites.loadProblems) io.stderr.write(`tessera: ${loadProblemText(problem)}\n`);
  return { log, sites, credentials };
}

export function findSite(sites: SiteService, name: string): SiteState {
  const site = sites.list().find((s) => s.name.toLowerCase() === name.toLowerCase() || s.id === name);
  if (!site) throw new CommandFailure(`there is no saved site named ${JSON.stringify(name)} (see \`tessera sites list\`)`);
  return site;
}

export async function withFailures<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw describeFailure(err);
  }
}

export const sitesCommand: Command = {
  name: 'sites',
  summary: 'add, list or remove saved VMS sites',
  usage: `tessera sites list [--json]
tessera sites add --name NAME --kind KIND --url URL --user NAME [--password-stdin] [--save-password]
tessera sites remove NAME

  --name NAME        how the site is shown
${adHocUsage}
  --save-password    keep the password for later sign-ins (system keychain, else encrypted by the OS)
${commonUsage}`,
  options: { ...commonOptions, ...adHocOptions, name: { type: 'string' }, 'save-password': { type: 'boolean' } },
  takesPositionals: true,
  async run(values, positionals, io) {
    const [verb, ...rest] = positionals;
    if (verb !== 'list' && verb !== 'add' && verb !== 'remove') throw new UsageError('say `list`, `add` or `remove`');
    const { sites, credentials } = await openSites(values, io);
    try {
      return await withFailures(async () => {
        if (verb === 'list') {
          const list = sites.list();
          if (values.json) io.stdout.write(`${JSON.stringify(list.map(({ id, name, kind, url, username }) => ({ id, name, kind, url, username })))}\n`);
          else io.stdout.write(list.length ? list.map((s) => `${s.name}\t${s.kind}\t${s.url}\t${s.username}`).join('\n') + '\n' : 'No sites yet; add one with `tessera sites add`.\n');
          return 0;
        }
        if (verb === 'remove') {
          if (rest.length !== 1) throw new UsageError('`sites remove` needs the site name');
          await sites.remove(findSite(sites, rest[0]!).id);
          io.stdout.write(values.json ? '{"removed":true}\n' : `Removed ${rest[0]}.\n`);
          return 0;
        }
        const kind = stringOption(values, 'kind');
        const url = stringOption(values, 'url') ?? '';
        const parsed = addSiteSchema.safeParse({
          name: stringOption(values, 'name') ?? '',
          kind,
          url: kind === 'rtsp' ? '' : url,
          username: stringOption(values, 'user') ?? '',
          savePassword: Boolean(values['save-password']),
          ...(values['password-stdin'] ? { password: await readPassword(io) } : {}),
          ...(kind === 'rtsp' && url ? { rtspCameras: [{ name: stringOption(values, 'name') ?? 'Camera', url }] } : {}),
          ...(stringOption(values, 'client-id') ? { oauthClientId: stringOption(values, 'client-id') } : {}),
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new UsageError(issue?.path[0] === 'kind' ? `--kind must be one of ${siteKinds.join(', ')}` : `--${issue?.path[0] === 'oauthClientId' ? 'client-id' : String(issue?.path[0] ?? 'name')} ${issue?.message ?? 'is invalid'}`);
        }
        const state = await sites.add(parsed.data);
        if (state.cameraListWarning) io.stderr.write(`tessera sites: ${state.cameraListWarning}\n`);
        // This process ends now: a session-only store's copy ends with it.
        if (parsed.data.savePassword && parsed.data.password && credentials.info.kind === 'session-only') io.stderr.write(`tessera sites: the password was not saved (${credentials.info.why ?? 'no keychain'}); sign in from the Sites screen.\n`);
        // SiteService.add moved them to the user and password (url-credentials.ts); say so.
        const moved = hasUrlCredentials(url) ? ' The user and password in --url were taken out of the address, which is saved without them.' : '';
        if (values.json) io.stdout.write(`${JSON.stringify({ id: state.id, name: state.name, status: state.status, cameras: state.cameraCount, ...(moved ? { credentialsTakenFromUrl: true } : {}) })}\n`);
        else io.stdout.write(`Added ${state.name} (${state.status}${state.status === 'signed-in' ? `, ${state.cameraCount} cameras` : ''}).${moved}\n`);
        return 0;
      });
    } finally {
      await sites.dispose();
    }
  },
};

export const camerasCommand: Command = {
  name: 'cameras',
  summary: 'list the cameras of saved sites, or of a site given on the command line',
  usage: `tessera cameras [--site NAME] [--json]
tessera cameras --kind KIND --url URL --user NAME --password-stdin [--json]

Prints every camera with its status. With --json: an array of {id, name, status, site}.

  --site NAME        only this saved site
${adHocUsage}
${commonUsage}`,
  options: { ...commonOptions, ...adHocOptions, site: { type: 'string' } },
  async run(values, _positionals, io) {
    let rows: { id: string; name: string; status: string; site: string }[];
    if (isAdHoc(values)) {
      const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
      const log = createLogger({ dir: dataPaths(dataDir).logs }, 'cli');
      const { session, site } = await withFailures(() => adHocSession(values, io, log));
      try {
        const cameras = await withFailures(() => session.run((adapter) => adapter.listCameras()));
        const note = session.adapter.cameraListNote?.();
        if (note) io.stderr.write(`tessera cameras: ${note}\n`);
        rows = cameras.map((c) => ({ id: c.id, name: c.name, status: c.state, site: site.name }));
      } finally {
        await session.end(); // best effort: the session ends on the server anyway
        await session.dispose();
      }
    } else {
      const { sites } = await openSites(values, io);
      try {
        const wanted = stringOption(values, 'site');
        const targets = wanted ? [findSite(sites, wanted)] : sites.list();
        if (!targets.length) throw new CommandFailure('no saved sites; add one with `tessera sites add` or use --kind/--url');
        for (const target of targets) await withFailures(() => sites.signIn({ siteId: target.id }));
        for (const state of sites.list()) if (state.cameraListWarning) io.stderr.write(`tessera cameras: ${state.cameraListWarning}\n`);
        rows = sites.cameras().map((c) => ({ id: c.id, name: c.name, status: c.state, site: c.siteName }));
      } finally {
        await sites.dispose();
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(rows)}\n`);
    else io.stdout.write(rows.map((r) => `${r.status.padEnd(12)} ${r.name}\t${r.site}\t${r.id}`).join('\n') + (rows.length ? '\n' : 'No cameras.\n'));
    return 0;
  },
};

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: 'save the live (or a recorded) still of a camera as a JPEG',
  usage: `tessera snapshot --camera ID [--at TIME] -o FILE [--site NAME | --kind KIND --url URL --user NAME --password-stdin]

  --camera ID        camera id as \`tessera cameras\` prints it
  --at TIME          recorded still at this RFC 3339 time (e.g. 2026-11-22T10:15:00Z); default: live
  -o, --output FILE  where to write the JPEG
${adHocUsage}
${commonUsage}`,
  options: { ...commonOptions, ...adHocOptions, site: { type: 'string' }, camera: { type: 'string' }, at: { type: 'string' }, output: { type: 'string', short: 'o' } },
  async run(values, _positionals, io) {
    const camera = stringOption(values, 'camera');
    const output = stringOption(values, 'output');
    if (!camera) throw new UsageError('--camera is required');
    if (!output) throw new UsageError('-o FILE is required');
    const atText = stringOption(values, 'at');
    const atMs = atText === undefined ? undefined : Date.parse(atText);
    if (atMs !== undefined && (!Number.isFinite(atMs) || !/^\d{4}-\d{2}-\d{2}T/.test(atText!))) throw new UsageError(`--at must be an RFC 3339 time such as 2026-11-22T10:15:00Z, not ${JSON.stringify(atText)}`);
    let still: { jpeg: Buffer; timestampMs: number };
    if (isAdHoc(values)) {
      const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
      const { session } = await withFailures(() => adHocSession(values, io, createLogger({ dir: dataPaths(dataDir).logs }, 'cli')));
      try {
        still = await withFailures(() => session.run((adapter) => (atMs === undefined ? adapter.still(camera) : recordedMedia(adapter, session.config.name).still(camera, atMs))));
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
        still = await withFailures(() => sites.withCamera(camera.includes('/') ? camera : `${siteId}/${camera}`, (adapter, id, site) => (atMs === undefined ? adapter.still(id) : recordedMedia(adapter, site.name).still(id, atMs))));
      } finally {
        await sites.dispose();
      }
    }
    try {
      writeFileSync(output, still.jpeg);
    } catch (err) {
      throw new CommandFailure(`could not write ${output}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const when = new Date(still.timestampMs).toISOString();
    io.stdout.write(values.json ? `${JSON.stringify({ file: output, bytes: still.jpeg.length, timestamp: when })}\n` : `Wrote ${output} (${still.jpeg.length} bytes, ${when}).\n`);
    return 0;
  },
};
