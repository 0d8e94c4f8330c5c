/**
 * Where a v1 session continues after authorize. Eagle Eye says to start at its login host and then
 * use `{active_brand_subdomain}.eagleeyenetworks.com` for every call (seed 001, Authorize). That
 * holds only when the operator gave Eagle Eye's own login host: behind a reverse proxy, a
 * corporate gateway or the simulator the address the operator gave is the only one that works,
 * so Tessera stays there. Pure.
 */

const loginHost = 'login.eagleeyenetworks.com';
/** One DNS label: the subdomain comes from the server and must not smuggle a host or path in. */
const subdomainPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * The base address for calls after authorize, or undefined to stay on the operator's address.
 * A malformed subdomain also means "stay": the login host keeps serving the API, only slower.
 */
export function brandedBaseUrl(siteUrl: string, subdomain: string | null | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch {
    return undefined;
  }
  if (url.hostname.toLowerCase() !== loginHost) return undefined;
  if (!subdomain || !subdomainPattern.test(subdomain) || subdomain.toLowerCase() === 'login') return undefined;
  // The service is https only (seed 001: "must be https"); the branded host has no custom port.
  return `https://${subdomain.toLowerCase()}.eagleeyenetworks.com/`;
}
