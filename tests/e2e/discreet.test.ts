/**
 * Discreet mode leaves no trace in the page: with it on, the demo article after the scan (and
 * after a reader's clicks and shortcuts) is byte-for-byte the page the browser shows with the
 * extension paused — same markup, no adopted stylesheet, no highlight registry entry, no element of
 * ours, not one DOM mutation seen by the page — while the toolbar badge still shows the count.
 * A control run with discreet mode off shows the same checks do see the extension when it paints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pointOfText, ROOT, serveStatic, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { reportedFindings, snapshotBuild, tabIdOf, watchPage, type ExtensionError } from './extension-watch';

/** After the report, time for anything late (rescans run 250 ms after a change, the UI loads on demand). */
const SETTLE_MS = 1_500;

let ext: ExtensionBrowser;
let server: StaticServer;
let build: { dir: string; remove(): void };
const errors: ExtensionError[] = [];

interface Trace {
  html: string;
  adoptedSheets: number;
  styleSheets: number;
  highlights: number;
  elements: number;
  ourElements: number;
  mutations: number;
  /** Attributes on <html> and <body>: a class or data- attribute would tell the page we are here. */
  rootAttributes: string;
}

/** Everything a page script could look at to notice the extension. */
async function trace(page: Page): Promise<Trace> {
  return page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    adoptedSheets: document.adoptedStyleSheets.length,
    styleSheets: document.styleSheets.length,
    highlights: CSS.highlights.size,
    elements: document.getElementsByTagName('*').length,
    ourElements: document.querySelectorAll('stationwatch-ui, [data-stationwatch-ui], [class*="stationwatch"], [data-stationwatch-mention]').length,
    mutations: (window as unknown as { __mutations: number }).__mutations,
    rootAttributes: [document.documentElement, document.body].map((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`).join(' ')).join(' | '),
  }));
}

async function setSettings(patch: Record<string, unknown>): Promise<void> {
  await ext.worker.evaluate(async (p) => {
    const current = ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<string, unknown>;
    await chrome.storage.local.set({ settings: { ...current, ...p } });
  }, patch);
}

/** Opens the demo article in a fresh tab, counting from the first byte every DOM mutation a page script would see. */
async function openDemo(): Promise<{ page: Page; tabId: number }> {
  const page = await ext.context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __mutations: number };
    w.__mutations = 0;
    new MutationObserver((records) => (w.__mutations += records.length)).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await watchPage(ext, page, errors);
  const url = `${server.origin}/article.html`;
  await page.goto(url);
  const tabId = await tabIdOf(ext, url);
  expect(tabId).toBeGreaterThanOrEqual(0);
  return { page, tabId };
}

beforeAll(async () => {
  build = snapshotBuild();
  server = await serveStatic([resolve(ROOT, 'demo')]);
  ext = await launchWithExtension(build.dir);
  await waitForDataset(ext);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
  build?.remove();
});

describe('discreet mode', () => {
  let paused: Trace;

  it('paused: the reference page', async () => {
    await setSettings({ paused: true, discreet: false });
    const { page, tabId } = await openDemo();
    await page.waitForTimeout(SETTLE_MS);
    paused = await trace(page);
    expect(paused.highlights).toBe(0);
    expect(paused.ourElements).toBe(0);
    expect(await ext.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId)).toBe('');
    await page.close();
  });

  it('control: with discreet mode off the same checks see the extension', async () => {
    await setSettings({ paused: false, discreet: false });
    const { page, tabId } = await openDemo();
    const findings = await reportedFindings(ext, tabId, 15_000);
    expect(findings?.onTopic).toBe(true);
    await page.waitForFunction(() => CSS.highlights.size > 0, undefined, { timeout: 10_000 });
    const shown = await trace(page);
    expect(shown.highlights).toBeGreaterThan(0);
    expect(shown.adoptedSheets).toBeGreaterThan(paused.adoptedSheets);
    await page.close();
  });

  it('on: the page after the scan is identical to the paused page, and the badge shows the count', async () => {
    await setSettings({ paused: false, discreet: true });
    const { page, tabId } = await openDemo();
    const findings = await reportedFindings(ext, tabId, 15_000);
    expect(findings).not.toBeNull();
    expect(findings!.discreet).toBe(true);
    expect(findings!.onTopic).toBe(true);
    expect(findings!.mentionCount).toBeGreaterThan(0);
    await page.waitForTimeout(SETTLE_MS);

    const after = await trace(page);
    expect(after.html).toBe(paused.html);
    expect(after.adoptedSheets).toBe(paused.adoptedSheets);
    expect(after.styleSheets).toBe(paused.styleSheets);
    expect(after.elements).toBe(paused.elements);
    expect(after.rootAttributes).toBe(paused.rootAttributes);
    expect(after.highlights).toBe(0);
    expect(after.ourElements).toBe(0);
    expect(after.mutations).toBe(paused.mutations);

    // Claims are spotted after the first report (terms first, claims when idle): compare the badge
    // with the page's latest findings.
    const latest = await reportedFindings(ext, tabId, 15_000);
    const badge = await ext.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    expect(badge).toBe(String(latest!.mentionCount > 999 ? '999+' : latest!.mentionCount));
    expect(latest!.mentionCount).toBeGreaterThanOrEqual(findings!.mentionCount);

    // A reader clicking a mention and pressing every shortcut still changes nothing in the page.
    const point = await pointOfText(page, 'Safeguard Defenders');
    await page.mouse.click(point.x, point.y);
    for (const chord of ['Alt+Shift+N', 'Alt+Shift+O', 'Alt+Shift+H', 'Alt+Shift+A']) await page.keyboard.press(chord);
    await page.waitForTimeout(SETTLE_MS);
    const touched = await trace(page);
    expect(touched.html).toBe(paused.html);
    expect(touched.adoptedSheets).toBe(paused.adoptedSheets);
    expect(touched.highlights).toBe(0);
    expect(touched.ourElements).toBe(0);
    expect(touched.mutations).toBe(paused.mutations);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('turning discreet mode on in an open tab removes every trace', async () => {
    await setSettings({ paused: false, discreet: false });
    const { page, tabId } = await openDemo();
    await reportedFindings(ext, tabId, 15_000);
    await page.waitForFunction(() => CSS.highlights.size > 0, undefined, { timeout: 10_000 });
    // Open the card so that the on-demand UI is in the page too.
    const point = await pointOfText(page, 'Safeguard Defenders');
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(() => document.querySelector('[data-stationwatch-ui]') !== null, undefined, { timeout: 10_000 });
    await setSettings({ discreet: true });
    await expect.poll(async () => (await trace(page)).highlights, { timeout: 10_000 }).toBe(0);
    await expect.poll(async () => (await trace(page)).ourElements, { timeout: 10_000 }).toBe(0);
    const after = await trace(page);
    expect(after.adoptedSheets).toBe(paused.adoptedSheets);
    expect(after.html).toBe(paused.html);
    expect(errors).toEqual([]);
    await page.close();
  });
});
