/**
 * The always-on content script: small, and cheap on pages that do not mention the story. Declared
 * in the manifest by wxt.config.ts (a plain script, not WXT's content-script wrapper: that wrapper
 * announces every start to the page with a `wxt:content-script-started` event and window message,
 * which would let any page notice the extension, even in discreet mode).
 *
 * It reads the settings, takes a first look at the page's rendered text (native calls only, see
 * lib/page/first-look.ts) and asks the background whether any term is in it. The text goes to the
 * extension's own background worker in memory and nowhere else; nothing of it is stored. Only when
 * a term is found does the background inject the page scanner, which then owns highlights, cards
 * and rescans. Until then this script watches for added text and SPA navigations and looks again.
 * Annotations (the card UI script) load only on pages that have some, or on the reader's request.
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { nothingFound, validateTabCommand, type Reply } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { sendToBackground } from '@/lib/messaging';
import { changedText, firstLookText } from '@/lib/page/first-look';
import { recordScan, scanStats } from '@/lib/page/scan-stats';
import { FIRST_LOOK_MAX_CHARS, HUGE_MUTATION_COUNT, MUTATION_BATCH_MS } from '@/lib/limits';
import type { Settings } from '@/lib/settings';
import { loadUi, type UiApi } from './ui-api';
import { loadScanner, type ScannerApi } from './scanner-api';

export default defineUnlistedScript(() => {
  let settings: Settings | null = null;
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
    if (!browser.runtime?.id) invalidated();
    return !controller.signal.aborted;
  };
  const isTop = window.top === window;
  const runs = () => !!settings && !settings.paused && !isSiteDisabled(settings, location.hostname);
  const annotationsAllowed = () => runs() && !settings!.discreet && isTop;
  const ui = (): Promise<UiApi | null> => (annotationsAllowed() ? loadUi(() => sendToBackground('inject-ui', {})) : Promise.resolve(null));

  /** Hands the page to the scanner (injected once) and stops watching. */
  const scan = async () => {
    watcher?.abort();
    watcher = null;
    scanner ??= await loadScanner(() => sendToBackground('inject-scanner', {}));
    if (scanner && runs() && !controller.signal.aborted) await scanner.run(settings!);
  };

  /** Asks the background whether `text` holds a term; true loads the scanner. */
  const look = async (text: string, at: number, whole: boolean): Promise<boolean> => {
    const collectMs = performance.now() - at;
    let candidate = text.length > FIRST_LOOK_MAX_CHARS;
    if (!candidate && (whole || text.trim())) {
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

  const lookAtPage = async () => {
    const at = performance.now();
    const { text, shadowRoots } = firstLookText(document);
    if (await look(text, at, true)) return scan();
    if (scanStats.firstScanDoneMs < 0) scanStats.firstScanDoneMs = performance.now();
    watch(shadowRoots);
  };

  /** Until the scanner loads: looks again at text the page adds and after SPA navigations. */
  const watch = (shadowRoots: ShadowRoot[]) => {
    watcher?.abort();
    const life = (watcher = new AbortController());
    controller.signal.addEventListener('abort', () => life.abort(), { once: true, signal: life.signal });
    let changed = new Set<Node>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastUrl = location.href.split('#')[0];
    const flush = () => {
      timer = null;
      if (life.signal.aborted || !alive()) return;
      const nodes = changed;
      changed = new Set();
      const url = location.href.split('#')[0];
      if (url !== lastUrl || nodes.size > HUGE_MUTATION_COUNT) {
        lastUrl = url;
        void lookAtPage();
        return;
      }
      const at = performance.now();
      void look(changedText(nodes), at, false).then((candidate) => {
        if (candidate && !life.signal.aborted) return scan();
      });
    };
    const schedule = () => {
      timer ??= setTimeout(flush, MUTATION_BATCH_MS);
    };
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') changed.add(r.target);
        else for (const n of r.addedNodes) changed.add(n);
      }
      if (changed.size > 0) schedule();
    });
    const options = { childList: true, subtree: true, characterData: true };
    observer.observe(document, options);
    for (const root of shadowRoots) observer.observe(root, options);
    window.addEventListener('popstate', schedule, { signal: life.signal });
    (window as { navigation?: EventTarget }).navigation?.addEventListener('navigatesuccess', schedule, { signal: life.signal });
    life.signal.addEventListener('abort', () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    });
  };

  const start = async () => {
    if (!alive()) return;
    const stored = await browser.storage.local.get([SETTINGS_STORAGE_KEY, ANNOTATED_PAGES_STORAGE_KEY]);
    settings = readSettings(stored[SETTINGS_STORAGE_KEY]);
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
    else await lookAtPage();
    // Annotations load only on pages that have some: the list of annotated pages is local.
    const annotated = stored[ANNOTATED_PAGES_STORAGE_KEY];
    const here = location.href.split('#')[0];
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

  // After the next frame the page's layout is done: innerText reads it instead of forcing it
  // inside our task. Hidden tabs have no frames; they look when idle.
  const begin = () => void start();
  const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
  if (document.visibilityState === 'visible') requestAnimationFrame(() => (idle ? idle(begin, { timeout: 500 }) : setTimeout(begin, 0)));
  else if (idle) idle(begin, { timeout: 500 });
  else setTimeout(begin, 0);
});
