/**
 * The shell of serve mode: no Electron screen API, so each "display" is a URL
 * (`/?display=browser-N`) that a browser on a wall PC opens full screen.
 */
import type { Display } from '../../preload/contract/index.js';
import type { Shell } from '../compose.js';

export function browserDisplays(count: number): Display[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `browser-${i + 1}`,
    label: `Browser display ${i + 1}`,
    primary: i === 0,
    bounds: { x: i * 1920, y: 0, width: 1920, height: 1080 },
    scaleFactor: 1,
  }));
}

export function createServeShell(displayCount: number): Shell {
  const displays = browserDisplays(displayCount);
  return {
    kind: 'serve',
    displays: () => structuredClone(displays),
    onDisplaysChanged: () => () => undefined,
  };
}

/** Each display's own address: the served app's address with `display` set, token kept. */
export function displayUrls(appUrl: string, displays: readonly Display[]): { id: string; label: string; url: string }[] {
  return displays.map((display) => {
    const url = new URL(appUrl);
    const token = url.searchParams.get('token');
    // display first, then token: the token is what a person cuts off when sharing a link.
    url.search = '';
    url.searchParams.set('display', display.id);
    if (token !== null) url.searchParams.set('token', token);
    return { id: display.id, label: display.label, url: url.toString() };
  });
}
