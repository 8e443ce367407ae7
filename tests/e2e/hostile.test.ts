/**
 * The extension on hostile pages (tests/fixtures/pages/hostile-*.html, strict-csp.html): pages that
 * override every global and prototype they share a document with, throw in their own listeners,
 * squat the card's element name, build huge and deep DOMs with base-URL tricks, never stop
 * mutating, or forbid all styles by CSP. On each, the extension must raise no error of its own,
 * still find the mentions, and still open a working card that the page cannot reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pointOfText, ROOT, serveStatic, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { readCardShallow, reportedFindings, snapshotBuild, tabIdOf, watchPage, watchWorker, type ExtensionError, type ReportedFindings } from './extension-watch';
import { MAX_HIGHLIGHTS_PER_PAGE } from '../../lib/limits';

const SETTLE_MS = 800;

let ext: ExtensionBrowser;
let server: StaticServer;
let build: { dir: string; remove(): void };
let worker: Awaited<ReturnType<typeof watchWorker>>;

beforeAll(async () => {
  build = snapshotBuild();
  server = await serveStatic([resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension(build.dir);
  await waitForDataset(ext);
  worker = await watchWorker(ext);
  // The base-href page points elsewhere; nothing may leave the machine.
  await ext.context.route((url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
  build?.remove();
});

interface Visit {
  page: Page;
  findings: ReportedFindings | null;
  errors: ExtensionError[];
}

async function visit(file: string): Promise<Visit> {
  const page = await ext.context.newPage();
  const errors: ExtensionError[] = [];
  const watch = await watchPage(ext, page, errors);
  const url = `${server.origin}/${file}`;
  await page.goto(url, { timeout: 30_000 });
  const findings = await reportedFindings(ext, await tabIdOf(ext, url), 20_000);
  // A canary first: a watcher that misses errors would make every check below pass.
  await watch.canary();
  await expect.poll(() => errors.some((e) => e.message.includes('stationwatch-canary')), { timeout: 3_000 }).toBe(true);
  errors.splice(0, errors.length, ...errors.filter((e) => !e.message.includes('stationwatch-canary')));
  await page.waitForTimeout(SETTLE_MS);
  return { page, findings, errors };
}

/** Waits for the card (or an error from the extension, which is then the failure shown). */
async function expectCardOpens(page: Page, errors: ExtensionError[]) {
  await expect.poll(async () => errors.length > 0 || (await readCardShallow(page)).open, { timeout: 10_000 }).toBe(true);
  expect(errors).toEqual([]);
  return readCardShallow(page);
}

/** Clicks the first occurrence of `text` and waits for the card; returns what the reader sees. */
async function openCardOn(page: Page, text: string, errors: ExtensionError[]) {
  const point = await pointOfText(page, text);
  await page.mouse.click(point.x, point.y);
  return expectCardOpens(page, errors);
}

async function noWorkerErrors(): Promise<void> {
  expect(await worker.read()).toEqual([]);
}

describe('hostile pages', () => {
  it('a page overriding globals and prototypes, with throwing listeners, neither breaks nor reaches the extension', async () => {
    const { page, findings, errors } = await visit('hostile-globals.html');
    expect(findings?.onTopic).toBe(true);
    expect(findings!.mentionCount).toBeGreaterThan(2);
    const card = await openCardOn(page, 'Safeguard Defenders', errors);
    expect(card.text).toContain('Safeguard Defenders');
    for (const link of card.links) expect(link.href).toMatch(/^https?:\/\//);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readCardShallow(page)).open).toBe(false);
    await page.keyboard.press('Alt+Shift+N');
    await page.keyboard.press('Alt+Shift+O');
    await expectCardOpens(page, errors);
    const hostile = await page.evaluate(() => (window as unknown as { __hostile: { uiCalls: string[]; listenerThrows: number } }).__hostile);
    // The page's own fake UI object was never used: the card UI lives in the isolated world.
    expect(hostile.uiCalls).toEqual([]);
    expect(hostile.listenerThrows).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.querySelector('[data-stationwatch-ui]')?.shadowRoot ?? null)).toBeNull();
    expect(errors).toEqual([]);
    await noWorkerErrors();
    await page.close();
  });

  it('a page that defines the card’s element name first gets no handle on the card', async () => {
    const { page, findings, errors } = await visit('hostile-custom-element.html');
    expect(findings?.onTopic).toBe(true);
    const card = await openCardOn(page, 'Safeguard Defenders', errors);
    expect(card.text).toContain('Safeguard Defenders');
    const seen = await page.evaluate(() => {
      const h = (window as unknown as { __hostile: { constructed: number; connected: number; grabbed: Element[] } }).__hostile;
      const host = document.querySelector('[data-stationwatch-ui]');
      return { constructed: h.constructed, connected: h.connected, grabbed: h.grabbed.length, openShadow: host?.shadowRoot ? host.shadowRoot.innerHTML.length : null };
    });
    // The page's constructor must not have run on our host, nor left an open shadow root on it.
    expect(seen).toEqual({ constructed: 0, connected: 0, grabbed: 0, openShadow: null });
    expect(errors).toEqual([]);
    await noWorkerErrors();
    await page.close();
  });

  it('a huge, deep page with shadow roots, frames and a base-URL trick: found, capped, card links absolute', async () => {
    const started = Date.now();
    const { page, findings, errors } = await visit('hostile-dom.html');
    expect(findings?.onTopic).toBe(true);
    expect(findings!.mentionCount).toBe(MAX_HIGHLIGHTS_PER_PAGE);
    expect(Date.now() - started).toBeLessThan(25_000);
    const card = await openCardOn(page, 'Safeguard Defenders', errors);
    const links = (await readCardShallow(page, `function () { this.querySelectorAll('details').forEach((d) => (d.open = true)); }`)).links;
    expect(card.open).toBe(true);
    expect(links.length).toBeGreaterThan(0);
    // <base href> rewrites relative URLs in the page; our links are absolute and never point there.
    for (const link of links) {
      expect(link.href).toMatch(/^https?:\/\//);
      expect(link.href).not.toContain('base-trick.invalid');
    }
    expect(errors).toEqual([]);
    await noWorkerErrors();
    await page.close();
  }, 90_000);

  it('a page that never stops mutating and rewrites its URL', async () => {
    const { page, findings, errors } = await visit('hostile-mutations.html');
    expect(findings?.onTopic).toBe(true);
    // Let it churn through several rescans and pushState navigations.
    await page.waitForTimeout(3_000);
    await page.keyboard.press('Alt+Shift+N');
    await page.keyboard.press('Alt+Shift+O');
    await expectCardOpens(page, errors);
    expect(errors).toEqual([]);
    await noWorkerErrors();
    await page.close();
  });

  it('a page whose CSP forbids every style still gets a styled card and highlights', async () => {
    const { page, findings, errors } = await visit('strict-csp.html');
    expect(findings?.onTopic).toBe(true);
    await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 10_000 });
    const card = await openCardOn(page, 'Safeguard Defenders', errors);
    expect(card.text).toContain('Safeguard Defenders');
    // Styled means placed beside the mention as a floating card, not dumped unstyled at the page end.
    expect(card.position).toBe('fixed');
    expect(errors).toEqual([]);
    await noWorkerErrors();
    await page.close();
  });

  it('an off-topic page stays untouched', async () => {
    const { page, findings, errors } = await visit('offtopic.html');
    expect(findings?.onTopic).toBe(false);
    expect(await page.evaluate(() => [...CSS.highlights.keys()].filter((k) => k.startsWith('stationwatch-')))).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('[data-stationwatch-ui]'))).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });
});
