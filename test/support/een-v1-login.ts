/** Signs in to a simulated Eagle Eye v1 site (authenticate + authorize): the auth_key cookie value. */
import type { SiteDescription } from '../../simulator/types.js';

export async function eenV1AuthKey(site: SiteDescription): Promise<string> {
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
  });
  const step1 = await fetch(`${site.url}/g/aaa/authenticate`, form({ username: site.username, password: site.password }));
  if (step1.status !== 200) throw new Error(`authenticate answered ${step1.status}`);
  const { token } = (await step1.json()) as { token: string };
  const step2 = await fetch(`${site.url}/g/aaa/authorize`, form({ token }));
  const cookie = step2.headers.getSetCookie().find((c) => c.startsWith('auth_key='));
  if (step2.status !== 200 || !cookie) throw new Error(`authorize answered ${step2.status} without auth_key`);
  return cookie.slice('auth_key='.length).split(';')[0]!;
}
