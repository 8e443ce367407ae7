/**
 * Privacy proof: the extension makes no network request but for its own files while it reads the
 * demo article, every page in tests/fixtures/pages and (when STATIONWATCH_CORPUS_DIR names a folder
 * of saved pages) ten saved news pages, opens a card, the popup, the side panel, the options and
 * about pages. No feed is configured, so not even a feed request is expected.
 *
 * Every request the browser reports is recorded and attributed:
 * - the service worker's (Playwright reports them with `request.serviceWorker()`),
 * - our extension pages' (their frame is a chrome-extension://<id> document),
 * - requests started by our code inside a page (DevTools `Network.requestWillBeSent` initiator stack
 *   or initiator URL in chrome-extension://<id>),
 * - and, as a net under all of that, every page is loaded twice — extension paused, then active —
 *   and any request the active load makes that the paused load did not is counted as ours.
 * Canary requests made from the worker, an extension page and the content script's world first
 * prove that each of these observers sees what it should. The test prints what it observed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CDPSession, Page, Request } from 'playwright-core';
import { launchWithExtension, pointOfText, ROOT, serveStatic, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { readCardShallow, reportedFindings, snapshotBuild, tabIdOf } from './extension-watch';

/** Saved news pages loaded on top of ours when the folder is given (CI passes ../shared/corpus/news-pages). */
const CORPUS_DIR = process.env.STATIONWATCH_CORPUS_DIR;
const CORPUS_PAGES = 10;
/** Both loads of a page wait this long after `load`, so late requests are compared like for like. */
const OBSERVE_MS = 2_000;
/** Pages loaded at once. */
const CONCURRENCY = 5;

/** Runs `fn` over `items`, `limit` at a time. */
async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

type Source = 'worker' | 'extension-page' | 'extension-code-in-page' | 'page';

interface Seen {
  url: string;
  method: string;
  /** The service worker, or the frame, the request came from. */
  from: string;
  worker: boolean;
  navigation: boolean;
  phase: string;
}

let ext: ExtensionBrowser;
let build: { dir: string; remove(): void };
let ours: StaticServer;
let corpus: StaticServer | null = null;
let origin: string;
let phase = 'start';
const seen: Seen[] = [];
/** Request URLs whose DevTools initiator is our code (stack frame or initiator URL in our origin). */
const startedByUs = new Set<string>();

function record(r: Request): void {
  const worker = r.serviceWorker();
  let from = worker?.url() ?? '';
  if (!worker) {
    try {
      from = r.frame().url();
    } catch {
      from = '';
    }
  }
  seen.push({ url: r.url(), method: r.method(), from, worker: !!worker, navigation: r.isNavigationRequest(), phase });
}

/**
 * Who made a request. Decided after the fact: DevTools initiator events arrive on another session
 * than Playwright's request events, in no guaranteed order.
 */
function sourceOf(s: Seen): Source {
  if (s.worker) return s.from.startsWith(origin) ? 'worker' : 'page';
  if (s.from.startsWith(origin) || (s.navigation && s.url.startsWith(origin))) return 'extension-page';
  return startedByUs.has(s.url) ? 'extension-code-in-page' : 'page';
}

/** DevTools view of one page's requests, to find those our code started inside it. */
async function watchInitiators(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e: { request: { url: string }; initiator: { url?: string; stack?: StackTrace } }) => {
    const frames: string[] = [];
    for (let s: StackTrace | undefined = e.initiator.stack; s; s = s.parent) frames.push(...s.callFrames.map((f) => f.url));
    if (e.initiator.url?.startsWith(origin) || frames.some((u) => u.startsWith(origin))) startedByUs.add(e.request.url);
  });
  await cdp.send('Network.enable');
  return cdp;
}
interface StackTrace {
  callFrames: { url: string }[];
  parent?: StackTrace;
}

function pagesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.html?$/i.test(name)) out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Every page to read, as URLs; the demo first. */
function pageUrls(): string[] {
  const urls = [`${ours.origin}/article.html`, ...pagesIn(resolve(ROOT, 'tests/fixtures/pages')).map((p) => `${ours.origin}/${p}`)];
  if (corpus && CORPUS_DIR) urls.push(...pagesIn(CORPUS_DIR).slice(0, CORPUS_PAGES).map((p) => `${corpus!.origin}/${p.split('/').map(encodeURIComponent).join('/')}`));
  return urls;
}

async function setPaused(paused: boolean): Promise<void> {
  await ext.worker.evaluate(async (p) => {
    const current = ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<string, unknown>;
    await chrome.storage.local.set({ settings: { ...current, paused: p, discreet: false } });
  }, paused);
}

/** Loads a page with its initiators watched; waits `OBSERVE_MS` after load (and, when active, for the extension's report). */
async function load(url: string, active: boolean): Promise<Page> {
  const page = await ext.context.newPage();
  await watchInitiators(page);
  await page.goto(url, { waitUntil: 'load', timeout: 20_000 }).catch(() => undefined);
  if (active) await reportedFindings(ext, await tabIdOf(ext, url), 15_000);
  await page.waitForTimeout(OBSERVE_MS);
  return page;
}

const key = (s: { method: string; url: string }) => {
  try {
    const u = new URL(s.url);
    return `${s.method} ${u.origin}${u.pathname}`;
  } catch {
    return `${s.method} ${s.url}`;
  }
};
const ownFile = (url: string) => url.startsWith(`${origin}/`);
const isCanary = (s: Seen) => s.url.includes('/__privacy-canary');

beforeAll(async () => {
  build = snapshotBuild();
  ours = await serveStatic([resolve(ROOT, 'demo'), resolve(ROOT, 'tests/fixtures/pages')]);
  if (CORPUS_DIR && existsSync(CORPUS_DIR)) corpus = await serveStatic([CORPUS_DIR]);
  ext = await launchWithExtension(build.dir);
  origin = `chrome-extension://${ext.extensionId}`;
  ext.context.on('request', record);
  // Offline machine: requests leaving 127.0.0.1 are recorded above, then refused here.
  await ext.context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
  await waitForDataset(ext);
}, 120_000);

afterAll(async () => {
  await ext?.close();
  await ours?.close();
  await corpus?.close();
  build?.remove();
});

