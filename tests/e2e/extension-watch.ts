/**
 * Watching the built extension from outside, for the hardening e2e tests and `npm run e2e:corpus`:
 * uncaught errors and console errors that come from the extension (content script and card UI in
 * the page's isolated world, service worker), what the content script reported for a tab, and a
 * private copy of the build so another engineer's rebuild cannot swap files under a running browser.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { EXTENSION_DIR, type ExtensionBrowser } from './harness';

export interface ExtensionError {
  /** content = the content script or card UI in a page; worker = the service worker. */
  where: 'content' | 'worker';
  page: string;
  message: string;
}

/** Copies the built extension to a temporary folder; returns its path and a cleanup function. */
export function snapshotBuild(from = EXTENSION_DIR): { dir: string; remove(): void } {
  if (!existsSync(join(from, 'manifest.json'))) throw new Error(`no built extension in ${from}; run npx wxt build`);
  const dir = mkdtempSync(join(tmpdir(), 'stationwatch-build-'));
  cpSync(from, dir, { recursive: true });
  if (!existsSync(join(dir, 'manifest.json')) || !existsSync(join(dir, 'background.js'))) throw new Error(`the build in ${from} was incomplete (a rebuild in progress?); try again`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Records the service worker's uncaught errors, unhandled rejections and console errors. Errors are
 * kept inside the worker (listeners added there) and read back by `read()`.
 */
export async function watchWorker(ext: ExtensionBrowser): Promise<{ read(): Promise<ExtensionError[]> }> {
  const consoleErrors: ExtensionError[] = [];
  ext.worker.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ where: 'worker', page: ext.worker.url(), message: m.text() });
  });
  await ext.worker.evaluate(() => {
    const g = self as unknown as { __swWatch?: string[] };
    if (g.__swWatch) return;
    g.__swWatch = [];
    self.addEventListener('error', (e) => g.__swWatch!.push(`uncaught: ${(e as ErrorEvent).message} ${(e as ErrorEvent).error?.stack ?? ''}`));
    self.addEventListener('unhandledrejection', (e) => {
      const r = (e as PromiseRejectionEvent).reason as { stack?: string } | undefined;
      g.__swWatch!.push(`unhandled rejection: ${r?.stack ?? String(r)}`);
    });
  });
  return {
    async read() {
      const inWorker = await ext.worker.evaluate(() => [...((self as unknown as { __swWatch?: string[] }).__swWatch ?? [])]);
      return [...consoleErrors, ...inWorker.map((message) => ({ where: 'worker' as const, page: ext.worker.url(), message }))];
    },
  };
}

/**
 * Watches one page for errors from the extension: exceptions and console errors raised in the
 * extension's isolated world (told apart by execution context, which holds even for errors whose
 * stack has no file), and anything whose stack or location names our chrome-extension:// origin.
 * Attach before navigating so that errors during the first scan are seen.
 */
