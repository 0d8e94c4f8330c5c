/**
 * A spec file's own `tessera serve --demo` (fresh data folder, a free port), started before its
 * tests and stopped after them. Not the worker's shared serve (fixtures.ts): these specs need the
 * demo sites and state of their own.
 */
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { test } from './fixtures.js';

/** The first start on a machine encodes the simulator's loops (cached in .cache/sim-media). */
const startTimeoutMs = 240_000;

export interface DemoServe {
  /** The running server; throws when it did not start. */
  readonly current: ServeProcess;
  /** Stops the server and starts it again on the same data folder (it gets a new port). */
  restart(): Promise<ServeProcess>;
}

/**
 * Call at the top level of a spec file: registers the beforeAll that starts the server and the
 * afterAll that stops it. `args` are added to `serve --demo` (e.g. `--displays 2`).
 */
export function useDemoServe(args: readonly string[] = []): DemoServe {
  let serve: ServeProcess | undefined;
  test.beforeAll(async () => {
    test.setTimeout(startTimeoutMs + 60_000);
    serve = await startServeProcess(['--demo', ...args], undefined, startTimeoutMs);
  });
  test.afterAll(async () => {
    await serve?.stop();
  });
  return {
    get current() {
      if (!serve) throw new Error('tessera serve --demo did not start');
      return serve;
    },
    async restart() {
      if (!serve) throw new Error('tessera serve --demo did not start');
      const { dataDir } = serve;
      await serve.stop();
      serve = await startServeProcess(['--demo', ...args], dataDir, startTimeoutMs);
      return serve;
    },
  };
}
