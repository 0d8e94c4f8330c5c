/**
 * Evidence exports. Thin: main owns the queue and publishes it whole on `export:changed`; the
 * store keeps the list, the last folder, and a notice for each job that ended while watched.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, ExportCreate, ExportJob, Result } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';
import { newlyEnded } from '../domain/export-range.js';
import { snapshotSync } from './snapshot-sync.js';

export interface ExportNotice {
  id: string;
  text: string;
  ok: boolean;
}

const endWords = (job: ExportJob): string =>
  job.state === 'done' ? `Export of ${job.cameraName} is ready.` : job.state === 'cancelled' ? `Export of ${job.cameraName} was cancelled.` : `Export of ${job.cameraName} failed: ${job.error?.message ?? 'unknown reason'}`;

export const useExportsStore = defineStore('exports', () => {
  const jobs = ref<ExportJob[]>([]);
  const lastFolder = ref<string | undefined>(undefined);
  const error = ref<AppError | null>(null);
  const notices = ref<ExportNotice[]>([]);
  let seen = false;
  const sync = snapshotSync(
    { fetch: () => tessera.export.list(), subscribe: (listener) => tessera.export.onChanged(listener), connection },
    {
      keep: (next) => {
        // The first snapshot is what was there already: only later endings are news.
        if (seen) for (const job of newlyEnded(jobs.value, next.jobs)) notices.value = [...notices.value.slice(-4), { id: job.id, text: endWords(job), ok: job.state === 'done' }];
        seen = true;
        jobs.value = next.jobs;
        lastFolder.value = next.lastFolder;
      },
      error,
    },
  );

  const create = (input: ExportCreate): Promise<Result<ExportJob[]>> => tessera.export.create(input);
  const cancel = (exportId: string) => tessera.export.cancel({ exportId });
  const retry = (exportId: string) => tessera.export.retry({ exportId });
  const remove = (exportId: string) => tessera.export.remove({ exportId });
  const reveal = (exportId: string) => tessera.export.reveal({ exportId });
  const dismiss = (id: string) => (notices.value = notices.value.filter((n) => n.id !== id));

  return { jobs, lastFolder, error, notices, loaded: sync.loaded, load: sync.start, create, cancel, retry, remove, reveal, dismiss };
});
