/**
 * The keychain's name as its users know it, for the Sites screen ("Saved in GNOME Keyring").
 * keytar talks to the macOS Keychain on macOS, the Credential Manager on Windows and, on Linux,
 * to whatever program owns the Secret Service name on the session bus: GNOME Keyring, KWallet,
 * KeePassXC… D-Bus says which process that is; its name says which program. When that cannot be
 * learnt (no dbus-send, an unknown program), the Linux name stays generic rather than a guess.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { watchChild } from '../processes/child-reaper.js';

export const genericSecretService = 'the system keychain (Secret Service)';

/** Programs known to serve org.freedesktop.secrets, by /proc/<pid>/comm (cut to 15 characters). */
const secretServicePrograms: [RegExp, string][] = [
  [/^gnome-keyring-d/, 'GNOME Keyring'],
  [/^(kwalletd\d*|ksecretd)$/, 'KWallet'],
  [/^keepassxc/i, 'KeePassXC'],
];

/** Pure: the name for a platform, given (on Linux) the Secret Service's process name when known. */
export function keychainName(platform: NodeJS.Platform, secretServiceProcess?: string | null): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  const comm = secretServiceProcess?.trim();
  return secretServicePrograms.find(([pattern]) => comm && pattern.test(comm))?.[1] ?? genericSecretService;
}

/** Pure: the pid in dbus-send's answer to GetConnectionUnixProcessID ("   uint32 1234"). */
export function pidFromDbusReply(stdout: string): number | null {
  const match = /\buint32\s+(\d+)/.exec(stdout);
  return match ? Number(match[1]) : null;
}

/** The process name of the Secret Service's owner on the session bus, or null (bounded: ~1 s). */
export async function secretServiceProcess(timeoutMs = 1000): Promise<string | null> {
  const args = ['--session', '--print-reply', `--reply-timeout=${timeoutMs}`, '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'];
  const stdout = await new Promise<string | null>((resolve) => {
    const child = execFile('dbus-send', args, { timeout: timeoutMs + 500, windowsHide: true }, (err, out) => resolve(err ? null : out));
    watchChild(child);
  });
  const pid = stdout === null ? null : pidFromDbusReply(stdout);
  if (pid === null) return null;
  return readFile(`/proc/${pid}/comm`, 'utf8').then((comm) => comm.trim(), () => null);
}

/** The keychain's name on this system. */
export async function currentKeychainName(platform: NodeJS.Platform = process.platform): Promise<string> {
  return keychainName(platform, platform === 'linux' ? await secretServiceProcess() : null);
}
