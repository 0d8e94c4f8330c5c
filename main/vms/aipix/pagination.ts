/**
 * How far to walk AIPIX's camera list, from what each page says about paging — pure, so every
 * shape is a table test. Servers differ (issue 17: a server that answered in Laravel's top-level
 * paginator shape and capped per_page at 25 lost 5 of 30 cameras without a word):
 *
 *   resource shape   { data, meta: { current_page, last_page, per_page, total }, links: { next } }
 *   paginator shape  { data, current_page, last_page, next_page_url, per_page, total }
 *   simplePaginate   { data, current_page, next_page_url, per_page }
 *   nothing          { data }  → keep asking while pages come back full (bounded by the caller)
 *
 * "Full" is the page size the server reports, else the size of its first page: a server that
 * caps per_page (asked 100, gives 25) still pages at its own size.
 */
import type { WireCameraPage } from './wire-types.js';

export interface PageVerdict {
  /** Whether another page should be asked for. */
  more: boolean;
  /** The camera count the server reports, where it does. */
  total: number | undefined;
}

const known = (n: number | null | undefined): n is number => typeof n === 'number';

/** `firstPageSize`: how many cameras page 1 held (the server's own page size when it states none). */
export function readPage(page: WireCameraPage, firstPageSize: number): PageVerdict {
  const current = page.meta?.current_page ?? page.current_page;
  const last = page.meta?.last_page ?? page.last_page;
  const total = [page.meta?.total, page.total].find(known);
  const perPage = page.meta?.per_page ?? page.per_page ?? firstPageSize;
  let more: boolean;
  if (known(current) && known(last)) more = current < last;
  else if (page.links?.next !== undefined) more = Boolean(page.links.next);
  else if (page.next_page_url !== undefined) more = Boolean(page.next_page_url);
  else if (known(total) && known(current)) more = current * perPage < total;
  // Nothing to go by: a full page may have a next one.
  else more = page.data.length > 0 && page.data.length >= perPage;
  return { more, total };
}

/** The sentence for the site card and the CLI when the list and the server's count disagree. */
export function shortfallNote(site: string, reported: number | undefined, listed: number): string | undefined {
  if (reported === undefined || reported === listed) return undefined;
  return reported > listed
    ? `${site}: the server reports ${reported} cameras but listed only ${listed}; ${reported - listed} cannot be shown.`
    : `${site}: the server reports ${reported} cameras but listed ${listed}.`;
}