export async function watchPage(ext: ExtensionBrowser, page: Page, sink: ExtensionError[]): Promise<PageWatch> {
  const origin = `chrome-extension://${ext.extensionId}`;
  const ours = new Set<number>();
  const cdp = await page.context().newCDPSession(page);
  const where = () => page.url();
  cdp.on('Runtime.executionContextCreated', (e: { context: { id: number; origin: string } }) => {
    if (e.context.origin === origin) ours.add(e.context.id);
  });
  cdp.on('Runtime.exceptionThrown', (e: { exceptionDetails: { executionContextId?: number; text: string; url?: string; exception?: { description?: string } } }) => {
    const d = e.exceptionDetails;
    const text = d.exception?.description ?? d.text;
    if ((d.executionContextId !== undefined && ours.has(d.executionContextId)) || text.includes(origin) || d.url?.startsWith(origin)) {
      sink.push({ where: 'content', page: where(), message: text });
    }
  });
  cdp.on('Runtime.consoleAPICalled', (e: { type: string; executionContextId: number; args: { value?: unknown; description?: string }[]; stackTrace?: { callFrames: { url: string }[] } }) => {
    if (e.type !== 'error' && e.type !== 'assert') return;
    const fromUs = ours.has(e.executionContextId) || (e.stackTrace?.callFrames ?? []).some((f) => f.url.startsWith(origin));
    if (fromUs) sink.push({ where: 'content', page: where(), message: e.args.map((a) => (a.value !== undefined ? String(a.value) : (a.description ?? ''))).join(' ') });
  });
  cdp.on('Log.entryAdded', (e: { entry: { level: string; text: string; url?: string; stackTrace?: { callFrames: { url: string }[] } } }) => {
    const { entry } = e;
    if (entry.level !== 'error') return;
    if (entry.url?.startsWith(origin) || (entry.stackTrace?.callFrames ?? []).some((f) => f.url.startsWith(origin))) {
      sink.push({ where: 'content', page: where(), message: entry.text });
    }
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Log.enable');
  return {
    cdp,
    async canary() {
      const id = [...ours].at(-1);
      if (id === undefined) throw new Error(`no isolated world of ${origin} in ${page.url()}: the content script did not run`);
      await cdp.send('Runtime.evaluate', { contextId: id, expression: "setTimeout(() => { throw new Error('stationwatch-canary') }, 0)" });
    },
    async detach() {
      await cdp.detach().catch(() => undefined);
    },
  };
}

export interface PageWatch {
  cdp: CDPSession;
  /** Throws an error inside the extension's isolated world of this page: the watch must report it. */
  canary(): Promise<void>;
  detach(): Promise<void>;
}

/** The browser's tab id for a page, matched by URL prefix (pages may rewrite their query or hash). */
export async function tabIdOf(ext: ExtensionBrowser, urlPrefix: string): Promise<number> {
  return ext.worker.evaluate(async (prefix) => {
    const tabs = (await chrome.tabs.query({})) as { url?: string; id?: number }[];
    return tabs.find((t) => t.url?.startsWith(prefix))?.id ?? -1;
  }, urlPrefix);
}

export interface ReportedFindings {
  onTopic: boolean;
  mentionCount: number;
  discreet: boolean;
}

/** What the content script reported for a tab (the background keeps it in session storage), or null by the deadline. */
export async function reportedFindings(ext: ExtensionBrowser, tabId: number, timeoutMs: number): Promise<ReportedFindings | null> {
  return ext.worker.evaluate(
    async ({ tabId, timeoutMs }) => {
      const key = `findings:${tabId}`;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const got = (await chrome.storage.session.get(key))[key] as { onTopic: boolean; mentionCount: number; discreet: boolean } | null | undefined;
        if (got) return { onTopic: got.onTopic, mentionCount: got.mentionCount, discreet: got.discreet };
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    },
    { tabId, timeoutMs },
  );
}

export interface ShallowCard {
  open: boolean;
  text: string;
  links: { href: string; x: number; y: number }[];
  position: string | null;
}

/**
 * The card as a reader sees it, found without fetching the whole DOM tree (tests/e2e/card.ts asks
 * for the full tree, which the DevTools protocol cannot serialise on very deep pages). `fn`, when
 * given, runs on the card's shadow root first (e.g. to open its <details>).
 */
export async function readCardShallow(page: Page, fn?: string): Promise<ShallowCard> {
  const closed: ShallowCard = { open: false, text: '', links: [], position: null };
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
    const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-stationwatch-ui]' })) as { nodeId: number };
    if (!nodeId) return closed;
    const { node } = (await cdp.send('DOM.describeNode', { nodeId, depth: 0, pierce: true })) as { node: { shadowRoots?: { backendNodeId: number }[] } };
    const shadow = node.shadowRoots?.[0];
    if (!shadow) return closed;
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId: string } };
    if (fn) await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: fn });
    const { result } = (await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      returnByValue: true,
      functionDeclaration: `function () {
        const card = this.querySelector('.sw-card');
        if (!card) return { open: false, text: '', links: [], position: null };
        return {
          open: true,
          text: card.innerText,
          links: [...card.querySelectorAll('a')].map((a) => { const b = a.getBoundingClientRect(); return { href: a.href, x: b.left + b.width / 2, y: b.top + b.height / 2 }; }),
          position: getComputedStyle(card).position,
        };
      }`,
    })) as { result: { value: ShallowCard } };
    return result.value;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
