/** Handlers of the `export` namespace: thin, the queue is main/export/export-manager.ts. */
import { exportDownloadPath } from '../../../preload/contract/index.js';
import type { ExportManager } from '../../export/export-manager.js';
import type { Handlers } from '../router.js';

type ExportChannels = 'export:create' | 'export:list' | 'export:cancel' | 'export:retry' | 'export:remove' | 'export:reveal';

/**
 * reveal: Electron shows the file in its folder (`showFile`); serve mode has no desktop to show it
 * on and answers the download path instead (served behind the token, main/serve/server.ts).
 */
export function exportHandlers(exports: ExportManager, showFile: ((path: string) => void) | undefined): Pick<Handlers, ExportChannels> {
  return {
    'export:create': (request) => exports.create(request),
    'export:list': () => exports.list(),
    'export:cancel': ({ exportId }) => exports.cancel(exportId),
    'export:retry': ({ exportId }) => exports.retry(exportId),
    'export:remove': ({ exportId }) => {
      exports.remove(exportId);
      return null;
    },
    'export:reveal': ({ exportId }) => {
      const file = exports.finishedFile(exportId);
      if (showFile) {
        showFile(file);
        return { shown: true };
      }
      return { shown: false, downloadPath: exportDownloadPath(exportId) };
    },
  };
}
