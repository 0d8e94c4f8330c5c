/**
 * A Tessera stand-in for the SIGKILL test (bundled by the test with esbuild, run with node): an
 * ExportManager on `<dataDir>/exports.json` exporting from a ClipServer. With `create` it queues
 * one job; either way it runs what the queue holds and exits 0 when nothing is left to run.
 * Each change is one JSON line on stdout.
 * argv: dataDir serverUrl originMs maxRangeMs folder fromMs toMs create|resume
 */
import { join } from 'node:path';
import { sessionOnlyStore } from '../../main/credentials/session-only-store.js';
import { ExportManager } from '../../main/export/export-manager.js';
import { loadSigningKey } from '../../main/export/signing-key.js';
import { createLogger } from '../../main/logging/logger.js';
import { clipExporter } from './export-source.js';

const [dataDir, serverUrl, originMs, maxRangeMs, folder, fromMs, toMs, mode] = process.argv.slice(2);
const store = sessionOnlyStore();
const exporter = clipExporter(serverUrl!, Number(originMs), Number(maxRangeMs));
const exports = new ExportManager({
  file: join(dataDir!, 'exports.json'),
  log: createLogger({ dir: join(dataDir!, 'logs') }, 'export-child'),
  describe: async () => ({ cameraName: 'Loading dock', siteName: 'Test site', vendor: 'exacq', operator: 'alice' }),
  siteReady: () => true,
  withServerExport: (_id, fn) => fn(exporter, 'cam-1'),
  signingKey: () => loadSigningKey(store),
  publishEveryMs: 20,
});
exports.onChanged((list) => {
  process.stdout.write(`${JSON.stringify(list.jobs.map((j) => ({ id: j.id, state: j.state, step: j.step, progress: j.progress })))}\n`);
  if (list.jobs.every((j) => j.state !== 'queued' && j.state !== 'running')) process.exit(0);
});
exports.start();
if (mode === 'create') await exports.create({ cameraIds: ['site-1/cam-1'], fromMs: Number(fromMs), toMs: Number(toMs), folder: folder!, incident: 'Killed', burnTimestamp: false });
