/**
 * The background's side of the always-on page script (entrypoints/page-watch): it runs the script in
 * each page the reader lets Stationwatch read, once the page has loaded, and acts on the text the
 * script's first look hands back. The page pays for no extension API and no message until there is
 * something to do there: the text comes back as the script's result, and the script is woken
 * (`PageWatchApi.wake`) only where a term was found, the page has annotations, or the reader uses the
 * annotate button.
 *
 * Paused, or on a disabled site, the script is not run at all: nothing of Stationwatch is in the page.
 */
import { browser } from 'wxt/browser';
import { nothingFound, PAGE_WATCH_GLOBAL, validateFirstLookResult, validatePageFindings, type PageFindings, type TabCommandName, type WakeRequest } from '@/lib/protocol';
import { readingOff } from '@/lib/settings';
import { loadSettings } from '@/lib/settings-store';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { sendToTab } from '@/lib/messaging';
import { withoutHash } from '@/lib/annotation/page-url';

/** Pages the always-on script runs on (where the host permissions reach). */
export const READABLE_PAGE = /^(https?|file):\/\//i;

const PAGE_WATCH_FILE = '/page-watch.js' as const;
const PAGE_SCANNER_FILE = '/page-scanner.js' as const;
const PAGE_AWAKE_FILE = '/page-awake.js' as const;

export interface PageLookDeps {
  anyTermIn(text: string): Promise<boolean>;
  setFindings(tabId: number, findings: PageFindings | null): Promise<void>;
  /** What the badge shows for a tab now (not asking the page). */
  storedFindings(tabId: number): Promise<PageFindings | null>;
}

/** Runs a file of ours, or a method of the page script's API, in a tab's frame (the extension's isolated world). */
async function runInPage(tabId: number, frameId: number, what: { file: typeof PAGE_WATCH_FILE | typeof PAGE_SCANNER_FILE | typeof PAGE_AWAKE_FILE } | { wake: WakeRequest }): Promise<unknown> {
  if (browser.scripting) {
    const target = { tabId, frameIds: [frameId] };
    const [first] =
      'file' in what
        ? await browser.scripting.executeScript({ target, files: [what.file] })
        : await browser.scripting.executeScript({
            target,
            // Serialised and run in the page's isolated world: it can use nothing from this module.
            func: (name: string, request: WakeRequest) => {
              const api = (globalThis as unknown as Record<string, { wake?: (r: WakeRequest) => Promise<void> } | undefined>)[name];
              return api?.wake ? api.wake(request).then(() => true) : false;
            },
            args: [PAGE_WATCH_GLOBAL, what.wake],
          });
    return first?.result;
  }
  // Firefox MV2: tabs.executeScript, which takes code instead of a function.
  const tabs = browser.tabs as unknown as { executeScript: (id: number, details: object) => Promise<unknown[]> };
  const details =
    'file' in what
      ? { file: what.file, frameId }
      : { frameId, code: `(() => { const api = globalThis[${JSON.stringify(PAGE_WATCH_GLOBAL)}]; return api && api.wake ? api.wake(${JSON.stringify(what.wake)}).then(() => true) : false; })()` };
  const [first] = await tabs.executeScript(tabId, details);
  return first;
}

/** How long a page may take to load before it is read anyway (the script waits for document_idle). */
export const SLOW_LOAD_LOOK_MS = 8_000;

/** What Chromium and Firefox say when a tab has no message listener. */
const NO_LISTENER = /Receiving end does not exist|Could not establish connection/i;

