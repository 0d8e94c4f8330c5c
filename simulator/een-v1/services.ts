/** What every request handler of the v1 simulator works with (built once per simulator in index.ts). */
import type { SimContext } from '../types.js';
import type { Layout } from './layouts.js';
import type { EenV1Options } from './options.js';
import type { Mp4Jobs } from './play.js';
import type { PollHub } from './poll-hub.js';
import type { SessionStore, SimUser } from './sessions.js';
import type { EenWorld } from './world.js';

export interface EenServices {
  ctx: SimContext;
  options: EenV1Options;
  world: EenWorld;
  sessions: SessionStore;
  polls: PollHub;
  mp4: Mp4Jobs;
  layouts: Map<string, Layout>;
  users: readonly SimUser[];
  /** Rendered live previews by `camera:timestamp:width` (see assets.ts). */
  liveStills: Map<string, Promise<Buffer>>;
  /** Live FLV streams to end when the simulator stops. */
  closers: Set<() => void>;
  /** Sessions ended (one key, or all): event sockets get "412 Auth lost" and close. */
  authLost(authKey?: string): void;
}
