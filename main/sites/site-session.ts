/**
 * One site's session: its adapter (site-adapter.ts builds it), the sign-in steps (password,
 * two-factor, browser OAuth), re-login on expiry and the secrets it keeps. The app's
 * SiteService keeps one per configured site; the CLI builds one for a site given on its command
 * line, so both sign in with this code. Main is the only holder of credentials; what leaves
 * (SiteState) carries none.
 *
 * Session rules: a call that finds the session expired signs in again once (saved password or
 * refresh token) and is retried once; if that sign-in fails the site shows "needs sign-in" and
 * the error says to sign in again, never a silent loop.
 */
import { AppFailure, type SiteConfig, type SiteState, type SiteStatus } from '../../preload/contract/index.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { Logger } from '../logging/logger.js';
import type { SignInOutcome, VmsAdapter } from '../vms/adapter.js';
import type { BrowserOpener } from '../vms/browser-opener.js';
import { isSessionExpired } from '../vms/session-errors.js';

/** What a session tells its camera list (the service's CameraCatalogue) as it signs in and out. */
export interface SessionCameras {
  /** The adapter signed in and the site does not show it yet: read its cameras (a failure fails the sign-in). */
  read(session: SiteSession): Promise<void>;
  /** The site shows signed in: follow its status pushes; announce the cameras. */
  follow(session: SiteSession): void;
  /** Stop following the status pushes (the session ends). */
  unfollow(session: SiteSession): void;
  /** The camera list is gone (signed out, sign-in failed). */
  forget(session: SiteSession): void;
  /** The session is disposed: nothing of it is kept. */
  drop(session: SiteSession): void;
  /** Which cameras can be used changed (the site's status did). */
  announce(): void;
  count(session: SiteSession): number;
}

export interface SiteSessionOptions {
  config: SiteConfig;
  adapter: VmsAdapter;
  credentials: CredentialStore;
  log: Logger;
  cameras: SessionCameras;
  /** The site's state changed (status, error, two-factor step, OAuth address). */
  changed(): void;
  /** Who opens an OAuth authorization address now; none: it is only published in SiteState.oauth. */
  opener(): BrowserOpener | undefined;
}

export class SiteSession {
  readonly config: SiteConfig;
  readonly adapter: VmsAdapter;
  private current: SiteStatus = 'signed-out';
  private lastError?: { code: string; message: string };
  private twoFactor?: { channels: ('sms' | 'email')[]; codeSent: boolean };
  /** Secret for this run when the operator chose not to save it (re-login after expiry). */
  private sessionSecret?: string;
  /** Whether a secret for this site is in the credential store. */
  private saved = false;
  /** One re-login at a time. */
  private relogin?: Promise<void>;
  /** OAuth: while the browser step of a sign-in is pending, the address to open. */
  private oauth?: { authorizationUrl: string };
  /** Bumped per sign-in attempt and sign-out: a superseded attempt must not touch the state. */
  private attempt = 0;
  /** Bumped when the adapter rotates the secret (OAuth refresh tokens). */
  private secretVersion = 0;
  /** Rotated secrets are written in order, so an older one never overwrites a newer one. */
  private secretWrites: Promise<void> = Promise.resolve();
  /** Disposed (removed or replaced): a late rotated secret is not kept. */
  private retired = false;

  constructor(private readonly options: SiteSessionOptions) {
    this.config = options.config;
    this.adapter = options.adapter;
    this.adapter.onSecretRotated?.((secret) => this.keepRotated(secret));
  }

  get status(): SiteStatus {
    return this.current;
  }

  private get name(): string {
    return this.config.name;
  }

  state(): SiteState {
    const note = this.current === 'signed-in' ? this.adapter.cameraListNote?.() : undefined;
    return {
      ...this.config,
      status: this.current,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      capabilities: this.adapter.capabilities,
      cameraCount: this.options.cameras.count(this),
      ...(note ? { cameraListWarning: note } : {}),
      credentialSaved: this.saved,
      ...(this.twoFactor ? { twoFactor: this.twoFactor } : {}),
      ...(this.oauth ? { oauth: this.oauth } : {}),
    };
  }

