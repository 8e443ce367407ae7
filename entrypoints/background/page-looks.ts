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
import { NOT_LISTENING, nothingFound, PAGE_WATCH_GLOBAL, validateFirstLookResult, validatePageFindings, type PageDecision, type PageFindings, type TabCommandName, type WakeRequest } from '@/lib/protocol';
import { SCANNER_GLOBAL } from '@/entrypoints/page-awake/scanner-api';
import { readingOff, type Settings } from '@/lib/settings';
import { loadSettings } from '@/lib/settings-store';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY } from '@/lib/detector-store';
import { callInPage, legacyExecuteScript, scriptingTarget, sendToTab, type PageTarget } from '@/lib/messaging';
import { withoutHash } from '@/lib/annotation/page-url';
import { FIRST_LOOK_MAX_CHARS } from '@/lib/limits';
import { forgetPageDocuments, rememberPageDocument } from '@/lib/page-documents';

/** Pages the always-on script runs on (where the host permissions reach). */
export const READABLE_PAGE = /^(https?|file):\/\//i;

const PAGE_WATCH_FILE = '/page-watch.js' as const;
const PAGE_SCANNER_FILE = '/page-scanner.js' as const;
const PAGE_AWAKE_FILE = '/page-awake.js' as const;
/** Our scripts that run in pages (the extension's isolated world). */
export type PageFile = typeof PAGE_WATCH_FILE | typeof PAGE_SCANNER_FILE | typeof PAGE_AWAKE_FILE | '/content-ui.js';

export interface PageLookDeps {
  anyTermIn(text: string): Promise<boolean>;
  /** The whole-page decision over a page's text (what `detect-page` answers). */
  detectPage(text: string): Promise<PageDecision>;
  setFindings(tabId: number, findings: PageFindings | null): Promise<void>;
  /** What the badge shows for a tab now (not asking the page). */
  storedFindings(tabId: number): Promise<PageFindings | null>;
}

/** Runs a file of ours in a tab's frame (or one document of it); resolves to the script's result. */
export async function runFile(tabId: number, target: PageTarget, file: PageFile): Promise<unknown> {
  if (browser.scripting) return (await browser.scripting.executeScript({ target: scriptingTarget(tabId, target), files: [file] }))[0]?.result;
  return (await legacyExecuteScript(tabId, { file, frameId: target.frameId }))[0];
}

/**
 * Runs the always-on page script in a tab's top frame and remembers the document it ran in
 * (lib/page-documents.ts: commands and settings go only there); resolves to its result and the
 * document's id (Chromium).
 */
async function runPageWatch(tabId: number): Promise<{ result: unknown; documentId?: string }> {
  if (browser.scripting) {
    const [first] = await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [PAGE_WATCH_FILE] });
    if (!first) return { result: undefined };
    const documentId = (first as { documentId?: string }).documentId;
    await rememberPageDocument(tabId, documentId);
    return { result: first.result, documentId };
  }
  const [result] = await legacyExecuteScript(tabId, { file: PAGE_WATCH_FILE, frameId: 0 });
  await rememberPageDocument(tabId, undefined);
  return { result };
}

/** Wakes the page script in a tab's frame (`PageWatchApi.wake`). */
const wakeInPage = (tabId: number, target: PageTarget, request: WakeRequest) => callInPage(tabId, target, PAGE_WATCH_GLOBAL, 'wake', [request], false);

/** Calls the page scanner's `question` or `answer` (ScannerApi) in a tab's frame; resolves to its result, or null where the frame has no scanner. */
const callScanner = async (tabId: number, target: PageTarget, method: 'question' | 'answer', arg: PageDecision | null): Promise<unknown> =>
  (await callInPage(tabId, target, SCANNER_GLOBAL, method, method === 'answer' ? [arg] : [], null)).result ?? null;

/** What a woken page script needs to start without reading storage itself: the settings and whether its page has annotations. */
async function wakeRequestFor(url: string, settings: Settings, candidate: boolean): Promise<WakeRequest> {
  const annotatedPages = (await browser.storage.local.get(ANNOTATED_PAGES_STORAGE_KEY))[ANNOTATED_PAGES_STORAGE_KEY];
  return { candidate, settings, annotated: Array.isArray(annotatedPages) && annotatedPages.includes(withoutHash(url)) };
}

/** How long a page may take to load before it is read anyway (the script waits for document_idle). */
export const SLOW_LOAD_LOOK_MS = 8_000;


