/**
 * What a moderator sees on the checker page: pasted text split into sentences with the known claim,
 * its status and why it matched (or "No known claim"); a CSV of posts checked in a worker with a
 * chosen column, progress to 100%, a filterable results table, cancel, and exports in which a
 * formula-like post cannot run as a formula.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { EXTENSION_DIR, launchWithExtension, ROOT, waitForDataset, type ExtensionBrowser } from './harness';

interface ShippedClaim {
  id: string;
  text: string;
  status: string;
  denialIds: string[];
}

// The dataset the built extension ships, so expectations follow the data rather than copies of it.
const shipped = JSON.parse(readFileSync(join(EXTENSION_DIR, 'data/dataset.json'), 'utf8')) as { claims: ShippedClaim[]; denials: { id: string; speaker: string }[] };
const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
const statusLabel = (status: string) => messages[`status_${status.replace(/-/g, '_')}`]!.message;
// One canonical claim per status, each a single sentence.
const byStatus = new Map<string, ShippedClaim>();
for (const c of shipped.claims) if (!byStatus.has(c.status) && !/\.\s/.test(c.text.trim().slice(0, -1))) byStatus.set(c.status, c);
const known = shipped.claims.find((c) => c.denialIds.length > 0 && !/\.\s/.test(c.text.trim().slice(0, -1)))!;
const UNRELATED = 'My neighbour’s cat sleeps all afternoon on the warm windowsill.';
const FORMULA_POST = `=SUM(A1) ${known.text}`;

let ext: ExtensionBrowser;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stationwatch-checker-'));
  ext = await launchWithExtension();
  await waitForDataset(ext);
  page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/checker.html`);
});

afterAll(async () => {
  await ext?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sentences = (p: Page) => p.locator('[data-testid=sentence]');

async function readDownload(p: Page, button: RegExp): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: button }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path!, 'utf8') };
}

describe('checker page: pasted text', () => {
  it('shows the known claim with its id, status and why for one sentence, and "No known claim" for the other', async () => {
    await page.getByLabel(/Text to check/).fill(`${known.text} ${UNRELATED}`);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 15_000 }).toBe('Sentences checked: 2. Matching a known claim: 1.');
    const [first, second] = [sentences(page).nth(0), sentences(page).nth(1)];
    expect(await first.locator('.sentence-text').textContent()).toBe(known.text);
    const best = first.locator('li.match').first();
    expect(await best.locator('.claim-id').textContent()).toBe(known.id);
    expect(await best.locator('.match-head .sw-status').textContent()).toBe(statusLabel(known.status));
    expect(await best.locator('.match-head .score').textContent()).toMatch(/^Score (0\.[5-9]\d|1\.00)$/);
    const why = await best.locator('.why').textContent();
    expect(why).toMatch(/^Why it matched:terms: "/);
    // The context is open for the best match: the claim, China's position beside it, and sources.
    const context = best.locator('details.match-context');
    expect(await context.getAttribute('open')).not.toBeNull();
    const contextText = (await context.textContent())!;
    expect(contextText).toContain('What China says');
    const denial = shipped.denials.find((d) => d.id === known.denialIds[0])!;
    expect(contextText).toContain(denial.speaker);
    expect(contextText).toMatch(/Sources \(\d+\)/);
    expect(await second.locator('.sentence-text').textContent()).toBe(UNRELATED);
    expect(await second.locator('.no-claim').textContent()).toBe('No known claim');
    expect(await second.locator('li.match').count()).toBe(0);
  });

  it('checks the text it is opened with (the "Check this claim" menu opens checker.html?text=…)', async () => {
    const other = await ext.context.newPage();
    await other.goto(`chrome-extension://${ext.extensionId}/checker.html?text=${encodeURIComponent(UNRELATED)}`);
    await expect.poll(() => other.getByRole('status').first().textContent(), { timeout: 15_000 }).toBe('Sentences checked: 1. Matching a known claim: 0.');
    expect(await other.getByLabel(/Text to check/).inputValue()).toBe(UNRELATED);
    expect(await sentences(other).locator('.no-claim').textContent()).toBe('No known claim');
    await other.close();
  });
});

describe('side panel', () => {
  it('has a "Check claims" tab with the same checker, and the page tab stays the default', async () => {
    const panel = await ext.context.newPage();
    await panel.goto(`chrome-extension://${ext.extensionId}/sidepanel.html`);
    const pageTab = panel.getByRole('tab', { name: 'On this page' });
    const checkTab = panel.getByRole('tab', { name: 'Check claims' });
    expect(await pageTab.getAttribute('aria-selected')).toBe('true');
    expect(await panel.getByTestId('summary').isVisible()).toBe(true);
    await checkTab.click();
    expect(await checkTab.getAttribute('aria-selected')).toBe('true');
    expect(await panel.getByTestId('summary').isVisible()).toBe(false);
    await panel.getByLabel(/Text to check/).fill(`${UNRELATED}\n${known.text}`);
    await panel.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => panel.getByRole('status').first().textContent(), { timeout: 15_000 }).toBe('Sentences checked: 2. Matching a known claim: 1.');
    expect(await sentences(panel).nth(0).locator('.no-claim').textContent()).toBe('No known claim');
    expect(await sentences(panel).nth(1).locator('li.match .claim-id').first().textContent()).toBe(known.id);
    // Switching away and back keeps the text and the results.
    await pageTab.click();
    await checkTab.click();
    expect(await panel.getByLabel(/Text to check/).inputValue()).toBe(`${UNRELATED}\n${known.text}`);
    expect(await sentences(panel).count()).toBe(2);
    await panel.close();
  });
});

describe('checker page: a CSV of posts', () => {
  const posts = [FORMULA_POST, UNRELATED, ...[...byStatus.values()].map((c) => c.text), 'The council will repave the high street next spring, officials said.'];

  it('reads the header, checks the chosen column in a worker to 100% and lists every post', async () => {
    const file = join(dir, 'posts.csv');
    const rows = posts.map((text, i) => [String(i + 1), `user${i}`, text, String(i * 3)]);
    writeFileSync(file, Papa.unparse({ fields: ['id', 'author', 'body', 'likes'], data: rows }, { newline: '\r\n' }));
    await page.setInputFiles('#batch-file', file);
    const column = page.getByLabel('Column with the posts');
    await expect.poll(() => column.locator('option').allTextContents()).toEqual(['id', 'author', 'body', 'likes']);
    await column.selectOption('body');
    expect(await page.locator('.batch-samples li').first().textContent()).toBe(FORMULA_POST);
    await page.getByRole('button', { name: 'Check all posts' }).click();
    const bar = page.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    const matched = posts.length - 2;
    await expect.poll(() => page.getByTestId('batch-status').textContent()).toMatch(new RegExp(`^Done: ${posts.length} posts checked in \\d+\\.\\d s; ${matched} match a known claim\\.$`));
    const table = page.getByTestId('batch-table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['Line', 'Post', 'Best matching claim', 'Score', 'Status', 'Why it matched']);
    const trs = table.locator('tbody tr');
    expect(await trs.count()).toBe(posts.length);
    expect(await trs.locator('td:nth-child(2)').allTextContents()).toEqual(posts);
    expect(await trs.nth(0).locator('td:nth-child(3) strong').textContent()).toBe(known.id);
    expect(await trs.nth(1).locator('td:nth-child(3)').textContent()).toBe('No known claim');
    expect(await page.getByTestId('batch-page').textContent()).toBe(`Posts 1–${posts.length} of ${posts.length}`);
  });

  it('filters by status, and exports only those rows with the formula-like post neutralised', async () => {
    const status = known.status;
    const filter = page.getByLabel('Status', { exact: true });
    const option = (await filter.locator('option').allTextContents()).find((o) => o.startsWith(`${statusLabel(status)} (`))!;
    await filter.selectOption({ label: option });
    const trs = page.getByTestId('batch-table').locator('tbody tr');
    const shownStatuses = await trs.locator('td:nth-child(5)').allTextContents();
    expect(shownStatuses.length).toBeGreaterThan(0);
    expect(shownStatuses.length).toBeLessThan(posts.length);
    expect(new Set(shownStatuses)).toEqual(new Set([statusLabel(status)]));
    expect(await trs.locator('td:nth-child(2)').allTextContents()).toContain(FORMULA_POST);

    const csv = await readDownload(page, /^Export CSV/);
    expect(csv.name).toMatch(/^stationwatch-claims-\d{8}-\d{4}\.csv$/);
    const parsed = Papa.parse<string[]>(csv.text.replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(['input', 'claimId', 'score', 'status', 'negated', 'why', 'otherMatches']);
    expect(parsed.length - 1).toBe(shownStatuses.length);
    // The first cell whose post starts with "=" is written with a leading apostrophe, and no cell
    // anywhere starts with a formula trigger.
    const cells = parsed.slice(1).flat();
    const neutralised = cells.find((c) => c.replace(/^'/, '').startsWith('='));
    expect(neutralised).toBe(`'${FORMULA_POST}`);
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    for (const row of parsed.slice(1)) expect(row[3]).toBe(status);

    // JSON lines keep the post exactly as written.
    const jsonl = await readDownload(page, /^Export JSON lines/);
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as { input: string; matches: { claimId: string; status: string }[] });
    expect(lines.length).toBe(shownStatuses.length);
    expect(lines[0]).toMatchObject({ input: FORMULA_POST, matches: [{ claimId: known.id, status }] });
  });

  it('cancels a long run, keeps what was checked, and the page answers meanwhile', async () => {
    const file = join(dir, 'many.csv');
    const count = 60_000;
    const body = Array.from({ length: count }, (_, i) => `${i},"${i % 3 ? UNRELATED.replace(/"/g, '""') : known.text} #${i}"`).join('\n');
    writeFileSync(file, `n,text\n${body}\n`);
    await page.setInputFiles('#batch-file', file);
    await expect.poll(() => page.getByLabel('Column with the posts').inputValue()).toBe('text');
    await page.getByRole('button', { name: 'Check all posts' }).click();
    const bar = page.getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    // The main thread keeps painting frames while the worker matches.
    const frames = await page.evaluate(() => new Promise<number>((resolve) => {
      let n = 0;
      const end = performance.now() + 500;
      const tick = () => (performance.now() < end ? (n++, requestAnimationFrame(tick)) : resolve(n));
      requestAnimationFrame(tick);
    }));
    expect(frames).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('batch-status').textContent(), { timeout: 10_000 }).toMatch(/^Cancelled after [\d,]+ posts; their results are below\.$/);
    const done = Number((await page.getByTestId('batch-status').textContent())!.replace(/\D/g, ''));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(count);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
    // Only one page of the results is in the DOM, however many posts were checked.
    expect(await page.getByTestId('batch-table').locator('tbody tr').count()).toBe(Math.min(50, done));
    expect(await page.getByTestId('batch-page').textContent()).toBe(`Posts 1–${Math.min(50, done)} of ${done.toLocaleString('en')}`);
  });

  it('names the line of a malformed record and keeps the posts before it', async () => {
    const file = join(dir, 'broken.csv');
    writeFileSync(file, `text,n\n"${known.text}",1\nfine post,2\n"unclosed "quote,3\nlater,4\n`);
    await page.setInputFiles('#batch-file', file);
    // Warned before the run, from the first records.
    await expect.poll(() => page.getByTestId('batch-warning').textContent()).toMatch(/^A record near the start is malformed \(line 4: unexpected "q" after a closing quote/);
    await page.getByRole('button', { name: 'Check all posts' }).click();
    await expect.poll(() => page.getByTestId('batch-error').textContent(), { timeout: 15_000 }).toBe(
      'Stopped: line 4: unexpected "q" after a closing quote (quotes inside a quoted field are written ""). The results below cover the 2 posts checked before that.',
    );
    expect(await page.getByTestId('batch-table').locator('tbody tr td:nth-child(2)').allTextContents()).toEqual([known.text, 'fine post']);
  });
});
