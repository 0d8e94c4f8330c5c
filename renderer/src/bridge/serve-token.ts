/**
 * The serve-mode token, as the page carries it: read from the address it was opened with
 * (`?token=…`), then kept in sessionStorage so reloads of this tab still have it after main.ts
 * removed it from the address bar. sessionStorage belongs to one origin, port included; a
 * cookie would be sent to every local service on 127.0.0.1, whatever its port. The sockets
 * (/bridge, /media/stream/*) take the token in their query only.
 */
const key = 'tessera-serve-token';

export function serveToken(location: Location, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const fromAddress = new URLSearchParams(location.search).get('token');
  if (fromAddress) {
    storage?.setItem(key, fromAddress);
    return fromAddress;
  }
  return storage?.getItem(key) ?? null;
}

/** sessionStorage, or null where the browser refuses it (some privacy modes throw on access). */
export function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * A browser cannot read why an upgrade was refused (the socket just closes, code 1006). The same
 * path over HTTP answers 401 when the token is missing or wrong (426 when it is right), so a
 * socket that closed before opening asks, to tell "needs the token" from "unreachable".
 */
export async function refusedForToken(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(httpUrl, { cache: 'no-store', credentials: 'omit' });
    return res.status === 401;
  } catch {
    return false; // unreachable: not a token problem
  }
}
