/**
 * The failures adapters use to tell the SiteService what happened at sign-in and mid-session.
 * A session that expired is re-established once, automatically; a refused password is not.
 */
import { AppFailure } from '../../preload/contract/index.js';

export function sessionExpired(site: string, how: string): AppFailure {
  return new AppFailure('unauthorized', `${site}: the session has expired (${how}).`, { sessionExpired: true });
}

export function isSessionExpired(err: unknown): boolean {
  return err instanceof AppFailure && err.error.code === 'unauthorized' && err.error.detail?.sessionExpired === true;
}

export function wrongCredentials(site: string): AppFailure {
  return new AppFailure('unauthorized', `${site}: the user name or password was not accepted.`);
}
