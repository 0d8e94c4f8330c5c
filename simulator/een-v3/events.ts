/**
 * GET /events (spec events.yaml, operationId listEvents): the motion of the recording plan as
 * `een.motionDetectionEvent.v1` span events of one camera.
 *
 *   actor=camera:<esn>                       required (another actor type: an empty list)
 *   startTimestamp__gte                      required
 *   startTimestamp__lte | endTimestamp__lte  one of them required
 *   endTimestamp__gte, type__in, sort=±startTimestamp (default newest first), include=data.<schema>
 *   pageSize / pageToken                     as every v3 list; totalSize is the filtered count
 *
 * An event still going on has `endTimestamp: null` (spec: "the motion was still ongoing"), and
 * the endTimestamp filters leave it out. `data` holds only the schemas named in `include`.
 */
import { createHash } from 'node:crypto';
import { accountId } from './cameras.js';
import { checkParams, requireCamera, timestampOptions, type RouteContext } from './env.js';
import { fail } from './errors.js';
import { sendJson } from './http.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';
import { formatTimestamp } from './timestamps.js';

export const MOTION_EVENT_TYPE = 'een.motionDetectionEvent.v1';
const CREATOR = 'een.bridgeMotion';
const DATA_SCHEMAS = ['een.objectDetection.v1', 'een.fullFrameImageUrl.v1'] as const;

export interface PlannedMotion {
  startMs: number;
  endMs: number;
  ongoing?: boolean;
}

export interface EventFilters {
  startGte: number;
  startLte?: number;
  endGte?: number;
  endLte?: number;
  newestFirst: boolean;
}

/** The events a query selects, in its order. Pure. */
export function selectMotion(motion: readonly PlannedMotion[], f: EventFilters): PlannedMotion[] {
  const endOk = (m: PlannedMotion): boolean =>
    f.endGte === undefined && f.endLte === undefined
      ? true
      : !m.ongoing && (f.endGte === undefined || m.endMs >= f.endGte) && (f.endLte === undefined || m.endMs <= f.endLte);
  const out = motion.filter((m) => m.startMs >= f.startGte && (f.startLte === undefined || m.startMs <= f.startLte) && endOk(m));
  return out.sort((a, b) => (f.newestFirst ? b.startMs - a.startMs : a.startMs - b.startMs));
}

/** A stable id per camera and start (20 characters, as in the spec's examples). */
export function eventId(esn: string, startMs: number): string {
  return createHash('sha256').update(`${esn}:${startMs}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 20);
}

export function listEvents(rc: RouteContext): void {
  const { query, env } = rc;
  const ts = timestampOptions(env, 'events');
  const actor = query.string('actor');
  const startGte = query.timestamp('startTimestamp__gte', ts);
  const startLte = query.timestamp('startTimestamp__lte', ts);
  const endGte = query.timestamp('endTimestamp__gte', ts);
  const endLte = query.timestamp('endTimestamp__lte', ts);
  const types = query.list('type__in');
  const sort = query.list('sort') ?? ['-startTimestamp'];
  const include = new Set(query.list('include') ?? []);
  const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
  const pageToken = query.string('pageToken');
  checkParams(rc);
  const missing = [
    ...(actor ? [] : ['actor']),
    ...(startGte === undefined ? ['startTimestamp__gte'] : []),
    ...(startLte === undefined && endLte === undefined ? ['startTimestamp__lte or endTimestamp__lte'] : []),
  ];
  if (missing.length) throw fail.missing(missing);
  if (sort.length !== 1 || !['+startTimestamp', '-startTimestamp'].includes(sort[0]!)) {
    throw fail.wrong('sort', 'must be one of +startTimestamp, -startTimestamp');
  }
  const colon = actor!.indexOf(':');
  if (colon <= 0) throw fail.wrong('actor', 'must be actorType:actorId, e.g. camera:100d4c41');
  const actorType = actor!.slice(0, colon);
  const actorId = actor!.slice(colon + 1);
  const start = pageStart('events', query.fingerprint(), pageToken, env.ctx.now());
  let motion: PlannedMotion[] = [];
  if (actorType === 'camera' && (types === undefined || types.includes(MOTION_EVENT_TYPE))) {
    const camera = requireCamera(env, actorId);
    // The first page's clock bounds every page, so later pages do not shift while events happen.
    if (camera.media) motion = env.ctx.media.motion(camera.media.index, startGte!, Math.min(startLte ?? Infinity, start.snapshotMs) + 1);
  }
  const selected = selectMotion(motion, { startGte: startGte!, startLte, endGte, endLte, newestFirst: sort[0] === '-startTimestamp' });
  const items = selected.map((m) => {
    const data: Record<string, unknown>[] = [];
    const at = formatTimestamp(m.startMs);
    if (include.has('data.een.objectDetection.v1')) {
      data.push({ type: 'een.objectDetection.v1', creatorId: CREATOR, objectId: `camera-${actorId}:${m.startMs}`, timestamp: at, boundingBox: [0.3, 0.35, 0.55, 0.8] });
    }
    if (include.has('data.een.fullFrameImageUrl.v1')) {
      const q = new URLSearchParams({ deviceId: actorId, type: 'preview', timestamp__gte: at });
      data.push({ type: 'een.fullFrameImageUrl.v1', creatorId: CREATOR, httpsUrl: `${env.apiUrl}/api/v3.0/media/recordedImage.jpeg?${q.toString()}`, timestamp: at });
    }
    return {
      id: eventId(actorId, m.startMs),
      startTimestamp: at,
      endTimestamp: m.ongoing ? null : formatTimestamp(m.endMs),
      span: true,
      accountId,
      actorId,
      actorAccountId: accountId,
      actorType: 'camera',
      creatorId: CREATOR,
      type: MOTION_EVENT_TYPE,
      dataSchemas: [...DATA_SCHEMAS],
      data,
    };
  });
  const page = paginate(items, start, pageSize, env.options.emptyPageToken);
  sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize: items.length, results: page.results });
}
