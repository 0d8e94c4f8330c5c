/**
 * The security decisions for app windows, as pure functions and constants so they are tested
 * without Electron and shared with serve mode.
 */

/** Strict CSP: only our own scripts and styles; media and images from our own origin or blobs (MSE). */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The custom scheme app windows load from (never file://, never remote content). */
export const appScheme = 'tessera';
export const appOrigin = `${appScheme}://app`;

/** A sender is trusted only when its frame shows our own renderer. */
export function isTrustedSenderUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === appOrigin;
  } catch {
    return false;
  }
}

/**
 * Permissions a video wall needs: fullscreen for the maximised-tile view. Everything else
 * (camera, microphone, geolocation, notifications, …) is refused.
 */
const allowedPermissions = new Set(['fullscreen']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return allowedPermissions.has(permission) && isTrustedSenderUrl(requestingUrl);
}
