/**
 * Stand-in extensions for the page benchmarks: one manifest content script at document_idle that
 * says when it is done, measured by the same rules as ours (bench/profile.ts). bench/page.ts's null
 * extension and bench/page-bound.ts's readers are such stand-ins.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../tests/e2e/harness';
import type { IsolatedWorld } from '../tests/e2e/isolated-world';
import type { ScanStats } from '../lib/page/scan-stats';
import { profiledVisit } from './profile';

/** What a stand-in's script runs when it is done: the scan stats the benchmarks wait for. */
export const STAND_IN_DONE = 'globalThis.__stationwatchStats = { scriptStartMs: 0, firstScanDoneMs: performance.now(), scanCount: 1, scans: [] };';

/** Writes an unpacked extension whose one content script is `script` (which must run STAND_IN_DONE when done). */
export function writeStandIn(name: string, script: string, permissions: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'stationwatch-bench-stand-in-'));
  const manifest = {
    manifest_version: 3,
    name,
    version: '1.0',
    permissions,
    background: { service_worker: 'background.js' },
    content_scripts: [{ matches: ['http://*/*'], js: ['content.js'], run_at: 'document_idle' }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'background.js'), '');
  writeFileSync(join(dir, 'content.js'), script);
  return dir;
}

/** CPU a stand-in's content script costs on `url` (same profile rules as ours). */
export async function standInCpu(ext: ExtensionBrowser, url: string): Promise<number> {
  // A stand-in has no background that decides: its script says when it is done.
  const done = async (_page: Page, world: IsolatedWorld): Promise<ScanStats> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const stats = await world.stats().catch(() => null);
      if (stats && stats.firstScanDoneMs >= 0) return stats;
      if (Date.now() > deadline) throw new Error('the stand-in content script did not finish');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const visit = await profiledVisit(ext, url, done);
  await visit.world.detach();
  await visit.page.close();
  return visit.cpu.totalMs;
}
