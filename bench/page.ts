/**
 * Page benchmark in real Chromium: `npm run bench:page -- DIR [DIR2 …] [PAGE.html …] [--limit N] [--loads N] [--json FILE] [--no-markjs]`.
 *
 * Loads every .html file under each DIR (recursively; pages given one by one form one more set) from
 * a local server in headless Chromium with a private copy of the built extension (.output/chrome-mv3;
 * run `npx wxt build` first), and in a second Chromium without it, and reports per page and as medians:
 *
 * - work: CPU time the extension's scripts spend in the page from the page script's start until the
 *   page is decided (the background has findings for the tab: "nothing found" after the first look,
 *   or the scanner's report after its first paint), by the V8 sampling profiler: samples whose stack
 *   holds a frame of any of our scripts (page-watch.js, and page-scanner.js where it loads): script
 *   evaluation, the first look, waking, the scan, painting, the report; plus the compile of our
 *   scripts (`v8.compile` trace events: the profiler files a script's compile under "(program)",
 *   and until session 8 it went uncounted here, bench/profile.ts); scan: the deciding scan
 *   alone (the first look, or the scanner's first full scan: collect + detect + paint), timed in the
 *   isolated world, which page scripts cannot read;
 * - null ext: the same page's CPU for a null extension (a manifest content script that only reads
 *   one storage key and stops), measured the same way in a third Chromium: what a conventional
 *   content script costs here; (work − null)/floor is our share above it;
 * - background: the background worker's time on the page's text (the first look's term check and,
 *   on pages with a term, the whole-page decision), read from the worker; it runs in the
 *   extension's process, not the page's;
 * - floor: a bare TreeWalker pass reading every text node's data, as a content script would run it:
 *   in the first isolated world of the page, loaded in the Chromium without the extension (cold DOM
 *   wrappers, like the content script's first walk); ratio = work / floor. The first isolated world
 *   of a page's renderer to touch the DOM pays for setting up every DOM interface it uses, once for
 *   all isolated worlds of that renderer: the same pass in a second world costs about half (corpus,
 *   43 pages: mean 1.05 ms first, 0.52 ms second; bench/page-results.md). Our script is the first
 *   world in its page and pays that, so the floor is taken where it pays it too. The pass in a
 *   second world of the page with the extension (the floor's definition before session 5) is
 *   reported as well ("2nd-world floor");
 * - longest: the longest stretch of uninterrupted extension work (profiler) or single rescan;
 * - heap: JS heap of the page with the extension minus without it, after a forced GC;
 * - burst: a fixed burst of page DOM mutations (insert, edit, remove around text, with a layout read
 *   every 100 operations), timed by the page while our highlights exist ÷ the same page with them
 *   hidden (the reader's toggle), in alternating rounds after a warm-up; "vs bare" compares with the
 *   page in a Chromium without the extension (different process: noisier); rescan: our work after
 *   each burst;
 * - mark.js: `new Mark(document.body).mark(term)` for every term of the dataset's list (npm mark.js
 *   8.11.1, separateWordSearch off, acrossElements on; terms it cannot compile are skipped and
 *   counted) on the same page without the extension;
 * - size: the always-on page script (page-watch.js), gzip.
 *
 * `--with-story` puts two paragraphs about the story (our own text) at the start of each page's
 * body: pages of real size and make-up that mention the story.
 *
 * `--loads N` (default 1) takes work and floor as the medians of N fresh loads of each page, and
 * longest as the longest over them; the other columns come from the last load.
 *
 * Nothing here is visible to the pages: timings are read over the DevTools protocol from the
 * extension's isolated world; the floor runs in a world of its own.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, EXTENSION_DIR, launchWithExtension, ROOT, serveStatic, tabIdOf, waitForDataset, waitForDecision, type ExtensionBrowser } from '../tests/e2e/harness';
import { IsolatedWorld } from '../tests/e2e/isolated-world';
import type { ScanStats } from '../lib/page/scan-stats';
import { profiledVisit } from './profile';
import { firstWorldFloor, floor } from './floor';
import { median } from './median';
import { STAND_IN_DONE, standInCpu, writeStandIn } from './stand-in';
import { loadDatasetFromDir } from '../lib/dataset/load-node';
import { CONTENT_SCRIPT_GZIP_BUDGET_BYTES } from '../lib/limits';

/** Targets from the issue "On the page". */
const TARGET = {
  offTopicRatio: 2,
  onTopicRatio: 8,
  fasterThanMarkJs: 10,
  longestTaskMs: 50,
  burstSlowdown: 1.5,
} as const;
/** Mutations in one burst, and how many bursts per page (median taken). */
const BURST_OPS = 2_000;
const BURST_ROUNDS = 6;
/** A page has settled when no scan ran for this long (the mutation batch is 250 ms, then idle time). */
const SETTLE_QUIET_MS = 800;
const SETTLE_MAX_MS = 5_000;