describe('privacy: the extension sends nothing', () => {
  it('the observers see requests from the worker, an extension page and our code in a page (canaries)', async () => {
    phase = 'canary';
    await ext.worker.evaluate((u) => fetch(u).then(() => undefined, () => undefined), `${ours.origin}/__privacy-canary-worker`);
    const extPage = await ext.context.newPage();
    await extPage.goto(`${origin}/about.html`);
    await extPage.evaluate((u) => fetch(u).then(() => undefined, () => undefined), `${ours.origin}/__privacy-canary-extension-page`);
    await extPage.close();
    // A fetch from the content script's isolated world, attributed to a file of ours as real content-script code is.
    const page = await ext.context.newPage();
    const cdp = await watchInitiators(page);
    const worlds: number[] = [];
    cdp.on('Runtime.executionContextCreated', (e: { context: { id: number; origin: string } }) => e.context.origin === origin && worlds.push(e.context.id));
    await cdp.send('Runtime.enable');
    await page.goto(`${ours.origin}/article.html`);
    await expect.poll(() => worlds.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await cdp.send('Runtime.evaluate', {
      contextId: worlds.at(-1),
      expression: `fetch(${JSON.stringify(`${ours.origin}/__privacy-canary-content-script`)}).catch(() => 0)\n//# sourceURL=${origin}/content-scripts/canary.js`,
      awaitPromise: true,
    });
    await page.waitForTimeout(500);
    await page.close();
    const canaries = seen.filter(isCanary).map((s) => [new URL(s.url).pathname, sourceOf(s)]);
    expect(canaries).toEqual(
      expect.arrayContaining([
        ['/__privacy-canary-worker', 'worker'],
        ['/__privacy-canary-extension-page', 'extension-page'],
        ['/__privacy-canary-content-script', 'extension-code-in-page'],
      ]),
    );
  });

  it('reading every page, opening a card, the popup, the side panel, options and about: no request but our own files', async () => {
    const urls = pageUrls();
    expect(urls.length).toBeGreaterThan(5);

    // Reference: the same pages with the extension paused.
    await setPaused(true);
    phase = 'paused';
    await inPool(urls, CONCURRENCY, async (url) => (await load(url, false)).close());

    await setPaused(false);
    phase = 'active';
    await inPool(urls, CONCURRENCY, async (url) => {
      const page = await load(url, true);
      if (url.endsWith('/article.html')) {
        // A reader's session on the demo: a card with its sources open, keyboard moves, then the
        // popup, the side panel, options and about for this tab.
        const point = await pointOfText(page, 'Safeguard Defenders');
        await page.mouse.click(point.x, point.y);
        await expect.poll(async () => (await readCardShallow(page)).open, { timeout: 10_000 }).toBe(true);
        await readCardShallow(page, `function () { this.querySelectorAll('details').forEach((d) => (d.open = true)); }`);
        await page.keyboard.press('Escape');
        await page.keyboard.press('Alt+Shift+N');
        await page.keyboard.press('Alt+Shift+O');
        const tabId = await tabIdOf(ext, url);
        for (const path of [`popup.html?tab=${tabId}`, `sidepanel.html?tab=${tabId}`, 'options.html', 'about.html']) {
          const extPage = await ext.context.newPage();
          await extPage.goto(`${origin}/${path}`);
          await extPage.waitForTimeout(OBSERVE_MS / 2);
          await extPage.close();
        }
      }
      await page.close();
    });
    phase = 'after';
    await ext.context.pages()[0]?.waitForTimeout(OBSERVE_MS);

    const real = seen.filter((s) => !isCanary(s)).map((s) => ({ ...s, source: sourceOf(s) }));
    const byExtension = real.filter((s) => s.source !== 'page');
    const leaks = byExtension.filter((s) => !ownFile(s.url));
    // The net: requests of the active loads that the paused loads of the same pages did not make.
    const pausedKeys = new Set(real.filter((s) => s.phase === 'paused').map(key));
    const extra = real.filter((s) => s.phase === 'active' && s.source === 'page' && !ownFile(s.url) && !pausedKeys.has(key(s)));

    const count = (f: (s: (typeof real)[number]) => boolean) => real.filter(f).length;
    console.log(
      [
        `privacy: ${urls.length} pages (${urls.filter((u) => u.startsWith(ours.origin)).length} ours, ${urls.length - urls.filter((u) => u.startsWith(ours.origin)).length} saved news pages), each loaded paused and active`,
        `requests observed: ${real.length} — by pages ${count((s) => s.source === 'page')} (of them to other hosts, refused offline: ${count((s) => s.source === 'page' && !/^https?:\/\/127\.0\.0\.1[:/]/.test(s.url) && !s.url.startsWith('data:'))})`,
        `  by the extension: ${byExtension.length}, all to its own files: ${byExtension.length - leaks.length} (worker ${count((s) => s.source === 'worker')}, extension pages ${count((s) => s.source === 'extension-page')}, its code in pages ${count((s) => s.source === 'extension-code-in-page')})`,
        `  by the extension to anywhere else: ${leaks.length}; extra requests of active loads over paused loads: ${extra.length}`,
        ...[...new Set(byExtension.map((s) => `  [${s.source}] ${s.method} ${s.url.replace(origin, 'chrome-extension://<id>')}`))].sort(),
      ].join('\n'),
    );
    expect(leaks.map((s) => `${s.source} ${s.method} ${s.url} (from ${s.from})`)).toEqual([]);
    expect(extra.map((s) => `${s.method} ${s.url} (from ${s.from})`)).toEqual([]);
    // Our own pages did load their files: the attribution above was exercised on real traffic.
    expect(count((s) => s.source === 'extension-page' && ownFile(s.url))).toBeGreaterThan(4);
  }, 300_000);
});
