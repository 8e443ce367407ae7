/**
 * Pages that change after load: stories appended by infinite scroll get highlighted, text that
 * disappears takes its highlights with it, and a single-page app's navigation is read as a new page
 * (badge included). Changes are read block by block, not by walking the whole page again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, waitForDecision, pageHighlights, ROOT, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { IsolatedWorld } from './isolated-world';
import { readCard } from './card';

let ext: ExtensionBrowser;
let server: StaticServer;

beforeAll(async () => {
  server = await serveStatic([resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension();
  await waitForDataset(ext);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

/** Every text our highlights cover, current/flash styles excluded. */
async function highlighted(page: Page): Promise<string[]> {
  const h = await pageHighlights(page);
  return Object.entries(h)
    .filter(([name]) => name.startsWith('stationwatch-') && name !== 'stationwatch-current' && name !== 'stationwatch-flash')
    .flatMap(([, texts]) => texts.map((t) => t.replace(/\s+/g, ' ')));
}

async function badge(page: Page): Promise<string> {
  const tabId = await tabIdOf(ext, page);
  return ext.worker.evaluate((id: number) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

async function open(path: string): Promise<{ page: Page; world: IsolatedWorld }> {
  const page = await ext.context.newPage();
  const world = await IsolatedWorld.attach(page, ext.extensionId);
  await page.goto(`${server.origin}${path}`);
  await waitForDecision(ext, page, world);
  return { page, world };
}

describe('infinite scroll', () => {
  let page: Page;
  let world: IsolatedWorld;

  beforeAll(async () => {
    ({ page, world } = await open('/infinite-scroll/index.html'));
  });
  afterAll(async () => {
    await world.detach();
    await page.close();
  });

  it('starts with nothing to show: the first stories are off topic', async () => {
    expect(await page.locator('article').count()).toBe(3);
    expect(await highlighted(page)).toEqual([]);
    expect(await badge(page)).toBe('');
  });

  it('highlights stories appended when the reader scrolls to the end: the first look reads only the new blocks', async () => {
    const before = (await world.stats())!;
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(() => page.locator('article').count()).toBeGreaterThanOrEqual(6);
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['Safeguard Defenders', '110 Overseas']));
    await expect.poll(() => badge(page)).toMatch(/^[1-9]\d*$/);
    const after = (await world.stats())!;
    const since = after.scans.slice(before.scans.length);
    const pageChars = await page.evaluate(() => document.body.innerText.length);
    // The always-on script looked at the appended articles only, never the page again…
    const looks = since.filter((s) => s.kind === 'first-look');
    expect(looks.length).toBeGreaterThan(0);
    for (const look of looks) expect(look.pageChars).toBeLessThan(pageChars * 0.75);
    // …and once they held a term, the page scanner loaded and read the page once.
    expect(since.filter((s) => s.kind === 'full')).toHaveLength(1);
  });

  it('keeps working as the feed grows, batch after batch, reading only the new blocks', async () => {
    const before = (await world.stats())!;
    let count = await page.locator('article').count();
    while (count < 10) {
      // Up, then to the end: the feed loads more when its end comes into view.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.evaluate(() => new Promise(requestAnimationFrame));
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await expect.poll(() => page.locator('article').count(), { timeout: 5_000 }).toBeGreaterThan(count);
      count = await page.locator('article').count();
    }
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['Lu Jianwang', 'Patrol and Persuade']));
    const texts = await highlighted(page);
    // Off-topic stories in between stay untouched.
    for (const t of texts) expect(t).not.toMatch(/bakery|ferry|choir|cycle lane|roadworks/i);
    const total = Number(await badge(page));
    expect(total).toBeGreaterThanOrEqual(5);
    // With the scanner running, each rescan walked the appended articles only, never the page again.
    const after = (await world.stats())!;
    const rescans = after.scans.slice(Math.max(0, after.scans.length - (after.scanCount - before.scanCount))).filter((s) => s.kind === 'partial' || s.kind === 'full' || s.kind === 'skipped');
    expect(rescans.length).toBeGreaterThan(0);
    for (const scan of rescans) {
      expect(scan.kind).not.toBe('full');
      expect(scan.walkedNodes).toBeLessThanOrEqual(6 * 2);
    }
  });

  it('drops highlights whose text leaves the page, and keeps the others', async () => {
    const badgeBefore = Number(await badge(page));
    await page.evaluate(() => document.querySelector('article[data-story="6"]')!.remove());
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).not.toContain('Lu Jianwang');
    const texts = await highlighted(page);
    expect(texts).toEqual(expect.arrayContaining(['Safeguard Defenders', 'Patrol and Persuade']));
    await expect.poll(async () => Number(await badge(page))).toBeLessThan(badgeBefore);
    // No highlight may point at a node that left the document.
    const stale = await page.evaluate(() => {
      let n = 0;
      for (const [name, h] of CSS.highlights) if (name.startsWith('stationwatch-')) for (const r of h) if (!r.startContainer.isConnected) n++;
      return n;
    });
    expect(stale).toBe(0);
  });

  it('follows a mention whose words are edited in place', async () => {
    await page.evaluate(() => {
      const p = document.querySelector('article[data-story="3"] p')!;
      p.firstChild!.textContent = p.textContent!.replace('Safeguard Defenders', 'A rights group');
    });
    // Until the batch is read again the old ranges cover shifted characters; then they are recut.
    await expect
      .poll(async () => {
        const texts = await highlighted(page);
        return texts.includes('110 Overseas') && !texts.includes('Safeguard Defenders') && !texts.some((t) => t.startsWith('A rights'));
      }, { timeout: 10_000 })
      .toBe(true);
    // Every highlight covers whole words of the edited text.
    const pageText = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' '));
    for (const t of await highlighted(page)) expect(pageText).toMatch(new RegExp(`(^|\\P{L})${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\P{L}|$)`, 'u'));
  });
});