interface PageResult {
  dir: string;
  page: string;
  error?: string;
  textNodes: number;
  chars: number;
  onTopic: boolean;
  mentions: number;
  floorMs: number;
  /** With --loads N: the work and the floor of each load (work and floor are their medians). */
  workLoadsMs: number[];
  floorLoadsMs: number[];
  /** The same pass in a second isolated world of the page with the extension (after ours). */
  secondWorldFloorMs: number;
  scanMs: number;
  workMs: number;
  /** The background worker's time on this page's first looks (it checks the text for terms). */
  backgroundMs: number;
  /** What a content script that does nothing but read one setting costs this page (the null extension). */
  nullMs: number;
  /** (work − null) / floor: our share above what any content script costs. */
  ratioAboveNull: number;
  ratio: number;
  /** Longest stretch of extension work while the page loads (profiler). */
  longestMs: number;
  /** Longest single rescan after the mutation bursts (self-timed). */
  longestRescanMs: number;
  /** What that rescan was (scan-stats kind: partial, full, skipped). */
  longestRescanKind: string;
  heapKb: number;
  burstExtMs: number;
  burstHiddenMs: number;
  burstBareMs: number;
  burstRatio: number;
  burstVsBare: number;
  rescanAfterBurstMs: number;
  markJsMs: number;
  markJsMarks: number;
  fasterThanMarkJs: number;
}

function parseArgs(argv: string[]): { sets: PageSet[]; limit: number; json: string | null; markJs: boolean; loads: number; withStory: boolean } {
  const paths: string[] = [];
  let limit = Infinity;
  let loads = 1;
  let withStory = false;
  let json: string | null = null;
  let markJs = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--limit') limit = Number(argv[++i]);
    else if (a === '--json') json = argv[++i] ?? null;
    else if (a === '--no-markjs') markJs = false;
    else if (a === '--loads') loads = Number(argv[++i]);
    else if (a === '--with-story') withStory = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else paths.push(resolve(a));
  }
  if (paths.length === 0) throw new Error(USAGE);
  if (!(limit > 0)) throw new Error('--limit needs a positive number');
  if (!(Number.isInteger(loads) && loads >= 1)) throw new Error('--loads needs a whole number of at least 1');
  const sets: PageSet[] = [];
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`no such directory or file: ${path}`);
    if (statSync(path).isDirectory()) sets.push({ label: relative(process.cwd(), path) || '.', root: path, files: htmlFiles(path).slice(0, limit) });
    else if (path.endsWith('.html')) files.push(path);
    else throw new Error(`not a directory or .html file: ${path}`);
  }
  if (files.length > 0) {
    // Pages given one by one form one set, served from their common folder (their frames and assets too).
    let root = dirname(files[0]!);
    while (!files.every((f) => f.startsWith(root + sep))) root = dirname(root);
    sets.push({ label: `${files.length} pages given (${files.map((f) => relative(process.cwd(), f)).join(', ')})`, root, files: files.slice(0, limit) });
  }
  return { sets, limit, json, markJs, loads, withStory };
}

interface PageSet {
  label: string;
  /** Served as the site root. */
  root: string;
  files: string[];
}

const USAGE = 'usage: npm run bench:page -- DIR|PAGE.html [DIR2|PAGE2.html …] [--limit N] [--loads N] [--with-story] [--json FILE] [--no-markjs]';

/**
 * --with-story: our own two paragraphs about the story, put at the start of each page's body, so
 * pages of real size and make-up become pages about the story (the demo and test pages are small).
 */
const STORY_HTML =
  '<section><h2>Overseas police stations: where things stand</h2>' +
  '<p>Safeguard Defenders said in its 110 Overseas report that Chinese police ran overseas police stations in dozens of countries. China denied it and called them volunteer service centres.</p>' +
  '<p>Dutch authorities said they were investigating two such stations in Amsterdam and Rotterdam, and Ireland ordered the office in Dublin to close.</p></section>';

