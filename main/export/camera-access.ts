/**
 * What the export queue needs of a site, from either the app's SiteService or the CLI's one-off
 * session: the camera's names, whether its site is signed in, and its server export. Plain RTSP
 * has no recordings anywhere Tessera could fetch them: 'not-recorded', said at once.
 */
import type { Period } from '../../common/time-periods.js';
import { AppFailure, siteKindLabels, type SiteConfig } from '../../preload/contract/index.js';
import type { ServerExport, VmsAdapter } from '../vms/adapter.js';
import type { CameraFacts } from './export-manager.js';

export interface CameraAccess {
  withCamera<T>(cameraId: string, call: (adapter: VmsAdapter, siteCameraId: string, site: SiteConfig) => Promise<T>): Promise<T>;
  cameraName(cameraId: string): string | undefined;
  siteReady(cameraId: string): boolean;
}

export function serverExportOf(adapter: VmsAdapter, site: SiteConfig): ServerExport {
  if (adapter.serverExport) return adapter.serverExport;
  if (adapter.kind === 'rtsp') throw new AppFailure('not-recorded', `${site.name}: this camera has no recordings in Tessera (plain RTSP is live only).`);
  throw new AppFailure('unsupported', `${site.name}: Tessera cannot export from this site yet (${siteKindLabels[adapter.kind]}).`);
}

export function exportAccess(access: CameraAccess) {
  return {
    siteReady: (cameraId: string) => access.siteReady(cameraId),
    describe: (cameraId: string): Promise<CameraFacts> =>
      access.withCamera(cameraId, async (adapter, id, site) => {
        serverExportOf(adapter, site);
        return { cameraName: access.cameraName(cameraId) ?? id, siteName: site.name, vendor: site.kind, operator: site.username || 'unknown' };
      }),
    withServerExport: <T>(cameraId: string, fn: (exporter: ServerExport, vendorCameraId: string) => Promise<T>): Promise<T> =>
      access.withCamera(cameraId, (adapter, id, site) => fn(serverExportOf(adapter, site), id)),
    coverage: (cameraId: string, fromMs: number, toMs: number): Promise<Period[] | undefined> =>
      access.withCamera(cameraId, async (adapter, id) => (adapter.recorded?.coverage ? adapter.recorded.coverage(id, fromMs, toMs) : undefined)),
  };
}
