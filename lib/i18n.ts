/** UI strings from `_locales` (the browser picks the language and falls back to English). */
import { browser } from 'wxt/browser';

/** Message by key with optional substitutions; the key itself if missing, so a gap is visible, never blank. */
export function t(key: string, ...substitutions: (string | number)[]): string {
  const message = browser.i18n.getMessage(key as never, substitutions.map(String));
  return message || key;
}
