/**
 * `browser` for the always-on page script (wxt.config.ts puts it in place of `wxt/browser` there):
 * the extension API object is looked up on first use, not when the script loads. Touching `chrome`
 * in a fresh isolated world binds it, which costs a page about half a millisecond; the quiet page
 * script needs it only to ask for its awake part (entrypoints/page-watch/index.ts). Only `runtime`:
 * nothing in that script reads storage.
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
}) as Api;
