/**
 * Runs rtsp-server.py (gst-rtsp-server, Debian packages) with one mount per camera and profile
 * and reports when a mount gains its first client ("open") and loses its media ("close"), so
 * the matching publisher runs only while someone watches.
 */
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { systemPython } from './binaries.js';
import type { ProcessGroup } from './processes.js';

/**
 * The script as Python can open it. Inside a packaged desktop app the bundle sits in app.asar, an
 * archive only Electron's own fs reads; electron-builder unpacks the script beside it (asarUnpack).
 */
export function scriptOnDisk(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

const script = scriptOnDisk(fileURLToPath(new URL('./rtsp-server.py', import.meta.url)));
/** Budget for Python + GStreamer start-up, ms (measured ~0.3 s). */
const READY_TIMEOUT_MS = 15_000;

export interface RtspServerEvents {
  onOpen(path: string): void;
  onClose(path: string): void;
  onLog?(message: string): void;
}

export interface RtspServer {
  port: number;
  /** RTP/UDP port on 127.0.0.1 that feeds each mount. */
  udpPorts: ReadonlyMap<string, number>;
  /** Mount reachable (true) or 404 (false, camera offline). */
  setMountEnabled(path: string, enabled: boolean): void;
}

/** Mount path of a camera's stream, e.g. /cam/1000a000/main. */
export function mountPath(esn: string, profile: string): string {
  return `/cam/${esn}/${profile}`;
}

/**
 * Starts the server; resolves null (with the reason in `why`) when GStreamer's RTSP server is not
 * importable by /usr/bin/python3, so the simulator can go on with HTTP media only.
 */
export async function startRtspServer(
  mounts: readonly string[],
  procs: ProcessGroup,
  events: RtspServerEvents,
): Promise<{ server: RtspServer } | { server: null; why: string }> {
  let child: ChildProcess;
  try {
    child = procs.spawn(systemPython(), [script, JSON.stringify({ mounts })]);
  } catch (err) {
    return { server: null, why: String(err) };
  }
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve) => {
    let ready = false;
    const fail = (why: string): void => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ server: null, why });
    };
    const timer = setTimeout(() => fail(`no answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => {
      if (!ready) fail(`exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
      // A signal means close() stopped it; anything else is worth a line.
      else if (signal === null) events.onLog?.(`media: RTSP server exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
    });
    lines.on('line', (line) => {
      const space = line.indexOf(' ');
      const verb = space < 0 ? line : line.slice(0, space);
      const rest = space < 0 ? '' : line.slice(space + 1);
      if (verb === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        const info = JSON.parse(rest) as { port: number; udp: Record<string, number> };
        resolve({
          server: {
            port: info.port,
            udpPorts: new Map(Object.entries(info.udp)),
            setMountEnabled(path, enabled) {
              child.stdin?.write(`${enabled ? 'add' : 'remove'} ${path}\n`);
            },
          },
        });
      } else if (verb === 'open') events.onOpen(rest);
      else if (verb === 'close') events.onClose(rest);
    });
  });
}
