/**
 * `tessera export` (one camera's clip as a signed MP4) and `tessera verify` (is a file what its
 * manifest says). An export run from the command line is not put in the app's queue: it runs
 * here, in the foreground. Its work folder is named after what was asked (camera, range, file,
 * burn-in), so running the same command again after the process was killed re-uses the parts
 * already downloaded; Ctrl-C cancels and removes them.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppFailure, type ExportJob, maxExportSpanMs, type SiteConfig } from '../../preload/contract/index.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { chooseCredentialStore } from '../credentials/choose-store.js';
import { exportAccess, type CameraAccess } from '../export/camera-access.js';
import { etaSeconds } from '../export/export-plan.js';
import { manifestPath, runExport, verifyExport, workDir } from '../export/export-runner.js';
import { keyFingerprint } from '../export/manifest.js';
import { loadSigningKey, signingKeyEntry } from '../export/signing-key.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { dataPaths, resolveUserDataDir } from '../paths.js';
import type { VmsAdapter } from '../vms/adapter.js';
import { CommandFailure, commonOptions, commonUsage, stringOption, UsageError, type Command, type CommandIo, type OptionValues } from './command.js';
import { parseTime, progressBar, progressJson, worthShowing, type ProgressUpdate } from './progress-line.js';
import { findSite, openSites, withFailures } from './site-commands.js';
import { adHocOptions, adHocSession, adHocUsage, isAdHoc } from './site-access.js';

interface Request {
  camera: string;
  fromMs: number;
  toMs: number;
  file: string;
  burn: boolean;
}

function readRequest(values: OptionValues): Request {
  const camera = stringOption(values, 'camera');
  const output = stringOption(values, 'output');
  const fromText = stringOption(values, 'from');
  const toText = stringOption(values, 'to');
  if (!camera) throw new UsageError('--camera is required');
  if (!fromText || !toText) throw new UsageError('--from and --to are required');
  if (!output) throw new UsageError('-o FILE is required');
  const fromMs = parseTime(fromText);
  const toMs = parseTime(toText);
  if (fromMs === undefined) throw new UsageError(`--from must be an RFC 3339 time such as 2026-11-22T10:15:00Z, not ${JSON.stringify(fromText)}`);
  if (toMs === undefined) throw new UsageError(`--to must be an RFC 3339 time such as 2026-11-22T10:17:00Z, not ${JSON.stringify(toText)}`);
  if (toMs <= fromMs) throw new UsageError('--to must be after --from');
  if (toMs - fromMs > maxExportSpanMs) throw new UsageError('an export may cover at most 24 hours');
  if (!/\.mp4$/i.test(output)) throw new UsageError('-o must name an .mp4 file');
  const file = resolve(output);
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) throw new UsageError(`the folder of -o does not exist: ${dirname(file)}`);
  return { camera, fromMs, toMs, file, burn: Boolean(values['burn-timestamp']) };
}

/** The same request always gets the same job id, hence the same work folder: a re-run resumes. */
export function cliJobId(r: Request): string {
  return `cli-${createHash('sha256').update(JSON.stringify([r.camera, r.fromMs, r.toMs, r.file, r.burn])).digest('hex').slice(0, 24)}`;
}

