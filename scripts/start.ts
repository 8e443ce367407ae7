/**
 * `npm start`: build the extension, open Chromium with it on the demo article, and show what a
 * reader gets. With a display the browser stays open; without one it writes screenshots and prints
 * a summary of the findings.
 */
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchWithExtension, pointOfText, ROOT, serveStatic, tabIdOf, waitForDataset } from '../tests/e2e/harness';
import type { PageFindings } from '../lib/protocol';

const OUT = resolve(ROOT, 'artifacts');
const headful = !!process.env.DISPLAY && process.env.STATIONWATCH_HEADLESS !== '1';

console.log('Building the extension (chrome-mv3)…');
execSync('npx wxt build', { cwd: ROOT, stdio: 'inherit' });

const server = await serveStatic([resolve(ROOT, 'demo'), resolve(ROOT, 'tests/fixtures/pages')]);
const ext = await launchWithExtension(undefined, { headless: !headful });
await waitForDataset(ext);
const page = await ext.context.newPage();
await page.goto(`${server.origin}/article.html`);
await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('stationwatch-')), undefined, { timeout: 15_000 });

const tabId = await tabIdOf(ext, page);
const findings = (await ext.worker.evaluate(async (id) => {
  const got = await chrome.storage.session.get(`findings:${id}`);
  return got[`findings:${id}`] ?? null;
}, tabId)) as PageFindings | null;

mkdirSync(OUT, { recursive: true });
await page.screenshot({ path: resolve(OUT, 'demo-highlights.png') });
const point = await pointOfText(page, 'Capel Street');
await page.mouse.click(point.x, point.y);
await page.waitForTimeout(800);
await page.screenshot({ path: resolve(OUT, 'demo-card.png') });
const popup = await ext.context.newPage();
await popup.setViewportSize({ width: 360, height: 520 });
await popup.goto(`chrome-extension://${ext.extensionId}/popup.html?tab=${tabId}`);
await popup.waitForSelector('[data-testid=verdict]');
await popup.waitForTimeout(300);
await popup.screenshot({ path: resolve(OUT, 'demo-popup.png') });

console.log(`\nDemo page: ${server.origin}/article.html`);
if (findings) {
  console.log(`On topic: ${findings.onTopic} (score ${findings.score.toFixed(2)})`);
  for (const reason of findings.reasons) console.log(`  - ${reason}`);
  console.log(`Mentions: ${findings.mentionCount}; stations: ${findings.stationIds.join(', ') || 'none'}; claims: ${findings.claimIds.join(', ') || 'none'}`);
  for (const m of findings.mentions.slice(0, 40)) console.log(`  [${m.kind}] "${m.text}" → ${m.refs.join(', ') || '(topic)'}`);
}
console.log(`\nScreenshots: ${OUT}/demo-highlights.png, demo-card.png, demo-popup.png`);

if (headful) {
  await popup.close();
  console.log('Chromium is open with Stationwatch on the demo page; close the browser window to finish.');
  await new Promise<void>((done) => ext.context.on('close', () => done()));
} else {
  await ext.close();
}
await server.close();
