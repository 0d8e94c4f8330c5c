/**
 * Issue 13, item 7: credentials typed inside a site's address. Adds a site through the bridge as
 * a window would, while another window listens, and hands back everything both windows received,
 * so a test can grep it (and the data folder) for the password.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BridgeSession, type BridgeResult, type ServeTarget } from '../../support/bridge-session.js';

export interface AddedWithCredentials {
  result: BridgeResult;
  /** sites:list right after, from the adding window. */
  listed: BridgeResult;
  /** Every frame both windows received (answers and events), as text. */
  traffic: string[];
  /** The sites:changed events the listening window saw. */
  changedEvents: number;
}

/** Sends `sites:add` with `site` (whose url or camera urls hold a user and password) and collects the bridge traffic. */
export async function addSiteWithUrlCredentials(target: ServeTarget, site: Record<string, unknown>, settleMs = 500): Promise<AddedWithCredentials> {
  const listener = await BridgeSession.connect(target, 'browser-2');
  const adder = await BridgeSession.connect(target, 'browser-1');
  try {
    const result = await adder.call('sites:add', site, 60_000);
    const listed = await adder.call('sites:list');
    // sites:changed of the sign-in that follows the add arrives on the listener soon after.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { result, listed, traffic: [...adder.frames, ...listener.frames], changedEvents: listener.eventsOf('sites:changed').length };
  } finally {
    adder.close();
    listener.close();
  }
}

/** Files under `dir` (recursively) whose bytes contain `secret`. */
export function filesContaining(dir: string, secret: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hits.push(...filesContaining(path, secret));
    else if (readFileSync(path).includes(secret)) hits.push(path);
  }
  return hits;
}
