/** DTOs and schemas of the `app` and `settings` namespaces. */
import { z } from 'zod';
import { idRecord, idSchema } from './ids.js';

export const displaySchema = z.object({
  /** Electron's display id as a string (serve mode: "browser-1"…). */
  id: z.string(),
  label: z.string(),
  primary: z.boolean(),
  bounds: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  scaleFactor: z.number(),
});
export type Display = z.infer<typeof displaySchema>;

/**
 * A stored file Tessera could not use as it was, found at start: what was wrong, where the
 * original was kept, and what Tessera started with instead. Shown to the operator until dismissed.
 */
export const loadProblemSchema = z.object({
  /** The file's name in the data folder ("sites.json"). */
  file: z.string(),
  /** What was wrong, one line each ("entry 2: address “not a url” is not a URL"); a few at most. */
  problems: z.array(z.string()),
  /** Where the original was kept; absent when it could not be moved (then `problems` says why). */
  keptAs: z.string().optional(),
  /** What Tessera started with instead ("the other 3 sites", "default settings"). */
  startedWith: z.string(),
});
export type LoadProblem = z.infer<typeof loadProblemSchema>;

/** The operator's sentence for a load problem (the UI banner and the command line say the same). */
export function loadProblemText(p: LoadProblem): string {
  const kept = p.keptAs ? `The file was kept as ${p.keptAs}` : 'The file could not be moved aside';
  return `${p.file} could not be read (${p.problems.join('; ')}). ${kept}; Tessera started with ${p.startedWith}.`;
}

/** Where site passwords are kept (main/credentials/choose-store.ts picks the best the system offers). */
export const credentialStoreKinds = ['keychain', 'encrypted-file', 'session-only'] as const;
export const credentialStoreInfoSchema = z.object({
  /** keychain: the OS keychain; encrypted-file: Electron safeStorage; session-only: nothing is saved. */
  kind: z.enum(credentialStoreKinds),
  /**
   * The store's name as its users know it: "macOS Keychain", "Windows Credential Manager", "GNOME
   * Keyring", "KWallet", or "the system keychain (Secret Service)" on Linux when Tessera cannot
   * tell which program answers; for the other kinds what they are.
   */
  name: z.string(),
  /** session-only: why nothing is saved, in words ("this system has no keychain"). */
  why: z.string().optional(),
});
export type CredentialStoreInfo = z.infer<typeof credentialStoreInfoSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** "electron" in the desktop app, "serve" when the renderer runs in a browser. */
  shell: z.enum(['electron', 'serve']),
  displays: z.array(displaySchema),
  /** Stored files that could not be used as they were at this start (empty when all were fine). */
  loadProblems: z.array(loadProblemSchema),
  /** Where passwords are kept, so the Sites screen says where (or that they are not). */
  credentialStore: credentialStoreInfoSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const windowModeSchema = z.enum(['windowed', 'fullscreen', 'kiosk']);
export type WindowMode = z.infer<typeof windowModeSchema>;

/**
 * Window modes remembered: as many displays as the wall remembers (wall.ts MAX_DISPLAYS), for the
 * same reason; main forgets an old entry rather than refuse a new display.
 */
export const MAX_WINDOW_MODES = 64;

/** Bounds of the tour idle time, s. */
export const minTourIdleSeconds = 1;
export const maxTourIdleSeconds = 3600;

export const settingsSchema = z.object({
  /** Open one window per connected display, or only on the primary one. */
  displays: z.enum(['all', 'primary']),
  /** Window mode per display id; displays not listed use `defaultWindowMode`. No prototype. */
  windowModes: idRecord(windowModeSchema, MAX_WINDOW_MODES),
  defaultWindowMode: windowModeSchema,
  /** Show camera name and status on every tile. */
  tileOverlay: z.boolean(),
  theme: z.enum(['dark', 'light', 'system']),
  /** A tour held by the operator's interaction resumes after this many idle seconds. */
  tourIdleResumeSeconds: z.number().int().min(minTourIdleSeconds).max(maxTourIdleSeconds),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  displays: 'all',
  windowModes: {},
  defaultWindowMode: 'windowed',
  tileOverlay: true,
  theme: 'dark',
  tourIdleResumeSeconds: 30,
};

/**
 * One display's window mode. Its own request rather than a settings patch: a patch carries the
 * whole windowModes record, and a window holding a copy a moment old would undo another
 * window's change made in that moment.
 */
export const setWindowModeSchema = z.object({ displayId: idSchema, mode: windowModeSchema }).strict();
export type SetWindowMode = z.infer<typeof setWindowModeSchema>;

/** A partial update; unknown keys are refused so a typo is an error, not a silent no-op. */
export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
