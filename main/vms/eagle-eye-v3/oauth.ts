/**
 * OAuth 2.0 for Eagle Eye v3 as a native app does it (RFC 8252): authorization code with PKCE
 * S256, the browser sent back to a one-shot loopback listener on 127.0.0.1:<random>/callback,
 * the token endpoint called with HTTP Basic client authentication, and the secret Tessera keeps
 * to sign in again without a browser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AppFailure } from '../../../preload/contract/index.js';

export const eenScope = 'vms.all';
export const callbackPath = '/callback';
/** How long the browser step may take; the authorization code itself lives 5 minutes. */
export const browserTimeoutMs = 5 * 60_000;

// ---------------------------------------------------------------------------------------------
// The kept secret
// ---------------------------------------------------------------------------------------------

/**
 * What the credential store keeps for a v3 site: a JSON string with the client secret (entered by
 * the operator as the "password") and the latest refresh token, enough to sign in again without
 * a browser. Tokens rotate, so the adapter hands a new one to the SiteService after every
 * sign-in and refresh. A plain string (not this JSON) is a client secret alone.
 */
const storedSecretSchema = z.object({ eagleEyeV3: z.literal(1), clientSecret: z.string().min(1), refreshToken: z.string().min(1).optional() }).strict();

export interface StoredSecret {
  clientSecret: string;
  refreshToken?: string;
}

export function parseStoredSecret(text: string): StoredSecret {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed = storedSecretSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { clientSecret: parsed.data.clientSecret, ...(parsed.data.refreshToken ? { refreshToken: parsed.data.refreshToken } : {}) };
    } catch {
      // Not our JSON: a client secret that happens to start with "{".
    }
  }
  return { clientSecret: text };
}

export function serializeStoredSecret(secret: StoredSecret): string {
  return JSON.stringify({ eagleEyeV3: 1, clientSecret: secret.clientSecret, ...(secret.refreshToken ? { refreshToken: secret.refreshToken } : {}) });
}

// ---------------------------------------------------------------------------------------------
// PKCE (RFC 7636) and the authorization address
// ---------------------------------------------------------------------------------------------

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh verifier (43 characters of base64url, 256 bits) and its S256 challenge. */
export function createPkce(random: (bytes: number) => Buffer = randomBytes): { verifier: string; challenge: string } {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function randomState(random: (bytes: number) => Buffer = randomBytes): string {
  return random(16).toString('base64url');
}

export interface AuthorizationRequest {
  /** Origin of the authorization server, e.g. https://auth.eagleeyenetworks.com */
  authOrigin: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  /** Pre-fills the e-mail field (and lets the simulator approve its demo user at once). */
  loginHint?: string;
}

export function authorizationUrl(req: AuthorizationRequest): string {
  const url = new URL('/oauth2/authorize', req.authOrigin);
  url.searchParams.set('client_id', req.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', eenScope);
  url.searchParams.set('redirect_uri', req.redirectUri);
  url.searchParams.set('state', req.state);
  url.searchParams.set('code_challenge', req.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (req.loginHint) url.searchParams.set('login_hint', req.loginHint);
  return url.toString();
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined and base64'd. */
export function basicClientAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------
// The loopback redirect listener
// ---------------------------------------------------------------------------------------------

export interface LoopbackListener {
  /** http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** The authorization code, once the browser came back with the right state. */
  code: Promise<string>;
  /** Stops listening; a pending `code` rejects with `reason`. */
  close(reason?: AppFailure): void;
}

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

const oauthErrorWords: Record<string, string> = {
  access_denied: 'the sign-in was declined in the browser',
  invalid_scope: 'the application may not ask for the vms.all scope',
  unauthorized_client: 'the application may not use this kind of sign-in',
  invalid_request: 'the authorization server refused the request',
  unsupported_response_type: 'the authorization server refused the request',
  server_error: 'the authorization server failed',
  temporarily_unavailable: 'the authorization server is busy',
};

/**
 * Listens on 127.0.0.1 (never 0.0.0.0: only this machine's browser may answer) on a random
 * port for one GET /callback carrying our `state`. Answers with a small page, then closes;
 * closes anyway after `timeoutMs`. A request with a wrong or missing state is refused and
 * ignored (it is not our browser), so it cannot end the real sign-in.
 */
export async function startLoopbackListener(options: { state: string; site: string; timeoutMs?: number }): Promise<LoopbackListener> {
  const timeoutMs = options.timeoutMs ?? browserTimeoutMs;
  let settle: { resolve(code: string): void; reject(err: AppFailure): void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // A caller that never awaits `code` (a superseded sign-in) must not cause an unhandled rejection.
  code.catch(() => undefined);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, title: string, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      res.end(page(title, text));
    };
    if (req.method !== 'GET' || url.pathname !== callbackPath) return send(404, 'Not found', 'This address only receives the sign-in answer.');
    if (url.searchParams.get('state') !== options.state) return send(400, 'Sign-in not accepted', 'This answer does not belong to the sign-in Tessera started.');
    const error = url.searchParams.get('error');
    if (error) {
      const words = oauthErrorWords[error] ?? `the authorization server answered "${error.slice(0, 40)}"`;
      send(400, 'Sign-in failed', `Tessera was not signed in: ${words}. You can close this window.`);
      finish(new AppFailure('unauthorized', `${options.site}: ${words}.`));
      return;
    }
    const received = url.searchParams.get('code');
    if (!received) return send(400, 'Sign-in not accepted', 'The answer carries no authorization code.');
    send(200, 'Signed in', 'Tessera received the sign-in. You can close this window.');
    finish(received);
  });

  let done = false;
  const timer = setTimeout(
    () => finish(new AppFailure('timeout', `${options.site}: the browser sign-in was not finished within ${Math.round(timeoutMs / 60_000) || 1} min; sign in again.`)),
    timeoutMs,
  );
  timer.unref();

  function finish(result: string | AppFailure): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    // Let the answer page reach the browser, then drop every connection.
    server.close();
    setTimeout(() => server.closeAllConnections(), 200).unref();
    if (typeof result === 'string') settle!.resolve(result);
    else settle!.reject(result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${callbackPath}`,
    code,
    close: (reason) => finish(reason ?? new AppFailure('conflict', `${options.site}: the browser sign-in was cancelled.`)),
  };
}
