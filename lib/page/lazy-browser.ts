/**
 * `browser` for the always-on page script (wxt.config.ts puts it in place of `wxt/browser` there):
 * the extension API object is looked up on first use, not when the script loads. Touching `chrome`
 * in a fresh isolated world binds it, which costs a page about half a millisecond; a quiet page
 * script never needs it (entrypoints/page-watch/index.ts).
 */
import type { browser as wxtBrowser } from 'wxt/browser';

type Api = typeof wxtBrowser;

function api(): Api {
  const g = globalThis as { browser?: Api; chrome?: Api };
  return (g.browser?.runtime?.id ? g.browser : g.chrome) as Api;
}

// Quoted keys: WXT's auto-import would read a bare `storage` here as its storage helper.
export const browser = Object.defineProperties({}, {
  'runtime': { get: () => api().runtime },
  'storage': { get: () => api().storage },
}) as Api;
