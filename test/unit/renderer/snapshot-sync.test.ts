/**
 * The snapshot sync behind the sites, cameras and wall stores: subscribe, then fetch; a push
 * taken while the request is out beats its (older) answer; a reconnect fetches again.
 */
import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import type { AppError, Result } from '../../../preload/contract/index.js';
import { snapshotSync } from '../../../renderer/src/stores/snapshot-sync.js';

type Status = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** A fake main: requests wait until the test answers them; pushes go to every listener. */
function fakeMain() {
  const answers: ((result: Result<string>) => void)[] = [];
  const listeners: ((next: string) => void)[] = [];
  const connection = ref<Status>('open');
  const source = {
    fetch: () => new Promise<Result<string>>((resolve) => answers.push(resolve)),
    subscribe: (listener: (next: string) => void) => listeners.push(listener),
    connection,
  };
  return {
    source,
    connection,
    listeners,
    fetches: () => answers.length,
    answer: (index: number, result: Result<string>) => answers[index]!(result),
    push: (next: string) => listeners.forEach((listener) => listener(next)),
  };
}

function store(takesPushes?: () => boolean) {
  const kept: string[] = [];
  const error = ref<AppError | null>(null);
  return { kept, error, target: { keep: (next: string) => kept.push(next), error, ...(takesPushes ? { takesPushes } : {}) } };
}

const ok = (value: string): Result<string> => ({ ok: true, value });

describe('snapshotSync', () => {
  it('subscribes before it asks, keeps the answer and says it is loaded', async () => {
    const main = fakeMain();
    const s = store();
    const sync = snapshotSync(main.source, s.target);
    const started = sync.start();
    expect(main.listeners).toHaveLength(1);
    expect(main.fetches()).toBe(1);
    expect(sync.loaded.value).toBe(false);
    main.answer(0, ok('v1'));
    await started;
    expect(s.kept).toEqual(['v1']);
    expect(sync.loaded.value).toBe(true);
  });

  it('drops an answer that a push overtook (the push is newer)', async () => {
    const main = fakeMain();
    const s = store();
    const sync = snapshotSync(main.source, s.target);
    const started = sync.start();
    main.push('v2');
    expect(sync.loaded.value).toBe(true);
    main.answer(0, ok('v1'));
    await started;
    expect(s.kept).toEqual(['v2']);
  });

  it('keeps a failed request as the error, and is loaded all the same', async () => {
    const main = fakeMain();
    const s = store();
    const sync = snapshotSync(main.source, s.target);
    const started = sync.start();
    const error: AppError = { code: 'unreachable', message: 'main is away', retryable: true };
    main.answer(0, { ok: false, error });
    await started;
    expect(s.kept).toEqual([]);
    expect(s.error.value).toEqual(error);
    expect(sync.loaded.value).toBe(true);
  });

  it('starts once however often it is asked to', async () => {
    const main = fakeMain();
    const sync = snapshotSync(main.source, store().target);
    const first = sync.start();
    await sync.start();
    expect(main.listeners).toHaveLength(1);
    expect(main.fetches()).toBe(1);
    main.answer(0, ok('v1'));
    await first;
  });

  it('asks again when the socket comes back after it closed, not on a first open', async () => {
    const main = fakeMain();
    const s = store();
    const sync = snapshotSync(main.source, s.target);
    const started = sync.start();
    main.answer(0, ok('v1'));
    await started;
    main.connection.value = 'connecting';
    main.connection.value = 'open';
    await nextTick();
    expect(main.fetches()).toBe(1);
    main.connection.value = 'closed';
    await nextTick();
    main.connection.value = 'open';
    await nextTick();
    expect(main.fetches()).toBe(2);
    main.answer(1, ok('v3'));
    await nextTick();
    expect(s.kept).toEqual(['v1', 'v3']);
  });

  it('ignores pushes the store does not take now, and they do not overtake an answer', async () => {
    const main = fakeMain();
    let busy = true;
    const s = store(() => !busy);
    const sync = snapshotSync(main.source, s.target);
    const started = sync.start();
    main.push('stale');
    main.answer(0, ok('v1'));
    await started;
    expect(s.kept).toEqual(['v1']);
    busy = false;
    main.push('v2');
    expect(s.kept).toEqual(['v1', 'v2']);
  });
});
