/**
 * The VMS simulator server: composes the media layer and the four simulated APIs, each on its own
 * 127.0.0.1 port, plus an admin port for fault knobs. Used by `tessera sim`, by demo mode and
 * by the tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { createSimMedia } from './media/index.js';
import { createAdminService } from './admin.js';
import { withFaults, defaultFaults } from './faults.js';
import type { FaultState, SimApiModule, SimContext, SimService, SiteDescription } from './types.js';

export interface SimulatorOptions {
  /** The simulated APIs to serve (see ./index.ts for all of them). */
  modules: readonly SimApiModule[];
  /** First port; services take consecutive ports from here. 0 or undefined: random free ports. */
  port?: number;
  cameras?: number;
  hours?: number;
  /** Where generated media is cached between runs. */
  cacheDir: string;
  /** Start the RTSP server (default true; falls back to HTTP-only when GStreamer is missing). */
  rtsp?: boolean;
  faults?: Partial<FaultState>;
  username?: string;
  password?: string;
  onProgress?: (message: string) => void;
  now?: () => number;
  /** Recorded FLV at the recording's pace (default true); see SimContext.paceRecorded. */
  paceRecorded?: boolean;
}

export interface SimulatorHandle {
  /** Per site kind, what an operator would type to add the site (the `--json` line). */
  sites: Record<string, SiteDescription | { name: string; url: string }[]>;
  adminUrl: string;
  /** Why there are no RTSP cameras although they were asked for (the HTTP media still work), else undefined. */
  rtspUnavailable?: string;
  context: SimContext;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const now = options.now ?? Date.now;
  const events = new EventEmitter();
  const faults: FaultState = { ...defaultFaults, ...options.faults };
  const log = (message: string): void => options.onProgress?.(message);
  const media = await createSimMedia({
    cameras: options.cameras ?? 8,
    hours: options.hours ?? 2,
    cacheDir: options.cacheDir,
    rtsp: options.rtsp ?? true,
    now,
    onProgress: log,
  });
  const ctx: SimContext = {
    media,
    faults,
    now,
    paceRecorded: options.paceRecorded ?? true,
    username: options.username ?? 'operator@demo.tessera',
    password: options.password ?? 'demo-password',
    onExpireSessions(listener) {
      events.on('expire', listener);
      return () => events.off('expire', listener);
    },
    onCameraStatus(listener) {
      events.on('camera', listener);
      return () => events.off('camera', listener);
    },
    log,
  };

  const portNames = [...options.modules.flatMap((m) => m.ports), 'admin'];
  const servers = new Map<string, Server>();
  const urls: Record<string, string> = {};
  let next = options.port ?? 0;
  for (const name of portNames) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(next, '127.0.0.1', () => resolve());
    });
    if (next) next += 1;
    servers.set(name, server);
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const services = new Map<string, SimService>();
  for (const mod of options.modules) {
    const created = mod.create(ctx, urls);
    for (const name of mod.ports) {
      const service = created[name];
      if (!service) throw new Error(`simulator module ${mod.kind} did not create its ${name} service`);
      services.set(name, withFaults(service, faults));
    }
  }
  services.set('admin', createAdminService(ctx, events));

  for (const [name, server] of servers) {
    const service = services.get(name)!;
    server.on('request', (req, res) => {
      Promise.resolve(service.handle(req, res)).catch((err: unknown) => {
        log(`${name}: ${req.method} ${req.url} failed: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal simulator error');
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (service.upgrade) service.upgrade(req, socket, head);
      else socket.destroy();
    });
  }

  const sites: SimulatorHandle['sites'] = {};
  for (const mod of options.modules) sites[mod.kind] = mod.describe(ctx, urls);
  sites.rtsp = media.cameras.flatMap((cam) => {
    const url = media.rtspUrl(cam.index, 'main');
    return url ? [{ name: cam.name, url }] : [];
  });

  return {
    sites,
    adminUrl: urls.admin!,
    rtspUnavailable: media.rtspUnavailable,
    context: ctx,
    async stop() {
      for (const service of services.values()) await service.close?.();
      await Promise.all(
        [...servers.values()].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
      await media.close();
    },
  };
}
