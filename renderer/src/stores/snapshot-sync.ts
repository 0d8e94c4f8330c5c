/**
 * How a thin store follows a whole snapshot that main owns and publishes on a `…:changed` event
 * (sites, cameras, the wall): subscribe first, then ask for the snapshot, so nothing that changes
 * in between is missed; a pushed snapshot that arrives while the request is out is newer than its
 * answer, which is then dropped; and after the serve-mode socket comes back, ask again, because
 * the events sent while it was down are lost.
 */
import { ref, watch, type Ref } from 'vue';
import type { AppError, Result } from '../../../preload/contract/index.js';
import type { ConnectionState } from '../bridge/ws-transport.js';

export interface SnapshotSource<T> {
  /** Asks main for the whole snapshot. */
  fetch(): Promise<Result<T>>;
  /** Listens to the snapshots main pushes. */
  subscribe(listener: (next: T) => void): unknown;
  /** The bridge's connection (always "open" in Electron). */
  connection: Readonly<Ref<ConnectionState['status']>>;
}

export interface SnapshotTarget<T> {
  /** Takes a snapshot (pushed, or the answer to a request no newer push has overtaken). */
  keep(next: T): void;
  /** Where a failed request's error goes. */
  error: Ref<AppError | null>;
  /** Whether a pushed snapshot may replace the local state now (default: always). */
  takesPushes?: () => boolean;
}

export interface SnapshotSync {
  /** True once a snapshot (or an error) has come. */
  loaded: Ref<boolean>;
  /** Subscribes, then fetches; a second call returns at once. */
  start(): Promise<void>;
  /** Asks for the snapshot again. */
  refresh(): Promise<void>;
}

export function snapshotSync<T>(source: SnapshotSource<T>, target: SnapshotTarget<T>): SnapshotSync {
  const loaded = ref(false);
  let started = false;
  /** Pushed snapshots taken so far: one taken after a request was sent beats its answer. */
  let pushesTaken = 0;

  async function refresh(): Promise<void> {
    const before = pushesTaken;
    const result = await source.fetch();
    if (!result.ok) target.error.value = result.error;
    else if (pushesTaken === before) target.keep(result.value);
    loaded.value = true;
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    source.subscribe((next) => {
      if (target.takesPushes && !target.takesPushes()) return;
      pushesTaken += 1;
      target.keep(next);
      loaded.value = true;
    });
    let lost = false;
    watch(source.connection, (status) => {
      if (status === 'closed') lost = true;
      else if (status === 'open' && lost) {
        lost = false;
        void refresh();
      }
    });
    await refresh();
  }

  return { loaded, start, refresh };
}
