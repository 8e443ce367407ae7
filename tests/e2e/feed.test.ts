/**
 * The dataset in real Chromium: installed on first run, updated from a signed feed served on
 * 127.0.0.1, and a tampered feed rejected with a clear message and the data unchanged.
 *
 * The private key of the bundled public key never leaves the maintainer, so this suite builds the
 * extension in the `e2efeed` mode with a public key generated for this run (see dataset-service.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchWithExtension, ROOT, serveStatic, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { exportPublicKey, generateFeedKeyPair, signFeed } from '../../lib/dataset/feed';
import { loadDatasetFromDir } from '../../lib/dataset/load-node';

const OUT = resolve(ROOT, '.output/chrome-mv3-e2efeed');
let ext: ExtensionBrowser;
let server: StaticServer;
let options: Page;
let privateKey: CryptoKey;
const bundled = loadDatasetFromDir();

function bump(version: string, by: number): string {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major}.${minor}.${patch! + by}`;
}

async function publish(version: string, tamper = false): Promise<void> {
  const ds = { ...bundled, version, changelog: [...bundled.changelog, { version, date: bundled.asOf, summary: `Test release ${version}.` }] };
  const body = new TextEncoder().encode(JSON.stringify(ds));
  const signature = await signFeed(body, privateKey);
  if (tamper) body[body.length - 10] = body[body.length - 10]! ^ 0x01;
  server.override('/feed/dataset.json', Buffer.from(body));
  server.override('/feed/dataset.json.sig', signature);
}

async function checkNow(): Promise<string> {
  const message = options.locator('[data-testid=options-message]');
  const before = (await message.count()) ? await message.textContent() : null;
  await options.getByRole('button', { name: 'Check for an update now' }).click();
  await expect.poll(async () => ((await message.count()) ? await message.textContent() : before), { timeout: 15_000 }).not.toBe(before);
  return (await message.textContent())!;
}

async function installedVersion(): Promise<string> {
  return ext.worker.evaluate(async () => (await chrome.storage.local.get('detector')).detector.datasetVersion);
}

beforeAll(async () => {
  const pair = await generateFeedKeyPair();
  privateKey = pair.privateKey;
  execSync('npx wxt build --mode e2efeed', {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, WXT_E2E_FEED_PUBLIC_KEY: await exportPublicKey(pair.publicKey) },
  });
  server = await serveStatic([resolve(ROOT, 'tests/fixtures/pages')]);
  ext = await launchWithExtension(OUT);
  await waitForDataset(ext);
  options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('dataset install and signed updates', () => {
  it('installs the bundled dataset on first run', async () => {
    await expect.poll(() => options.locator('[data-testid=dataset-version]').textContent()).toContain(`Dataset v${bundled.version}, as of ${bundled.asOf}`);
    expect(await installedVersion()).toBe(bundled.version);
  });

  it('installs a newer feed whose signature verifies', async () => {
    const next = bump(bundled.version, 1);
    await publish(next);
    await options.getByLabel('Signed update feed URL').fill(`${server.origin}/feed/dataset.json`);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.locator('[data-testid=options-message]').textContent()).toBe('Saved.');
    expect(await checkNow()).toContain(`Dataset updated to version ${next}`);
    await expect.poll(() => installedVersion()).toBe(next);
    await options.reload();
    await expect.poll(() => options.locator('[data-testid=dataset-version]').textContent()).toContain(`Dataset v${next}`);
  });

  it('rejects a tampered feed with a clear message and keeps the data', async () => {
    const before = await installedVersion();
    const counts = await options.evaluate(() => chrome.runtime.sendMessage({ to: 'background', name: 'dataset-info', body: {} }));
    await publish(bump(bundled.version, 2), true);
    expect(await checkNow()).toMatch(/signature.*current data was kept/i);
    expect(await installedVersion()).toBe(before);
    const after = await options.evaluate(() => chrome.runtime.sendMessage({ to: 'background', name: 'dataset-info', body: {} }));
    expect(after.data.counts).toEqual(counts.data.counts);
    expect(after.data.version).toBe(before);
  });

  it('rejects a feed that is not newer', async () => {
    await publish(bundled.version);
    expect(await checkNow()).toMatch(/already installed|not newer|older/i);
  });
});
