import { browser, type Browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { StationwatchDb } from '@/lib/db';
import { nothingFound, validateBackgroundRequest, type BackgroundRequest, type BackgroundRequestName, type PageFindings, type Reply, type TabCommandName } from '@/lib/protocol';
import { contextFor } from '@/lib/dataset/context';
import { readingOff } from '@/lib/settings';
import { FEED_CHECK_PERIOD_MINUTES } from '@/lib/limits';
import { DatasetService } from './dataset-service';
import { createPageLooks, runFile, type PageFile } from './page-looks';
import { annotatedPages, annotationsForPage, deleteAnnotation, putAnnotations, queryAnnotations, saveAnnotation } from '@/lib/annotation/store';
import { checkAnnotation, type Annotation } from '@/lib/annotation/model';
import { pageKey } from '@/lib/annotation/page-url';
import { makeBackup, parseBackup } from '@/lib/annotation/backup';
import { ANNOTATED_PAGES_STORAGE_KEY } from '@/lib/detector-store';
import { loadSettings, saveSettings } from '@/lib/settings-store';

const FEED_ALARM = 'feed-check';
const FINDINGS_KEY_PREFIX = 'findings:';

export default defineBackground(() => {
  const db = new StationwatchDb();
  const datasets = new DatasetService(db);
  const extensionOrigin = browser.runtime.getURL('/' as never).replace(/\/$/, '');
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  const sessionStore = (browser.storage as { session?: Browser.storage.StorageArea }).session;
  const findingsByTab = new Map<number, PageFindings>();

  browser.runtime.onInstalled.addListener(() => {
    void datasets.ensureReady().catch((error) => console.error('Stationwatch: dataset install failed', error));
    createMenus();
  });
  browser.runtime.onStartup.addListener(() => void datasets.ensureReady().catch(() => undefined));

  function createMenus(): void {
    browser.contextMenus.removeAll().then(() => {
      browser.contextMenus.create({ id: 'check-claim', title: browser.i18n.getMessage('menuCheckClaim'), contexts: ['selection'] });
      browser.contextMenus.create({ id: 'annotate', title: browser.i18n.getMessage('menuAnnotate'), contexts: ['selection'] });
    });
  }

  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === 'check-claim' && info.selectionText) {
      void openExtensionPage('checker', undefined, info.selectionText.slice(0, 20_000));
    }
    if (info.menuItemId === 'annotate' && tab?.id !== undefined) {
      void pageLooks.commandTab(tab.id, 'annotate-selection', {}, info.frameId ?? 0).catch(() => undefined);
    }
  });

  async function openExtensionPage(page: 'about' | 'options' | 'checker', recordIds?: string[], text?: string): Promise<void> {
    const params = new URLSearchParams();
    if (recordIds?.length) params.set('records', recordIds.join(','));
    if (text) params.set('text', text);
    const query = params.toString();
    await browser.tabs.create({ url: browser.runtime.getURL(`/${page}.html${query ? `?${query}` : ''}` as never) });
  }

  // --- badge and per-tab findings -------------------------------------------------------------

  async function setFindings(tabId: number, findings: PageFindings | null): Promise<void> {
    if (findings) findingsByTab.set(tabId, findings);
    else findingsByTab.delete(tabId);
    await sessionStore?.set({ [FINDINGS_KEY_PREFIX + tabId]: findings }).catch(() => undefined);
    const count = findings && findings.onTopic ? findings.mentionCount : 0;
    await action.setBadgeText({ tabId, text: count > 0 ? String(count > 999 ? '999+' : count) : '' }).catch(() => undefined);
    await action.setBadgeBackgroundColor({ tabId, color: '#8a1f0a' }).catch(() => undefined);
    await action
      .setTitle({ tabId, title: count > 0 ? browser.i18n.getMessage('badgeTitle', [String(count)]) : browser.i18n.getMessage('extName') })
      .catch(() => undefined);
  }

  /** The findings the badge shows for a tab (kept in memory and in session storage). */
  async function storedFindings(tabId: number): Promise<PageFindings | null> {
    const cached = findingsByTab.get(tabId);
    if (cached) return cached;
    const stored = await sessionStore?.get(FINDINGS_KEY_PREFIX + tabId).catch(() => undefined);
    return (stored?.[FINDINGS_KEY_PREFIX + tabId] as PageFindings | undefined) ?? null;
  }

  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading' && change.url) void setFindings(tabId, null);
  });
  const pageLooks = createPageLooks({ anyTermIn: (text) => datasets.anyTermIn(text), detectPage: (text) => datasets.detectPage(text), setFindings, storedFindings });
  browser.tabs.onRemoved.addListener((tabId) => {
    findingsByTab.delete(tabId);
    void sessionStore?.remove(FINDINGS_KEY_PREFIX + tabId).catch(() => undefined);
  });

  // --- messages -------------------------------------------------------------------------------

  /**
   * Page text is read only where the reader lets Stationwatch run: the page scripts stop on their
   * own when paused or disabled, and this is the second lock behind that.
   */
  async function refuseWhenOff(sender: Browser.runtime.MessageSender): Promise<void> {
    const settings = await loadSettings();
    if (readingOff(settings, sender.url ?? '')) throw new Error('Stationwatch is paused or turned off for this site: the page text was not read.');
  }

  /** Runs one of our scripts in the sender's frame (its isolated world, like the content script). */
  async function injectInto(sender: Browser.runtime.MessageSender, file: PageFile): Promise<{ ok: true }> {
    await runFile(sender.tab!.id!, { frameId: sender.frameId ?? 0, documentId: (sender as { documentId?: string }).documentId }, file);
    return { ok: true };
  }

  function senderKind(sender: Browser.runtime.MessageSender): 'content' | 'extension' | 'other' {
    if (sender.id !== browser.runtime.id) return 'other';
    const url = sender.url ?? '';
    if (url.startsWith(extensionOrigin)) return 'extension';
    if (sender.tab?.id !== undefined) return 'content';
    return 'other';
  }

  type Handler<N extends BackgroundRequestName> = (body: BackgroundRequest<N>, sender: Browser.runtime.MessageSender) => Promise<unknown>;
  const handlers: { [N in BackgroundRequestName]: Handler<N> } = {
    'page-findings': async ({ findings }, sender) => {
      if (sender.frameId === 0 && sender.tab?.id !== undefined) await setFindings(sender.tab.id, findings);
      return { ok: true };
    },
    'card-context': async ({ ids }) => {
      await datasets.ensureReady();
      return contextFor(datasets.index(), ids);
    },
    'inject-ui': async (_body, sender) => injectInto(sender, '/content-ui.js'),
    'inject-scanner': async (_body, sender) => injectInto(sender, '/page-scanner.js'),
    // The quiet script asks before it reads changed text: paused or disabled since, it stops.
    'page-settings': async (_body, sender) => pageLooks.settingsFor(sender.tab!.id!, sender.frameId ?? 0, sender.url ?? '', (sender as { documentId?: string }).documentId),
    'inject-awake': async (_body, sender) => ({ injected: await pageLooks.wakeWatcher(sender.tab!.id!, sender.frameId ?? 0, sender.url ?? '', (sender as { documentId?: string }).documentId) }),
    'first-look': async ({ text, whole, discreet }, sender) => {
      await refuseWhenOff(sender);
      const candidate = await datasets.anyTermIn(text);
      if (!candidate && whole && sender.frameId === 0 && sender.tab?.id !== undefined) {
        await setFindings(sender.tab.id, nothingFound(sender.url ?? '', sender.tab.title ?? '', discreet));
      }
      return { candidate };
    },
    'detect-page': async ({ text }, sender) => {
      await refuseWhenOff(sender);
      return datasets.detectPage(text);
    },
    'tab-findings': async ({ tabId }) => pageLooks.refillFindings(tabId),
    'dataset-info': async () => datasets.info(),
    'feed-update-now': async () => {
      const settings = await loadSettings();
      return datasets.updateFromFeed(settings.feedUrl);
    },
    'settings-changed': async () => {
      await armFeedAlarm();
      return { ok: true };
    },
    'open-extension-page': async ({ page, recordIds, text }) => {
      await openExtensionPage(page, recordIds, text);
      return { ok: true };
    },
    'editor-pickers': async () => {
      await datasets.ensureReady();
      const ds = datasets.index().ds;
      return {
        claims: ds.claims.map((c) => ({ id: c.id, text: c.text })),
        sources: ds.sources.map((s) => ({ id: s.id, publisher: s.publisher, title: s.title, date: s.date, url: s.url })),
      };
    },
    'page-annotations': async (_body, sender) => {
      const page = sender.url ? pageKey(sender.url) : null;
      return page ? annotationsForPage(db, page) : [];
    },
    'annotation-save': async ({ annotation }, sender) => {
      const checked = checkAnnotation(annotation);
      if (!checked.ok) throw new Error(`The annotation was not saved: ${checked.errors.slice(0, 5).join('; ')}`);
      if (senderKind(sender) === 'content') {
        // A content script may only write annotations of the page it runs in, and only new ones
        // or ones already on that page.
        const own = sender.url ? pageKey(sender.url) : null;
        if (!own || pageKey(checked.annotation.pageUrl) !== own) throw new Error('A page can only save annotations for itself.');
        const existing = await db.annotations.get(checked.annotation.id);
        if (existing && existing.pageUrl !== own) throw new Error('A page can only change its own annotations.');
      }
      const saved = await saveAnnotation(db, checked.annotation);
      await annotationsChanged([saved.pageUrl], sender);
      return saved;
    },
    'annotation-delete': async ({ id }, sender) => {
      const existing = await db.annotations.get(id);
      if (!existing) return null;
      if (senderKind(sender) === 'content' && (!sender.url || pageKey(sender.url) !== existing.pageUrl)) {
        throw new Error('A page can only delete its own annotations.');
      }
      const deleted = await deleteAnnotation(db, id);
      await annotationsChanged([existing.pageUrl], sender);
      return deleted;
    },
    'annotations-query': async ({ query }) => queryAnnotations(db, query),
    'annotations-import': async ({ annotations }) => {
      const valid: Annotation[] = [];
      const problems: string[] = [];
      annotations.forEach((raw, i) => {
        const checked = checkAnnotation(raw);
        if (checked.ok) valid.push(checked.annotation);
        else problems.push(`annotation ${i + 1}: ${checked.errors[0]}`);
      });
      if (problems.length) throw new Error(`Nothing was imported: ${problems.slice(0, 5).join('; ')}`);
      const existing = new Set((await db.annotations.bulkGet(valid.map((a) => a.id))).filter(Boolean).map((r) => r!.id));
      await putAnnotations(db, valid);
      await annotationsChanged(valid.map((a) => pageKey(a.pageUrl) ?? a.pageUrl));
      return { added: valid.filter((a) => !existing.has(a.id)).length, replaced: valid.filter((a) => existing.has(a.id)).length };
    },
    'backup-export': async () => makeBackup(await loadSettings(), await queryAnnotations(db, {})),
    'backup-import': async ({ backup }) => {
      const parsed = parseBackup(backup);
      await db.transaction('rw', db.annotations, async () => {
        await db.annotations.clear();
        await putAnnotations(db, parsed.annotations);
      });
      await saveSettings(parsed.settings);
      await annotationsChanged(parsed.annotations.map((a) => a.pageUrl));
      return { annotations: parsed.annotations.length, settings: true };
    },
  };

  /** Keeps the annotated-pages index current and tells open tabs of those pages to re-anchor. */
  async function annotationsChanged(pages: string[], origin?: Browser.runtime.MessageSender): Promise<void> {
    await browser.storage.local.set({ [ANNOTATED_PAGES_STORAGE_KEY]: await annotatedPages(db) });
    const wanted = new Set(pages);
    const tabs = await browser.tabs.query({});
    for (const tab of tabs) {
      if (tab.id === undefined || !tab.url) continue;
      if (origin?.tab?.id === tab.id && senderKind(origin) === 'content') continue;
      const key = pageKey(tab.url);
      if (key && wanted.has(key)) await pageLooks.commandTab(tab.id, 'annotations-changed').catch(() => undefined);
    }
  }

  browser.runtime.onMessage.addListener((raw: unknown, sender): Promise<Reply<unknown>> | undefined => {
    const request = validateBackgroundRequest(raw, senderKind(sender));
    if (!request.ok) {
      // Only answer messages addressed to us; stay silent for other listeners' traffic.
      return (raw as { to?: unknown } | null)?.to === 'background' ? Promise.resolve({ ok: false, error: request.error }) : undefined;
    }
    const handler = handlers[request.name] as Handler<typeof request.name>;
    return handler(request.body as never, sender).then(
      (data) => ({ ok: true as const, data }),
      (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
    );
  });

  // --- keyboard commands ----------------------------------------------------------------------

  browser.commands?.onCommand.addListener(async (command) => {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id === undefined) return;
    const known: TabCommandName[] = ['next-mention', 'previous-mention', 'open-card', 'toggle-highlights', 'annotate-selection'];
    if ((known as string[]).includes(command)) await pageLooks.commandTab(tab.id, command as TabCommandName).catch(() => undefined);
  });

  // --- signed feed schedule -------------------------------------------------------------------

  async function armFeedAlarm(): Promise<void> {
    const settings = await loadSettings();
    await browser.alarms.clear(FEED_ALARM);
    if (settings.feedUrl) await browser.alarms.create(FEED_ALARM, { periodInMinutes: FEED_CHECK_PERIOD_MINUTES, delayInMinutes: 1 });
  }
  browser.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name !== FEED_ALARM) return;
    const settings = await loadSettings();
    if (settings.feedUrl) await datasets.updateFromFeed(settings.feedUrl);
  });

  void datasets.ensureReady().catch((error) => console.error('Stationwatch: dataset load failed', error));
});
