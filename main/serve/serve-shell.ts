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
