/**
 * What any content script that reads a page pays, against the floor of bench/page.ts:
 * `npm run bench:page-bound -- DIR [--limit N]`.
 *
 * Loads every .html page in DIR (non-recursively) in headless Chromium with three stand-in
 * extensions, each one manifest content script at document_idle, and in a Chromium without any:
 *
 * - empty: a script that only says it is done: the cost of running any content script at all;
 * - innerText: a script that reads the page's rendered text (`document.body.innerText`) and stops,
 *   the cheapest way there is to look at all of a page's text (lib/page/first-look.ts);
 * - innerText + shadow: the same, plus the open shadow roots of custom elements found with one
 *   XPath query, as Stationwatch's first look does.
 *
 * Their work is measured as bench/page.ts measures ours (V8 sampling profiler plus the compile of
 * the script, bench/profile.ts), and divided by the page's floor (a bare TreeWalker pass over its
 * text nodes in the first isolated world, bench/floor.ts). Printed: per variant, the median work and
 * the median work ÷ floor: how much of the targets of the issue "On the page" (≤ 2 on pages without
 * the story, ≤ 8 on pages with it) any script that reads the page has spent before it does anything else.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, launchWithExtension, serveStatic, type ExtensionBrowser } from '../tests/e2e/harness';
import { firstWorldFloor } from './floor';
import { median } from './median';
import { STAND_IN_DONE, standInCpu, writeStandIn } from './stand-in';

const USAGE = 'usage: npm run bench:page-bound -- DIR [--limit N]';
/** The page settles this long before its floor is taken (as bench/page.ts waits). */
const SETTLE_MS = 800;

/** Each stand-in's script (each then says it is done, as bench/page.ts's null extension does). */
const VARIANTS: Record<string, string> = {
  empty: '',
  innerText: 'globalThis.__read = (document.body ?? document.documentElement).innerText.length;',
  'innerText + shadow': `{
  const root = document.body ?? document.documentElement;
  let n = root.innerText.length;
  const hosts = document.evaluate('descendant::*[contains(local-name(), "-")]', root, null, 7, null);
  for (let i = 0; i < hosts.snapshotLength; i++) { const s = hosts.snapshotItem(i).shadowRoot; if (s) for (const c of s.children) n += c.innerText?.length ?? 0; }
  globalThis.__read = n;
}`,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let limit = Infinity;
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--limit') limit = Number(args[++i]);
    else if (args[i]!.startsWith('--')) throw new Error(`unknown option ${args[i]}\n${USAGE}`);
    else dirs.push(resolve(args[i]!));
  }
  if (dirs.length !== 1 || !(limit > 0)) throw new Error(USAGE);
  const pages = readdirSync(dirs[0]!).filter((f) => f.endsWith('.html')).sort().slice(0, limit);
  const server = await serveStatic(dirs);
  const bare = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
  const exts = new Map<string, ExtensionBrowser>();
  for (const [name, script] of Object.entries(VARIANTS)) {
    const ext = await launchWithExtension(writeStandIn(`Stationwatch bench stand-in: ${name}`, `${script}\n${STAND_IN_DONE}\n`));
    // Offline: whatever a saved page asks of other hosts fails fast instead of hanging.
    await ext.context.route((u) => u.protocol.startsWith('http') && u.hostname !== '127.0.0.1', (route) => route.abort());
    exts.set(name, ext);
  }
  const floors: number[] = [];
  const work = new Map<string, number[]>([...exts.keys()].map((k) => [k, []]));
  const ratio = new Map<string, number[]>([...exts.keys()].map((k) => [k, []]));
  try {
    for (const [i, page] of pages.entries()) {
      const url = `${server.origin}/${encodeURIComponent(page)}`;
      try {
        const fl = await firstWorldFloor(bare, url, SETTLE_MS);
        const row: string[] = [];
        const ms = new Map<string, number>();
        for (const [name, ext] of exts) ms.set(name, await standInCpu(ext, url));
        floors.push(fl);
        for (const [name, v] of ms) {
          work.get(name)!.push(v);
          ratio.get(name)!.push(v / Math.max(fl, 0.05));
          row.push(`${name} ${v.toFixed(1)} ms`);
        }
        process.stderr.write(`[${i + 1}/${pages.length}] ${page}: floor ${fl.toFixed(2)} ms, ${row.join(', ')}\n`);
      } catch (error) {
        process.stderr.write(`[${i + 1}/${pages.length}] ${page}: failed: ${(error as Error).message.split('\n')[0]}\n`);
      }
    }
  } finally {
    for (const ext of exts.values()) await ext.close().catch(() => undefined);
    await bare.close();
    await server.close();
  }
  console.log(`${floors.length} of ${pages.length} pages measured; median floor ${median(floors).toFixed(2)} ms`);
  console.log('| stand-in content script | median work ms | median work ÷ floor |');
  console.log('|---|---:|---:|');
  for (const name of exts.keys()) console.log(`| ${name} | ${median(work.get(name)!).toFixed(2)} | ${median(ratio.get(name)!).toFixed(2)} |`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:page-bound failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