describe('single-page app navigation', () => {
  let page: Page;
  let world: IsolatedWorld;

  beforeAll(async () => {
    ({ page, world } = await open('/spa/index.html'));
  });
  afterAll(async () => {
    await world.detach();
    await page.close();
  });

  it('reads a pushState navigation as a new page: new highlights and a new badge', async () => {
    expect(await highlighted(page)).toEqual([]);
    expect(await badge(page)).toBe('');
    await page.click('a[data-view=stations]');
    expect(page.url()).toMatch(/\?view=stations$/);
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['110 Overseas', 'Safeguard Defenders', 'Patrol and Persuade', 'Capel Street']));
    await expect.poll(() => badge(page)).toMatch(/^[1-9]\d*$/);
    // The findings the popup and side panel show belong to the new URL.
    const tabId = await tabIdOf(ext, page);
    const findings = await ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`], tabId);
    expect(findings.url).toMatch(/\?view=stations$/);
    expect(findings.onTopic).toBe(true);
  });

  it('clears highlights and badge when the app navigates to an unrelated view', async () => {
    await page.click('a[data-view=weather]');
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => badge(page)).toBe('');
    // Nothing of ours is left in the page's highlight registry.
    expect(await page.evaluate(() => [...CSS.highlights.keys()].filter((k) => k.startsWith('stationwatch-')))).toEqual([]);
  });

  it('rescans on back navigation (popstate)', async () => {
    await page.goBack();
    expect(page.url()).toMatch(/\?view=stations$/);
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['110 Overseas']));
    await expect.poll(() => badge(page)).toMatch(/^[1-9]\d*$/);
  });

  it('treats an in-page anchor as the same page: no rescan of the whole page, highlights kept', async () => {
    const before = (await world.stats())!;
    await page.evaluate(() => {
      location.hash = 'top';
    });
    await page.waitForTimeout(1000);
    const after = (await world.stats())!;
    const since = after.scans.slice(after.scans.length - (after.scanCount - before.scanCount));
    expect(since.filter((s) => s.kind === 'full')).toEqual([]);
    expect(await highlighted(page)).toEqual(expect.arrayContaining(['110 Overseas']));
  });
});

describe('nested trees', () => {
  it('finds mentions in an open shadow root and a same-origin iframe (not in hidden or pixel frames), highlights both in place, and a click in the frame opens its card', async () => {
    const { page, world } = await open('/shadow-iframe/index.html');
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['110 Overseas', 'Safeguard Defenders']));
    const tabId = await tabIdOf(ext, page);
    await expect
      .poll(async () => {
        const f = await ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`], tabId);
        return (f?.mentions ?? []).map((m: { text: string }) => m.text);
      })
      .toEqual(expect.arrayContaining(['110 Overseas', 'Safeguard Defenders', 'Patrol and Persuade']));
    // The frame's mentions are painted in the frame's own highlight registry.
    const frame = page.frames().find((f) => f.url().endsWith('/shadow-iframe/frame.html'))!;
    const frameHighlights = () =>
      frame.evaluate(() =>
        [...CSS.highlights]
          .filter(([name]) => name.startsWith('stationwatch-'))
          .flatMap(([, h]) => [...h].map((r) => {
            const range = document.createRange();
            range.setStart(r.startContainer, r.startOffset);
            range.setEnd(r.endContainer, r.endOffset);
            return range.toString();
          })),
      );
    await expect.poll(frameHighlights, { timeout: 10_000 }).toContain('Patrol and Persuade');
    // A click on it inside the frame opens its card in the page, beside the words, not over them.
    const inFrame = await frame.evaluate(() => {
      const node = document.getElementById('frame-text')!.firstChild as Text;
      const at = node.data.indexOf('Patrol and Persuade');
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 'Patrol'.length);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    const frameBox = (await page.locator('#frame').boundingBox())!;
    const point = { x: frameBox.x + 1 + inFrame.x, y: frameBox.y + 1 + inFrame.y };
    await page.mouse.click(point.x, point.y);
    await expect.poll(async () => (await readCard(page)).open, { timeout: 10_000 }).toBe(true);
    const card = await readCard(page);
    expect(card.text).toContain('Patrol and Persuade');
    expect(card.rect!.top >= point.y + 6 || card.rect!.bottom <= point.y - 6).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readCard(page)).open).toBe(false);
    // The library text on the page itself is not a mention, nor is text in a hidden or pixel-sized frame.
    expect((await highlighted(page)).some((t) => /library|Quay Road/.test(t))).toBe(false);
    const reported = await ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`], tabId);
    const texts = (reported?.mentions ?? []).map((m: { text: string }) => m.text);
    expect(texts).not.toContain('Capel Street');
    expect(texts).not.toContain('Lu Jianwang');
    // Text added to the shadow root later is read too.
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Later: Chen Jinping pleaded guilty in a New York court.';
      document.getElementById('box')!.shadowRoot!.append(p);
    });
    await expect.poll(() => highlighted(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['Chen Jinping']));
    await world.detach();
    await page.close();
  });
});
