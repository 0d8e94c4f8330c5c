/** `tessera serve`: the main services without Electron, the renderer in any browser. */
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { compose } from '../compose.js';
import { createLogger } from '../logging/logger.js';
import { dataPaths, resolveUserDataDir, simulatorCacheDir } from '../paths.js';
import { createServeShell, displayUrls } from '../serve/serve-shell.js';
import { startDemo } from '../demo/demo-sites.js';
import type { SimulatorHandle } from '../demo/simulator.js';
import { startServeServer } from '../serve/server.js';
import { CommandFailure, commonOptions, commonUsage, integerOption, stringOption, UsageError, type Command } from './command.js';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** A host name as DNS writes it (RFC 1123 labels), or an IPv4/IPv6 address. */
const hostNamePattern = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** --host as given, checked before anything starts; brackets around an IPv6 address are dropped. */
export function hostOption(raw: string | undefined): string {
  if (raw === undefined) return '127.0.0.1';
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(host) || hostNamePattern.test(host)) return host;
  throw new UsageError(`--host must be an IP address or a host name of this machine, such as 127.0.0.1 or 0.0.0.0, not ${JSON.stringify(raw)}`);
}

/** One plain sentence for why the server could not listen, or undefined for an unexpected error. */
export function listenFailure(err: unknown, host: string, port: number): string | undefined {
  const where = port ? `port ${port} on ${host}` : `a port on ${host}`;
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return `${where} is already in use; choose another --port, or leave --port out to take a free one`;
    case 'EACCES':
      return `not allowed to listen on ${where} (ports below 1024 need administrator rights)`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine; use one of its own addresses, or 0.0.0.0 for all of them`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `${host} does not resolve to an address of this machine`;
    default:
      return undefined;
  }
}

/** The built renderer sits next to the built main bundle: out/main → out/renderer. */
export function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run Tessera without Electron; open the printed address in a browser',
  usage: `tessera serve [--port N] [--host 127.0.0.1] [--displays N] [--demo | --demo-when-empty] [--json]

Runs the same main-process services as the desktop app and serves the user interface to a
browser, guarded by a random token that is part of the printed address.

  --port N         port to listen on (default: a free port)
  --host ADDRESS   address to bind (default 127.0.0.1; anything else exposes the wall to the network)
  --displays N     number of wall displays, each with its own address, printed at start (default 1)
  --demo           also start the built-in VMS simulator and show its cameras (the demo site)
  --demo-when-empty  the same, but only while no site of your own is configured (npm start)
${commonUsage}`,
  options: {
    ...commonOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    displays: { type: 'string' },
    demo: { type: 'boolean' },
    'demo-when-empty': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const port = integerOption(values, 'port', 0, 0, 65535);
    const displays = integerOption(values, 'displays', 1, 1, 16);
    const host = hostOption(stringOption(values, 'host'));
    const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
    const log = createLogger({ dir: dataPaths(dataDir).logs, echo: true });
    if (!loopback.has(host)) log.warn(`serving on ${host}: anyone who can reach this address and has the token can see the wall`);

    const shell = createServeShell(displays);
    const services = await compose({ dataDir, shell, log });
    const wantDemo = Boolean(values.demo) || (Boolean(values['demo-when-empty']) && services.sites.list().length === 0);
    let sim: SimulatorHandle | undefined;
    if (wantDemo) {
      io.stderr.write('Starting the demo site (the built-in VMS simulator); the first start generates its video, which takes a minute…\n');
      sim = await startDemo(services.sites, simulatorCacheDir(dataDir, io.env), log.child('demo'));
    }
    void services.sites.restoreSessions();
    let handle;
    try {
      handle = await startServeServer({ host, port, rendererDir: rendererDir(), services, log: log.child('serve') });
    } catch (err) {
      await services.dispose();
      await sim?.stop();
      const sentence = listenFailure(err, host, port);
      throw sentence ? new CommandFailure(sentence) : err;
    }
    log.info('serve mode ready', { port: handle.port, dataDir });
    const walls = displayUrls(handle.url, shell.displays());
    // The demo simulator's fault knobs (127.0.0.1, no secret): tests break a vendor's answers mid-run with them.
    if (values.json) io.stdout.write(`${JSON.stringify({ url: handle.url, token: handle.token, displays: walls, ...(sim ? { demoAdminUrl: sim.adminUrl } : {}) })}\n`);
    else {
      const list = walls.map((d, i) => `  Display ${i + 1}: ${d.url}\n`).join('');
      io.stdout.write(`Tessera is running. Open this address in a browser:\n  ${handle.url}\nEach wall display has its own address (open each in its own browser, full screen):\n${list}(Ctrl-C stops it; data in ${dataDir})\n`);
    }

    await io.stopSignal;
    await handle.close();
    await services.dispose();
    await sim?.stop();
    return 0;
  },
};