/** A site to export from: saved (signed in with its saved secret) or given on the command line. */
async function openAccess(values: OptionValues, io: CommandIo, camera: string, log: Logger): Promise<{ access: CameraAccess; cameraId: string; store: CredentialStore; close(): Promise<void> }> {
  const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
  if (isAdHoc(values)) {
    const store = await chooseCredentialStore({ safeStoragePath: dataPaths(dataDir).encryptedCredentialsFile, log, env: io.env });
    const { session, site } = await withFailures(() => adHocSession(values, io, log));
    const cameras = await withFailures(() => session.run((adapter) => adapter.listCameras()));
    const call = <T>(_id: string, fn: (adapter: VmsAdapter, siteCameraId: string, config: SiteConfig) => Promise<T>) => session.run((adapter) => fn(adapter, camera, site));
    return {
      access: { withCamera: call, cameraName: () => cameras.find((c) => c.id === camera)?.name, siteReady: () => true },
      cameraId: camera,
      store,
      close: async () => {
        await session.end();
        await session.dispose();
      },
    };
  }
  const { sites, credentials } = await openSites(values, io);
  const siteName = stringOption(values, 'site');
  const siteId = siteName ? findSite(sites, siteName).id : camera.split('/')[0]!;
  await withFailures(() => sites.signIn({ siteId }));
  const cameraId = camera.includes('/') ? camera : `${siteId}/${camera}`;
  return {
    access: { withCamera: (id, fn) => sites.withCamera(id, fn), cameraName: (id) => sites.cameras().find((c) => c.id === id)?.name, siteReady: () => true },
    cameraId,
    store: credentials,
    close: () => sites.dispose(),
  };
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a camera’s recording as an MP4 with a signed evidence manifest',
  usage: `tessera export --camera ID --from TIME --to TIME -o FILE [--burn-timestamp] [--json]
               [--site NAME | --kind KIND --url URL --user NAME --password-stdin]

Writes FILE (MP4, stream copy, moov first) and FILE.manifest.json (hash, times, signature) once
the whole clip is written and checked; nothing appears under FILE before that. Run the same
command again after an interruption to resume. The last line printed is the manifest's path.

  --camera ID        camera id as \`tessera cameras\` prints it
  --from TIME        start, RFC 3339 (e.g. 2026-11-22T02:10:00Z)
  --to TIME          end, RFC 3339
  -o, --output FILE  the .mp4 to write (its folder must exist)
  --burn-timestamp   burn the camera name and time into the picture (re-encodes: much slower)
  --site NAME        the saved site of the camera
${adHocUsage}
${commonUsage}
  (with --json: one line per progress step, {"progress":0.42,"etaS":3,"step":"…"}, then
   {"file":…,"manifest":…})`,
  options: { ...commonOptions, ...adHocOptions, site: { type: 'string' }, camera: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, output: { type: 'string', short: 'o' }, 'burn-timestamp': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const request = readRequest(values);
    if (existsSync(request.file)) throw new CommandFailure(`${request.file} already exists; Tessera does not overwrite evidence.`);
    const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
    const log = createLogger({ dir: dataPaths(dataDir).logs }, 'cli');
    const opened = await withFailures(() => openAccess(values, io, request.camera, log));
    const abort = new AbortController();
    void io.stopSignal.then(() => abort.abort(new AppFailure('conflict', 'Stopped by the user.')));
    let job: ExportJob | undefined;
    try {
      const access = exportAccess(opened.access);
      const facts = await withFailures(() => access.describe(opened.cameraId));
      job = { id: cliJobId(request), cameraId: opened.cameraId, ...facts, fromMs: request.fromMs, toMs: request.toMs, burnTimestamp: request.burn, file: request.file, state: 'running', progress: 0, bytes: 0, step: 'Starting', createdMs: Date.now(), attempts: 1 };
      const started = Date.now();
      const tty = Boolean((io.stderr as NodeJS.WriteStream).isTTY);
      let shown: ProgressUpdate | undefined;
      const key = loadSigningKey(opened.store);
      await withFailures(() =>
        runExport(job!, { withServerExport: access.withServerExport, coverage: access.coverage, signingKey: () => key, stallMs: 20_000, attemptsPerPart: 3, now: Date.now }, abort.signal, (u) => {
          const update = { progress: u.progress, step: u.step, ...(etaSeconds(u.progress, Date.now() - started) !== undefined ? { etaS: etaSeconds(u.progress, Date.now() - started)! } : {}) };
          if (!worthShowing(shown, update)) return;
          shown = update;
          if (values.json) io.stdout.write(`${progressJson(update)}\n`);
          else if (tty) io.stderr.write(`\r\x1b[K${progressBar(update)}`);
        }),
      );
      if (!values.json && tty) io.stderr.write('\n');
      if (!(await key).persistent) io.stderr.write('tessera export: no keychain here, so this manifest is signed with a key for this run only (it still verifies).\n');
      const manifest = manifestPath(request.file);
      io.stdout.write(values.json ? `${JSON.stringify({ file: request.file, manifest })}\n` : `${manifest}\n`);
      return 0;
    } catch (err) {
      // Ctrl-C is a cancel: nothing stays. Any other failure keeps the parts for the next run.
      if (abort.signal.aborted && job) rmSync(workDir(job), { recursive: true, force: true });
      throw err;
    } finally {
      await opened.close();
    }
  },
};

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check an exported file against its signed manifest',
  usage: `tessera verify FILE [--json]

Recomputes FILE's SHA-256 and size, checks them against FILE.manifest.json and checks the
manifest's Ed25519 signature. Exit 0 when intact, 1 with the reason when not.
${commonUsage}`,
  options: { ...commonOptions },
  takesPositionals: true,
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give one file to verify');
    const file = resolve(positionals[0]!.replace(/\.manifest\.json$/, ''));
    const result = await verifyExport(file);
    if (!result.ok) {
      if (values.json) io.stdout.write(`${JSON.stringify({ ok: false, file, reason: result.reason })}\n`);
      throw new CommandFailure(`${file} is NOT intact: ${result.reason}`);
    }
    const own = await ownFingerprint(values, io);
    const key = result.body.publicKey.fingerprint;
    const facts = { ok: true, file, sha256: result.body.file.sha256, camera: result.body.camera.name, site: result.body.site.name, from: new Date(result.body.requested.fromMs).toISOString(), to: new Date(result.body.requested.toMs).toISOString(), keyFingerprint: key, signedByThisInstall: own === key };
    if (values.json) io.stdout.write(`${JSON.stringify(facts)}\n`);
    else io.stdout.write(`${file}: intact (SHA-256 ${facts.sha256}).\n${facts.camera} at ${facts.site}, ${facts.from} to ${facts.to}.\nSigned by key ${key}${facts.signedByThisInstall ? ' (this installation’s)' : ''}.\n`);
    return 0;
  },
};

/** This install's key fingerprint, when its key can be read (nothing is created by verify). */
async function ownFingerprint(values: OptionValues, io: CommandIo): Promise<string | undefined> {
  try {
    const paths = dataPaths(resolveUserDataDir(stringOption(values, 'data-dir'), io.env));
    const store = await chooseCredentialStore({ safeStoragePath: paths.encryptedCredentialsFile, log: createLogger({ dir: paths.logs }, 'cli'), env: io.env });
    const pem = await store.get(signingKeyEntry);
    return pem ? keyFingerprint(createPublicKey(createPrivateKey(pem))) : undefined;
  } catch {
    return undefined;
  }
}
