/** Annotations belong to a page: its URL without the fragment (the same article at #section-2 is the same page). */

/** A URL without its fragment (plain string work: the always-on page script uses it, and `URL` costs a fresh world more). */
export function withoutHash(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}

/** The page key for a URL; null when it is not an http(s) URL. */
export function pageKey(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/** Hostname of a page key, for the site filter. */
export function siteOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
