/** Words and small pure helpers for the Sites screen. */
import type { AppError, Capabilities, CredentialStoreInfo, SiteKind, SiteStatus } from '../../../preload/contract/index.js';

export const siteStatusWords: Record<SiteStatus, string> = {
  'signed-out': 'Signed out',
  'signing-in': 'Signing in…',
  'two-factor': 'Waiting for a two-factor code',
  'signed-in': 'Signed in',
  'needs-sign-in': 'Needs sign-in',
  error: 'Error',
};

/**
 * How a new site of a kind signs in, for the add form (a SiteState carries its capabilities,
 * but a site being added has none yet). Mirrors the adapters' capabilities.signIn; the contract
 * could export this table so the two cannot drift.
 */
export const signInByKind: Record<SiteKind, Capabilities['signIn']> = {
  'eagleeye-v1': 'password',
  'eagleeye-v3': 'oauth',
  exacq: 'password',
  aipix: 'password',
  rtsp: 'password',
};

/** A validation issue as main reports it in `detail.issues` of a bad-request error. */
interface Issue {
  path: string;
  message: string;
}

function issuesOf(error: AppError): Issue[] {
  const issues = error.detail?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is Issue => typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.message === 'string');
}

/** zod's wording for empty and overlong fields, in plain words. */
function plain(message: string): string {
  if (/^too small: expected string to have >=1 character/i.test(message)) return 'must not be empty';
  if (/^too big: expected string/i.test(message)) return 'is too long';
  if (/^too small: expected array/i.test(message)) return 'needs at least one entry';
  return message;
}

/**
 * Splits a failed request into messages per form field (keyed by the issue path, e.g. "url" or
 * "rtspCameras.0.url") and one summary for everything, so errors show next to their fields and
 * once more in an alert.
 */
export function formErrors(error: AppError, labels: (path: string) => string): { fields: Record<string, string>; summary: string } {
  const issues = issuesOf(error);
  if (error.code !== 'bad-request' || issues.length === 0) return { fields: {}, summary: error.message };
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path] ??= plain(issue.message);
  const summary = Object.entries(fields)
    .map(([path, message]) => `${labels(path)} ${message}.`)
    .join(' ');
  return { fields, summary };
}

/**
 * Whether a typed address holds a user or password (`https://admin:secret@nvr`). Main takes them
 * out (main/sites/url-credentials.ts); the form says so under the field.
 */
export function addressHasCredentials(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return false;
  }
  return url.username !== '' || url.password !== '';
}

/** The "save it" checkbox of the add form and the sign-in prompt, as the credential store allows. */
export interface SaveBoxWords {
  label: string;
  /** True where nothing can be saved: the box is shown off and disabled, with `note` saying why. */
  disabled: boolean;
  note?: string;
}

/**
 * What saving a password (`oauth`: a client secret and token) would do with the store in use
 * (app:info's credentialStore; undefined while it loads: then no claim about where).
 */
export function saveBoxWords(store: CredentialStoreInfo | undefined, oauth: boolean): SaveBoxWords {
  const what = oauth ? 'Stay signed in on this computer' : 'Save password';
  if (!store) return { label: what, disabled: false };
  switch (store.kind) {
    case 'keychain':
      return { label: oauth ? `${what} (secret and token kept in ${store.name})` : `${what} in ${store.name}`, disabled: false };
    case 'encrypted-file':
      return { label: oauth ? `${what} (secret and token encrypted by the operating system)` : `${what}, encrypted by the operating system`, disabled: false };
    case 'session-only':
      return {
        label: what,
        disabled: true,
        note: `Not saved: ${store.why ?? 'this system has no keychain'}. Tessera ${oauth ? 'asks you to sign in' : 'asks for the password'} again after each start.`,
      };
  }
}

/** The site card's "Password" (or "Client secret") line: where it is kept, or that it is not. */
export function credentialWords(saved: boolean, store: CredentialStoreInfo | undefined): string {
  if (store?.kind === 'session-only') {
    const why = store.why ?? 'this system has no keychain';
    // An API client may still ask to keep it: then main holds it in memory for this run.
    return saved ? `Kept until Tessera stops (not saved: ${why})` : `Not saved: ${why}`;
  }
  if (!saved) return 'Not saved';
  if (store?.kind === 'keychain') return `Saved in ${store.name}`;
  if (store?.kind === 'encrypted-file') return 'Saved, encrypted by the operating system';
  return 'Saved';
}
