/**
 * Attacks on live-stream slots (issue 13, item 5), reusable against any running `tessera serve`
 * given its `{ url, token }`. Each opens its own bridge as one window (display) and reports what
 * the server answered; none asserts anything (the tests do).
 */
import { BridgeSession, type BridgeResult, type ServeTarget } from '../../support/bridge-session.js';

export interface OpenReport {
  /** Stream ids the server handed out. */
  opened: string[];
  /** Refusals by error code. */
  refused: Record<string, number>;
  /** One refusal of each code, for its message. */
  samples: Record<string, BridgeResult['error']>;
  elapsedMs: number;
  /** The window that asked; its streams stay open until `release()`. */
  session: BridgeSession;
  /** Closes every stream this window opened, then the window. */
  release(): Promise<void>;
}

async function openMany(target: ServeTarget, displayId: string, cameras: string[], count: number, profile: 'main' | 'sub'): Promise<OpenReport> {
  const session = await BridgeSession.connect(target, displayId);
  const started = Date.now();
  // All at once, as a runaway or hostile page would send them.
  const results = await Promise.all(Array.from({ length: count }, (_, i) => session.call('media:open', { cameraId: cameras[i % cameras.length]!, profile }, 30_000)));
  const opened: string[] = [];
  const refused: Record<string, number> = {};
  const samples: OpenReport['samples'] = {};
  for (const result of results) {
    if (result.ok) opened.push((result.value as { streamId: string }).streamId);
    else {
      const code = result.error?.code ?? 'none';
      refused[code] = (refused[code] ?? 0) + 1;
      samples[code] ??= result.error;
    }
  }
  return {
    opened,
    refused,
    samples,
    elapsedMs: Date.now() - started,
    session,
    async release() {
      await Promise.all(opened.map((streamId) => session.call('media:close', { streamId }, 30_000)));
      session.close();
    },
  };
}

/** `count` opens of cameras that exist on no site, from one window. */
export function openUnknownCameras(target: ServeTarget, options: { count?: number; displayId?: string } = {}): Promise<OpenReport> {
  const count = options.count ?? 512;
  const cameras = Array.from({ length: count }, (_, i) => `no-such-site-${i}/no-such-camera-${i}`);
  return openMany(target, options.displayId ?? 'browser-1', cameras, count, 'sub');
}

/** `count` opens of real cameras (cycled), from one window: a runaway page hoarding slots. */
export function hoardRealCameras(target: ServeTarget, cameraIds: string[], options: { count?: number; displayId?: string; profile?: 'main' | 'sub' } = {}): Promise<OpenReport> {
  return openMany(target, options.displayId ?? 'browser-1', cameraIds, options.count ?? 512, options.profile ?? 'sub');
}

/** The camera ids the server lists (signed-in sites only), waiting up to `timeoutMs` for at least `atLeast`. */
export async function listCameraIds(target: ServeTarget, atLeast = 1, timeoutMs = 60_000): Promise<string[]> {
  const session = await BridgeSession.connect(target);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const listed = await session.call('cameras:list');
      const ids = listed.ok ? (listed.value as { id: string }[]).map((c) => c.id) : [];
      if (ids.length >= atLeast) return ids;
      if (Date.now() > deadline) throw new Error(`the server listed ${ids.length} cameras, fewer than ${atLeast}, within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    session.close();
  }
}

export interface ChurnReport {
  /** Requests sent (opens and closes). */
  requests: number;
  elapsedMs: number;
}

/**
 * Opens and closes streams of the given cameras as fast as the server answers, `rounds` times
 * `batch` at once, from one window: every open and close changes the stream states, which
 * unthrottled would be one `media:state` event to every window each.
 */
export async function churnStreams(target: ServeTarget, cameraIds: string[], options: { rounds?: number; batch?: number; displayId?: string } = {}): Promise<ChurnReport> {
  const rounds = options.rounds ?? 20;
  const batch = options.batch ?? 16;
  const session = await BridgeSession.connect(target, options.displayId ?? 'browser-1');
  const started = Date.now();
  let requests = 0;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const opened = await Promise.all(Array.from({ length: batch }, (_, i) => session.call('media:open', { cameraId: cameraIds[(round + i) % cameraIds.length]!, profile: 'sub' })));
      requests += batch;
      const ids = opened.flatMap((r) => (r.ok ? [(r.value as { streamId: string }).streamId] : []));
      await Promise.all(ids.map((streamId) => session.call('media:close', { streamId })));
      requests += ids.length;
    }
  } finally {
    session.close();
  }
  return { requests, elapsedMs: Date.now() - started };
}

/** Largest number of events in any one-second window (sliding over arrival times). */
export function maxPerSecond(atMs: number[]): number {
  const sorted = [...atMs].sort((a, b) => a - b);
  let best = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to += 1) {
    while (sorted[to]! - sorted[from]! >= 1000) from += 1;
    best = Math.max(best, to - from + 1);
  }
  return best;
}