function withStory(html: string): string {
  const body = /<body[^>]*>/i.exec(html);
  return body ? html.slice(0, body.index + body[0].length) + STORY_HTML + html.slice(body.index + body[0].length) : STORY_HTML + html;
}

function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out;
}


// --- in-page measurements -------------------------------------------------------------------

/**
 * The page's own work: a deterministic burst of DOM mutations around its text, timed in the page:
 * spans inserted into its blocks, some edited, then all taken out again, so every round starts from
 * the same page (the page never grows from one round to the next).
 */
const BURST_SCRIPT = `(() => {
  const blocks = [...document.querySelectorAll('p, li, h1, h2, h3, td, dd, figcaption, blockquote')].filter((el) => el.isConnected);
  if (blocks.length === 0) blocks.push(document.body);
  const added = [];
  const t0 = performance.now();
  for (let i = 0; i < ${BURST_OPS}; i++) {
    const el = blocks[(i * 7919) % blocks.length];
    const span = document.createElement('span');
    span.textContent = ' ·' + (i % 97);
    el.appendChild(span);
    added.push(span);
    if (i % 3 === 1) span.firstChild.data += '!';
    if (i % 100 === 99) void el.getBoundingClientRect().height;
  }
  for (const span of added) span.remove();
  return performance.now() - t0;
})()`;

async function burst(page: Page): Promise<number> {
  return page.evaluate(BURST_SCRIPT);
}

/** Burst timings with our highlights shown and hidden, alternating after one warm-up round. */
async function bursts(page: Page, toggle: (() => Promise<void>) | null): Promise<{ shown: number; hidden: number }> {
  await burst(page);
  const shown: number[] = [];
  const hidden: number[] = [];
  // Each burst leaves the page a little bigger: alternate which state goes first (ABBA), so neither
  // state always runs on the larger page.
  for (let r = 0; r < BURST_ROUNDS; r++) {
    if (!toggle) {
      shown.push(await burst(page));
      continue;
    }
    if (r % 2 === 0) shown.push(await burst(page));
    await toggle();
    hidden.push(await burst(page));
    await toggle();
    if (r % 2 === 1) shown.push(await burst(page));
  }
  return { shown: median(shown), hidden: toggle ? median(hidden) : NaN };
}

async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

async function markJs(page: Page, source: string, terms: string[]): Promise<{ ms: number; marks: number; failedTerms: number }> {
  await page.evaluate(source);
  // Term by term (what mark(array) does inside), so that a term mark.js cannot compile (its RegExp
  // builder overflows the stack on some CJK terms) is skipped and counted instead of ending the run.
  // A string, not a function: tsx would add helpers (__name) the page does not have.
  return page.evaluate(`(() => {
    const terms = ${JSON.stringify(terms)};
    const instance = new Mark(document.body);
    let marks = 0, failedTerms = 0, ms = 0;
    for (const term of terms) {
      const t0 = performance.now();
      try {
        instance.mark(term, { separateWordSearch: false, acrossElements: true, done: (n) => { marks += n; } });
      } catch {
        failedTerms++;
      }
      ms += performance.now() - t0;
    }
    return { ms, marks, failedTerms };
  })()`);
}

/** Waits until the content script has scanned and no further scan ran for SETTLE_QUIET_MS. */
async function settle(world: IsolatedWorld): Promise<void> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  let last = (await world.stats())?.scanCount ?? 0;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const count = (await world.stats())?.scanCount ?? 0;
    if (count !== last) {
      last = count;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= SETTLE_QUIET_MS) {
      return;
    }
  }
}

/** Milliseconds the background has spent on first looks so far (it keeps the sum in its global). */
async function backgroundLooks(ext: ExtensionBrowser): Promise<number> {
  return ext.worker.evaluate(() => (globalThis as { __stationwatchFirstLooks?: { ms: number } }).__stationwatchFirstLooks?.ms ?? 0);
}