export function createPageLooks(deps: PageLookDeps) {
  /** Bumped on every settings change, to notice one that lands while a page is being woken. */
  let settingsRevision = 0;

  /**
   * Runs the page script in a tab's top frame and acts on its first look. `wake`: wake the script
   * whatever the look found (a tab command must reach it). Resolves false when the page may not be read.
   */
  async function lookAt(tabId: number, { wake = false } = {}): Promise<boolean> {
    const tab = await browser.tabs.get(tabId).catch(() => null);
    if (!tab?.url || !READABLE_PAGE.test(tab.url)) return false;
    const settings = await loadSettings();
    if (readingOff(settings, tab.url)) return false;
    const revision = settingsRevision;
    const result = await runInPage(tabId, 0, { file: PAGE_WATCH_FILE }).catch(() => undefined);
    if (result === null) {
      // Already awake (its awake part is in the page): it looks for itself.
      if (wake) await runInPage(tabId, 0, { wake: { candidate: false } }).catch(() => undefined);
      else await refillFindings(tabId, tab.url);
      return true;
    }
    const look = validateFirstLookResult(result);
    // The page went away, or the script did not answer as ours does: nothing to act on.
    if (!look) return true;
    // The reader may have paused or disabled the site while the page was read.
    const now = await loadSettings();
    if (readingOff(now, look.url)) return false;
    let candidate = look.overLimit;
    if (!candidate) {
      try {
        candidate = await deps.anyTermIn(look.text);
      } catch {
        // No dataset yet: its installation looks at every tab again.
        return true;
      }
    }
    const annotatedPages = (await browser.storage.local.get(ANNOTATED_PAGES_STORAGE_KEY))[ANNOTATED_PAGES_STORAGE_KEY];
    const annotated = Array.isArray(annotatedPages) && annotatedPages.includes(withoutHash(look.url));
    if (!candidate) await deps.setFindings(tabId, nothingFound(look.url, look.title, now.discreet));
    if (!(candidate || wake || (!now.discreet && (annotated || now.annotateButton)))) return true;
    try {
      // The script's awake part and the scanner go in first, and the settings with the wake: the
      // page reads no storage and sends no message before its scan.
      await runInPage(tabId, 0, { file: PAGE_AWAKE_FILE });
      if (candidate) await runInPage(tabId, 0, { file: PAGE_SCANNER_FILE });
      await runInPage(tabId, 0, { wake: { candidate, settings: now, annotated } });
      // Settings that changed after they were read here reached the page before it listened for
      // changes: tell it (a pause must not be missed).
      if (settingsRevision !== revision) await sendToTab(tabId, 'settings-changed').catch(() => undefined);
    } catch {
      // The page went away meanwhile.
    }
    return true;
  }

  /**
   * A page restored from the back/forward cache comes back awake, with its highlights, but its tab's
   * findings were cleared when the navigation began, and it does not scan again: ask it for them.
   * Only while the tab has none, and only findings for the page the tab shows: a page that reports
   * by itself meanwhile (after a rescan) is not overwritten.
   */
  async function refillFindings(tabId: number, url: string): Promise<void> {
    if (await deps.storedFindings(tabId)) return;
    const reply = await sendToTab(tabId, 'get-findings').catch(() => undefined);
    const findings = validatePageFindings(reply);
    if (!findings || withoutHash(findings.url) !== withoutHash(url)) return;
    if (!(await deps.storedFindings(tabId))) await deps.setFindings(tabId, findings);
  }

  /** Looks at every open tab again (settings or dataset changed); tabs whose script is awake follow the change themselves. */
  async function lookAtAll(): Promise<void> {
    const tabs = await browser.tabs.query({ status: 'complete' });
    await Promise.all(tabs.map((tab) => (tab.id === undefined ? undefined : lookAt(tab.id).catch(() => undefined))));
  }

  /** Sends a tab command; a page whose script is still quiet (or absent) is woken first. */
  async function commandTab<T>(tabId: number, name: TabCommandName, body: object = {}, frameId = 0): Promise<T | undefined> {
    try {
      return await sendToTab<T>(tabId, name, body, frameId);
    } catch (error) {
      // Only a page with no listener (a quiet script, or none) is woken; a command that failed there is not retried.
      if (!NO_LISTENER.test(String(error)) || frameId !== 0 || !(await lookAt(tabId, { wake: true }))) return undefined;
      return sendToTab<T>(tabId, name, body, frameId);
    }
  }

  /** Tabs still loading, with the timer that looks at them anyway if their load never completes. */
  const slowLoads = new Map<number, ReturnType<typeof setTimeout>>();
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading' && change.url) {
      clearTimeout(slowLoads.get(tabId));
      // A page whose load event never comes (a hung ad or font) is read anyway, after a while.
      slowLoads.set(
        tabId,
        setTimeout(() => {
          slowLoads.delete(tabId);
          void lookAt(tabId).catch(() => undefined);
        }, SLOW_LOAD_LOOK_MS),
      );
    }
    if (change.status === 'complete') {
      clearTimeout(slowLoads.get(tabId));
      slowLoads.delete(tabId);
      void lookAt(tabId).catch(() => undefined);
    }
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    clearTimeout(slowLoads.get(tabId));
    slowLoads.delete(tabId);
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (SETTINGS_STORAGE_KEY in changes) settingsRevision++;
    if (SETTINGS_STORAGE_KEY in changes || DETECTOR_STORAGE_KEY in changes) void lookAtAll();
  });

  return { lookAt, lookAtAll, commandTab };
}
