/**
 * The host's watch over every child process the simulator spawns. The simulator imports nothing
 * from the app (it is an independent check of the adapters), so the app's reaper
 * (main/processes/child-reaper.ts: it stops children even when the host is SIGKILLed) is handed
 * in by whoever starts the simulator: main/demo, and the tests' support. Without one, close() and
 * ProcessGroup's exit hook still stop the children whenever the host ends cleanly.
 */
import type { ChildProcess } from 'node:child_process';

let watcher: (child: ChildProcess) => void = () => undefined;

/** Hands every child spawned from now on to `watch`. Process-wide, like the reaper it stands for. */
export function watchChildrenWith(watch: (child: ChildProcess) => void): void {
  watcher = watch;
}

/** Call right after spawn. */
export function watchChild(child: ChildProcess): void {
  watcher(child);
}
