/**
 * Real Chromium with the built extension, and a static server on 127.0.0.1 for test pages.
 * Used by the e2e suite, `npm start` and the page benchmarks.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { IsolatedWorld } from './isolated-world';
import type { ScanStats } from '../../lib/page/scan-stats';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXTENSION_DIR = resolve(ROOT, '.output/chrome-mv3');

/** Debian's Chromium unless STATIONWATCH_CHROMIUM (or CHROMIUM_PATH) names another binary. */
export function chromiumPath(): string {
  const path = process.env.STATIONWATCH_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}; install it (apt-get install -y chromium) or set STATIONWATCH_CHROMIUM`);
  return path;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.sig': 'text/plain',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  origin: string;
  server: Server;
  /** Requests the server saw, in order (path only). */
  requests: string[];
  /** Replace or add a file served at a path (tests of feeds and changed pages). */
  /** `cacheable`: served without `no-store`, which keeps a page out of the back/forward cache. */
  override(path: string, body: string | Buffer | null, opts?: { cacheable?: boolean }): void;
  close(): Promise<void>;
}

/** Serves `dirs` (first match wins) on 127.0.0.1 with a random port. Files outside them are never served. */
export async function serveStatic(dirs: string[]): Promise<StaticServer> {
  const roots = dirs.map((d) => resolve(d));
  const overrides = new Map<string, string | Buffer>();
  const cacheable = new Set<string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const over = overrides.get(url.pathname);
    if (over !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream', 'cache-control': cacheable.has(url.pathname) ? 'no-cache' : 'no-store' });
      res.end(over);
      return;
    }
    for (const root of roots) {
      const file = normalize(join(root, decodeURIComponent(url.pathname)));
      if (!file.startsWith(root)) break;
      const target = existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
      if (existsSync(target) && statSync(target).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(readFileSync(target));
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    requests,
    override(path, body, opts) {
      if (opts?.cacheable) cacheable.add(path);
      else cacheable.delete(path);
      if (body === null) overrides.delete(path);
      else overrides.set(path, body);
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with the built extension loaded and waits for its service worker.
 * `backForwardCache`: keep Chromium's back/forward cache on (Playwright turns it off by default).
 */
export async function launchWithExtension(extensionDir = EXTENSION_DIR, opts: { headless?: boolean; backForwardCache?: boolean } = {}): Promise<ExtensionBrowser> {
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`no built extension in ${extensionDir}; run npm run build`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'stationwatch-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: opts.headless ?? true,
    viewport: { width: 1280, height: 900 },
    ...(opts.backForwardCache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let worker = context.serviceWorkers()[0];
  worker ??= await context.waitForEvent('serviceworker', { timeout: 30_000 });
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the background has installed the dataset and published the detector. */
export async function waitForDataset(ext: ExtensionBrowser): Promise<void> {
  await ext.worker.evaluate(async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const got = await chrome.storage.local.get('detector');
      if (got.detector) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the detector was never published');
  });
}

/** The browser's id for the tab showing `page`. */
export async function tabIdOf(ext: ExtensionBrowser, page: Page): Promise<number> {
  const url = page.url();
  const id = await ext.worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t: { url?: string; id?: number }) => t.url === u)?.id ?? -1;
  }, url);
  if (id < 0) throw new Error(`no tab for ${url}`);
  return id;
}

/**
 * Waits until Stationwatch has decided `page` (what the badge shows): the background's "nothing
 * found" after the first look, or the page scanner's findings after its first paint. Returns the
 * scan stats of the extension's world in the page.
 */
export async function waitForDecision(ext: ExtensionBrowser, page: Page, world: IsolatedWorld, timeoutMs = 15_000): Promise<ScanStats> {
  const deadline = Date.now() + timeoutMs;
  const tabId = await tabIdOf(ext, page);
  for (;;) {
    const findings = await ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`] ?? null, tabId).catch(() => null);
    const stats = findings ? await world.stats().catch(() => null) : null;
    if (stats) return stats;
    if (Date.now() > deadline) throw new Error(`the page was not decided in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Names and sizes of the page's custom highlights (visible to the page, as the spec says). */
export async function pageHighlights(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const [name, highlight] of CSS.highlights) {
      out[name] = [...highlight].map((r) => {
        const range = document.createRange();
        range.setStart(r.startContainer, r.startOffset);
        range.setEnd(r.endContainer, r.endOffset);
        return range.toString();
      });
    }
    return out;
  });
}

/** Centre of the first client rect of the first occurrence of `text` in the page. */
export async function pointOfText(page: Page, text: string): Promise<{ x: number; y: number }> {
  const point = await page.evaluate((needle) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = (n as Text).data.indexOf(needle);
      if (i >= 0) {
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + needle.length);
        range.startContainer.parentElement?.scrollIntoView({ block: 'center' });
        const r = range.getClientRects()[0];
        if (r) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
    }
    return null;
  }, text);
  if (!point) throw new Error(`text not on page: ${text}`);
  return point;
}

/** Selects the first occurrence of `text` with a real mouse drag, as a reader would. */
export async function selectText(page: Page, text: string): Promise<void> {
  const ends = await page.evaluate((needle) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes: Text[] = [];
    let all = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push(n as Text);
      all += (n as Text).data;
    }
    const at = all.indexOf(needle);
    if (at < 0) return null;
    const locate = (offset: number) => {
      let acc = 0;
      for (const node of nodes) {
        if (offset < acc + node.data.length) return { node, offset: offset - acc };
        acc += node.data.length;
      }
      return null;
    };
    const rectOf = (offset: number) => {
      const p = locate(offset)!;
      const r = document.createRange();
      r.setStart(p.node, p.offset);
      r.setEnd(p.node, p.offset + 1);
      return r.getBoundingClientRect();
    };
    const first = rectOf(at);
    const last = rectOf(at + needle.length - 1);
    return { x1: first.left + 0.5, y1: first.top + first.height / 2, x2: last.right - 0.5, y2: last.top + last.height / 2 };
  }, text);
  if (!ends) throw new Error(`text not on page: ${text}`);
  await page.mouse.move(ends.x1, ends.y1);
  await page.mouse.down();
  await page.mouse.move((ends.x1 + ends.x2) / 2, (ends.y1 + ends.y2) / 2, { steps: 4 });
  await page.mouse.move(ends.x2, ends.y2, { steps: 4 });
  await page.mouse.up();
}
