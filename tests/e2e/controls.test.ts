/**
 * Reader controls in the popup: "Off on <site>" removes every highlight and the badge on that site
 * only (the same page on another origin keeps them), "Pause everywhere" stops the extension on every
 * site, and turning either back on restores highlights without reloading the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pageHighlights, ROOT, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';

let ext: ExtensionBrowser;
let server: StaticServer;
/** The demo article on 127.0.0.1 and on localhost: two sites, same server. */
let here: Page;
let there: Page;

const ours = async (page: Page) => Object.keys(await pageHighlights(page)).filter((k) => k.startsWith('stationwatch-')).length;
const adoptedSheets = (page: Page) => page.evaluate(() => document.adoptedStyleSheets.length);

async function badge(page: Page): Promise<string> {
  const tabId = await tabIdOf(ext, page);
  return ext.worker.evaluate((id: number) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

/** The popup as it opens for `page`'s tab. */
async function popupFor(page: Page): Promise<Page> {
  const tabId = await tabIdOf(ext, page);
  const popup = await ext.context.newPage();
  await popup.goto(`chrome-extension://${ext.extensionId}/popup.html?tab=${tabId}`);
  await popup.locator('fieldset input[type=checkbox]').first().waitFor();
  return popup;
}

async function setCheckbox(popup: Page, label: RegExp, checked: boolean): Promise<void> {
  const box = popup.getByLabel(label);
  await expect.poll(() => box.isChecked()).toBe(!checked);
  await box.setChecked(checked);
  await expect.poll(() => box.isChecked()).toBe(checked);
}

beforeAll(async () => {
  server = await serveStatic([resolve(ROOT, 'demo')]);
  ext = await launchWithExtension();
  await waitForDataset(ext);
  here = await ext.context.newPage();
  await here.goto(`${server.origin}/article.html`);
  there = await ext.context.newPage();
  await there.goto(`${server.origin.replace('127.0.0.1', 'localhost')}/article.html`);
  for (const page of [here, there]) await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 15_000 });
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('per-site disable', () => {
  it('"Off on 127.0.0.1" removes highlights, stylesheet and badge there, and only there', async () => {
    expect(Number(await badge(here))).toBeGreaterThan(0);
    const popup = await popupFor(here);
    await setCheckbox(popup, /Off on 127\.0\.0\.1/, true);
    await expect.poll(() => ours(here), { timeout: 10_000 }).toBe(0);
    expect(await adoptedSheets(here)).toBe(0);
    await expect.poll(() => badge(here)).toBe('');
    // The other origin is another site: untouched.
    expect(await ours(there)).toBeGreaterThan(0);
    expect(Number(await badge(there))).toBeGreaterThan(0);
    await popup.close();
  });

  it('stays off after a reload, and clicking a former mention opens nothing', async () => {
    await here.reload();
    await here.waitForLoadState('load');
    await here.waitForTimeout(1000);
    expect(await ours(here)).toBe(0);
    expect(await badge(here)).toBe('');
    const box = await here.locator('p', { hasText: 'Safeguard Defenders' }).first().boundingBox();
    await here.mouse.click(box!.x + 20, box!.y + 5);
    await here.waitForTimeout(500);
    expect(await here.evaluate(() => document.querySelector('[data-stationwatch-ui]'))).toBeNull();
  });

  it('turning the site back on restores highlights and the badge without a reload', async () => {
    const popup = await popupFor(here);
    await setCheckbox(popup, /Off on 127\.0\.0\.1/, false);
    await expect.poll(() => ours(here), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => Number(await badge(here))).toBeGreaterThan(0);
    await popup.close();
  });
});

describe('global pause', () => {
  it('"Pause everywhere" clears every site, and un-pausing brings highlights back', async () => {
    const popup = await popupFor(there);
    await setCheckbox(popup, /Pause everywhere/, true);
    for (const page of [here, there]) {
      await expect.poll(() => ours(page), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => badge(page)).toBe('');
      expect(await adoptedSheets(page)).toBe(0);
    }
    // Content added while paused is not read either.
    await here.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Added while paused: Safeguard Defenders again.';
      document.querySelector('article')!.append(p);
    });
    await here.waitForTimeout(800);
    expect(await ours(here)).toBe(0);
    await setCheckbox(popup, /Pause everywhere/, false);
    for (const page of [here, there]) {
      await expect.poll(() => ours(page), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(async () => Number(await badge(page))).toBeGreaterThan(0);
    }
    await popup.close();
  });

  it('the keyboard shortcut for highlights hides and shows them on the page only', async () => {
    await here.bringToFront();
    await here.mouse.click(5, 5);
    await here.keyboard.press('Alt+Shift+H');
    await expect.poll(() => ours(here)).toBe(0);
    // Detection still runs: the badge keeps the count.
    expect(Number(await badge(here))).toBeGreaterThan(0);
    await here.keyboard.press('Alt+Shift+H');
    await expect.poll(() => ours(here)).toBeGreaterThan(0);
  });
});
