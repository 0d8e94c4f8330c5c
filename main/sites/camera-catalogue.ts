/**
 * Whether a camera id ("<site id>/<camera id>") can be asked for live video now. Pure, so the
 * media broker's refusal of unknown cameras is table-tested.
 *
 * - the site is signed in: only cameras it lists;
 * - the site is configured but not signed in (signing in at start-up, needs sign-in): any camera
 *   of it, because its list is not known yet; the stream waits and says why (a wall restored at
 *   start-up opens its tiles before its sites finish signing in);
 * - no such site: never.
 */
export function cameraKnown(
  cameraId: string,
  sites: readonly { id: string; status: string }[],
  cameras: readonly { id: string }[],
): boolean {
  const slash = cameraId.indexOf('/');
  if (slash <= 0 || slash === cameraId.length - 1) return false;
  const site = sites.find((s) => s.id === cameraId.slice(0, slash));
  if (!site) return false;
  if (site.status !== 'signed-in') return true;
  return cameras.some((c) => c.id === cameraId);
}
