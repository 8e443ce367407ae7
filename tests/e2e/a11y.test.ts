/**
 * Accessibility: axe-core (node_modules/axe-core) finds no serious or critical violation in the card,
 * the popup and the side panel (with a record's context open); highlighted text keeps WCAG AA
 * contrast on light and dark pages; the card follows a right-to-left page's direction.
 *
 * The card lives in a CLOSED shadow root so that pages cannot read or restyle it. axe-core walks
 * the DOM through `element.shadowRoot`, which is null for closed roots, so it cannot reach the card
 * (axe.run on a node inside it fails with "No elements found for include in page Context"). The
 * test therefore copies the live shadow root's children (the card's markup, ARIA attributes, ids
 * and its <style>) into an OPEN shadow root on the same page, hides the original, and runs axe on
 * the copy: the same DOM and CSS as a reader gets, at the same place on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, pointOfText, ROOT, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { findNode, readCard, type CdpNode } from './card';

const AXE_SOURCE = readFileSync(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let ext: ExtensionBrowser;
let server: StaticServer;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Injects axe-core into `page`'s main world and runs it on `selector` (the whole document by default). */
async function axeViolations(page: Page, selector?: string): Promise<Violation[]> {
  // Evaluated over the DevTools protocol: extension pages' CSP (script-src 'self') blocks a <script> tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (sel) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const context = sel ? { include: [[sel]] } : document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, selector ?? null);
}

const serious = (violations: Violation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** Copies the card's closed shadow root into an open one (see the file comment) and returns its host selector. */
async function openCopyOfCard(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const host = findNode(root, (n) => (n.attributes ?? []).includes('data-stationwatch-ui'));
    const shadow = host?.shadowRoots?.[0];
    if (!shadow) throw new Error('no card host on the page');
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId: string } };
    await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration: `function () {
        const copy = document.createElement('div');
        copy.id = 'card-copy-for-axe';
        const open = copy.attachShadow({ mode: 'open' });
        for (const child of this.childNodes) open.append(child.cloneNode(true));
        this.host.style.display = 'none';
        document.body.append(copy);
      }`,
    });
  } finally {
    await cdp.detach();
  }
  return '#card-copy-for-axe';
}

async function openDemo(path = '/article.html'): Promise<Page> {
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}${path}`);
  await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 15_000 });
  return page;
}

async function openCardAt(page: Page, text: string): Promise<void> {
  const point = await pointOfText(page, text);
  await page.mouse.click(point.x, point.y);
  await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
}

beforeAll(async () => {
  server = await serveStatic([resolve(ROOT, 'demo'), resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension();
  await waitForDataset(ext);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('axe-core', () => {
  it('finds no serious or critical violation in the card (station record with China’s position and sources open)', async () => {
    const page = await openDemo();
    await openCardAt(page, 'Capel Street');
    const copy = await openCopyOfCard(page);
    // The copy carries the same dialog semantics: prove axe is looking at the real card.
    const role = await page.evaluate((sel) => document.querySelector(sel)!.shadowRoot!.querySelector('.sw-card')?.getAttribute('role'), copy);
    expect(role).toBe('dialog');
    await page.evaluate((sel) => document.querySelector(sel)!.shadowRoot!.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)), copy);
    const violations = await axeViolations(page, copy);
    expect(serious(violations), JSON.stringify(violations, null, 2)).toEqual([]);
    await page.close();
  });

  it('finds no serious or critical violation in the popup', async () => {
    const page = await openDemo();
    const tabId = await tabIdOf(ext, page);
    const popup = await ext.context.newPage();
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(() => popup.locator('[data-testid=count]').count(), { timeout: 10_000 }).toBe(1);
    await popup.locator('details').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const violations = await axeViolations(popup);
    expect(serious(violations), JSON.stringify(violations, null, 2)).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('finds no serious or critical violation in the side panel, with a record’s context (RecordView) open', async () => {
    const page = await openDemo();
    const tabId = await tabIdOf(ext, page);
    const panel = await ext.context.newPage();
    await panel.goto(`chrome-extension://${ext.extensionId}/sidepanel.html?tab=${tabId}`);
    await expect.poll(() => panel.locator('section.group').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    // Open every record's context: the same RecordView the card renders, with a real CardContext.
    const details = panel.locator('section.group details');
    await expect.poll(() => details.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await details.evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await expect.poll(() => panel.locator('section.group details[open] h2, section.group details[open] h3, section.group details[open] p').count()).toBeGreaterThan(0);
    const violations = await axeViolations(panel);
    expect(serious(violations), JSON.stringify(violations, null, 2)).toEqual([]);
    await panel.close();
    await page.close();
  });
});