  /** Signs in with the given password, or this run's or the saved secret when none is given. */
  async signIn(input: { password?: string; savePassword?: boolean }): Promise<SiteState> {
    const { credentials } = this.options;
    const needsNone = this.adapter.capabilities.signIn === 'none';
    const secret = input.password ?? this.sessionSecret ?? (needsNone ? '' : await credentials.get(this.config.id));
    if (secret === null || secret === undefined) {
      throw new AppFailure('unauthorized', `${this.name}: no saved password; enter it to sign in.`);
    }
    const attempt = ++this.attempt;
    this.setStatus('signing-in');
    try {
      const rotations = this.secretVersion;
      const outcome = await this.adapter.signIn({ username: this.config.username, password: secret });
      // A secret the adapter rotated during sign-in (a new refresh token) is newer than `secret`.
      if (this.secretVersion === rotations) this.sessionSecret = secret;
      if (input.password !== undefined) {
        if (input.savePassword && !needsNone) {
          await credentials.set(this.config.id, this.sessionSecret ?? secret);
          this.saved = true;
        } else if (input.savePassword === false) {
          await credentials.delete(this.config.id);
          this.saved = false;
        }
      }
      if (outcome.kind === 'two-factor') {
        this.twoFactor = { channels: outcome.channels, codeSent: false };
        this.setStatus('two-factor');
        return this.state();
      }
      if (outcome.kind === 'browser') await this.finishBrowserSignIn(outcome);
      await this.afterSignIn();
    } catch (err) {
      if (this.attempt === attempt) this.fail(err);
      throw err;
    }
    return this.state();
  }

  /**
   * OAuth: publishes the authorization address (SiteState.oauth), hands it to the opener, and
   * waits until the browser came back and the adapter exchanged the code. An opener that fails
   * abandons the sign-in with its reason rather than waiting out the timeout.
   */
  private async finishBrowserSignIn(outcome: Extract<SignInOutcome, { kind: 'browser' }>): Promise<void> {
    const pending = { authorizationUrl: outcome.authorizationUrl };
    this.oauth = pending;
    this.options.changed();
    const opener = this.options.opener();
    try {
      const openFailed = new Promise<never>((_resolve, reject) => void opener?.open(outcome.authorizationUrl).catch(reject));
      await Promise.race([outcome.completion, openFailed]);
    } catch (err) {
      // Still the current attempt (not superseded): end the listener that waits in vain.
      if (this.oauth === pending) await this.adapter.signOut().catch(() => undefined);
      throw err;
    } finally {
      if (this.oauth === pending) delete this.oauth;
    }
  }

  async chooseTwoFactor(channel: 'sms' | 'email'): Promise<SiteState> {
    if (this.current !== 'two-factor' || !this.adapter.chooseTwoFactor) throw this.notWaitingForCode();
    await this.adapter.chooseTwoFactor(channel);
    this.twoFactor = { channels: this.twoFactor?.channels ?? [channel], codeSent: true };
    this.options.changed();
    return this.state();
  }

  async verifyTwoFactor(code: string): Promise<SiteState> {
    if (this.current !== 'two-factor' || !this.adapter.verifyTwoFactor) throw this.notWaitingForCode();
    try {
      await this.adapter.verifyTwoFactor(code);
    } catch (err) {
      // A wrong code keeps the site waiting for another try; anything else is a failure.
      if (err instanceof AppFailure && err.error.code === 'two-factor-required') {
        this.lastError = { code: err.error.code, message: err.error.message };
        this.options.changed();
      } else this.fail(err);
      throw err;
    }
    delete this.twoFactor;
    await this.afterSignIn().catch((err: unknown) => {
      this.fail(err);
      throw err;
    });
    return this.state();
  }

  async signOut(): Promise<SiteState> {
    await this.end();
    delete this.sessionSecret;
    this.setStatus('signed-out');
    this.options.cameras.announce();
    return this.state();
  }

  /** At start-up: signs in when a secret is saved (or none is needed); a failure shows in the state. */
  async restore(): Promise<void> {
    const saved = await this.options.credentials.get(this.config.id).catch(() => null);
    this.saved = saved !== null;
    this.options.changed();
    if (saved === null && this.adapter.capabilities.signIn !== 'none') return;
    await this.signIn({}).catch(() => undefined); // state and lastError tell the operator
  }

