/**
 * Configured sites and their sign-in state. Thin: main owns the truth and publishes whole
 * snapshots on `sites:changed`; the actions pass the operator's intent through and hand the
 * Result back, so the component that asked can show the error next to the control.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AddSite, AppError, Result, SiteState } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';
import { snapshotSync } from './snapshot-sync.js';

export const useSitesStore = defineStore('sites', () => {
  const sites = ref<SiteState[]>([]);
  const error = ref<AppError | null>(null);
  const sync = snapshotSync({ fetch: () => tessera.sites.list(), subscribe: (listener) => tessera.sites.onChanged(listener), connection }, { keep: (next) => (sites.value = next), error });

  /** A request's answer is the site's newest state (events for it were sent before it). */
  function track(result: Result<SiteState>): Result<SiteState> {
    if (result.ok) {
      const state = result.value;
      const index = sites.value.findIndex((s) => s.id === state.id);
      sites.value = index < 0 ? [...sites.value, state] : sites.value.map((s) => (s.id === state.id ? state : s));
    }
    return result;
  }

  const add = async (input: AddSite) => track(await tessera.sites.add(input));
  const signIn = async (siteId: string, password?: string, savePassword?: boolean) =>
    track(await tessera.sites.signIn({ siteId, ...(password !== undefined ? { password } : {}), ...(savePassword !== undefined ? { savePassword } : {}) }));
  const signOut = async (siteId: string) => track(await tessera.sites.signOut({ siteId }));
  const chooseTwoFactor = async (siteId: string, channel: 'sms' | 'email') => track(await tessera.sites.twoFactorChoose({ siteId, channel }));
  const verifyTwoFactor = async (siteId: string, code: string) => track(await tessera.sites.twoFactorVerify({ siteId, code }));

  async function remove(siteId: string): Promise<Result<null>> {
    const result = await tessera.sites.remove({ siteId });
    if (result.ok) sites.value = sites.value.filter((s) => s.id !== siteId);
    return result;
  }

  return { sites, loaded: sync.loaded, error, load: sync.start, add, remove, signIn, signOut, chooseTwoFactor, verifyTwoFactor };
});
