import { describe, expect, it, vi } from 'vitest';
import { buildApi, eventChannels, requestChannels, type BridgeTransport } from '../../../preload/contract/index.js';

function fakeTransport() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const transport: BridgeTransport = {
    invoke: vi.fn(async (channel, input) => ({ ok: true as const, value: { channel, input } })),
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return { transport, emit: (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload)) };
}

describe('buildApi', () => {
  it('exposes one named function per request channel and nothing generic', async () => {
    const { transport } = fakeTransport();
    const api = buildApi(transport) as unknown as Record<string, Record<string, unknown>>;
    for (const channel of requestChannels) {
      const [ns, verb] = channel.split(':') as [string, string];
      expect(typeof api[ns]?.[verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]).toBe('function');
    }
    expect(api.invoke).toBeUndefined();
    expect(api.send).toBeUndefined();
    await (api.settings!.set as (x: unknown) => Promise<unknown>)({ theme: 'light' });
    expect(transport.invoke).toHaveBeenCalledWith('settings:set', { theme: 'light' });
  });

  it('turns events into onX subscriptions that return an unsubscribe', () => {
    const { transport, emit } = fakeTransport();
    const api = buildApi(transport);
    expect(eventChannels).toContain('app:displays-changed');
    const seen: unknown[] = [];
    const off = api.app.onDisplaysChanged((displays) => seen.push(displays));
    emit('app:displays-changed', [1]);
    off();
    emit('app:displays-changed', [2]);
    expect(seen).toEqual([[1]]);
  });

  it('refuses a listener that is not a function', () => {
    const api = buildApi(fakeTransport().transport);
    expect(() => api.settings.onChanged('x' as never)).toThrow(TypeError);
  });
});
