/**
 * The always-on page script: small, and cheap on pages that do not mention the story. The
 * background runs it in each page it may read (http(s) and file pages that are not paused or
 * disabled), once the page has loaded, with `scripting.executeScript`: not through the manifest's
 * content scripts and not through WXT's content-script wrapper (that wrapper announces every start
 * to the page with a `wxt:content-script-started` event and window message, which would let any page
 * notice the extension, even in discreet mode).
 *
 * It starts quiet: it touches no extension API at all. Binding `chrome` in a fresh isolated world,
 * reading the settings and sending a message cost a page more than the look itself
 * (bench/page-results.md). It takes a first look at the page's rendered text (native calls only, see
 * lib/page/first-look.ts) and hands it back as the script's result; the background checks it for
 * terms in memory (nothing is stored). Until something is found it watches for added text and SPA
 * navigations.
 *
 * It wakes (uses extension APIs: settings, tab commands, messages) when the background found a term
 * or the page has annotations or the reader uses the annotate button, when a tab command must reach
 * it, and when it has changed text to send. Woken, it loads the page scanner where a term was found,
 * which then owns highlights, cards and rescans. The card UI loads only on pages that have
 * something to show, or on the reader's request.
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { nothingFound, PAGE_WATCH_GLOBAL, validateTabCommand, type FirstLookResult, type PageWatchApi, type Reply, type WakeRequest } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { sendToBackground } from '@/lib/messaging';
import { changedText, firstLookFrame, firstLookText } from '@/lib/page/first-look';
import { recordScan, scanStats } from '@/lib/page/scan-stats';
import { FIRST_LOOK_MAX_CHARS, HUGE_MUTATION_COUNT, MUTATION_BATCH_MS } from '@/lib/limits';
import type { Settings } from '@/lib/settings';
import { loadUi, type UiApi } from './ui-api';
import { loadScanner, type ScannerApi } from './scanner-api';

export default defineUnlistedScript((): Promise<FirstLookResult | null> => {
  const world = globalThis as { [PAGE_WATCH_GLOBAL]?: PageWatchApi };
  // Run again in the same document (after an SPA navigation, a settings or dataset change).
  // Own property only: an element with this id would also show up as a property of window here.
  const running = Object.hasOwn(world, PAGE_WATCH_GLOBAL) ? world[PAGE_WATCH_GLOBAL] : undefined;
  if (running) return running.again();

  /** Null while quiet: the background runs this script only where the reader lets it. */
  let settings: Settings | null = null;
  let annotated: unknown = null;
  let awake: Promise<void> | null = null;
  let scanner: ScannerApi | null = null;
  let watcher: AbortController | null = null;
  let selectionListener: AbortController | null = null;
  const controller = new AbortController();
  // After the extension is updated or removed, this copy of the script is orphaned: its messages
  // fail. It then leaves the page as it found it.
  const invalidated = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    scanner?.stop(false);
  };
  const alive = () => {
    // Quiet, it has not touched the extension's APIs (and must not just to ask this).
    if (awake && !browser.runtime?.id) invalidated();
    return !controller.signal.aborted;
  };
  const isTop = window.top === window;
  const runs = () => settings === null || (!settings.paused && !isSiteDisabled(settings, location.hostname));
  const annotationsAllowed = () => !!settings && runs() && !settings.discreet && isTop;
  const ui = (): Promise<UiApi | null> => (annotationsAllowed() ? loadUi(() => sendToBackground('inject-ui', {})) : Promise.resolve(null));

  /**
   * Each start (first look, wake, settings or dataset change) begins a new generation; work begun
   * by an older one stops at its next step. So a pause or a disabled site that lands while a look is
   * in flight is never followed by a watcher or a scanner, and no more text leaves this script.
   */
  let generation = 0;
  const current = (g: number) => g === generation && runs() && alive();

  /** Hands the page to the scanner (injected once) and stops watching. */
  const scan = async (g: number) => {
    watcher?.abort();
    watcher = null;
    try {
      scanner ??= await loadScanner(() => sendToBackground('inject-scanner', {}));
    } catch {
      // The page cannot take the scanner (navigating away, or no host permission): keep watching.
      if (current(g)) watch(g, []);
      return;
    }
    if (scanner && current(g)) await scanner.run(settings!);
  };

  /** Asks the background whether `text` holds a term; true loads the scanner. */
  const look = async (text: string, at: number, whole: boolean): Promise<boolean> => {
    const collectMs = performance.now() - at;
    let candidate = text.length > FIRST_LOOK_MAX_CHARS;
    if (!candidate) {
      try {
        candidate = (await sendToBackground('first-look', { text, whole: whole && isTop, discreet: settings?.discreet ?? false })).candidate;
      } catch {
        // The background is restarting or the dataset is not installed yet: the storage change
        // that publishes the detector starts a new look.
      }
    }
    recordScan({ kind: 'first-look', at, totalMs: collectMs, collectMs, detectMs: 0, paintMs: 0, walkedNodes: 0, pageChars: text.length, mentions: 0, candidate });
    return candidate;
  };

  const lookAtPage = async (g: number) => {
    const at = performance.now();
    const { text, shadowRoots } = firstLookText(document);
    const candidate = await look(text, at, true);
    if (!current(g)) return;
    if (candidate) return scan(g);
    if (scanStats.firstScanDoneMs < 0) scanStats.firstScanDoneMs = performance.now();
    watch(g, shadowRoots);
  };

  /** The quiet first look: read, start watching, hand the text back (the background decides). */
  const quietLook = (): FirstLookResult => {
    const g = ++generation;
    const at = performance.now();
    const { text, shadowRoots } = firstLookText(document);
    const overLimit = text.length > FIRST_LOOK_MAX_CHARS;
    const collectMs = performance.now() - at;
    // `candidate` is what the background answers; it wakes this script when it is true.
    recordScan({ kind: 'first-look', at, totalMs: collectMs, collectMs, detectMs: 0, paintMs: 0, walkedNodes: 0, pageChars: text.length, mentions: 0, candidate: false });
    watch(g, shadowRoots);
    // Bounded as the background's check wants them: a page's long title must not make it skip the page.
    return { text: overLimit ? '' : text, overLimit, url: location.href.slice(0, 8192), title: document.title.slice(0, 500) };
  };

  /**
   * Until the scanner loads: looks again at the blocks the page adds or reveals (hidden, aria-hidden
   * and open changes, as the scanner watches), at frames that finish loading, and after SPA
   * navigations. Text without a letter (clocks, counters) and text just looked at are not sent again.
   */
  const watch = (g: number, shadowRoots: ShadowRoot[]) => {
    watcher?.abort();
    const life = (watcher = new AbortController());
    controller.signal.addEventListener('abort', () => life.abort(), { once: true, signal: life.signal });
    let changed = new Set<Node>();
    let wholePage = false;
    let lastText = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastUrl = location.href.split('#')[0];
    const observed = new WeakSet<Node>();
    const options = { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'aria-hidden', 'open'] };
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'childList') for (const n of r.addedNodes) changed.add(n);
        else changed.add(r.target);
      }
      if (changed.size > 0) schedule();
    });
    const observe = (root: Node) => {
      if (observed.has(root)) return;
      observed.add(root);
      observer.observe(root, options);
    };
    const flush = () => {
      timer = null;
      if (life.signal.aborted || !current(g)) return;
      // Quiet, the settings are read first (waking): paused or disabled since the first look, the
      // page's text is not read again.
      if (!awake) {
        void wakeUp().then(() => {
          if (!life.signal.aborted && current(g)) flush();
        });
        return;
      }
      const nodes = changed;
      changed = new Set();
      const url = location.href.split('#')[0];
      if (url !== lastUrl || wholePage || nodes.size > HUGE_MUTATION_COUNT) {
        lastUrl = url;
        void lookAtPage(g);
        return;
      }
      const at = performance.now();
      const { text, shadowRoots: more } = changedText(nodes);
      for (const root of more) observe(root);
      if (text === lastText || !/\p{L}/u.test(text)) return;
      lastText = text;
      void look(text, at, false).then((candidate) => {
        if (candidate && !life.signal.aborted && current(g)) return scan(g);
      });
    };
    const schedule = () => {
      timer ??= setTimeout(flush, MUTATION_BATCH_MS);
    };
    observe(document);
    for (const root of shadowRoots) observe(root);
    // A frame's document arrives after its element: read the page again once a frame has loaded.
    const onLoad = (e: Event) => {
      const target = e.target as Element | null;
      if ((target?.localName === 'iframe' || target?.localName === 'frame') && firstLookFrame(target)) {
        wholePage = true;
        schedule();
      }
    };
    document.addEventListener('load', onLoad, { capture: true, signal: life.signal });
    window.addEventListener('popstate', schedule, { signal: life.signal });
    (window as { navigation?: EventTarget }).navigation?.addEventListener('navigatesuccess', schedule, { signal: life.signal });
    life.signal.addEventListener('abort', () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    });
  };

  /**
   * A start once awake (wake, settings or dataset change): reads the settings; paused or disabled
   * here, stops everything. `candidate`: the background already found a term (scan without looking
   * again); `lookAgain`: look at the whole page first (settings or dataset changed).
   */
  const start = async ({ candidate = false, lookAgain = true, given }: { candidate?: boolean; lookAgain?: boolean; given?: WakeRequest } = {}) => {
    if (!alive()) return;
    // Waking for the watcher keeps its generation: the watch goes on.
    const g = candidate || lookAgain ? ++generation : generation;
    const here = location.href.split('#')[0];
    if (given?.settings !== undefined) {
      settings = readSettings(given.settings);
      annotated = given.annotated ? [here] : [];
    } else {
      const stored = await browser.storage.local.get([SETTINGS_STORAGE_KEY, ANNOTATED_PAGES_STORAGE_KEY]);
      if (g !== generation) return;
      settings = readSettings(stored[SETTINGS_STORAGE_KEY]);
      annotated = stored[ANNOTATED_PAGES_STORAGE_KEY];
    }
    selectionListener?.abort();
    selectionListener = null;
    if (!runs()) {
      // Paused or disabled here: the badge must stop showing this page's findings too.
      watcher?.abort();
      watcher = null;
      scanner?.stop(true);
      return;
    }
    if (scanner) await scanner.run(settings);
    else if (candidate) {
      const last = scanStats.scans.findLast((s) => s.kind === 'first-look');
      if (last) last.candidate = true;
      await scan(g);
    } else if (lookAgain) await lookAtPage(g);
    else if (!watcher) watch(g, []);
    if (g !== generation) return;
    // Annotations load only on pages that have some: the list of annotated pages is local.
    if (annotationsAllowed() && Array.isArray(annotated) && annotated.includes(here)) void (await ui())?.loadAnnotations();
    if (annotationsAllowed() && settings.annotateButton) {
      selectionListener = new AbortController();
      controller.signal.addEventListener('abort', () => selectionListener?.abort(), { once: true });
      const offer = () => {
        const text = document.getSelection()?.toString().trim();
        if (text) void ui().then((api) => api?.offerAnnotate());
      };
      document.addEventListener('mouseup', () => setTimeout(offer, 0), { signal: selectionListener.signal, passive: true });
      document.addEventListener('keyup', (e) => e.shiftKey && setTimeout(offer, 0), { signal: selectionListener.signal, passive: true });
    }
  };

  /** What this frame reports before (or without) the scanner. */
  const none = () => nothingFound(location.href, document.title, settings?.discreet ?? false);

  /** Extension APIs from here on: answer tab commands, follow settings and dataset changes. */
  const listen = () => {
    browser.runtime.onMessage.addListener((raw: unknown, sender: { id?: string }, sendResponse: (reply: Reply<unknown>) => void) => {
      if (sender.id !== browser.runtime.id) return undefined;
      const command = validateTabCommand(raw);
      if (!command.ok) return undefined;
      // Chromium does not take a returned promise as the reply: answer through sendResponse.
      void (async (): Promise<Reply<unknown>> => {
        switch (command.name) {
          case 'get-findings':
            return { ok: true, data: runs() ? (scanner?.findings() ?? none()) : null };
          case 'jump':
            return { ok: true, data: (await scanner?.jump((command.body as { index: number }).index)) ?? false };
          case 'next-mention':
            await scanner?.step(1);
            return { ok: true, data: null };
          case 'previous-mention':
            await scanner?.step(-1);
            return { ok: true, data: null };
          case 'open-card':
            await scanner?.openCurrent();
            return { ok: true, data: null };
          case 'toggle-highlights':
            scanner?.toggleHighlights();
            return { ok: true, data: null };
          case 'settings-changed':
            await start();
            return { ok: true, data: runs() ? (scanner?.findings() ?? none()) : null };
          case 'annotate-selection':
            (await ui())?.annotateSelection(true);
            return { ok: true, data: null };
          case 'annotations-changed':
            await (await ui())?.loadAnnotations();
            return { ok: true, data: null };
          case 'annotation-status': {
            const g = globalThis as { __stationwatchUi?: UiApi };
            return { ok: true, data: g.__stationwatchUi?.annotationStatus() ?? [] };
          }
          case 'jump-annotation':
            return { ok: true, data: (await ui())?.jumpToAnnotation((command.body as { id: string }).id) ?? false };
        }
      })().then(sendResponse, (error: unknown) => sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }));
      return true;
    });

    browser.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || controller.signal.aborted) return;
      if (SETTINGS_STORAGE_KEY in changes || DETECTOR_STORAGE_KEY in changes) void start();
    });
  };

  /** Wakes once (listeners, settings, annotations) without looking at the whole page again. */
  const wakeUp = (request: WakeRequest = { candidate: false }): Promise<void> => {
    const { candidate } = request;
    if (awake) return candidate ? awake.then(() => start({ candidate: true, lookAgain: false, given: request })) : awake;
    awake = Promise.resolve()
      .then(() => {
        if (!alive()) return;
        listen();
        return start({ candidate, lookAgain: false, given: request });
      })
      // A start that failed (say, the card UI could not load) leaves the script awake and listening.
      .catch(() => undefined);
    return awake;
  };

  /**
   * The background runs this script once the page has loaded, when its layout is normally done, so
   * `innerText` reads it now (waiting a frame and an idle moment cost more in a fresh world than it
   * saved: bench/page-results.md). A hidden tab has no up-to-date layout: it looks when idle.
   */
  const whenLaidOut = <T>(fn: () => T): Promise<T> =>
    new Promise((resolve) => {
      const run = () => resolve(fn());
      const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
      if (document.visibilityState === 'visible' || !idle) run();
      else idle(run, { timeout: 500 });
    });

  world[PAGE_WATCH_GLOBAL] = {
    again: () => (awake || controller.signal.aborted ? Promise.resolve(null) : whenLaidOut(quietLook)),
    wake: (request) => wakeUp(request),
  };
  return whenLaidOut(quietLook);
});
