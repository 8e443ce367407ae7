/**
 * A hostile page cannot reach the background or drive the content script. It has no runtime API
 * (the manifest declares no externally_connectable), and everything it can do instead — window
 * messages and DOM events shaped like our envelopes, synthetic key chords and clicks — must change
 * nothing: no highlight, no card, no new tab, no storage or database change, the same badge.
 * (That the background refuses privileged requests from a content-script sender is unit-fuzzed in
 * tests/lib/fuzz-messages.test.ts: a real content script cannot be made to send them from outside.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pageHighlights, pointOfText, ROOT, serveStatic, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { reportedFindings, snapshotBuild, tabIdOf, watchPage, type ExtensionError } from './extension-watch';

/** Time for anything a forged message could have set off (rescans wait 250 ms, the card loads on demand). */
const SETTLE_MS = 1_500;

let ext: ExtensionBrowser;
let server: StaticServer;
let build: { dir: string; remove(): void };
const errors: ExtensionError[] = [];

interface State {
  highlights: Record<string, number>;
  host: boolean;
  tabs: number;
  badge: string;
  local: string;
  session: string;
  database: string;
}

/** Everything a forged message could change, from the page, the browser and the extension's stores. */
async function state(page: Page, tabId: number): Promise<State> {
  const highlights = Object.fromEntries(Object.entries(await pageHighlights(page)).map(([name, texts]) => [name, texts.length]));
  const host = await page.evaluate(() => document.querySelector('[data-stationwatch-ui]') !== null);
  const stores = await ext.worker.evaluate(async (id) => {
    const local = await chrome.storage.local.get(null);
    const session = await chrome.storage.session.get(null);
    const badge = await chrome.action.getBadgeText({ tabId: id });
    // Every table of the extension's database: row counts and contents.
    const database = await new Promise<string>((done, fail) => {
      const open = indexedDB.open('stationwatch');
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const names = [...db.objectStoreNames];
        if (names.length === 0) return done('');
        const tx = db.transaction(names, 'readonly');
        const out: Record<string, unknown> = {};
        for (const name of names) {
          const req = tx.objectStore(name).getAll();
          req.onsuccess = () => (out[name] = req.result);
        }
        tx.oncomplete = () => {
          db.close();
          done(JSON.stringify(Object.entries(out).map(([k, rows]) => [k, (rows as unknown[]).length, rows])));
        };
        tx.onerror = () => fail(tx.error);
      };
    });
    return { local: JSON.stringify(local), session: JSON.stringify(session), badge, database };
  }, tabId);
  return { highlights, host, tabs: ext.context.pages().length, ...stores };
}

async function openForgedPage(): Promise<{ page: Page; tabId: number; before: State }> {
  const page = await ext.context.newPage();
  await watchPage(ext, page, errors);
  const url = `${server.origin}/forged-messages.html`;
  await page.goto(url);
  const tabId = await tabIdOf(ext, url);
  const findings = await reportedFindings(ext, tabId, 15_000);
  expect(findings?.onTopic, 'the page must give the extension something to show, or nothing could change').toBe(true);
  await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 10_000 });
  await page.waitForTimeout(SETTLE_MS);
  return { page, tabId, before: await state(page, tabId) };
}

beforeAll(async () => {
  build = snapshotBuild();
  server = await serveStatic([resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension(build.dir);
  await waitForDataset(ext);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
  build?.remove();
});

describe('a hostile page cannot drive the extension', () => {
  it('has no runtime API to reach the background', async () => {
    const { page } = await openForgedPage();
    const exposed = await page.evaluate(() => {
      const c = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } } }).chrome;
      return { sendMessage: typeof c?.runtime?.sendMessage, connect: typeof c?.runtime?.connect };
    });
    expect(exposed).toEqual({ sendMessage: 'undefined', connect: 'undefined' });
    await page.close();
  });

  it('messages and events shaped like our envelopes change nothing', async () => {
    const { page, tabId, before } = await openForgedPage();
    const report = await page.evaluate((id) => (window as unknown as { forge(id: string): { posted: number; runtime: string; errors: string[] } }).forge(id), ext.extensionId);
    expect(report.posted).toBeGreaterThan(50);
    expect(report.runtime).not.toBe('sendMessage exposed');
    await page.waitForTimeout(SETTLE_MS);
    expect(await state(page, tabId)).toEqual(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  // Each vector on a fresh page, so that one (say, highlights toggled off) cannot mask another.
  const SYNTHETIC: Record<string, string> = {
    'Alt+Shift+H and Alt+Shift+N key events': `for (const code of ['KeyH', 'KeyN']) document.dispatchEvent(new KeyboardEvent('keydown', { code, key: code.slice(3).toLowerCase(), altKey: true, shiftKey: true, bubbles: true, cancelable: true }));`,
    'an Alt+Shift+O key event': `document.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyO', key: 'o', altKey: true, shiftKey: true, bubbles: true, cancelable: true }));`,
    'a click on a mention': `const t = document.elementFromPoint(x, y) ?? document.body; for (const type of ['pointerdown', 'mousedown', 'mouseup', 'click']) t.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true, button: 0, view: window }));`,
    'a selection and a mouseup': `getSelection().selectAllChildren(document.querySelector('p')); document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true })); document.dispatchEvent(new KeyboardEvent('keyup', { key: 'Shift', shiftKey: true, bubbles: true }));`,
  };

  it.each(Object.keys(SYNTHETIC))('page script dispatching %s changes nothing (only a reader’s input counts)', async (vector) => {
    const { page, tabId, before } = await openForgedPage();
    const point = await pointOfText(page, 'Safeguard Defenders');
    await page.evaluate(({ code, x, y }) => new Function('x', 'y', code)(x, y), { code: SYNTHETIC[vector]!, ...point });
    await page.waitForTimeout(SETTLE_MS);
    const after = await state(page, tabId);
    expect({ highlights: after.highlights, cardUiInPage: after.host }, `${vector} from page script drove the extension`).toEqual({ highlights: before.highlights, cardUiInPage: false });
    expect(after).toEqual(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the same chord from the reader’s keyboard still works (the check above is not vacuous)', async () => {
    const { page, tabId, before } = await openForgedPage();
    await page.keyboard.press('Alt+Shift+H');
    await expect.poll(async () => (await state(page, tabId)).highlights, { timeout: 5_000 }).not.toEqual(before.highlights);
    await page.close();
  });
});
