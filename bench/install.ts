/**
 * `npm run bench:install`: how long installing the dataset takes.
 *  1. In Node (fake-indexeddb): parse + validate + integrity, then the Dexie install transaction,
 *     median of 20 runs, beside a baseline in the same run (parse + validate only).
 *  2. In real Chromium with the built extension: first run on a fresh profile, from the service
 *     worker starting to the detector being published (fetch, validate, install into IndexedDB,
 *     compile the detector), median of 5 launches. Needs `npm run build` first.
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Dexie from 'dexie';
import { StationwatchDb, installDataset, readInstalledDataset } from '../lib/db';
import { loadDatasetFromDir } from '../lib/dataset/load-node';
import { parseDataset } from '../lib/dataset/schema';
import { checkIntegrity } from '../lib/dataset/integrity';
import { EXTENSION_DIR, launchWithExtension } from '../tests/e2e/harness';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const dataset = loadDatasetFromDir();
const json = JSON.stringify(dataset);
console.log(`dataset ${dataset.version}: ${(json.length / 1024).toFixed(0)} KiB, ${dataset.claims.length} claims, ${dataset.stations.length} stations, ${dataset.terms.length} terms`);

const baseline: number[] = [];
const install: number[] = [];
const readBack: number[] = [];
for (let i = 0; i < 20; i++) {
  let t0 = performance.now();
  const parsed = parseDataset(JSON.parse(json));
  if (checkIntegrity(parsed).length) throw new Error('dataset fails integrity');
  baseline.push(performance.now() - t0);
  const db = new StationwatchDb(`bench-install-${i}`);
  t0 = performance.now();
  await installDataset(db, parseDataset(JSON.parse(json)), 'bundled');
  install.push(performance.now() - t0);
  t0 = performance.now();
  await readInstalledDataset(db);
  readBack.push(performance.now() - t0);
  db.close();
  await Dexie.delete(`bench-install-${i}`);
}
console.log('\nNode, fake-indexeddb (20 runs, median)');
console.log(`  baseline: parse + validate + integrity   ${ms(median(baseline))}`);
console.log(`  install transaction (all tables)         ${ms(median(install))}`);
console.log(`  read back into memory                    ${ms(median(readBack))}`);

if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
  console.log('\nChromium: skipped (no build in .output/chrome-mv3; run npm run build)');
  process.exit(0);
}
const firstRun: number[] = [];
for (let i = 0; i < 5; i++) {
  const ext = await launchWithExtension();
  const elapsed = await ext.worker.evaluate(async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((await chrome.storage.local.get('detector')).detector) return performance.now();
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('detector never published');
  });
  firstRun.push(elapsed);
  await ext.close();
}
console.log('\nChromium, fresh profile (5 launches, median)');
console.log(`  service worker start → dataset installed and detector published   ${ms(median(firstRun))}`);
console.log(`  (all runs: ${firstRun.map((x) => x.toFixed(0)).join(', ')} ms)`);
