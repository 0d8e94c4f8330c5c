/** What every Eagle Eye v3 route needs: context, options, tokens, hosts and the camera directory. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../types.js';
import type { EenV3Options, ZuluCheckedEndpoint } from './config.js';
import type { DirectoryCamera } from './cameras.js';
import { fail } from './errors.js';
import type { Query } from './http.js';
import type { AccessInfo, TokenStore } from './tokens.js';

export interface EenEnv {
  ctx: SimContext;
  options: EenV3Options;
  store: TokenStore;
  /** Base URLs (http://127.0.0.1:port) of the three hosts. */
  authUrl: string;
  apiUrl: string;
  mediaUrl: string;
  directory: readonly DirectoryCamera[];
  /** The one simulated user (EEN user ids are 8 hex characters). */
  userId: string;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: Query;
  params: string[];
  access: AccessInfo;
  env: EenEnv;
}

export function findCamera(env: EenEnv, esn: string): DirectoryCamera | undefined {
  const lower = esn.toLowerCase();
  return env.directory.find((c) => c.esn === lower);
}

/** Reject parameters the endpoint does not know (when that switch is on). Call after all reads. */
export function checkParams(rc: RouteContext): void {
  if (rc.env.options.rejectUnknownParams) rc.query.rejectUnread();
}

export function timestampOptions(env: EenEnv, endpoint: ZuluCheckedEndpoint): { allowZulu: boolean; spaceAsPlus: boolean } {
  return { allowZulu: !env.options.rejectZuluOn.includes(endpoint), spaceAsPlus: env.options.lenientPlusInTimestamps };
}

export function requireCamera(env: EenEnv, esn: string): DirectoryCamera {
  const camera = findCamera(env, esn);
  if (!camera) throw fail.notFound(`Camera ${esn} not found`);
  return camera;
}
