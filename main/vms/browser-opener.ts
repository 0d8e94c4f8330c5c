/**
 * How an OAuth sign-in reaches a browser. The adapter only produces an authorization address and
 * waits on its loopback listener (RFC 8252); who opens the address depends on the shell:
 *   - the desktop app opens the system browser (Electron's shell.openExternal, see main/electron.ts);
 *   - serve mode has no opener: the Sites screen shows the address from SiteState.oauth as a link;
 *   - demo mode and headless tests use `fetchingOpener` below.
 */
import { isIP } from 'node:net';
import { AppFailure } from '../../preload/contract/index.js';

export interface BrowserOpener {
  /** Opens the address; resolves once handed over (not when the sign-in finishes). */
  open(url: string): Promise<void>;
}

/**
 * NOT a browser: GETs the authorization address with fetch, following redirects, so the
 * authorization server's redirect lands on the app's own loopback listener. This works only
 * against an authorization server that approves without showing a page — the simulator's
 * Eagle Eye v3 auto-approve for its demo user's `login_hint`. A real server shows a sign-in page;
 * then the walk ends on that page instead of on 127.0.0.1, and this opener says so.
 */
export const fetchingOpener: BrowserOpener = {
  async open(url: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      const reason = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? 'no answer within 30 s' : 'connection failed';
      throw new AppFailure('unreachable', `The sign-in address could not be opened without a browser (${reason}).`);
    }
    await response.body?.cancel();
    // Done only if the walk ended at the redirect URI the request names (the app's listener).
    const landed = new URL(response.url || url);
    const expected = new URL(url).searchParams.get('redirect_uri');
    const arrived = expected ? `${landed.origin}${landed.pathname}` === expected.replace(/[?#].*$/, '') : landed.origin !== new URL(url).origin && isLoopback(landed.hostname);
    if (!arrived) {
      throw new AppFailure(
        'unsupported',
        `The authorization server at ${landed.host} shows a sign-in page (HTTP ${response.status}); without a browser Tessera can only sign in where the server approves at once. Sign in with the app.`,
      );
    }
  },
};

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