export function createPageLooks(deps: PageLookDeps) {
  /** Bumped on every settings change, to notice one that lands while a page is being woken. */
  let settingsRevision = 0;

  /**
   * Runs the page script in a tab's top frame and acts on its first look. `wake`: wake the script
   * whatever the look found (a tab command must reach it); `settingsChanged`: the settings or the
   * dataset changed (a script already awake there is told). Resolves false when the page may not be read.
   */
  async function lookAt(tabId: number, { wake = false, settingsChanged }: { wake?: boolean; settingsChanged?: { datasetChanged: boolean } } = {}): Promise<boolean> {
    const tab = await browser.tabs.get(tabId).catch(() => null);
    if (!tab?.url || !READABLE_PAGE.test(tab.url)) return false;
    const settings = await loadSettings();
    if (readingOff(settings, tab.url)) {
      // A page our script is already awake in (also one back from the back/forward cache) stops; no other gets anything.
      await tellSettings(tabId, tab.url, { frameId: 0 }, { settings, datasetChanged: settingsChanged?.datasetChanged });
      return false;
    }
    const revision = settingsRevision;
    const { result, documentId } = await runPageWatch(tabId).catch(() => ({ result: undefined, documentId: undefined }));
    const here: PageTarget = { frameId: 0, documentId };
    if (result === null) {
      // Already awake (its awake part is in the page): told the settings (it may have missed a change
      // in the back/forward cache; unchanged ones cost it nothing), woken for a command, or asked for
      // its findings.
      await tellSettings(tabId, tab.url, here, { settings, datasetChanged: settingsChanged?.datasetChanged });
      if (wake) await wakeInPage(tabId, here, { candidate: false }).catch(() => undefined);
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
    const request = await wakeRequestFor(look.url, now, candidate);
    if (!candidate) await deps.setFindings(tabId, nothingFound(look.url, look.title, now.discreet));
    if (!(candidate || wake || (!now.discreet && (request.annotated || now.annotateButton)))) return true;
    try {
      // The script's awake part and the scanner go in first, and the settings with the wake: the
      // page reads no storage and sends no message before its scan. All into the document just
      // read: a page the tab moved on to meanwhile gets none of it.
      await runFile(tabId, here, PAGE_AWAKE_FILE);
      if (candidate) await runFile(tabId, here, PAGE_SCANNER_FILE);
      await wakeInPage(tabId, here, { ...request, pull: candidate });
      if (candidate) await decideFirst(tabId, here, look.url, revision);
      // Settings that changed after they were read here reached the page before it could take them: tell it (a pause must not be missed).
      if (settingsRevision !== revision) await tellSettings(tabId, look.url, here);
    } catch {
      // The page went away meanwhile.
    }
    return true;
  }

  /**
   * Takes the first decision of a page woken with a term in it: the scanner's text, once collected,
   * is decided here and the decision handed back; the findings painted from it go on the badge. The
   * page sends no message for it (entrypoints/page-scanner/pulled-decision.ts). A decision that
   * cannot be taken here (no dataset yet), or may not be (the reader paused or turned the site off
   * meanwhile, as `detect-page` would refuse), is answered with null: the page asks again when idle.
   */
  async function decideFirst(tabId: number, here: PageTarget, url: string, revision: number): Promise<void> {
    const text = await callScanner(tabId, here, 'question', null);
    // As `detect-page` takes it: a string within the length the background decides.
    if (typeof text !== 'string' || text.length > FIRST_LOOK_MAX_CHARS) return;
    const stillReadable = async () => settingsRevision === revision || !readingOff(await loadSettings(), url);
    let decision: PageDecision | null = null;
    try {
      if (await stillReadable()) decision = await deps.detectPage(text);
    } catch {
      // Answered with null below.
    }
    if (decision && !(await stillReadable())) decision = null;
    const findings = validatePageFindings(await callScanner(tabId, here, 'answer', decision));
    // Only for the page the tab still shows: one it moved on from meanwhile keeps its findings to itself.
    const shown = (await browser.tabs.get(tabId).catch(() => null))?.url;
    if (findings && shown && withoutHash(findings.url) === withoutHash(shown.slice(0, findings.url.length))) await deps.setFindings(tabId, findings);
  }

  /**
   * A quiet page script saw changed text and asks for its awake part: refused (false) where the
   * reader paused or turned the site off. Woken here with the settings read here, so the page reads
   * no storage; settings that changed meanwhile are sent after.
   */
  async function wakeWatcher(tabId: number, frameId: number, url: string, documentId?: string): Promise<boolean> {
    const revision = settingsRevision;
    const settings = await loadSettings();
    if (readingOff(settings, url)) return false;
    const here: PageTarget = { frameId, documentId };
    // The asking script is ours: its document takes commands from now on (a restarted worker may not know it yet).
    if (frameId === 0) await rememberPageDocument(tabId, documentId);
    await runFile(tabId, here, PAGE_AWAKE_FILE);
    await wakeInPage(tabId, here, await wakeRequestFor(url, settings, false));
    if (settingsRevision !== revision) await tellSettings(tabId, url, here);
    return true;
  }

  /**
   * An awake page back from the back/forward cache asks for the settings now: the background could
   * not reach it while it was away (a pause, an un-pause). Its document takes commands again.
   */
  async function settingsFor(tabId: number, frameId: number, url: string, documentId?: string): Promise<WakeRequest> {
    if (frameId === 0) await rememberPageDocument(tabId, documentId);
    return wakeRequestFor(url, await loadSettings(), false);
  }

  /**
   * A tab's findings; where it has none, asked of its page and kept. Needed where the page's report
   * was lost: a page restored from the back/forward cache comes back awake, with its highlights, but
   * its tab's findings were cleared when the navigation began, and it does not scan again; a
   * restarted worker has forgotten them. Only findings for the page the tab shows are taken, and a
   * page that reports by itself meanwhile (after a rescan) is not overwritten.
   */
  async function refillFindings(tabId: number, url?: string): Promise<PageFindings | null> {
    const stored = await deps.storedFindings(tabId);
    if (stored) return stored;
    const reply = await sendToTab(tabId, 'get-findings').catch(() => undefined);
    const findings = validatePageFindings(reply);
    const shown = url ?? (await browser.tabs.get(tabId).catch(() => null))?.url;
    // The page cuts its address to what findings hold (8,192 characters).
    if (!findings || !shown || withoutHash(findings.url) !== withoutHash(shown.slice(0, findings.url.length))) return null;
    const meanwhile = await deps.storedFindings(tabId);
    if (meanwhile) return meanwhile;
    await deps.setFindings(tabId, findings);
    return findings;
  }

  /**
   * Settings or the dataset changed: every open tab is looked at again. A page our script is awake
   * in is told (with the settings, so that it reads no storage), also where reading is now off; a
   * quiet one looks anew. Only documents our script ran in are told (lib/page-documents.ts): a page
   * Stationwatch never ran in gets nothing, not even when it is paused. Tabs still loading are only
   * told; they are looked at when they complete.
   */
  async function lookAtAll({ datasetChanged = false } = {}): Promise<void> {
    const tabs = await browser.tabs.query({});
    await Promise.all(
      tabs.map(async (tab) => {
        if (tab.id === undefined) return;
        if (tab.status === 'complete') await lookAt(tab.id, { settingsChanged: { datasetChanged } }).catch(() => undefined);
        else if (tab.url && READABLE_PAGE.test(tab.url)) await tellSettings(tab.id, tab.url, { frameId: 0 }, { datasetChanged });
      }),
    );
  }

  /**
   * Tells a page script the current settings where it is awake (a quiet one answers that it is not
   * listening; a page our script never ran in gets nothing, see sendToTab); `datasetChanged`: scan again.
   */
  async function tellSettings(tabId: number, url: string, target: PageTarget, { settings, datasetChanged = false }: { settings?: Settings; datasetChanged?: boolean } = {}): Promise<void> {
    const { annotated } = await wakeRequestFor(url, (settings ??= await loadSettings()), false);
    await sendToTab(tabId, 'settings-changed', { settings, annotated, datasetChanged }, target.frameId, target.documentId).catch(() => undefined);
  }

  /** Sends a tab command; a page whose script is still quiet (or absent) is woken first. */
  async function commandTab<T>(tabId: number, name: TabCommandName, body: object = {}, frameId = 0): Promise<T | undefined> {
    try {
      return await sendToTab<T>(tabId, name, body, frameId);
    } catch (error) {
      // Only a page with no listener (a quiet script, or none) is woken; a command that failed there is not retried.
      if (!String(error).includes(NOT_LISTENING) || frameId !== 0 || !(await lookAt(tabId, { wake: true }))) return undefined;
      return sendToTab<T>(tabId, name, body, frameId);
    }
  }

  /** Tabs still loading, with the timer that looks at them anyway if their load never completes. */
  const slowLoads = new Map<number, ReturnType<typeof setTimeout>>();
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading' && change.url) {
      // A new page: it is ours again only once our script runs in it (also one back from the back/forward cache).
      void forgetPageDocuments(tabId);
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
    void forgetPageDocuments(tabId);
    clearTimeout(slowLoads.get(tabId));
    slowLoads.delete(tabId);
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (SETTINGS_STORAGE_KEY in changes) settingsRevision++;
    if (SETTINGS_STORAGE_KEY in changes || DETECTOR_STORAGE_KEY in changes) void lookAtAll({ datasetChanged: DETECTOR_STORAGE_KEY in changes });
  });

  return { lookAt, lookAtAll, commandTab, refillFindings, wakeWatcher, settingsFor };
}