  /** Runs a call in the session; on expiry, signs in again once and retries once. */
  async run<T>(call: (adapter: VmsAdapter) => Promise<T>): Promise<T> {
    if (this.current !== 'signed-in') throw new AppFailure('unauthorized', `${this.name} is not signed in.`);
    try {
      return await call(this.adapter);
    } catch (err) {
      if (!isSessionExpired(err)) throw err;
      this.options.log.info('session expired; signing in again', { site: this.name });
      await this.signInAgain();
      return call(this.adapter);
    }
  }

  /** Ends the server session (and a pending browser sign-in); the cameras are gone. */
  async end(): Promise<void> {
    this.options.cameras.unfollow(this);
    if (this.oauth) {
      // A browser sign-in still waiting: abandon it (the attempt counter makes it a no-op).
      delete this.oauth;
      this.attempt += 1;
      await this.adapter.signOut().catch(() => undefined);
    }
    if (this.current === 'signed-in' || this.current === 'two-factor') {
      await this.adapter.signOut().catch((err: unknown) => this.options.log.warn('sign-out failed', { site: this.name, error: err }));
    }
    this.options.cameras.forget(this);
  }

  /** The site is removed or replaced: stop following it and release the adapter. */
  async dispose(): Promise<void> {
    this.retired = true;
    this.options.cameras.drop(this);
    await this.adapter.dispose();
  }

  private async signInAgain(): Promise<void> {
    this.relogin ??= (async () => {
      try {
        const secret = this.sessionSecret ?? (await this.options.credentials.get(this.config.id));
        if (secret === null || secret === undefined) throw new AppFailure('unauthorized', 'no saved password');
        const outcome = await this.adapter.signIn({ username: this.config.username, password: secret });
        if (outcome.kind === 'two-factor') throw new AppFailure('two-factor-required', 'a two-factor code is needed');
        if (outcome.kind === 'browser') {
          // A background re-login never opens a browser on its own: the operator signs in again.
          outcome.completion.catch(() => undefined);
          await this.adapter.signOut().catch(() => undefined);
          throw new AppFailure('unauthorized', 'the site needs the browser sign-in again');
        }
      } catch (err) {
        const reason = err instanceof AppFailure ? err.error.message : 'unknown error';
        this.lastError = { code: 'unauthorized', message: `${this.name}: the session expired and signing in again failed (${reason}). Sign in again.` };
        this.setStatus('needs-sign-in');
        this.options.cameras.announce();
        throw new AppFailure('unauthorized', this.lastError.message);
      } finally {
        this.relogin = undefined;
      }
    })();
    return this.relogin;
  }

  private async afterSignIn(): Promise<void> {
    await this.options.cameras.read(this);
    delete this.lastError;
    this.setStatus('signed-in');
    this.options.cameras.follow(this);
  }

  private fail(err: unknown): void {
    const error = err instanceof AppFailure ? err.error : { code: 'internal', message: `${this.name}: sign-in failed unexpectedly.` };
    if (!(err instanceof AppFailure)) this.options.log.error('sign-in failed', { site: this.name, error: err });
    this.lastError = { code: error.code, message: error.message };
    this.options.cameras.forget(this);
    this.setStatus(error.code === 'unauthorized' ? 'needs-sign-in' : 'error');
    this.options.cameras.announce();
  }

  /** A rotated secret (OAuth refresh token) is kept only where the operator chose to keep one. */
  private keepRotated(secret: string): void {
    if (this.retired) return;
    this.sessionSecret = secret;
    this.secretVersion += 1;
    // In order, skipping superseded ones.
    this.secretWrites = this.secretWrites
      .then(async () => {
        if (this.sessionSecret !== secret) return;
        const { credentials } = this.options;
        if ((await credentials.get(this.config.id)) !== null) await credentials.set(this.config.id, secret);
      })
      .catch((err: unknown) => this.options.log.warn('could not keep the rotated secret', { site: this.name, error: err }));
  }

  private notWaitingForCode(): AppFailure {
    return new AppFailure('conflict', `${this.name} is not waiting for a two-factor code.`);
  }

  private setStatus(status: SiteStatus): void {
    this.current = status;
    this.options.changed();
  }
}
