/**
 * Simulated Eagle Eye Networks API v3 on three 127.0.0.1 ports, like the real service's hosts:
 *   eagleeye-v3-auth   auth.eagleeyenetworks.com (+ the global api host): /oauth2/*, /api/v3.0/clientSettings
 *   eagleeye-v3-api    api.cXXX (the httpsBaseUrl): /api/v3.0/...
 *   eagleeye-v3-media  media.cXXX: media-session cookie, HLS, multipart JPEG, FLV, MP4
 * All hosts speak plain http (the real ones are https): a client should keep the scheme of the
 * URL it was given and take host and port from `httpsBaseUrl`.
 *
 * Sign-in: /oauth2/authorize approves at once when `login_hint` is the demo username (see
 * describe().username); otherwise it shows a small login form taking that username and password.
 * The registered redirect URI is describe().redirectUri on any port (RFC 8252 loopback rule).
 */
import type { SimApiModule, SimContext, SiteDescription } from '../types.js';
import { buildDirectory } from './cameras.js';
import { defaultEenV3Options, type EenV3Options } from './config.js';
import type { EenEnv } from './env.js';
import { createMediaHostService } from './media-host.js';
import { createAuthService, eenScope } from './oauth.js';
import { createApiService } from './routes.js';
import { TokenStore } from './tokens.js';

export type { EenV3Options } from './config.js';
export { defaultEenV3Options } from './config.js';

const ports = ['eagleeye-v3-auth', 'eagleeye-v3-api', 'eagleeye-v3-media'] as const;

function hostUrls(urls: Readonly<Record<string, string>>): { auth: string; api: string; media: string } {
  const [auth, api, media] = ports.map((name) => {
    const url = urls[name];
    if (!url) throw new Error(`eagleeye-v3: no URL for port ${name}`);
    return url;
  });
  return { auth: auth!, api: api!, media: media! };
}

/** A module with some switches changed (tests, or a demo that wants short-lived tokens). */
export function createEagleEyeV3Module(overrides: Partial<EenV3Options> = {}): SimApiModule {
  const options: EenV3Options = { ...defaultEenV3Options, ...overrides };
  return {
    kind: 'eagleeye-v3',
    ports,
    create(ctx: SimContext, urls) {
      const hosts = hostUrls(urls);
      const store = new TokenStore(
        {
          accessTtlMs: options.accessTokenTtlSeconds * 1000,
          refreshIdleTtlMs: options.refreshIdleTtlSeconds * 1000,
          refreshMaxTtlMs: options.refreshMaxTtlSeconds * 1000,
          codeTtlMs: options.codeTtlSeconds * 1000,
          rotate: options.rotateRefreshTokens,
        },
        () => ctx.now(),
      );
      const env: EenEnv = {
        ctx,
        options,
        store,
        authUrl: hosts.auth,
        apiUrl: hosts.api,
        mediaUrl: hosts.media,
        directory: buildDirectory(ctx.media.cameras, options),
        userId: 'ca0e1001',
      };
      const unsubscribe = ctx.onExpireSessions(() => {
        store.expireAccessTokens();
        if (options.expireSessionsRevokesRefreshTokens) store.revokeAllGrants();
      });
      const auth = createAuthService(ctx, options, store, hosts.api);
      return {
        'eagleeye-v3-auth': { ...auth, close: () => unsubscribe() },
        'eagleeye-v3-api': createApiService(env),
        'eagleeye-v3-media': createMediaHostService(env),
      };
    },
    describe(ctx: SimContext, urls): SiteDescription {
      const hosts = hostUrls(urls);
      return {
        url: hosts.auth,
        username: ctx.username,
        password: ctx.password,
        authUrl: `${hosts.auth}/oauth2/authorize`,
        tokenUrl: `${hosts.auth}/oauth2/token`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUri: options.redirectUris[0],
        scope: eenScope,
        autoApprove: options.autoApprove === 'loginHint' ? `login_hint=${ctx.username}` : options.autoApprove,
        // For tests and diagnostics; a client should discover these via the token answer.
        apiUrl: hosts.api,
        mediaUrl: hosts.media,
      };
    },
  };
}

export const eagleEyeV3Module: SimApiModule = createEagleEyeV3Module();
