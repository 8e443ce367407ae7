/**
 * A fact-checker's round trip in real Chromium: select text, annotate it, find it anchored after a
 * reload, re-anchored after the page changed around it, orphaned (never misplaced) when the passage
 * is gone, and exported then imported back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pageHighlights, pointOfText, ROOT, selectText, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { clickInCard, onCardRoot, readCard, typeInCard } from './card';

const PASSAGE = 'evening crossings would be cut from six to four';
const ORIGINAL = readFileSync(resolve(ROOT, 'tests/fixtures/pages/annotate.html'), 'utf8');

let ext: ExtensionBrowser;
let server: StaticServer;
let page: Page;

const annotationTexts = async (p: Page) => ((await pageHighlights(p))['stationwatch-annotation'] ?? []).map((s) => s.replace(/\s+/g, ' '));

async function storedAnnotations(): Promise<{ id: string; verdict: string; note: string; tags: string[]; citations: { url: string }[]; author: { name: string }; selectors: { quote: { exact: string } } }[]> {
  const panel = await ext.context.newPage();
  await panel.goto(`chrome-extension://${ext.extensionId}/options.html`);
  const list = await panel.evaluate(() => chrome.runtime.sendMessage({ to: 'background', name: 'annotations-query', body: { query: {} } }));
  await panel.close();
  return (list as { data: never[] }).data;
}

beforeAll(async () => {
  server = await serveStatic([resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension();
  await waitForDataset(ext);
  await ext.worker.evaluate(async () => {
    await chrome.storage.local.set({
      settings: {
        paused: false, discreet: false, highlights: true, annotateButton: true, disabledSites: [], feedUrl: '',
        author: { name: 'Test Checker', organisation: 'Verify Desk', url: 'https://verify.example/' },
      },
    });
  });
  page = await ext.context.newPage();
  await page.goto(`${server.origin}/annotate.html`);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('annotating a passage', () => {
  it('selects text, opens the editor from the Annotate button, saves, and highlights the passage', async () => {
    await selectText(page, PASSAGE);
    // The adder is a small button in our shadow root, beside the selection.
    await expect.poll(() => onCardRoot(page, `function () { return !!this.querySelector('.sw-adder'); }`).catch(() => false), { timeout: 10_000 }).toBe(true);
    await clickInCard(page, '.sw-adder');
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    expect((await readCard(page)).text).toContain(PASSAGE);
    await clickInCard(page, 'input[value="misleading"]');
    await typeInCard(page, 'textarea[name="note"]', 'The cut is from six to five, per the **council agenda**.');
    await typeInCard(page, 'textarea[name="urls"]', 'https://example.org/council-agenda');
    await typeInCard(page, 'input[name="tags"]', 'ferry, budget');
    await clickInCard(page, 'button.sw-primary');
    await expect.poll(() => annotationTexts(page), { timeout: 10_000 }).toContain(PASSAGE);
    const [stored] = await storedAnnotations();
    expect(stored!.verdict).toBe('misleading');
    expect(stored!.tags).toEqual(['ferry', 'budget']);
    expect(stored!.citations[0]!.url).toBe('https://example.org/council-agenda');
    expect(stored!.author.name).toBe('Test Checker');
    expect(stored!.selectors.quote.exact).toBe(PASSAGE);
  });

  it('opens the annotation’s own card when its highlight is clicked', async () => {
    await page.mouse.click(5, 5);
    const point = await pointOfText(page, 'cut from six');
    await page.mouse.click(point.x, point.y);
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    const card = await readCard(page);
    expect(card.text).toContain('Misleading');
    expect(card.text).toContain('council agenda');
    expect(card.text).toContain('Test Checker');
    await page.keyboard.press('Escape');
  });

  it('is anchored again after a reload', async () => {
    await page.reload();
    await expect.poll(() => annotationTexts(page), { timeout: 10_000 }).toContain(PASSAGE);
  });

  it('re-anchors when the page changed around the passage', async () => {
    const changed = ORIGINAL.replace('<p id="intro">', '<p>An editor’s note was added at the top of this story.</p>\n<p id="intro">')
      .replace('A spokesperson said the <b>evening crossings</b> would', 'A council spokesperson said on Tuesday   the <b>evening crossings</b> would');
    server.override('/annotate.html', changed);
    await page.reload();
    await expect.poll(() => annotationTexts(page), { timeout: 10_000 }).toContain(PASSAGE);
    server.override('/annotate.html', null);
  });

  it('becomes an orphan, not a wrong highlight, when the passage is gone', async () => {
    server.override('/annotate.html', ORIGINAL.replace(/<p id="claim">[\s\S]*?<\/p>/, '<p id="claim">The timetable was not discussed further.</p>'));
    await page.reload();
    await page.waitForTimeout(1500);
    expect(await annotationTexts(page)).toEqual([]);
    const tabId = await tabIdOf(ext, page);
    // As lib/messaging.ts's sendToTab delivers a command: the page script's command function, called in its isolated world.
    const status = await ext.worker.evaluate(
      async (id) =>
        (
          await chrome.scripting.executeScript({
            target: { tabId: id, frameIds: [0] },
            func: (command: unknown) => (globalThis as unknown as { __stationwatchCommand: (c: unknown) => Promise<{ data: unknown }> }).__stationwatchCommand(command),
            args: [{ to: 'tab', name: 'annotation-status', body: {} }],
          })
        )[0]!.result as { data: unknown },
      tabId,
    );
    expect(status.data).toEqual([expect.objectContaining({ status: 'orphan' })]);
    server.override('/annotate.html', null);
  });

  it('exports to W3C JSON-LD and imports back to an equal annotation', async () => {
    const before = await storedAnnotations();
    const panel = await ext.context.newPage();
    const tabId = await tabIdOf(ext, page);
    await panel.goto(`chrome-extension://${ext.extensionId}/sidepanel.html?tab=${tabId}`);
    await panel.getByRole('tab', { name: 'Annotations' }).click();
    const downloadPromise = panel.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export W3C Web Annotation (JSON-LD)' }).click();
    const download = await downloadPromise;
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect([exported['@context']].flat()).toContain('http://www.w3.org/ns/anno.jsonld');
    // Delete it, then bring it back from the file.
    await panel.getByRole('button', { name: 'Delete' }).first().click();
    await expect.poll(async () => (await storedAnnotations()).length).toBe(0);
    await panel.locator('[data-testid=import-file]').setInputFiles(file);
    await expect.poll(() => panel.locator('[data-testid=import-preview]').textContent()).toContain('1 new');
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(async () => (await storedAnnotations()).length).toBe(1);
    expect(await storedAnnotations()).toEqual(before);
    await panel.close();
  });
});
