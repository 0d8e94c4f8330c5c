/**
 * The simulated global host (auth.eagleeyenetworks.com + api.eagleeyenetworks.com in one port):
 *   GET  /oauth2/authorize   → 302 back to redirect_uri with ?code=&state= (auto-approve), or a login form
 *   POST /oauth2/authorize   ← the login form (username, password + the original parameters)
 *   POST /oauth2/token       Basic client auth, form body, grant_type authorization_code | refresh_token
 *   GET  /api/v3.0/clientSettings → {httpsBaseUrl:{hostname,port}} (Bearer)
 *
 * Auto-approve rule (documented in describe()): with autoApprove "loginHint" (default) a request
 * whose login_hint is the demo username is approved at once; any other request gets the form.
 * Token errors use RFC 6749 bodies ({error, error_description}) with EEN's statuses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext, SimService } from '../types.js';
import type { EenV3Options } from './config.js';
import { ApiV3Failure, fail, sendFailure } from './errors.js';
import { bearerToken, readBody, sendJson } from './http.js';
import { redirectUriMatches, type TokenError, type TokenSet, type TokenStore } from './tokens.js';

export const eenScope = 'vms.all';

export interface HttpsBaseUrl {
  hostname: string;
  port: number;
}

export function httpsBaseUrlOf(url: string): HttpsBaseUrl {
  const parsed = new URL(url);
  return { hostname: parsed.hostname, port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)) };
}

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope: string;
  state: string | undefined;
  loginHint: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

type Checked = { ok: true; params: AuthorizeParams } | { ok: false; status: number; message: string } | { ok: false; redirect: string };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function basicClient(req: IncomingMessage): { id: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export function createAuthService(ctx: SimContext, options: EenV3Options, store: TokenStore, apiUrl: string): SimService {
  const baseUrl = httpsBaseUrlOf(apiUrl);

  function check(source: URLSearchParams): Checked {
    const clientId = source.get('client_id') ?? '';
    const redirectUri = source.get('redirect_uri') ?? '';
    // Without a known client and a registered redirect URI there is nowhere safe to send the user.
    if (clientId !== options.clientId) return { ok: false, status: 400, message: 'Unknown client_id.' };
    if (!redirectUri || !redirectUriMatches(options.redirectUris, redirectUri)) {
      return { ok: false, status: 400, message: 'redirect_uri does not match a registered redirect URI (exact match; loopback 127.0.0.1 may use any port).' };
    }
    const state = source.get('state') ?? undefined;
    const responseType = source.get('response_type') ?? '';
    if (responseType !== 'code') return { ok: false, redirect: withQuery(redirectUri, { error: 'unsupported_response_type', state }) };
    const scope = source.get('scope') ?? eenScope;
    if (scope !== eenScope) return { ok: false, redirect: withQuery(redirectUri, { error: 'invalid_scope', state }) };
    const codeChallenge = source.get('code_challenge') ?? undefined;
    const codeChallengeMethod = source.get('code_challenge_method') ?? undefined;
    if (codeChallenge !== undefined && codeChallengeMethod !== 'S256') {
      return { ok: false, redirect: withQuery(redirectUri, { error: 'invalid_request', error_description: 'only code_challenge_method=S256 is supported', state }) };
    }
    return { ok: true, params: { clientId, redirectUri, responseType, scope, state, loginHint: source.get('login_hint') ?? undefined, codeChallenge, codeChallengeMethod } };
  }

  function approve(res: ServerResponse, params: AuthorizeParams): void {
    const code = store.issueCode({ clientId: params.clientId, redirectUri: params.redirectUri, scope: params.scope, userId: ctx.username, codeChallenge: params.codeChallenge ?? null });
    res.writeHead(302, { location: withQuery(params.redirectUri, { code, state: params.state }), 'cache-control': 'no-store' });
    res.end();
  }

  function loginForm(res: ServerResponse, source: URLSearchParams, status: number, error?: string): void {
    const hidden = [...source.entries()]
      .filter(([k]) => k !== 'username' && k !== 'password')
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('\n      ');
    const hint = source.get('login_hint') ?? '';
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>Eagle Eye Networks (simulated) — sign in</title></head>
<body>
  <h1>Sign in</h1>
  ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/oauth2/authorize">
      ${hidden}
      <label>Email <input name="username" type="email" autocomplete="username" value="${escapeHtml(hint)}"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit">Sign in</button>
  </form>
</body></html>`);
  }

  function oauthError(res: ServerResponse, error: TokenError): void {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (error.error === 'invalid_client') headers['www-authenticate'] = 'Basic realm="eagleeyenetworks"';
    res.writeHead(error.status, headers);
    res.end(JSON.stringify({ error: error.error, error_description: error.description }));
  }

  function tokenAnswer(res: ServerResponse, set: TokenSet): void {
    sendJson(
      res,
      200,
      { access_token: set.accessToken, expires_in: set.expiresInSeconds, refresh_token: set.refreshToken, httpsBaseUrl: baseUrl, scope: set.scope, token_type: 'Bearer' },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = basicClient(req);
    if (!client || client.id !== options.clientId || client.secret !== options.clientSecret) {
      return oauthError(res, { status: 401, error: 'invalid_client', description: 'client authentication failed (HTTP Basic client_id:client_secret)' });
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, { status: 400, error: 'invalid_request', description: 'the body must be application/x-www-form-urlencoded' });
    }
    const form = new URLSearchParams(await readBody(req));
    const scope = form.get('scope');
    if (scope !== null && scope !== eenScope) return oauthError(res, { status: 403, error: 'invalid_scope', description: `scope must be ${eenScope}` });
    const grantType = form.get('grant_type');
    let result: TokenSet | TokenError;
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) return oauthError(res, { status: 400, error: 'invalid_request', description: 'code is required' });
      result = store.exchangeCode({ code, clientId: client.id, redirectUri: form.get('redirect_uri') ?? undefined, codeVerifier: form.get('code_verifier') ?? undefined });
    } else if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) return oauthError(res, { status: 400, error: 'invalid_request', description: 'refresh_token is required' });
      result = store.refresh({ refreshToken, clientId: client.id });
    } else {
      return oauthError(res, { status: 400, error: 'unsupported_grant_type', description: 'grant_type must be authorization_code or refresh_token' });
    }
    if ('error' in result) return oauthError(res, result);
    tokenAnswer(res, result);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://auth.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth2/authorize' && (method === 'GET' || method === 'POST')) {
      let source: URLSearchParams;
      try {
        source = method === 'GET' ? url.searchParams : new URLSearchParams(await readBody(req));
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('request body too large');
        return;
      }
      const checked = check(source);
      if (!checked.ok) {
        if ('redirect' in checked) {
          res.writeHead(302, { location: checked.redirect });
          res.end();
          return;
        }
        res.writeHead(checked.status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html><body><h1>Authorization error</h1><p>${escapeHtml(checked.message)}</p></body></html>`);
        return;
      }
      if (method === 'POST') {
        const username = source.get('username') ?? '';
        if (username.toLowerCase() !== ctx.username.toLowerCase() || source.get('password') !== ctx.password) {
          return loginForm(res, source, 401, 'The email or password is incorrect.');
        }
        return approve(res, checked.params);
      }
      const auto = options.autoApprove === 'always' || (options.autoApprove === 'loginHint' && checked.params.loginHint?.toLowerCase() === ctx.username.toLowerCase());
      if (auto) return approve(res, checked.params);
      return loginForm(res, source, 200);
    }
    if (url.pathname === '/oauth2/token') {
      if (method !== 'POST') return oauthError(res, { status: 400, error: 'invalid_request', description: 'use POST' });
      return token(req, res);
    }
    if (url.pathname === '/api/v3.0/clientSettings') {
      try {
        if (method !== 'GET') throw fail.method();
        const token = bearerToken(req);
        if (!token || !store.verifyAccess(token)) throw fail.unauthenticated();
        return sendJson(res, 200, { httpsBaseUrl: baseUrl });
      } catch (err) {
        if (err instanceof ApiV3Failure) return sendFailure(res, err, url.pathname, method);
        throw err;
      }
    }
    sendFailure(res, fail.endpoint(), url.pathname, method);
  }

  return { handle };
}
