/**
 * The background's side of the always-on page script: it runs the script only where the reader lets
 * Stationwatch read, reports "nothing found" itself, and wakes the script only where there is
 * something to do (a term, annotations, the annotate button, a reader's command).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createPageLooks, SLOW_LOAD_LOOK_MS } from '../../entrypoints/background/page-looks';
import { TAB_COMMAND_GLOBAL, type PageFindings } from '../../lib/protocol';
import { SCANNER_GLOBAL } from '../../entrypoints/page-awake/scanner-api';
import { rememberPageDocument } from '../../lib/page-documents';

const TEXT_ON = 'Safeguard Defenders counted overseas police stations.';
const TEXT_OFF = 'Our tomatoes did well this year.';

let findings: Map<number, PageFindings | null>;
let injected: { file?: string; wake?: boolean }[];
let pageText: string;
let scriptAwake: boolean;
let sendMessage: ReturnType<typeof vi.fn>;
let lookResult: unknown;
let pageFindings: unknown;
let pulls: string[];
let decisions: unknown[];

/** What a page reports once it has painted a decision. */
const PAINTED: PageFindings = { url: '', title: 'A', onTopic: true, score: 5, reasons: ['test'], mentionCount: 2, stationIds: [], claimIds: [], mentions: [], discreet: false };

/** Our page script ran in the tab's page (it takes commands there): as lookAt records it. */
const ranIn = (tabId: number) => rememberPageDocument(tabId, undefined);

/** The reader changes the settings while the background injects `file` into a page. */
function changeSettingsWhileInjecting(file: string, settings: object): void {
  const run = fakeBrowser.scripting.executeScript as unknown as ReturnType<typeof vi.fn>;
  const original = run.getMockImplementation() as (details: { files?: string[] }) => Promise<unknown>;
  run.mockImplementation(async (details: { files?: string[] }) => {
    if (details.files?.[0] === file) await fakeBrowser.storage.local.set({ settings });
    return original(details);
  });
}

async function openTab(url: string): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

function setup() {
  return createPageLooks({
    anyTermIn: async (text) => text.includes('police stations'),
    detectPage: async (text) => {
      if (text.includes('no dataset')) throw new Error('no dataset yet');
      return { detection: { onTopic: true, text } as never, statuses: {} };
    },
    setFindings: async (tabId, f) => void findings.set(tabId, f),
    storedFindings: async (tabId) => findings.get(tabId) ?? null,
  });
}

beforeEach(() => {
  fakeBrowser.reset();
  findings = new Map();
  injected = [];
  pageText = TEXT_OFF;
  scriptAwake = false;
  lookResult = undefined;
  pageFindings = null;
  pulls = [];
  decisions = [];
  sendMessage = vi.fn(async (_tabId: number, message: { name: string }) => {
    if (!scriptAwake) throw new Error('Could not establish connection. Receiving end does not exist.');
    if (message.name === 'jump-annotation') return { ok: false, error: 'no such annotation' };
    if (message.name === 'get-findings') return { ok: true, data: pageFindings };
    return { ok: true, data: 'done' };
  });
  (fakeBrowser.scripting as { executeScript: unknown }).executeScript = vi.fn(async (details: { target: { tabId: number }; files?: string[]; args?: unknown[] }) => {
    if (details.files) {
      injected.push({ file: details.files[0] });
      if (details.files[0] !== '/page-watch.js') return [{ result: undefined }];
      return [{ result: scriptAwake ? null : (lookResult ?? { text: pageText, overLimit: false, url: 'https://news.example/a', title: 'A' }) }];
    }
    // lib/messaging.ts callInPage: [global, method, args, absent].
    const [global, , callArgs] = details.args as [string, string | null, unknown[], unknown];
    if (global === TAB_COMMAND_GLOBAL) {
      // A command: what the page's command function answers (a frame that is not awake says so).
      const reply = await (sendMessage as unknown as (tabId: number, message: unknown) => Promise<unknown>)(details.target.tabId, callArgs[0]).catch((error: Error) => ({ ok: false, error: error.message }));
      return [{ result: reply }];
    }
    if (global === SCANNER_GLOBAL) {
      // The background takes the scanner's first decision: the text, then the decision; the page answers with its findings.
      const method = details.args![1] as 'question' | 'answer';
      const decision = callArgs[0];
      pulls.push(method);
      if (method === 'question') return [{ result: pageText }];
      decisions.push(decision);
      return [{ result: decision ? { ...PAINTED, url: 'https://news.example/a' } : null }];
    }
    injected.push({ wake: (callArgs[0] as { candidate: boolean }).candidate });
    scriptAwake = true;
    return [{ result: true }];
  });
});

