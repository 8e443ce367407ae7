/**
 * The awake part of the page script (entrypoints/page-watch): injected by the background only when it
 * wakes a page (a term was found, the page has annotations or the reader uses the annotate button,
 * a tab command must reach it) or when the quiet watcher saw changed text. It uses the extension
 * APIs the quiet part never touches: it reads the settings (or takes them from the background's
 * wake), answers tab commands, follows settings and dataset changes, loads the page scanner where a
 * term was found (which then owns highlights, cards and rescans) and the card UI on pages that have
 * something to show, or on the reader's request.
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { nothingFound, validateTabCommand, type Reply, type WakeRequest } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { sendToBackground } from '@/lib/messaging';
import { changedText } from '@/lib/page/first-look';
import { recordScan, scanStats } from '@/lib/page/scan-stats';
import { FIRST_LOOK_MAX_CHARS } from '@/lib/limits';
import type { Settings } from '@/lib/settings';
import { loadUi, type UiApi } from './ui-api';
import { loadScanner, type ScannerApi } from './scanner-api';
import { watchCore } from '../page-watch/core';
import { withoutHash } from '@/lib/annotation/page-url';

export default defineUnlistedScript((): void => {
  const core = watchCore();
  // Injected once per page; injected again (a second wake racing the first), it is already in place.
  if (!core || core.wake) return;

  let settings: Settings | null = null;
  let annotated: unknown = null;
  let awake: Promise<void> | null = null;
  let scanner: ScannerApi | null = null;
  let selectionListener: AbortController | null = null;
  let lastChangedText = '';
  /** The dataset changed since the running scanner last scanned: its next run scans again. */
  let datasetChanged = false;
  const controller = new AbortController();
  // After the extension is updated or removed, this copy of the script is orphaned: its messages
  // fail. It then leaves the page as it found it.
  const invalidated = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    core.dead = true;
    core.stopWatching();
    scanner?.stop(false);
  };
  const alive = () => {
    if (!browser.runtime?.id) invalidated();
    return !controller.signal.aborted;
  };
  const isTop = window.top === window;
  const runs = () => settings === null || (!settings.paused && !isSiteDisabled(settings, location.hostname));
  const annotationsAllowed = () => !!settings && runs() && !settings.discreet && isTop;
  const ui = (): Promise<UiApi | null> => (annotationsAllowed() ? loadUi(() => sendToBackground('inject-ui', {})) : Promise.resolve(null));

  /** Work begun by generation `g` goes on (see WatchCore.generation). */
  const current = (g: number) => g === core.generation && runs() && alive();

  /** Hands the page to the scanner (injected once) and stops watching. */
  const scan = async (g: number) => {
    core.stopWatching();
    try {
      scanner ??= await loadScanner(() => sendToBackground('inject-scanner', {}));
    } catch {
      // The page cannot take the scanner (navigating away, or no host permission): keep watching.
      if (current(g)) core.watch(g, []);
      return;
    }
    if (scanner && current(g)) scanner.run(settings!);
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
    recordScan({ kind: 'first-look', at, totalMs: collectMs, collectMs, paintMs: 0, walkedNodes: 0, pageChars: text.length, mentions: 0, candidate });
    return candidate;
  };

  const lookAtPage = async (g: number) => {
    const at = performance.now();
    const { text, shadowRoots } = core.firstLook();
    const candidate = await look(text, at, true);
    if (!current(g)) return;
    if (candidate) return scan(g);
    if (scanStats.firstScanDoneMs < 0) scanStats.firstScanDoneMs = performance.now();
    core.watch(g, shadowRoots);
  };

  /**
   * What the quiet part's watcher saw change, once awake: the blocks holding it are read again (the
   * whole page after an SPA navigation, a frame load or a huge change). Text without a letter
   * (clocks, counters) and text just looked at are not sent again.
   */
  const changed = (g: number, nodes: Set<Node>, whole: boolean) => {
    if (settings === null || !current(g)) return;
    if (whole) {
      void lookAtPage(g);
      return;
    }
    const at = performance.now();
    const { text, shadowRoots: more } = changedText(nodes);
    for (const root of more) core.observe(root);
    if (text === lastChangedText || !/\p{L}/u.test(text)) return;
    lastChangedText = text;
    void look(text, at, false).then((candidate) => {
      if (candidate && current(g)) return scan(g);
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
    const g = candidate || lookAgain ? ++core.generation : core.generation;
    const here = withoutHash(location.href);
    if (given?.settings !== undefined) {
      settings = readSettings(given.settings);
      annotated = given.annotated ? [here] : [];
    } else {
      const stored = await browser.storage.local.get([SETTINGS_STORAGE_KEY, ANNOTATED_PAGES_STORAGE_KEY]);
      if (g !== core.generation) return;
      settings = readSettings(stored[SETTINGS_STORAGE_KEY]);
      annotated = stored[ANNOTATED_PAGES_STORAGE_KEY];
    }
    // Awake from here: with its settings known (not when the file was injected), the watcher hands
    // changes here, and the background leaves looking again to this part (it follows settings itself).
    core.onChange = changed;
    selectionListener?.abort();
    selectionListener = null;
    if (!runs()) {
      // Paused or disabled here: the badge must stop showing this page's findings too.
      core.stopWatching();
      scanner?.stop(true);
      return;
    }
    if (scanner) {
      // The start that reaches here scans again for a dataset change, even when a later start overtook the one it came with.
      scanner.run(settings, datasetChanged);
      datasetChanged = false;
    } else if (candidate) {
      const last = scanStats.scans.findLast((s) => s.kind === 'first-look');
      if (last) last.candidate = true;
      await scan(g);
    } else if (lookAgain) await lookAtPage(g);
    else if (!core.watching()) core.watch(g, []);
    if (g !== core.generation) return;
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

  /** This frame's findings for a tab command: null while paused or off here, or while the scanner waits for its first decision. */
  const findingsNow = () => (runs() ? (scanner ? scanner.findings() : none()) : null);

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
            return { ok: true, data: findingsNow() };
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
            return { ok: true, data: findingsNow() };
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
      if (DETECTOR_STORAGE_KEY in changes) datasetChanged = true;
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

  core.wake = wakeUp;
});
