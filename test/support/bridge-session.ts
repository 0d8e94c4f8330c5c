/**
 * A minimal serve-mode bridge client for tests: one WebSocket on /bridge, numbered requests,
 * every event kept (with its arrival time) so a test can count and grep them. It talks to a
 * running `tessera serve` given its `{ url, token }`, like a browser tab would.
 */
import { WebSocket } from 'ws';

export interface ServeTarget {
  /** The printed address (`http://127.0.0.1:<port>/?token=…`). */
  url: string;
  token: string;
}

export interface BridgeResult {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; retryable?: boolean; detail?: Record<string, unknown> };
}

export interface BridgeEvent {
  event: string;
  payload: unknown;
  /** Epoch ms when it arrived. */
  atMs: number;
  /** Size of the frame, bytes. */
  bytes: number;
}

export class BridgeSession {
  readonly events: BridgeEvent[] = [];
  /** Every frame the server sent, as text (to grep for secrets). */
  readonly frames: string[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (result: BridgeResult) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const text = String(raw);
      this.frames.push(text);
      const message = JSON.parse(text) as { id?: number; result?: BridgeResult; event?: string; payload?: unknown };
      if (typeof message.event === 'string') {
        this.events.push({ event: message.event, payload: message.payload, atMs: Date.now(), bytes: text.length });
      } else if (typeof message.id === 'number') {
        this.pending.get(message.id)?.(message.result!);
        this.pending.delete(message.id);
      }
    });
  }

  /** Opens a bridge as the window of `displayId` (serve mode's `&display=`), bounded wait. */
  static async connect(target: ServeTarget, displayId?: string, timeoutMs = 5000): Promise<BridgeSession> {
    const origin = new URL(target.url).origin;
    const query = `?token=${encodeURIComponent(target.token)}${displayId ? `&display=${encodeURIComponent(displayId)}` : ''}`;
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/bridge${query}`, { headers: { origin } });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bridge did not open within ${timeoutMs} ms`)), timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return new BridgeSession(ws);
  }

  /** One request; rejects when no answer comes within `timeoutMs`. */
  call(channel: string, input?: unknown, timeoutMs = 10_000): Promise<BridgeResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${channel} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.ws.send(JSON.stringify({ id, channel, input }));
    });
  }

  /** One request that must succeed: its value, or an error naming the channel and the refusal. */
  async value<T>(channel: string, input?: unknown, timeoutMs = 20_000): Promise<T> {
    const result = await this.call(channel, input, timeoutMs);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error?.code}: ${result.error?.message}`);
    return result.value as T;
  }

  eventsOf(event: string, sinceMs = 0): BridgeEvent[] {
    return this.events.filter((e) => e.event === event && e.atMs >= sinceMs);
  }

  close(): void {
    this.ws.close();
  }
}
