/**
 * The always-on page script: small, and cheap on pages that do not mention the story. The
 * background runs it in each page it may read (http(s) and file pages that are not paused or
 * disabled), once the page has loaded, with `scripting.executeScript`: not through the manifest's
 * content scripts and not through WXT's content-script wrapper (that wrapper announces every start
 * to the page with a `wxt:content-script-started` event and window message, which would let any page
 * notice the extension, even in discreet mode).
 *
 * It is quiet: it touches no extension API at all. Binding `chrome` in a fresh isolated world,
 * reading the settings and sending a message cost a page more than the look itself
 * (bench/page-results.md). It takes a first look at the page's rendered text (native calls only, see
 * lib/page/first-look.ts) and hands it back as the script's result; the background checks it for
 * terms in memory (nothing is stored). Until something is found it watches for added text and SPA
 * navigations.
 *
 * Everything that uses extension APIs (settings, tab commands, messages, the page scanner and card
 * UI) is its awake part, page-awake.js (entrypoints/page-awake), which the background injects only
 * when it wakes the page: a term was found, the page has annotations or the reader uses the
 * annotate button, or a tab command must reach it. A quiet watcher that sees changed text asks the
 * background for its awake part before it reads any of that text.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { PAGE_WATCH_GLOBAL, type FirstLookResult, type PageWatchApi } from '@/lib/protocol';
import { sendToBackground } from '@/lib/messaging';
import { firstLookText, readsFrame } from '@/lib/page/first-look';
import { recordScan } from '@/lib/page/scan-stats';
import { FIRST_LOOK_MAX_CHARS, HUGE_MUTATION_COUNT, MUTATION_BATCH_MS } from '@/lib/limits';
import { withoutHash } from '@/lib/annotation/page-url';
import { WATCH_CORE_GLOBAL, type WatchCore } from './core';

export default defineUnlistedScript((): FirstLookResult | Promise<FirstLookResult | null> => {
  const world = globalThis as { [PAGE_WATCH_GLOBAL]?: PageWatchApi; [WATCH_CORE_GLOBAL]?: WatchCore };
  // Run again in the same document (after an SPA navigation, a settings or dataset change).
  // Own property only: an element with this id would also show up as a property of window here.
  const running = Object.hasOwn(world, PAGE_WATCH_GLOBAL) ? world[PAGE_WATCH_GLOBAL] : undefined;
  if (running) return running.again();

  /** The Navigation API where there is one (Chromium): it reports pushState navigations, which popstate does not. */
  const navigation = (window as { navigation?: EventTarget }).navigation;

  /** The watcher's stop and observe; null when not watching. Plain listeners, not an AbortController: one object type fewer to set up in a fresh world. */
  let stopWatcher: (() => void) | null = null;
  let observeRoot: ((root: Node) => void) | null = null;

  /**
   * Until the scanner loads: looks again at what the page adds or reveals (hidden, aria-hidden and
   * open changes, as the scanner watches), at frames that finish loading, and after SPA navigations
   * (the whole page is read again when the URL changed). Quiet, it first asks for its awake part,
   * which reads the settings before it reads any of the changed text.
   */
  const watch = (g: number, shadowRoots: ShadowRoot[]) => {
    stopWatcher?.();
    let stopped = false;
    let changed = new Set<Node>();
    let wholePage = false;
    let waking = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastUrl = document.URL;
    const observed = new WeakSet<Node>();
    const options = { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'aria-hidden', 'open'] };
    const live = () => !stopped && g === core.generation && !core.dead;
    const flush = () => {
      timer = null;
      if (!live()) return;
      if (!core.onChange) {
        if (waking) return;
        waking = true;
        // The awake part reads the settings before anything reads the changed text; the background
        // does not inject it where the reader paused or turned the site off.
        // The background injects the awake part and wakes it with the settings; already there, it is woken here.
        const woken = core.wake ? Promise.resolve(true) : sendToBackground('inject-awake', {}).then((r) => r.injected);
        void woken
          .then(async (injected) => {
            if (!injected) return stop();
            await core.wake?.({ candidate: false });
            waking = false;
            if (live() && core.onChange) flush();
          })
          .catch((error: unknown) => {
            waking = false;
            // Orphaned by an extension update or removal: stop. Else (the background restarting) the next change asks again.
            if (/context invalidated/i.test(String(error))) {
              core.dead = true;
              stop();
            }
          });
        return;
      }
      const nodes = changed;
      changed = new Set();
      const url = document.URL;
      const whole = withoutHash(url) !== withoutHash(lastUrl) || wholePage || nodes.size > HUGE_MUTATION_COUNT;
      lastUrl = url;
      wholePage = false;
      core.onChange(g, nodes, whole);
    };
    const schedule = () => {
      timer ??= setTimeout(flush, MUTATION_BATCH_MS);
    };
    let framesHeard = false;
    const hearFrames = () => {
      // Most pages have no frame once loaded: the load listener waits for the first one.
      if (framesHeard || window.length === 0) return;
      framesHeard = true;
      document.addEventListener('load', onLoad, true);
    };
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'childList') for (const n of r.addedNodes) changed.add(n);
        else changed.add(r.target);
      }
      hearFrames();
      if (changed.size > 0) schedule();
    });
    const observe = (root: Node) => {
      if (observed.has(root)) return;
      observed.add(root);
      observer.observe(root, options);
    };
    // A frame's document arrives after its element: read the page again once a frame has loaded.
    const onLoad = (e: Event) => {
      const target = e.target as Element | null;
      if ((target?.localName === 'iframe' || target?.localName === 'frame') && readsFrame(target)) {
        wholePage = true;
        schedule();
      }
    };
    const stop = () => {
      if (stopped) return;
      stopped = true;
      observer.disconnect();
      if (framesHeard) document.removeEventListener('load', onLoad, true);
      navigation?.removeEventListener('navigatesuccess', schedule);
      if (!navigation) window.removeEventListener('popstate', schedule);
      if (timer) clearTimeout(timer);
      if (stopWatcher === stop) stopWatcher = observeRoot = null;
    };
    observe(document);
    for (const root of shadowRoots) observe(root);
    hearFrames();
    // An SPA's navigation usually changes nodes too, but not always at once or where observed.
    navigation?.addEventListener('navigatesuccess', schedule);
    if (!navigation) window.addEventListener('popstate', schedule);
    stopWatcher = stop;
    observeRoot = observe;
  };

  const core: WatchCore = {
    generation: 0,
    dead: false,
    firstLook: () => firstLookText(document),
    watch,
    stopWatching: () => stopWatcher?.(),
    watching: () => stopWatcher !== null,
    observe: (root) => observeRoot?.(root),
    onChange: null,
    wake: null,
  };

  /** The first look: read, start watching, hand the text back (the background decides). */
  const quietLook = (): FirstLookResult => {
    const g = ++core.generation;
    const at = performance.now();
    const { text, shadowRoots } = firstLookText(document);
    const overLimit = text.length > FIRST_LOOK_MAX_CHARS;
    const collectMs = performance.now() - at;
    // `candidate` is what the background answers; it wakes this script when it is true.
    recordScan({ kind: 'first-look', at, totalMs: collectMs, collectMs, paintMs: 0, walkedNodes: 0, pageChars: text.length, mentions: 0, candidate: false });
    watch(g, shadowRoots);
    // Bounded as the background's check wants them: a page's long title must not make it skip the page.
    return { text: overLimit ? '' : text, overLimit, url: document.URL.slice(0, 8192), title: document.title.slice(0, 500) };
  };

  /**
   * The background runs this script once the page has loaded, when its layout is normally done, so
   * `innerText` reads it now, and the result is returned as it is, not in a promise (waiting a frame
   * and an idle moment cost more in a fresh world than it saved: bench/page-results.md). A hidden tab
   * has no up-to-date layout: it looks when idle.
   */
  const whenLaidOut = <T>(fn: () => T): T | Promise<T> => {
    if (document.visibilityState === 'visible') return fn();
    const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    return idle ? new Promise((resolve) => idle(() => resolve(fn()), { timeout: 500 })) : fn();
  };

  world[WATCH_CORE_GLOBAL] = core;
  world[PAGE_WATCH_GLOBAL] = {
    // Awake, it looks for itself (the background tells it of settings and dataset changes).
    again: async () => (core.onChange || core.dead ? null : whenLaidOut(quietLook)),
    // The background injects the awake part (page-awake.js) before it wakes the script.
    wake: (request) => (core.wake ? core.wake(request) : Promise.reject(new Error('page-awake.js is not loaded'))),
  };
  return whenLaidOut(quietLook);
});