async function findingsOf(ext: ExtensionBrowser, page: Page): Promise<{ onTopic: boolean; mentionCount: number } | null> {
  const tabId = await tabIdOf(ext, page);
  return ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`] ?? null, tabId);
}

// --- per page ---------------------------------------------------------------------------------

const DEBUG = process.env.STATIONWATCH_BENCH_DEBUG === '1';
let stepAt = Date.now();
/** With STATIONWATCH_BENCH_DEBUG=1, how long each step of a page took (stderr). */
function step(name: string): void {
  if (DEBUG) process.stderr.write(`  ${name}: ${Date.now() - stepAt} ms\n`);
  stepAt = Date.now();
}

/**
 * With --loads N, the load with the extension and the first-world floor are taken N times (fresh
 * pages): single loads of a small page vary by 2× and more on this machine. The rest of the
 * measurements use the last load.
 */
async function repeatedLoads(ext: ExtensionBrowser, bare: Browser, url: string, extra: number): Promise<{ work: number[]; longest: number[]; floors: number[] }> {
  const out = { work: [] as number[], longest: [] as number[], floors: [] as number[] };
  for (let i = 0; i < extra; i++) {
    const { page, world, cpu } = await profiledVisit(ext, url, (p, w) => waitForDecision(ext, p, w, 20_000));
    try {
      await settle(world);
    } finally {
      await world.detach();
      await page.close();
    }
    out.work.push(cpu.totalMs);
    out.longest.push(cpu.longestMs);
    out.floors.push(await firstWorldFloor(bare, url, SETTLE_QUIET_MS));
  }
  return out;
}

async function measure(ext: ExtensionBrowser, nullExt: ExtensionBrowser, bare: Browser, url: string, opts: { markJs: boolean; markSource: string; terms: string[]; loads: number }): Promise<Omit<PageResult, 'dir' | 'page'>> {
  const earlier = await repeatedLoads(ext, bare, url, opts.loads - 1);
  // With the extension.
  // Read before the page loads: its first look may come before the load event.
  const bgBefore = await backgroundLooks(ext);
  const { page, world, first, cpu } = await profiledVisit(ext, url, (p, w) => waitForDecision(ext, p, w, 20_000));
  try {
    step('load and first scan');
    // The scan that decided the page: the scanner's first full scan where the first look found a
    // term (it painted), else the first look itself.
    const scan = first.scans.find((s) => s.kind === 'full') ?? first.scans.find((s) => s.kind === 'first-look')!;
    await settle(world);
    step('settle');
    const backgroundMs = (await backgroundLooks(ext)) - bgBefore;
    const nullMs = await standInCpu(nullExt, url);
    const fl = await floor(page);
    const heapExt = await heapUsed(page);
    const findings = await findingsOf(ext, page);
    const before = (await world.stats())!;
    const tabId = await tabIdOf(ext, page);
    const toggle = async () => {
      // As lib/messaging.ts's sendToTab delivers a command: the page script's command function, in its
      // isolated world. A page whose script stayed quiet (nothing found) has no highlights to toggle and
      // takes no commands; one with mentions must take it, or the "hidden" rounds would hide nothing.
      // A string, not a function: tsx would wrap the inner function in a naming helper the worker lacks.
      const reply = (await ext.worker.evaluate(`(async () => (await chrome.scripting.executeScript({
        target: { tabId: ${tabId}, frameIds: [0] },
        func: (command) => Object.hasOwn(globalThis, '__stationwatchCommand') ? globalThis.__stationwatchCommand(command) : { ok: false, error: 'not listening' },
        args: [{ to: 'tab', name: 'toggle-highlights', body: {} }],
      }))[0]?.result)()`)) as { ok: boolean; error?: string } | undefined;
      if ((findings?.mentionCount ?? 0) > 0 && !reply?.ok) throw new Error(`toggle-highlights was not taken: ${reply?.error ?? 'no reply'}`);
    };
    const ext1 = await bursts(page, toggle);
    await settle(world);
    step('bursts with extension');
    const after = (await world.stats())!;
    const rescans = after.scans.slice(Math.max(0, after.scans.length - (after.scanCount - before.scanCount)));
    const rescanAfterBurstMs = rescans.reduce((a, s) => a + s.totalMs, 0) / (1 + 2 * BURST_ROUNDS);
    const longestRescan = Math.max(0, ...rescans.map((s) => s.totalMs));
    const longestRescanKind = rescans.find((s) => s.totalMs === longestRescan)?.kind ?? '';

    // Without the extension: same page, same burst, then a fresh load for mark.js.
    const plain = await bare.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await plain.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
      await plain.goto(url, { waitUntil: 'load', timeout: 30_000 });
      await plain.waitForTimeout(SETTLE_QUIET_MS);
      // First, before anything else sets up an isolated world in this page.
      const firstWorld = await floor(plain);
      step('load without extension');
      const heapBare = await heapUsed(plain);
      const burstBareMs = (await bursts(plain, null)).shown;
      let mark = { ms: NaN, marks: 0, failedTerms: 0 };
      if (opts.markJs) {
        await plain.goto(url, { waitUntil: 'load', timeout: 30_000 });
        await plain.waitForTimeout(300);
        // mark.js builds one RegExp per term; some terms overflow its pattern builder (reported, not fatal).
        mark = await markJs(plain, opts.markSource, opts.terms).catch((error: Error) => {
          process.stderr.write(`  mark.js failed: ${error.message.split('\n')[0]!.slice(0, 120)}\n`);
          return { ms: NaN, marks: 0, failedTerms: 0 };
        });
        if (mark.failedTerms > 0) process.stderr.write(`  mark.js could not compile ${mark.failedTerms} of ${opts.terms.length} terms (skipped)\n`);
        step('mark.js');
      }
      const workLoadsMs = [...earlier.work, cpu.totalMs];
      const floorLoadsMs = [...earlier.floors, firstWorld.coldMs];
      const workMs = median(workLoadsMs);
      const floorMs = median(floorLoadsMs);
      return {
        textNodes: fl.textNodes,
        chars: scan.pageChars,
        onTopic: findings?.onTopic ?? false,
        mentions: findings?.mentionCount ?? 0,
        floorMs,
        workLoadsMs,
        floorLoadsMs,
        secondWorldFloorMs: fl.coldMs,
        scanMs: scan.totalMs,
        workMs,
        backgroundMs,
        nullMs,
        ratioAboveNull: Math.max(0, workMs - nullMs) / Math.max(floorMs, 0.05),
        ratio: workMs / Math.max(floorMs, 0.05),
        longestMs: Math.max(cpu.longestMs, ...earlier.longest),
        longestRescanMs: longestRescan,
        longestRescanKind,
        heapKb: (heapExt - heapBare) / 1024,
        burstExtMs: ext1.shown,
        burstHiddenMs: ext1.hidden,
        burstBareMs,
        burstRatio: ext1.shown / ext1.hidden,
        burstVsBare: ext1.shown / burstBareMs,
        rescanAfterBurstMs,
        markJsMs: mark.ms,
        markJsMarks: mark.marks,
        fasterThanMarkJs: mark.ms / workMs,
      };
    } finally {
      await plain.close();
    }
  } finally {
    await world.detach();
    await page.close();
  }
}

// --- report -----------------------------------------------------------------------------------

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function table(rows: PageResult[]): string {
  const head = '| page | text nodes | on topic | mentions | floor ms | 2nd-world floor ms | scan ms | work ms | background ms | null ext ms | work/floor | (work − null)/floor | longest ms | heap KB | burst × | vs bare | rescan ms | longest rescan ms | mark.js ms | × faster |';
  const sep = `|---|---:|:-:|${'---:|'.repeat(head.split('|').length - 5)}`;
  const lines = rows.map((r) =>
    r.error
      ? `| ${r.page} | error: ${r.error.split('\n')[0]!.slice(0, 80)} ||||||||||||||||`
      : `| ${r.page} | ${r.textNodes} | ${r.onTopic ? 'yes' : ''} | ${r.mentions} | ${f(r.floorMs, 2)} | ${f(r.secondWorldFloorMs, 2)} | ${f(r.scanMs)} | ${f(r.workMs)} | ${f(r.backgroundMs, 2)} | ${f(r.nullMs)} | ${f(r.ratio)} | ${f(r.ratioAboveNull)} | ${f(r.longestMs)} | ${f(r.heapKb, 0)} | ${f(r.burstRatio, 2)} | ${f(r.burstVsBare, 2)} | ${f(r.rescanAfterBurstMs)} | ${f(r.longestRescanMs)} | ${f(r.markJsMs, 0)} | ${f(r.fasterThanMarkJs, 0)} |`,
  );
  return [head, sep, ...lines].join('\n');
}

function summary(label: string, rows: PageResult[], ratioTarget: number | null): string[] {
  const ok = rows.filter((r) => !r.error);
  if (ok.length === 0) return [`${label}: no pages measured`];
  const m = (k: keyof PageResult) => median(ok.map((r) => r[k] as number));
  const maxLongest = Math.max(...ok.map((r) => r.longestMs));
  const worst = ok.find((r) => r.longestMs === maxLongest)!;
  const maxRescan = Math.max(...ok.map((r) => r.longestRescanMs));
  const worstRescan = ok.find((r) => r.longestRescanMs === maxRescan)!;
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const lines = [
    `${label}: ${ok.length} pages (${rows.length - ok.length} failed to load), ${ok.filter((r) => r.onTopic).length} on topic`,
    `  median floor ${f(m('floorMs'), 2)} ms (2nd-world floor ${f(m('secondWorldFloorMs'), 2)} ms), scan ${f(m('scanMs'))} ms, work ${f(m('workMs'))} ms, background ${f(m('backgroundMs'), 2)} ms`,
    `  median work/floor ${f(m('ratio'))}${ratioTarget === null ? '' : ` (target ≤ ${ratioTarget}: ${verdict(m('ratio') <= ratioTarget)})`}; median scan/floor ${f(median(ok.map((r) => r.scanMs / Math.max(r.floorMs, 0.05))))}`,
    `  median work/(2nd-world floor) ${f(median(ok.map((r) => r.workMs / Math.max(r.secondWorldFloorMs, 0.05))))} (the floor taken in a second isolated world, where the DOM interfaces are already set up)`,
    `  null extension (a manifest content script that only reads one setting): median ${f(m('nullMs'))} ms, ${f(median(ok.map((r) => r.nullMs / Math.max(r.floorMs, 0.05))))}× the floor; median (work − null)/floor ${f(m('ratioAboveNull'))}`,
    `  longest extension task while loading ${f(maxLongest)} ms on ${worst.page} (target ≤ ${TARGET.longestTaskMs} on every page: ${verdict(maxLongest <= TARGET.longestTaskMs)}); pages over: ${ok.filter((r) => r.longestMs > TARGET.longestTaskMs).length}; median ${f(m('longestMs'))} ms`,
    `  longest rescan after the bursts ${f(maxRescan)} ms on ${worstRescan.page}${worstRescan.longestRescanKind ? `, a ${worstRescan.longestRescanKind} scan` : ''} (${verdict(maxRescan <= TARGET.longestTaskMs)}); pages over: ${ok.filter((r) => r.longestRescanMs > TARGET.longestTaskMs).length}; median ${f(m('longestRescanMs'))} ms`,
    `  median heap added ${f(m('heapKb'), 0)} KB`,
    `  median mutation burst with highlights ${f(m('burstRatio'), 2)}× the same page with them hidden (target ≤ ${TARGET.burstSlowdown}: ${verdict(m('burstRatio') <= TARGET.burstSlowdown)}), worst ${f(Math.max(...ok.map((r) => r.burstRatio).filter(Number.isFinite)), 2)}×; ${f(m('burstVsBare'), 2)}× the page without the extension; median rescan per burst ${f(m('rescanAfterBurstMs'))} ms`,
  ];
  if (ok.some((r) => Number.isFinite(r.markJsMs))) {
    lines.push(`  median mark.js ${f(m('markJsMs'), 0)} ms; median speed-up ${f(m('fasterThanMarkJs'), 0)}× (target ≥ ${TARGET.fasterThanMarkJs}: ${verdict(m('fasterThanMarkJs') >= TARGET.fasterThanMarkJs)})`);
  }
  return lines;
}

/**
 * The baseline of a conventional extension, built for the run: a manifest content script that
 * starts, reads one storage key (its settings) and says it is done, nothing else. It is what our
 * always-on script would cost before looking at anything if it were such a script; it is not one
 * (the background runs it, and it reads no settings).
 */
const NULL_CONTENT_SCRIPT = `chrome.storage.local.get('settings').then(() => {
  ${STAND_IN_DONE}
});`;

const writeNullExtension = () => writeStandIn('null content script', NULL_CONTENT_SCRIPT, ['storage']);

/** The extension browser, relaunched when a page takes it down (a crash must not end the run). */
class ExtensionHost {
  ext: ExtensionBrowser | null = null;

  constructor(
    private readonly dir: string,
    private readonly hasDataset = true,
  ) {}

  async get(): Promise<ExtensionBrowser> {
    if (this.ext) return this.ext;
    const ext = await launchWithExtension(this.dir);
    if (this.hasDataset) await waitForDataset(ext);
    // Offline: whatever a saved page asks of other hosts fails fast instead of hanging.
    await ext.context.route((u) => u.protocol.startsWith('http') && u.hostname !== '127.0.0.1', (route) => route.abort());
    this.ext = ext;
    return ext;
  }

  async reset(): Promise<void> {
    const ext = this.ext;
    this.ext = null;
    await ext?.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { sets, json, markJs: withMarkJs, loads, withStory: addStory } = parseArgs(process.argv.slice(2));
  const contentJs = join(EXTENSION_DIR, 'page-watch.js');
  if (!existsSync(contentJs)) throw new Error(`no built extension at ${EXTENSION_DIR}; run npx wxt build first`);
  // A private copy: other builds in the same tree must not swap the extension under a running bench.
  const copy = mkdtempSync(join(tmpdir(), 'stationwatch-bench-ext-'));
  cpSync(EXTENSION_DIR, copy, { recursive: true });
  const gz = gzipSync(readFileSync(join(copy, 'page-watch.js')), { level: 9 }).length;
  const terms = [...new Set(loadDatasetFromDir().terms.map((t) => t.text))];
  const markSource = readFileSync(resolve(ROOT, 'node_modules/mark.js/dist/mark.min.js'), 'utf8');

  const host = new ExtensionHost(copy);
  const nullDir = writeNullExtension();
  const nullHost = new ExtensionHost(nullDir, false);
  const launchBare = () => chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'] });
  let bare = await launchBare();
  const results: PageResult[] = [];
  const lines: string[] = [];
  try {
    for (const set of sets) {
      const server = await serveStatic([set.root]);
      const setResults: PageResult[] = [];
      try {
        for (const [i, file] of set.files.entries()) {
          const rel = relative(set.root, file).split(sep).join('/');
          const path = `/${rel.split('/').map(encodeURIComponent).join('/')}`;
          const url = `${server.origin}${path}`;
          if (addStory) server.override(path, withStory(readFileSync(file, 'utf8')));
          let row: PageResult;
          try {
            row = { dir: set.label, page: rel, ...(await measure(await host.get(), await nullHost.get(), bare, url, { markJs: withMarkJs, markSource, terms, loads })) };
          } catch (error) {
            const message = (error as Error).message;
            row = { dir: set.label, page: rel, error: message } as PageResult;
            // A crashed page can take the browser context with it: start a fresh one for the next page.
            if (/crash|closed/i.test(message)) {
              await host.reset();
              await nullHost.reset();
              await bare.close().catch(() => undefined);
              bare = await launchBare();
            }
          }
          setResults.push(row);
          process.stderr.write(`[${i + 1}/${set.files.length}] ${rel}${row.error ? ` error: ${row.error.split('\n')[0]}` : ` work ${f(row.workMs)} ms, floor ${f(row.floorMs, 2)} ms, longest ${f(row.longestMs)} ms, longest rescan ${f(row.longestRescanMs)} ms${row.longestRescanKind ? ` (${row.longestRescanKind})` : ''}`}\n`);
        }
      } finally {
        // Chromium keeps idle keep-alive connections open; close() would wait for them to time out.
        server.server.closeAllConnections();
        await server.close();
      }
      results.push(...setResults);
      lines.push(`## ${set.label}`, '', table(setResults), '');
      lines.push(...summary('all pages', setResults, null));
      lines.push(...summary('on-topic pages', setResults.filter((r) => r.onTopic), TARGET.onTopicRatio));
      lines.push(...summary('off-topic pages', setResults.filter((r) => !r.error && !r.onTopic), TARGET.offTopicRatio), '');
    }
  } finally {
    await host.reset();
    await nullHost.reset();
    await bare.close();
    rmSync(copy, { recursive: true, force: true });
    rmSync(nullDir, { recursive: true, force: true });
  }
  lines.push(`content script: ${gz} bytes gzip (budget ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES}: ${gz <= CONTENT_SCRIPT_GZIP_BUDGET_BYTES ? 'PASS' : 'FAIL'})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) writeFileSync(json, JSON.stringify({ contentScriptGzipBytes: gz, results }, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:page failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
