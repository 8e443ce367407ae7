/**
 * What a reader sees on the demo article: highlights over the right words, the card by click and by
 * keyboard with China's denial beside the allegation and working source links, Escape closing it,
 * the popup's count and the side panel's jump.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pageHighlights, pointOfText, ROOT, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { onCardRoot, readCard } from './card';

let ext: ExtensionBrowser;
let server: StaticServer;
let page: Page;

async function waitForHighlights(p: Page): Promise<Record<string, string[]>> {
  await p.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 15_000 });
  return pageHighlights(p);
}

const allHighlighted = (h: Record<string, string[]>) =>
  Object.entries(h)
    .filter(([name]) => name !== 'stationwatch-current' && name !== 'stationwatch-flash')
    .flatMap(([, texts]) => texts);

beforeAll(async () => {
  server = await serveStatic([resolve(ROOT, 'demo'), resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension();
  await waitForDataset(ext);
  // The machine is offline: answer every request that leaves 127.0.0.1 with a stub page, so that
  // following a source link can be checked by the URL it opens.
  await ext.context.route(
    (url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1',
    (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>stub</title>' }),
  );
  page = await ext.context.newPage();
  await page.goto(`${server.origin}/article.html`);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('demo article', () => {
  it('highlights the story’s names and terms, and not the unrelated police station', async () => {
    const highlights = await waitForHighlights(page);
    const texts = allHighlighted(highlights).map((t) => t.replace(/\s+/g, ' '));
    const covers = (needle: string) => texts.some((t) => t.includes(needle));
    expect(covers('Safeguard Defenders')).toBe(true);
    expect(covers('110 Overseas')).toBe(true);
    expect(covers('Patrol and Persuade')).toBe(true);
    expect(covers('America ChangLe Association')).toBe(true);
    // The last paragraph is about an ordinary police station: no highlight may touch it.
    expect(texts.some((t) => t.includes('Harbour district'))).toBe(false);
    const paragraphHighlighted = await page.evaluate(() => {
      const p = [...document.querySelectorAll('p')].find((el) => el.textContent!.includes('Harbour district'))!;
      for (const [name, h] of CSS.highlights) {
        if (!name.startsWith('stationwatch-')) continue;
        for (const r of h) if (p.contains(r.startContainer)) return true;
      }
      return false;
    });
    expect(paragraphHighlighted).toBe(false);
    // The page text itself is untouched: no wrapper elements were added.
    expect(await page.evaluate(() => document.querySelectorAll('mark, [data-stationwatch-mention]').length)).toBe(0);
  });

  it('opens a card on click with the allegation, China’s position and sources, and Escape closes it', async () => {
    const point = await pointOfText(page, 'Safeguard Defenders');
    await page.mouse.click(point.x, point.y);
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    const card = await readCard(page);
    expect(card.role).toBe('dialog');
    expect(card.heading).toBeTruthy();
    expect(card.text).toContain('Safeguard Defenders');
    // The card never covers the words it explains.
    const wordTop = point.y - 6;
    const wordBottom = point.y + 6;
    expect(card.rect!.top >= wordBottom || card.rect!.bottom <= wordTop).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readCard(page)).open).toBe(false);
  });

  it('opens a claim or station card with China’s denial beside it and a working source link', async () => {
    const point = await pointOfText(page, 'Capel Street');
    await page.mouse.click(point.x, point.y);
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    let card = await readCard(page);
    expect(card.text).toMatch(/What China says/);
    expect(card.text).toMatch(/What authorities did/);
    expect(card.text).toMatch(/Dublin/);
    expect(card.text).toMatch(/Data as of \d{4}-\d{2}-\d{2}/);
    // Sources are folded; open them as a reader would and follow one.
    await onCardRoot(page, `function () { this.querySelectorAll('details').forEach((d) => (d.open = true)); this.querySelector('.sw-card a')?.scrollIntoView({ block: 'nearest' }); return true; }`);
    card = await readCard(page);
    expect(card.links.length).toBeGreaterThan(0);
    for (const link of card.links) expect(link.href).toMatch(/^https?:\/\//);
    const link = card.links[0]!;
    const popupPromise = ext.context.waitForEvent('page', { timeout: 10_000 });
    await page.mouse.click(link.x, link.y);
    const opened = await popupPromise;
    expect(opened.url()).toBe(link.href);
    await opened.close();
    await page.bringToFront();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readCard(page)).open).toBe(false);
  });

  it('reaches mentions by keyboard, announces them, and opens the card with focus inside', async () => {
    await page.mouse.click(5, 5);
    await page.keyboard.press('Alt+Shift+N');
    await expect.poll(async () => (await pageHighlights(page))['stationwatch-current']?.length ?? 0).toBeGreaterThan(0);
    await expect.poll(async () => (await readCard(page)).live).toMatch(/Mention \d+ of \d+/);
    const [, first, total] = /Mention (\d+) of (\d+)/.exec((await readCard(page)).live)!.map(Number);
    await page.keyboard.press('Alt+Shift+N');
    const expected = (first! % total!) + 1;
    await expect.poll(async () => (await readCard(page)).live).toMatch(new RegExp(`Mention ${expected} of ${total}`));
    await page.keyboard.press('Alt+Shift+P');
    await expect.poll(async () => (await readCard(page)).live).toMatch(new RegExp(`Mention ${first} of ${total}`));
    await page.keyboard.press('Alt+Shift+O');
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    const card = await readCard(page);
    expect(card.focusInside).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readCard(page)).open).toBe(false);
  });

  it('popup shows the page’s counts, verdict and dataset version', async () => {
    const tabId = await tabIdOf(ext, page);
    const popup = await ext.context.newPage();
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(async () => popup.locator('[data-testid=count]').textContent(), { timeout: 10_000 }).toMatch(/This page mentions \d+ stations, \d+ claims/);
    const count = await popup.locator('[data-testid=count]').textContent();
    const [, stations] = /mentions (\d+) stations/.exec(count!)!;
    expect(Number(stations)).toBeGreaterThanOrEqual(2);
    await expect(popup.locator('[data-testid=verdict]').textContent()).resolves.toMatch(/About the overseas police stations story/);
    await expect(popup.locator('[data-testid=dataset]').textContent()).resolves.toMatch(/Dataset v\d+\.\d+\.\d+, as of \d{4}-\d{2}-\d{2}/);
    const badge = await ext.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    expect(Number(badge)).toBeGreaterThan(0);
    await popup.close();
  });

  it('side panel lists mentions grouped by record and jumps to one', async () => {
    const tabId = await tabIdOf(ext, page);
    const panel = await ext.context.newPage();
    await panel.goto(`chrome-extension://${ext.extensionId}/sidepanel.html?tab=${tabId}`);
    await expect.poll(async () => panel.locator('[data-testid=summary]').textContent(), { timeout: 10_000 }).toMatch(/\d+ mentions of \d+ records/);
    const groups = await panel.locator('section.group').count();
    expect(groups).toBeGreaterThan(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    const buttons = panel.locator('button.mention');
    const last = buttons.nth((await buttons.count()) - 1);
    await last.click();
    await expect.poll(async () => (await pageHighlights(page))['stationwatch-flash']?.length ?? 0).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await panel.close();
  });
});
