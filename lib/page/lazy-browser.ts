/**
 * `browser` for the page scripts (wxt.config.ts puts it in place of `wxt/browser` in page-watch,
 * page-awake and page-scanner): the extension API object is looked up on first use, not when a
 * script loads. Touching `chrome.runtime` in a fresh isolated world binds it, which costs a page
 * half a millisecond to a millisecond (bench/page-results.md); a page about the story is read,
 * decided and painted without it (the background runs our functions there with `executeScript`),
 * so it is paid only where the page later asks something of the background itself.
 */
import type { browser as wxtBrowser } from 'wxt/browser';

type Api = typeof wxtBrowser;

let resolved: Api | null = null;

function api(): Api {
  // Resolved once, and never from something a page put there: elements with an id or name also
  // show up as properties of window in this world (`<form id="browser">`).
  if (!resolved) {
    const g = globalThis as { browser?: unknown; chrome?: unknown };
    const own = (name: 'browser' | 'chrome') => {
      // The extension API is an own property of this world's global; a page's element or frame
      // (`<iframe name="browser">`) only shows up through the window's prototype.
      if (!Object.hasOwn(g, name)) return null;
      const v = g[name];
      return v && typeof v === 'object' && !(typeof Node === 'function' && v instanceof Node) && !(typeof HTMLCollection === 'function' && v instanceof HTMLCollection) ? (v as Api) : null;
    };
    // `browser` first (Firefox, promise-based everywhere); Chromium has only `chrome`.
    resolved = own('browser') ?? own('chrome');
    if (!resolved) throw new Error('no extension API in this context');
  }
  return resolved;
}

export const browser = Object.defineProperties({}, {
  'runtime': { get: () => api().runtime },
  'storage': { get: () => api().storage },
}) as Api;

/** Whether a script here has used the extension API yet (so it is bound, and asking about it costs nothing more). */
export const apiBound = (): boolean => resolved !== null;
