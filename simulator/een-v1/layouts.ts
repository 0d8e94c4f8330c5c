/**
 * Server-stored layouts (`/g/layout`, `/g/layout/list`). The fixtures cover what clients meet in
 * the wild: preview panes of sizes 1–3, a carousel with a per-camera `delay` (ms), a one-camera
 * carousel (behaves like preview), and one layout whose settings arrive string-typed
 * (`"false"`, `"0.75"`) as in the seed's FAQ sample.
 */
import { stableGuid } from './devices.js';

export interface LayoutPane {
  name: string;
  type: string;
  pane_id: number;
  size: number;
  cameras: string[];
  delay?: number[];
}

export interface Layout {
  id: string;
  name: string;
  types: string[];
  permissions: string;
  current_recording_key: string | null;
  shares: [string, string][];
  configuration: { panes: LayoutPane[]; settings: Record<string, unknown> };
}

function pane(paneId: number, type: string, size: number, cameras: string[], name = '', delay?: number[]): LayoutPane {
  return { name, type, pane_id: paneId, size, cameras, ...(delay ? { delay } : {}) };
}

/** Default layouts for a camera list (ESNs in camera order; names for pane titles). */
export function defaultLayouts(cameras: readonly { esn: string; name: string }[], userId: string): Layout[] {
  if (cameras.length === 0) return [];
  const esn = (i: number): string => cameras[i % cameras.length]!.esn;
  const base = (name: string, types: string[], panes: LayoutPane[], settings: Record<string, unknown>): Layout => ({
    id: stableGuid(`layout:${name}`),
    name,
    types,
    permissions: 'SWRD',
    current_recording_key: null,
    shares: [[userId, 'SWRD']],
    configuration: { panes, settings },
  });
  const first = cameras[0]!;
  const rest = cameras.slice(1);
  return [
    base(
      'All cameras',
      ['desktop'],
      cameras.map((c, i) => pane(i, 'preview', 1, [c.esn], c.name)),
      { camera_row_limit: 4, camera_name: true, camera_aspect_ratio: 0.5625, camera_border: false },
    ),
    base(
      'Focus',
      ['desktop', 'mobile'],
      [
        pane(0, 'preview', 3, [first.esn], first.name),
        pane(1, 'preview', 2, [esn(1)]),
        ...rest.slice(1, 4).map((c, i) => pane(2 + i, 'preview', 1, [c.esn], c.name)),
      ],
      // The seed's FAQ sample sends these as strings; clients must coerce.
      { camera_row_limit: 3, automatic_rotation: false, camera_name: false, camera_border: 'false', camera_aspect_ratio: '0.75' },
    ),
    base(
      'Tour',
      ['desktop'],
      [
        pane(0, 'carousel', 2, cameras.map((c) => c.esn), 'Rotation', cameras.map((_, i) => (i % 2 === 0 ? 5000 : 8000))),
        pane(1, 'carousel', 1, [first.esn], 'Single', [10000]),
        pane(2, 'preview', 1, [esn(cameras.length - 1)]),
      ],
      { camera_row_limit: 3, camera_name: true, camera_aspect_ratio: 0.5625, camera_border: true },
    ),
  ];
}

/** `/g/layout/list` row: [id, name, types, permissions]. */
export function layoutRow(layout: Layout): unknown[] {
  return [layout.id, layout.name, layout.types, layout.permissions];
}

/** Reads a create/update body: `configuration` as an object, or the doc's `json` string variant. */
export function configurationFrom(body: Record<string, unknown>): Layout['configuration'] | null | undefined {
  let raw = body.configuration;
  if (raw === undefined && typeof body.json === 'string') {
    try {
      raw = JSON.parse(body.json);
    } catch {
      return null;
    }
  }
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null) return null;
  const obj = raw as Record<string, unknown>;
  const panes = Array.isArray(obj.panes) ? (obj.panes as LayoutPane[]) : [];
  const settings = typeof obj.settings === 'object' && obj.settings !== null ? (obj.settings as Record<string, unknown>) : {};
  return { panes, settings };
}