/** WCAG 2 relative luminance of a CSS colour string ("#rrggbb" or rgb()). */
function luminance(color: string): number {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color.trim());
  const [r, g, b] = hex ? [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) : rgb ? [1, 2, 3].map((i) => Number(rgb[i])) : [NaN, NaN, NaN];
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * For each of our highlight styles present on the page: the text colour and background a reader
 * gets, from the stylesheet the extension adopted into the page (later rules win, as in the
 * cascade) and, where a rule leaves the text colour alone, the page's own colour at that text.
 */
async function highlightColours(page: Page): Promise<{ name: string; color: string; background: string }[]> {
  return page.evaluate(() => {
    const rules = new Map<string, { color?: string; background?: string }>();
    for (const sheet of document.adoptedStyleSheets) {
      for (const rule of sheet.cssRules) {
        const m = /::highlight\((stationwatch-[a-z]+)\)/.exec((rule as CSSStyleRule).selectorText ?? '');
        if (!m) continue;
        const style = (rule as CSSStyleRule).style;
        const entry = rules.get(m[1]!) ?? {};
        if (style.color) entry.color = style.color;
        if (style.backgroundColor) entry.background = style.backgroundColor;
        rules.set(m[1]!, entry);
      }
    }
    const out: { name: string; color: string; background: string }[] = [];
    for (const [name, highlight] of CSS.highlights) {
      const rule = rules.get(name);
      if (!rule?.background) continue;
      for (const range of highlight) {
        const el = range.startContainer.parentElement!;
        out.push({ name, color: rule.color ?? getComputedStyle(el).color, background: rule.background });
      }
    }
    return out;
  });
}

describe('highlight contrast', () => {
  it('keeps AA contrast (4.5:1) for highlighted text on a dark page, with a dark tint', async () => {
    const expected = JSON.parse(readFileSync(resolve(ROOT, 'tests/fixtures/pages/dark/expected.json'), 'utf8')) as { minContrast: number };
    const page = await openDemo('/dark/index.html');
    const colours = await highlightColours(page);
    expect(colours.length).toBeGreaterThan(0);
    for (const c of colours) {
      expect(contrast(c.color, c.background), `${c.name}: ${c.color} on ${c.background}`).toBeGreaterThanOrEqual(expected.minContrast);
      // A light tint under light text would wash it out: on this page the tint must be dark.
      expect(luminance(c.background), `${c.name} tint ${c.background}`).toBeLessThan(0.2);
    }
    await page.close();
  });

  it('keeps AA contrast on a light page, including the keyboard focus ring', async () => {
    const page = await openDemo();
    await page.mouse.click(5, 5);
    await page.keyboard.press('Alt+Shift+N');
    await page.waitForFunction(() => CSS.highlights.has('stationwatch-current'));
    const colours = await highlightColours(page);
    expect(colours.some((c) => c.name === 'stationwatch-current')).toBe(true);
    for (const c of colours) {
      expect(contrast(c.color, c.background), `${c.name}: ${c.color} on ${c.background}`).toBeGreaterThanOrEqual(4.5);
      expect(luminance(c.background), `${c.name} tint ${c.background}`).toBeGreaterThan(0.4);
    }
    await page.close();
  });
});

describe('right-to-left pages', () => {
  it('highlights Arabic and Hebrew terms, and the card takes the page’s direction and stays in view', async () => {
    const expected = JSON.parse(readFileSync(resolve(ROOT, 'tests/fixtures/pages/rtl/expected.json'), 'utf8')) as { found: string[]; notFoundIn: string[] };
    const page = await openDemo('/rtl/index.html');
    const texts = await page.evaluate(() => [...CSS.highlights].flatMap(([, h]) => [...h].map((r) => {
      const range = document.createRange();
      range.setStart(r.startContainer, r.startOffset);
      range.setEnd(r.endContainer, r.endOffset);
      return range.toString();
    })));
    for (const term of expected.found) expect(texts).toContain(term);
    const inUnrelated = await page.evaluate((ids) => {
      let n = 0;
      for (const [, h] of CSS.highlights) for (const r of h) if (ids.some((id) => document.getElementById(id)!.contains(r.startContainer))) n++;
      return n;
    }, expected.notFoundIn);
    expect(inUnrelated).toBe(0);
    await openCardAt(page, 'مراكز شرطة صينية');
    const copy = await openCopyOfCard(page);
    const layout = await page.evaluate((sel) => {
      const root = document.querySelector(sel)!.shadowRoot!;
      const card = root.querySelector('.sw-card')!;
      const r = card.getBoundingClientRect();
      return { dir: getComputedStyle(card).direction, left: r.left, right: r.right, width: innerWidth };
    }, copy);
    expect(layout.dir).toBe('rtl');
    expect(layout.left).toBeGreaterThanOrEqual(0);
    expect(layout.right).toBeLessThanOrEqual(layout.width);
    const violations = await axeViolations(page, copy);
    expect(serious(violations), JSON.stringify(violations, null, 2)).toEqual([]);
    await page.close();
  });
});
