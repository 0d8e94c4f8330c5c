/** `tessera serve`: the main services without Electron, the renderer in any browser. */
import { fileURLToPath } from 'node:url';
import { compose } from '../compose.js';
import { createLogger } from '../logging/logger.js';
import { dataPaths, resolveUserDataDir, simulatorCacheDir } from '../paths.js';
import { createServeShell, displayUrls } from '../serve/serve-shell.js';
import { startDemo } from '../sites/demo-sites.js';
import type { SimulatorHandle } from '../simulator/index.js';
import { startServeServer } from '../serve/server.js';
import { commonOptions, commonUsage, integerOption, stringOption, UsageError, type Command } from './command.js';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

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
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    if (!host.trim()) throw new UsageError('--host needs an address');
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
    const handle = await startServeServer({ host, port, rendererDir: rendererDir(), services, log: log.child('serve') });
    log.info('serve mode ready', { port: handle.port, dataDir });
    const walls = displayUrls(handle.url, shell.displays());
    if (values.json) io.stdout.write(`${JSON.stringify({ url: handle.url, token: handle.token, displays: walls })}\n`);
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
