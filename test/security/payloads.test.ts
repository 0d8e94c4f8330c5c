/**
 * Hostile payloads on every request channel of the contract (generated from its channel table in
 * attacks/payloads.ts): oversized numbers, 10k-entry lists and records, deep nesting, and
 * __proto__ / constructor / prototype in every id-like field and record key. Each must be refused
 * with bad-request, nothing may land on Object.prototype, and the server must keep serving:
 * once in process through compose()'s IpcRouter, once over a real `tessera serve` bridge.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { compose, type Services } from '../../main/compose.js';
import { sessionOnlyStore } from '../../main/credentials/session-only-store.js';
import { createServeShell } from '../../main/serve/serve-shell.js';
import { requestChannels, requests, type Result } from '../../preload/contract/index.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { allAttacks, notRefused, prototypePollution, runAttacks, sampleInputs, stillServing, type Send } from './attacks/payloads.js';

const prototypeBaseline = Object.getOwnPropertyNames(Object.prototype);

describe('the attack table', () => {
  it('has a valid sample input for every request channel of the contract, and nothing else', () => {
    expect(Object.keys(sampleInputs).sort()).toEqual([...requestChannels].sort());
    for (const channel of requestChannels) {
      const parsed = requests[channel].input.safeParse(sampleInputs[channel]);
      expect(parsed.success, `${channel}: ${parsed.error?.issues[0]?.message}`).toBe(true);
    }
  });

  it('attacks every channel, and every id-like field with each reserved name', () => {
    const attacks = allAttacks();
    expect(new Set(attacks.map((a) => a.channel))).toEqual(new Set(requestChannels));
    const names = attacks.map((a) => `${a.channel} ${a.name}`);
    // Spot checks that the generator found the fields the old code let through.
    expect(names).toContain('wall:set-display displayId = "__proto__"');
    expect(names).toContain('wall:save-layout cells.0.cameraIds.0 = "constructor"');
    expect(names).toContain('settings:set windowModes = a record keyed "__proto__"');
    expect(names).toContain('settings:set windowModes = 10000 more entries');
    expect(names).toContain('wall:save-layout columns = 1e+21');
  });
});

describe('in process: compose()’s IpcRouter', () => {
  let scratch: string;
  let services: Services;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'tessera-security-'));
    services = await compose({ dataDir: join(scratch, 'data'), shell: createServeShell(1), log: memoryLogger(), credentials: sessionOnlyStore() });
  });
  afterAll(async () => {
    await services?.dispose();
    // Undo what a polluting attack did on failing code, so the failure stays in this file.
    for (const name of prototypePollution(prototypeBaseline)) if (!name.startsWith('(')) delete (Object.prototype as Record<string, unknown>)[name];
    delete (Object.prototype as Record<string, unknown>)['layoutId'];
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** dispatch must always resolve; a throw is recorded as the attack's outcome, not a test crash. */
  const send: Send = (channel, input) =>
    services.router
      .dispatch(channel, input, { trusted: true, caller: 'security test', displayId: 'browser-1' })
      .catch((err: unknown) => ({ ok: false, error: { code: 'internal', message: `dispatch threw ${String(err)}`, retryable: false } }));

  it('refuses every attack with bad-request, leaves Object.prototype alone and keeps answering', async () => {
    const outcomes = await runAttacks(send);
    expect(notRefused(outcomes)).toEqual([]);
    expect(prototypePollution(prototypeBaseline)).toEqual([]);
    expect(await stillServing(send)).toEqual([]);
  });
});

describe('over a real serve bridge', () => {
  let serve: ServeProcess;
  let ws: WebSocket;
  let nextId = 1;
  /** Requests in a row left unanswered; after a few the server is taken as hung and not waited on. */
  let unanswered = 0;
  beforeAll(async () => {
    serve = await startServeProcess();
    ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/bridge?token=${serve.token}&display=browser-1`, { headers: { origin: serve.origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  });
  afterAll(async () => {
    ws?.close();
    await serve?.stop();
  });

  /** One request over the bridge; a missing answer (the server hung or died) is a failed Result, bounded. */
  const send: Send = (channel, input) => {
    const id = nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      const done = (result: Result<unknown>): void => {
        unanswered = !result.ok && result.error.message.startsWith('no answer') ? unanswered + 1 : 0;
        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(result);
      };
      const noAnswer = (why: string): Result<unknown> => ({ ok: false, error: { code: 'internal', message: `no answer: ${why}`, retryable: false } });
      const timer = setTimeout(() => done(noAnswer('none within 5 s')), unanswered >= 3 ? 0 : 5000);
      const onMessage = (raw: Buffer): void => {
        const message = JSON.parse(String(raw)) as { id?: number; result?: Result<unknown> };
        if (message.id === id) done(message.result!);
      };
      const onClose = (code: number): void => done(noAnswer(`the bridge closed with ${code}`));
      ws.on('message', onMessage);
      ws.on('close', onClose);
      if (ws.readyState !== ws.OPEN) done(noAnswer('the bridge is closed'));
      else ws.send(JSON.stringify({ id, channel, input }));
    });
  };

  it('refuses every attack with bad-request and keeps serving every client', async () => {
    const outcomes = await runAttacks(send);
    expect(notRefused(outcomes)).toEqual([]);
    expect(await stillServing(send)).toEqual([]);
    expect(serve.child.exitCode).toBeNull();
    expect(serve.stderr()).not.toMatch(/unexpected failure|RangeError/);
  });
});
