/**
 * The awake part of the page script (entrypoints/page-watch): injected by the background only when it
 * wakes a page (a term was found, the page has annotations or the reader uses the annotate button,
 * a tab command must reach it) or when the quiet watcher saw changed text. It uses the extension
 * APIs the quiet part never touches: it takes the settings from the background's wake, answers tab
 * commands (settings and dataset changes among them), loads the page scanner where a term was found
 * (which then owns highlights, cards and rescans) and the card UI on pages that have something to
 * show, or on the reader's request.
 *
 * Commands and settings come in through a function the background calls with `executeScript`
 * (`TAB_COMMAND_GLOBAL`), not as runtime messages and storage events: listening for those binds
 * `chrome.runtime` and `chrome.storage` in the page, about a millisecond of every woken page's work
 * (bench/page-results.md). The API is bound only when the page itself asks the background something.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { nothingFound, TAB_COMMAND_GLOBAL, validateTabCommand, type Reply, type SettingsChange, type WakeRequest } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { ANNOTATED_PAGES_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { apiBound, browser } from '@/lib/page/lazy-browser';
import { sendToBackground } from '@/lib/messaging';
import { changedText } from '@/lib/page/first-look';
import { recordScan, scanStats } from '@/lib/page/scan-stats';
import { FIRST_LOOK_MAX_CHARS } from '@/lib/limits';
import type { Settings } from '@/lib/settings';
import { loadUi, UI_GLOBAL, type UiApi } from './ui-api';
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
    // Asked only once bound: binding the API to ask would cost what the page saves by not binding it.
    // An orphaned script that never bound it here goes on answering commands until its page reloads
    // (the quiet watcher, or a send that fails, marks it dead).
    if (apiBound() && !browser.runtime?.id) invalidated();
    return !controller.signal.aborted;
  };
  const isTop = window.top === window;
  const runs = () => settings === null || (!settings.paused && !isSiteDisabled(settings, location.hostname));
  const annotationsAllowed = () => !!settings && runs() && !settings.discreet && isTop;
  const ui = (): Promise<UiApi | null> => (annotationsAllowed() ? loadUi(() => sendToBackground('inject-ui', {})) : Promise.resolve(null));

  /** Work begun by generation `g` goes on (see WatchCore.generation). */
  const current = (g: number) => g === core.generation && runs() && alive();

  /** Hands the page to the scanner (injected once) and stops watching. */
  const scan = async (g: number, pulled = false) => {
    core.stopWatching();
    try {
      scanner ??= await loadScanner(() => sendToBackground('inject-scanner', {}));
    } catch {
      // The page cannot take the scanner (navigating away, or no host permission): keep watching.
      if (current(g)) core.watch(g, []);
      return;
    }
    if (scanner && current(g)) scanner.run(settings!, false, pulled);
  };

  /** Asks the background whether `text` holds a term; true loads the scanner. */
  const look = async (text: string, at: number, whole: boolean): Promise<boolean> => {
    const collectMs = performance.now() - at;
    let candidate = text.length > FIRST_LOOK_MAX_CHARS;
    if (!candidate) {
      try {
        candidate = (await sendToBackground('first-look', { text, whole: whole && isTop, discreet: settings?.discreet ?? false })).candidate;
      } catch {
        // The background is restarting or the dataset is not installed yet: when the dataset is
        // published, the background tells this part, which looks again.
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
  const start = async ({ candidate = false, lookAgain = true, given }: { candidate?: boolean; lookAgain?: boolean; given?: WakeRequest | SettingsChange } = {}) => {
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
    // changes here, and the background leaves looking again to this part (it tells it of settings and dataset changes).
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
      // Woken by the background's first look: the background takes the first decision itself.
      await scan(g, given !== undefined && 'candidate' in given && given.pull === true);
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

  /** Whether `change` brings the settings and annotated flag this part already runs with. */
  const sameSettings = (change: SettingsChange): boolean =>
    settings !== null &&
    change.settings !== undefined &&
    JSON.stringify(readSettings(change.settings)) === JSON.stringify(settings) &&
    (change.annotated ?? false) === (Array.isArray(annotated) && annotated.includes(withoutHash(location.href)));

  /**
   * Back from the back/forward cache, the page asks for the settings: changes made while it was
   * away did not reach it (the background cannot run anything in a page that is not shown).
   */
  const whenRestored = (event: PageTransitionEvent) => {
    if (!event.persisted || !alive()) return;
    void sendToBackground('page-settings', {})
      .then((given) => (sameSettings(given) ? undefined : start({ given, lookAgain: false })))
      .catch(() => undefined);
  };

  /** Answers tab commands (lib/messaging.ts `sendToTab`), settings and dataset changes among them. */
  const takeCommands = () => {
    const receive = async (raw: unknown): Promise<Reply<unknown>> => {
      const command = validateTabCommand(raw);
      if (!command.ok) return { ok: false, error: command.error };
      if (!alive()) return { ok: false, error: 'Stationwatch was updated or removed: reload the page' };
      try {
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
          case 'settings-changed': {
            const change = command.body as SettingsChange;
            // Told again what it already has (the background tells an awake page at each look): nothing to do.
            if (!change.datasetChanged && sameSettings(change)) return { ok: true, data: findingsNow() };
            if (change.datasetChanged) datasetChanged = true;
            await start({ given: change });
            return { ok: true, data: findingsNow() };
          }
          case 'annotate-selection':
            (await ui())?.annotateSelection(true);
            return { ok: true, data: null };
          case 'annotations-changed':
            await (await ui())?.loadAnnotations();
            return { ok: true, data: null };
          case 'annotation-status': {
            const g = globalThis as { [UI_GLOBAL]?: UiApi };
            return { ok: true, data: (Object.hasOwn(g, UI_GLOBAL) ? g[UI_GLOBAL]?.annotationStatus() : undefined) ?? [] };
          }
          case 'jump-annotation':
            return { ok: true, data: (await ui())?.jumpToAnnotation((command.body as { id: string }).id) ?? false };
        }
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    };
    (globalThis as Record<string, unknown>)[TAB_COMMAND_GLOBAL] = receive;
    window.addEventListener('pageshow', whenRestored, { signal: controller.signal });
    controller.signal.addEventListener('abort', () => delete (globalThis as Record<string, unknown>)[TAB_COMMAND_GLOBAL], { once: true });
  };

  /** Wakes once (listeners, settings, annotations) without looking at the whole page again. */
  const wakeUp = (request: WakeRequest = { candidate: false }): Promise<void> => {
    const { candidate } = request;
    if (awake) return candidate ? awake.then(() => start({ candidate: true, lookAgain: false, given: request })) : awake;
    awake = Promise.resolve()
      .then(() => {
        if (!alive()) return;
        takeCommands();
        return start({ candidate, lookAgain: false, given: request });
      })
      // A start that failed (say, the card UI could not load) leaves the script awake and listening.
      .catch(() => undefined);
    return awake;
  };

  core.wake = wakeUp;
});