afterEach(() => vi.restoreAllMocks());

describe('page looks', () => {
  it('reports "nothing found" for a page without a term and leaves its script quiet', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    expect(await looks.lookAt(tab)).toBe(true);
    expect(injected).toEqual([{ file: '/page-watch.js' }]);
    expect(findings.get(tab)).toMatchObject({ onTopic: false, mentionCount: 0, url: 'https://news.example/a' });
  });

  it('wakes the script with the scanner where the first look found a term, decides the scanner\'s text and shows what the page painted', async () => {
    pageText = TEXT_ON;
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await looks.lookAt(tab);
    expect(injected).toEqual([{ file: '/page-watch.js' }, { file: '/page-awake.js' }, { file: '/page-scanner.js' }, { wake: true }]);
    expect(pulls).toEqual(['question', 'answer']);
    expect(decisions).toEqual([{ detection: { onTopic: true, text: TEXT_ON }, statuses: {} }]);
    expect(findings.get(tab)).toMatchObject({ onTopic: true, mentionCount: 2 });
  });

  it('answers the scanner with no decision when it cannot take one, and shows nothing for the page', async () => {
    pageText = `${TEXT_ON} (no dataset)`;
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await looks.lookAt(tab);
    expect(pulls).toEqual(['question', 'answer']);
    expect(decisions).toEqual([null]);
    expect(findings.has(tab)).toBe(false);
  });

  it('wakes the script (without the scanner) on a page that has annotations, or when the annotate button is on', async () => {
    await fakeBrowser.storage.local.set({ annotatedPages: ['https://news.example/a'] });
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await looks.lookAt(tab);
    expect(injected).toEqual([{ file: '/page-watch.js' }, { file: '/page-awake.js' }, { wake: false }]);
    expect(findings.get(tab)).toMatchObject({ onTopic: false });

    await fakeBrowser.storage.local.set({ annotatedPages: [], settings: { annotateButton: true } });
    scriptAwake = false;
    injected = [];
    await looks.lookAt(tab);
    expect(injected).toEqual([{ file: '/page-watch.js' }, { file: '/page-awake.js' }, { wake: false }]);
  });

  it('runs nothing in the page when paused, on a disabled site, or on a page it may not read', async () => {
    const looks = setup();
    await fakeBrowser.storage.local.set({ settings: { paused: true } });
    expect(await looks.lookAt(await openTab('https://news.example/a'))).toBe(false);
    await fakeBrowser.storage.local.set({ settings: { disabledSites: ['example.org'] } });
    expect(await looks.lookAt(await openTab('https://www.example.org/b'))).toBe(false);
    expect(await looks.lookAt(await openTab('chrome://settings/'))).toBe(false);
    expect(injected).toEqual([]);
    expect(findings.size).toBe(0);
  });

  it('a reader’s command wakes a quiet script first, then reaches it', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await looks.lookAt(tab);
    expect(await looks.commandTab(tab, 'annotate-selection')).toBe('done');
    expect(injected.slice(-2)).toEqual([{ file: '/page-awake.js' }, { wake: false }]);
    expect(sendMessage).toHaveBeenCalledTimes(2);
  });

  it('a command to a paused page is not delivered and wakes nothing', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await fakeBrowser.storage.local.set({ settings: { paused: true } });
    expect(await looks.commandTab(tab, 'annotate-selection')).toBeUndefined();
    expect(injected).toEqual([]);
  });

  it('does nothing with a result that is not a first look', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    lookResult = { text: 42 };
    await looks.lookAt(tab);
    expect(injected).toEqual([{ file: '/page-watch.js' }]);
    expect(findings.size).toBe(0);
  });

  it('does not wake a page with annotations in discreet mode', async () => {
    await fakeBrowser.storage.local.set({ annotatedPages: ['https://news.example/a'], settings: { discreet: true } });
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await looks.lookAt(tab);
    expect(injected).toEqual([{ file: '/page-watch.js' }]);
    expect(findings.get(tab)).toMatchObject({ discreet: true });
  });

  it('tells an awake page about changed settings and the dataset, with the settings, and touches no page it never ran in', async () => {
    pageText = TEXT_ON;
    const looks = setup();
    const awake = await openTab('https://news.example/a');
    await looks.lookAt(awake);
    const never = await openTab('https://other.example/b');
    // The fake browser's tabs carry no load status: both have loaded.
    const tabs = await Promise.all([awake, never].map((id) => fakeBrowser.tabs.get(id)));
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue(tabs.map((t) => ({ ...t, status: 'complete' })) as never);
    const run = fakeBrowser.scripting.executeScript as unknown as ReturnType<typeof vi.fn>;
    run.mockClear();
    sendMessage.mockClear();
    // The storage change looks at every tab by itself; a dataset change is looked at as well.
    await fakeBrowser.storage.local.set({ settings: { paused: true } });
    await looks.lookAtAll({ datasetChanged: true });
    const told = sendMessage.mock.calls.map((c) => [c[0], c[1]] as [number, { name: string; body: { settings: { paused: boolean }; datasetChanged: boolean } }]);
    expect(told.length).toBeGreaterThan(0);
    for (const [tab, command] of told) {
      expect(tab).toBe(awake);
      expect(command).toMatchObject({ name: 'settings-changed', body: { settings: { paused: true } } });
    }
    expect(told.some(([, command]) => command.body.datasetChanged)).toBe(true);
    // Paused: nothing at all runs in the tab Stationwatch never ran in.
    expect(run.mock.calls.filter((c) => (c[0] as { target: { tabId: number } }).target.tabId === never)).toEqual([]);
  });

  it('tells a woken page about settings that changed while it was being woken', async () => {
    pageText = TEXT_ON;
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    // The reader pauses while the page scanner is being injected.
    changeSettingsWhileInjecting('/page-scanner.js', { paused: true });
    await looks.lookAt(tab);
    expect(injected.at(-1)).toEqual({ wake: true });
    // The background takes the scanner's text but decides nothing over it, as detect-page would refuse
    // from a paused page; nothing goes on the badge; and the page is told it is paused.
    expect(pulls).toEqual(['question', 'answer']);
    expect(decisions).toEqual([null]);
    expect(findings.has(tab)).toBe(false);
    const told = sendMessage.mock.calls.map((c) => c[1] as { name: string; body: { settings?: { paused: boolean } } });
    expect(told.some((t) => t.name === 'settings-changed' && t.body.settings?.paused === true)).toBe(true);
  });

  it('a command the page answered with an error is not retried, and the page is not read again', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    scriptAwake = true;
    await ranIn(tab);
    await expect(looks.commandTab(tab, 'jump-annotation', { id: 'x' })).resolves.toBeUndefined();
    expect(injected).toEqual([]);
    expect(sendMessage).toHaveBeenCalledTimes(1);
  });

  it('reads a page whose load never completes, after a while; a page that completes is read once', async () => {
    vi.useFakeTimers();
    try {
      setup();
      const tab = await openTab('https://news.example/a');
      await fakeBrowser.tabs.onUpdated.trigger(tab, { status: 'loading', url: 'https://news.example/a' }, (await fakeBrowser.tabs.get(tab)) as never);
      await vi.advanceTimersByTimeAsync(SLOW_LOAD_LOOK_MS - 100);
      expect(injected).toEqual([]);
      await vi.advanceTimersByTimeAsync(200);
      expect(injected).toEqual([{ file: '/page-watch.js' }]);

      injected = [];
      scriptAwake = false;
      await fakeBrowser.tabs.onUpdated.trigger(tab, { status: 'loading', url: 'https://news.example/a' }, (await fakeBrowser.tabs.get(tab)) as never);
      await fakeBrowser.tabs.onUpdated.trigger(tab, { status: 'complete' }, (await fakeBrowser.tabs.get(tab)) as never);
      await vi.advanceTimersByTimeAsync(SLOW_LOAD_LOOK_MS * 2);
      expect(injected).toEqual([{ file: '/page-watch.js' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks an awake page restored from the back/forward cache for its findings, when its tab has none', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    scriptAwake = true;
    await ranIn(tab);
    const onTopic = { url: 'https://news.example/a#top', title: 'A', onTopic: true, score: 9, reasons: [], mentionCount: 3, stationIds: [], claimIds: [], mentions: [], discreet: false };
    pageFindings = onTopic;
    await looks.lookAt(tab);
    expect(findings.get(tab)).toEqual(onTopic);
    expect(injected).toEqual([{ file: '/page-watch.js' }]);

    // Findings the page reported itself are kept; findings for another page, or not findings, are not taken.
    const reported = { ...onTopic, mentionCount: 5 };
    findings.set(tab, reported);
    await looks.lookAt(tab);
    expect(findings.get(tab)).toBe(reported);
    findings.delete(tab);
    pageFindings = { ...onTopic, url: 'https://news.example/other' };
    await looks.lookAt(tab);
    expect(findings.has(tab)).toBe(false);
    pageFindings = { url: 42 };
    await looks.lookAt(tab);
    expect(findings.has(tab)).toBe(false);
  });

  it('answers the popup with the tab\'s findings, or those its page gives when the worker has none (checked and kept)', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    scriptAwake = true;
    await ranIn(tab);
    const onTopic = { url: 'https://news.example/a', title: 'A', onTopic: true, score: 9, reasons: [], mentionCount: 3, stationIds: [], claimIds: [], mentions: [], discreet: false };
    // A restarted worker has none: the page is asked, and its answer kept.
    pageFindings = onTopic;
    expect(await looks.refillFindings(tab)).toEqual(onTopic);
    expect(findings.get(tab)).toEqual(onTopic);
    // Kept findings are answered without asking the page.
    sendMessage.mockClear();
    expect(await looks.refillFindings(tab)).toEqual(onTopic);
    expect(sendMessage).not.toHaveBeenCalled();
    // A page's answer about another address, or not in the findings' shape, is not taken.
    findings.delete(tab);
    pageFindings = { ...onTopic, url: 'https://elsewhere.example/' };
    expect(await looks.refillFindings(tab)).toBeNull();
    pageFindings = { ...onTopic, mentionCount: 'many' };
    expect(await looks.refillFindings(tab)).toBeNull();
    expect(findings.has(tab)).toBe(false);
    // An address longer than findings hold is compared as far as the page could give it.
    const long = `https://news.example/a?q=${'x'.repeat(9000)}`;
    const longTab = await openTab(long);
    await ranIn(longTab);
    pageFindings = { ...onTopic, url: long.slice(0, 8192) };
    expect(await looks.refillFindings(longTab)).toEqual(pageFindings);
  });

  it('asks no page our script never ran in: the popup on a paused or never-read tab runs nothing there', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    scriptAwake = true;
    const run = fakeBrowser.scripting.executeScript as unknown as ReturnType<typeof vi.fn>;
    run.mockClear();
    expect(await looks.refillFindings(tab)).toBeNull();
    await fakeBrowser.storage.local.set({ settings: { paused: true } });
    expect(await looks.commandTab(tab, 'toggle-highlights')).toBeUndefined();
    expect(run).not.toHaveBeenCalled();
  });

  it('wakes a watcher that saw changed text with the settings and its page\'s annotations, so the page reads no storage', async () => {
    const tab = await openTab('https://news.example/a');
    await fakeBrowser.storage.local.set({ annotatedPages: ['https://news.example/a'], settings: { highlights: false } });
    // Set up after the settings were stored: no look at every tab runs meanwhile.
    const looks = setup();
    const run = fakeBrowser.scripting.executeScript as unknown as ReturnType<typeof vi.fn>;
    expect(await looks.wakeWatcher(tab, 0, 'https://news.example/a#part-2')).toBe(true);
    expect(injected).toEqual([{ file: '/page-awake.js' }, { wake: false }]);
    const wake = run.mock.calls.at(-1)![0].args[2][0] as { candidate: boolean; settings: { highlights: boolean }; annotated: boolean };
    expect(wake).toMatchObject({ candidate: false, annotated: true, settings: { highlights: false } });
    // Nothing changed meanwhile: nothing more is sent.
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('refuses a watcher on a paused page or a disabled site, and injects nothing', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    await fakeBrowser.storage.local.set({ settings: { paused: true } });
    expect(await looks.wakeWatcher(tab, 0, 'https://news.example/a')).toBe(false);
    await fakeBrowser.storage.local.set({ settings: { disabledSites: ['news.example'] } });
    expect(await looks.wakeWatcher(tab, 0, 'https://news.example/a')).toBe(false);
    expect(injected).toEqual([]);
  });

  it('tells a woken watcher about settings that changed before it listened for changes', async () => {
    const looks = setup();
    const tab = await openTab('https://news.example/a');
    // The reader turns on discreet mode while the awake part is being injected.
    changeSettingsWhileInjecting('/page-awake.js', { discreet: true });
    expect(await looks.wakeWatcher(tab, 0, 'https://news.example/a')).toBe(true);
    // Told with the settings as they are now (the storage change also tells every awake page by itself).
    const told = sendMessage.mock.calls.map((c) => c[1] as { name: string; body: { settings: { discreet: boolean } } });
    expect(told.length).toBeGreaterThan(0);
    for (const t of told) expect(t).toMatchObject({ name: 'settings-changed', body: { settings: { discreet: true } } });
  });
});
