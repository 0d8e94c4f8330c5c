/**
 * The shape of `window.tessera`, derived from the channel tables: `app:info` becomes
 * `tessera.app.info()`, the event `settings:changed` becomes `tessera.settings.onChanged(cb)`.
 * Both bridges (Electron preload and the serve-mode WebSocket client) build this same object
 * with `buildApi`, so the renderer cannot tell them apart.
 */
import type { EventPayload, RequestInput, RequestResult } from './channels.js';
import { eventChannels, requestChannels, type EventChannel, type RequestChannel } from './names.js';
import type { Result } from './result.js';

type Namespace<C extends string> = C extends `${infer N}:${string}` ? N : never;
type Verb<C extends string> = C extends `${string}:${infer V}` ? V : never;
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

type RequestFn<C extends RequestChannel> = undefined extends RequestInput<C>
  ? (input?: RequestInput<C>) => Promise<Result<RequestResult<C>>>
  : (input: RequestInput<C>) => Promise<Result<RequestResult<C>>>;

export type Unsubscribe = () => void;

export type TesseraApi = {
  [N in Namespace<RequestChannel | EventChannel>]: {
    [C in RequestChannel as Namespace<C> extends N ? Camel<Verb<C>> : never]: RequestFn<C>;
  } & {
    [C in EventChannel as Namespace<C> extends N ? `on${Capitalize<Camel<Verb<C>>>}` : never]: (
      listener: (payload: EventPayload<C>) => void,
    ) => Unsubscribe;
  };
};

/** What a bridge must provide: one way to invoke and one way to listen. */
export interface BridgeTransport {
  invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): Unsubscribe;
}

export function apiKey(channel: string): { namespace: string; member: string } {
  const [namespace = '', verb = ''] = channel.split(':');
  return { namespace, member: verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) };
}

export function eventKey(channel: string): { namespace: string; member: string } {
  const { namespace, member } = apiKey(channel);
  return { namespace, member: `on${member.charAt(0).toUpperCase()}${member.slice(1)}` };
}

export function buildApi(transport: BridgeTransport): TesseraApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of requestChannels) {
    const { namespace, member } = apiKey(channel);
    (api[namespace] ??= {})[member] = (input?: unknown) => transport.invoke(channel, input);
  }
  for (const channel of eventChannels) {
    const { namespace, member } = eventKey(channel);
    (api[namespace] ??= {})[member] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${member} needs a function`);
      return transport.subscribe(channel, listener);
    };
  }
  return api as unknown as TesseraApi;
}
