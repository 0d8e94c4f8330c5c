/**
 * Configured sites and their sign-in state. Thin: main owns the truth and publishes whole
 * snapshots on `sites:changed`; the actions pass the operator's intent through and hand the
 * Result back, so the component that asked can show the error next to the control.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AddSite, AppError, Result, SiteState } from '../../../preload/contract/index.js';
import { connection, tessera } from '../bridge/index.js';

export const useSitesStore = defineStore('sites', () => {
  const sites = ref<SiteState[]>([]);
  const loaded = ref(false);
  const error = ref<AppError | null>(null);
  let started = false;
  /** Snapshots seen since the list request was sent: a newer event beats the older answer. */
  let eventsSeen = 0;

  async function refresh(): Promise<void> {
    const before = eventsSeen;
    const result = await tessera.sites.list();
    if (!result.ok) error.value = result.error;
    else if (eventsSeen === before) sites.value = result.value;
    loaded.value = true;
  }

  async function load(): Promise<void> {
    if (started) return;
    started = true;
    // Subscribe before listing, so nothing that changes in between is missed.
    tessera.sites.onChanged((next) => {
      eventsSeen += 1;
      sites.value = next;
      loaded.value = true;
    });
    // Events sent while the serve-mode socket was down are lost: catch up once it is back.
    let lost = false;
    watch(connection, (status) => {
      if (status === 'closed') lost = true;
      else if (status === 'open' && lost) {
        lost = false;
        void refresh();
      }
    });
    await refresh();
  }

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

  return { sites, loaded, error, load, add, remove, signIn, signOut, chooseTwoFactor, verifyTwoFactor };
});
