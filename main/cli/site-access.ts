/**
 * How CLI commands reach a site: either a saved site (signed in with its saved secret, through
 * the same SiteService the app uses), or an ad-hoc site given by --kind/--url/--user with the
 * password on stdin (nothing is saved).
 */
import { AppFailure, siteKindSchema, siteKinds, type SiteConfig, type SiteKind } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { VmsAdapter } from '../vms/adapter.js';
import { fetchingOpener, type BrowserOpener } from '../vms/browser-opener.js';
import { splitUrlCredentials } from '../sites/url-credentials.js';
import { HttpClient } from '../net/http-client.js';
import { adapterFactory } from '../vms/registry.js';
import { CommandFailure, stringOption, UsageError, type CommandIo, type OptionValues } from './command.js';

export const adHocOptions = {
  kind: { type: 'string' },
  url: { type: 'string' },
  user: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'client-id': { type: 'string' },
  'oauth-headless': { type: 'boolean' },
} as const;

export const adHocUsage = `  --kind KIND        site kind: ${siteKinds.join(', ')}
  --url URL          site address (for rtsp: the camera's rtsp:// address)
  --user NAME        user name
  --password-stdin   read the password from standard input (never from the command line);
                     for eagleeye-v3: the OAuth client secret
  --client-id ID     eagleeye-v3: the OAuth client id of your Eagle Eye application
  --oauth-headless   eagleeye-v3: sign in without a browser by following the authorization
                     address directly; works only where the server approves without a page
                     (the built-in simulator's demo user)`;

export async function readPassword(io: CommandIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function isAdHoc(values: OptionValues): boolean {
  return values.kind !== undefined || values.url !== undefined;
}

/** A site address from --url: it parses, with a scheme the kind reads (any known one without a kind). */
export function siteAddress(url: string, kind: SiteKind | undefined): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url is not an address: ${JSON.stringify(url)}`);
  }
  const rtsp = parsed.protocol === 'rtsp:' || parsed.protocol === 'rtsps:';
  const http = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  if (kind === 'rtsp' ? rtsp : kind === undefined ? rtsp || http : http) return parsed;
  const wanted = kind === 'rtsp' ? 'rtsp://' : kind === undefined ? 'http://, https:// or rtsp://' : 'http:// or https://';
  throw new UsageError(`--url: unsupported scheme ${JSON.stringify(parsed.protocol)}; use ${wanted}`);
}

/** Builds, and signs in, an adapter for a site given on the command line. */
export async function adHocAdapter(values: OptionValues, io: CommandIo, log: Logger): Promise<{ adapter: VmsAdapter; site: SiteConfig }> {
  const kind = siteKindSchema.safeParse(values.kind);
  const typed = stringOption(values, 'url');
  // The address before the kind: a wrong scheme is the first thing to say about `--url ftp://x`.
  const address = typed === undefined ? undefined : siteAddress(typed, kind.data);
  if (!kind.success) throw new UsageError(`--kind must be one of ${siteKinds.join(', ')}`);
  if (!typed || !address) throw new UsageError('--url is required with --kind');
  const host = address.host;
  // A user and password inside --url sign in like --user and the password (fetch refuses such addresses).
  const inUrl = splitUrlCredentials(typed);
  const url = inUrl.url;
  const user = stringOption(values, 'user');
  if (inUrl.username !== undefined && user !== undefined && user !== inUrl.username) throw new UsageError('--url holds another user than --user; give the user in one place');
  if (inUrl.password !== undefined && values['password-stdin']) throw new UsageError('--url holds a password and --password-stdin was given; give the password in one place');
  const password = values['password-stdin'] ? await readPassword(io) : (inUrl.password ?? '');
  const site: SiteConfig = {
    id: 'cli',
    name: host,
    kind: kind.data,
    url: kind.data === 'rtsp' ? '' : url,
    username: user ?? inUrl.username ?? '',
    ...(kind.data === 'rtsp' ? { rtspCameras: [{ name: host, url }] } : {}),
    ...(stringOption(values, 'client-id') ? { oauthClientId: stringOption(values, 'client-id')! } : {}),
  };
  const http = new HttpClient({ baseUrl: kind.data === 'rtsp' ? 'http://127.0.0.1/' : url, siteName: site.name });
  const adapter = adapterFactory(kind.data).create({ site, http, log, now: Date.now });
  const outcome = await adapter.signIn({ username: site.username, password });
  if (outcome.kind === 'two-factor') {
    await adapter.dispose();
    throw new CommandFailure(`${site.name}: this account needs a two-factor code; add it as a site in the app (or \`tessera sites add\`) to sign in.`);
  }
  if (outcome.kind === 'browser') {
    if (!values['oauth-headless']) {
      await adapter.dispose();
      throw new CommandFailure(`${site.name}: Eagle Eye v3 signs in through a browser; sign in with the app (or \`tessera sites add\`), or pass --oauth-headless for a server that approves without a page.`);
    }
    try {
      await Promise.all([outcome.completion, fetchingOpener.open(outcome.authorizationUrl)]);
    } catch (err) {
      await adapter.dispose();
      throw err;
    }
  }
  return { adapter, site };
}

/** One line for stderr from anything a site operation threw. */
export function describeFailure(err: unknown): CommandFailure | UsageError {
  if (err instanceof UsageError || err instanceof CommandFailure) return err;
  if (err instanceof AppFailure) return new CommandFailure(err.error.message);
  return new CommandFailure(err instanceof Error ? err.message : String(err));
}

/**
 * How CLI sign-ins reach a browser (Eagle Eye v3): --oauth-headless follows the address without
 * one; otherwise the address is printed for the operator to open (the sign-in then waits).
 */
export function cliBrowserOpener(values: OptionValues, io: CommandIo): BrowserOpener {
  if (values['oauth-headless']) return fetchingOpener;
  return { open: async (url) => void io.stderr.write(`Open this address in a browser to sign in (Tessera waits up to 5 minutes):\n  ${url}\n`) };
}
