/** The addresses wall windows load. Pure, so the display parameter and the crash page are tested. */
import { appOrigin } from './security-policy.js';

/** The renderer reads `display` to show that display's wall (renderer/src/stores/wall.ts). */
export function windowUrl(displayId: string): string {
  return `${appOrigin}/index.html?display=${encodeURIComponent(displayId)}`;
}

/**
 * Shown instead of reloading once a window's renderer keeps crashing. No script (nothing to
 * crash again); its one link reloads the wall when the operator chooses to.
 */
export function crashPageUrl(displayId: string, crashes: number, periodMs: number): string {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tessera: wall stopped</title></head>
<body style="background:#05070a;color:#e6e9ef;font:16px system-ui,sans-serif;padding:3rem;max-width:40rem">
<h1 style="font-size:1.5rem">This wall stopped working</h1>
<p>The wall of display ${escapeHtml(displayId)} crashed ${crashes} times within ${Math.round(periodMs / 1000)} seconds, so Tessera stopped reloading it. The log file has the details.</p>
<p><a style="color:#7cb7ff" href="${escapeHtml(windowUrl(displayId))}">Reload the wall</a></p>
</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
