/**
 * User names and passwords typed inside an address (`http://admin:secret@nvr`,
 * `rtsp://admin:secret@cam/…`) never stay there: an address is stored in sites.json and sent to
 * every window, and a password must reach neither. They move to the user field and to where the
 * form's password goes (the credential store, or this run only), and the address is kept
 * without them. Pure, so it is table-tested; SiteRegistry applies it on add and on load.
 */
import { AppFailure, type AddSite, type SiteConfig } from '../../preload/contract/index.js';

export interface SplitUrl {
  /** The address without user and password (unchanged when it does not parse). */
  url: string;
  /** Decoded; undefined when the address holds none. */
  username?: string;
  password?: string;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Takes the user and password out of one address. */
export function splitUrlCredentials(url: string): SplitUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const username = decode(parsed.username);
  const password = parsed.password === '' ? undefined : decode(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

export function hasUrlCredentials(url: string): boolean {
  return splitUrlCredentials(url).url !== url;
}

interface Found {
  username?: string;
  password?: string;
  /** Where the first of each was found (an issue path: "url", "rtspCameras.2.url"). */
  usernameAt?: string;
  passwordAt?: string;
}

function refuse(path: string, message: string): never {
  throw new AppFailure('bad-request', `The ${path === 'url' ? 'address' : 'camera address'} ${message}.`, { issues: [{ path, message }] });
}

/** Collects the credentials of every address; different users or passwords in two addresses are refused. */
function collect(entries: { path: string; split: SplitUrl }[]): Found {
  const found: Found = {};
  for (const { path, split } of entries) {
    if (split.username !== undefined) {
      if (found.username !== undefined && found.username !== split.username) refuse(path, `holds another user than ${found.usernameAt === 'url' ? 'the address' : 'another camera address'}; one site signs in with one user`);
      found.username ??= split.username;
      found.usernameAt ??= path;
    }
    if (split.password !== undefined) {
      if (found.password !== undefined && found.password !== split.password) refuse(path, 'holds another password than another camera address; one site signs in with one password');
      found.password ??= split.password;
      found.passwordAt ??= path;
    }
  }
  return found;
}

export interface ExtractedSite {
  input: AddSite;
  /** What was taken out of the addresses, for the log (never the password itself). */
  moved: { username: boolean; password: boolean };
}

/**
 * A site to add with every address free of credentials: a user or password found in an address
 * fills the empty user field or password; one that contradicts what the form gave is refused
 * (`bad-request`, with the field to fix), as is a password in an address with a different user.
 */
export function extractAddCredentials(input: AddSite): ExtractedSite {
  const site = input.kind === 'rtsp' ? { path: 'url', split: { url: input.url } } : { path: 'url', split: splitUrlCredentials(input.url) };
  const cameras = (input.rtspCameras ?? []).map((camera, index) => ({ path: `rtspCameras.${index}.url`, split: splitUrlCredentials(camera.url) }));
  const found = collect([site, ...cameras]);
  const formUser = input.username.trim();
  if (found.username !== undefined && formUser !== '' && formUser !== found.username) {
    refuse(found.usernameAt!, `holds the user "${found.username}" but the User field says "${formUser}"; enter the user in one place`);
  }
  if (found.password !== undefined && input.password !== undefined && input.password !== '' && input.password !== found.password) {
    refuse(found.passwordAt!, 'holds a password different from the Password field; enter it in one place (the Password field)');
  }
  if (found.username === undefined && found.password === undefined) return { input, moved: { username: false, password: false } };
  const password = input.password !== undefined && input.password !== '' ? input.password : found.password;
  return {
    input: {
      ...input,
      url: site.split.url,
      username: formUser || found.username || '',
      ...(password !== undefined ? { password } : {}),
      ...(input.rtspCameras ? { rtspCameras: input.rtspCameras.map((camera, index) => ({ ...camera, url: cameras[index]!.split.url })) } : {}),
    },
    moved: { username: found.username !== undefined && formUser === '', password: found.password !== undefined && (input.password === undefined || input.password === '') },
  };
}

export interface CleanedConfig {
  config: SiteConfig;
  /** A password that was in an address (to move to the credential store), if any. */
  password?: string;
  /** Whether the config changed (then it is written back without the credentials). */
  changed: boolean;
  /** What happened, in words for the log (never the secret). */
  notes: string[];
}

/**
 * A stored site (sites.json written by an older Tessera, or by hand) whose addresses hold
 * credentials: the addresses without them, the user kept when the site has none, and the
 * password handed back to be moved to the credential store. Never refuses: a file that loads
 * must not stop Tessera; contradictions are resolved in favour of the site's own fields.
 */
export function cleanStoredConfig(config: SiteConfig): CleanedConfig {
  const site = splitUrlCredentials(config.url);
  const cameras = (config.rtspCameras ?? []).map((camera) => splitUrlCredentials(camera.url));
  const all = [site, ...cameras];
  if (all.every((split) => split.username === undefined && split.password === undefined)) return { config, changed: false, notes: [] };
  const notes = ['its address held a user name or password; they were removed from it'];
  const users = new Set(all.flatMap((split) => (split.username !== undefined ? [split.username] : [])));
  const passwords = new Set(all.flatMap((split) => (split.password !== undefined ? [split.password] : [])));
  let username = config.username;
  if (!username && users.size === 1) {
    username = [...users][0]!;
    notes.push('the user from the address is now the site’s user');
  } else if ([...users].some((user) => user !== username)) notes.push('the user in the address differed from the site’s user, which is kept');
  let password: string | undefined;
  if (passwords.size === 1) password = [...passwords][0];
  else if (passwords.size > 1) notes.push('the addresses held different passwords, none was kept; sign in again');
  return {
    config: {
      ...config,
      url: site.url,
      username,
      ...(config.rtspCameras ? { rtspCameras: config.rtspCameras.map((camera, index) => ({ ...camera, url: cameras[index]!.url })) } : {}),
    },
    ...(password !== undefined ? { password } : {}),
    changed: true,
    notes,
  };
}

/** The store a moved password goes to, and the log that says so. */
interface MoveTarget {
  credentials: { get(siteId: string): Promise<string | null>; set(siteId: string, secret: string): Promise<void> };
  log: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
}

/**
 * Loaded sites without credentials in their addresses, and the moves of found passwords to the
 * credential store (done when `moved` settles; the caller then writes the cleaned file, so a
 * crash in between loses nothing). A site that already has a saved password keeps it.
 */
export function cleanLoadedSites(configs: readonly SiteConfig[], target: MoveTarget): { configs: SiteConfig[]; changed: boolean; moved: Promise<void> } {
  const cleaned = configs.map((config) => cleanStoredConfig(config));
  const moves = cleaned.map(async ({ config, password, changed, notes }) => {
    if (!changed) return;
    const site = config.name;
    target.log.warn('a saved site held credentials in its address', { site, notes });
    if (password === undefined) return;
    try {
      if ((await target.credentials.get(config.id)) !== null) {
        target.log.info('the site already has a saved password; the one from its address was dropped', { site });
        return;
      }
      await target.credentials.set(config.id, password);
      target.log.info('moved the password from the site’s address to the credential store', { site });
    } catch (err) {
      target.log.warn('could not keep the password from the site’s address; sign in to the site again', { site, error: err });
    }
  });
  return { configs: cleaned.map((c) => c.config), changed: cleaned.some((c) => c.changed), moved: Promise.all(moves).then(() => undefined) };
}
