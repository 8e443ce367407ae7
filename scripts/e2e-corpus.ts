/**
 * `npm run e2e:corpus -- DIR [--concurrency N] [--timeout MS] [--limit N]`
 *
 * Loads every .html page under DIR in real Chromium with the built extension (.output/chrome-mv3;
 * run `npx wxt build` first) and fails on any error that comes from the extension: uncaught
 * exceptions and console errors in its isolated world (content script, card UI) and in its
 * service worker. Pages are served from 127.0.0.1; every other request is aborted so pages cannot
 * hang on the network (this machine is offline anyway). Prints pages loaded, pages the extension
 * flagged as on-topic (from what it reported for the badge), and every error; exits 1 on any.
 *
 * Before the real run, a canary error is thrown inside the extension's isolated world of the first
 * page: if the watcher does not see it, the run fails, so "no errors" always means "looked and saw none".
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { launchWithExtension, serveStatic, waitForDataset, type ExtensionBrowser } from '../tests/e2e/harness';
import { reportedFindings, snapshotBuild, tabIdOf, watchPage, watchWorker, type ExtensionError, type ReportedFindings } from '../tests/e2e/extension-watch';

/** Pages open at once; one browser, several tabs. */
const DEFAULT_CONCURRENCY = 4;
/** Longest wait for a page to load and for the extension to report on it. */
const DEFAULT_PAGE_TIMEOUT_MS = 8_000;
/** After the report, time left for late errors (mutation rescans run 250 ms after changes). */
const SETTLE_MS = 600;

interface Options {
  dir: string;
  concurrency: number;
  timeoutMs: number;
  limit: number;
}

function parseArgs(argv: string[]): Options {
  const usage = 'usage: npm run e2e:corpus -- DIR [--concurrency N] [--timeout MS] [--limit N]';
  let dir = '';
  let concurrency = DEFAULT_CONCURRENCY;
  let timeoutMs = DEFAULT_PAGE_TIMEOUT_MS;
  let limit = Infinity;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const number = (name: string) => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive whole number\n${usage}`);
      return value;
    };
    if (arg === '--concurrency') concurrency = number(arg);
    else if (arg === '--timeout') timeoutMs = number(arg);
    else if (arg === '--limit') limit = number(arg);
    else if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${usage}`);
    else if (dir) throw new Error(`one folder only\n${usage}`);
    else dir = arg;
  }
  if (!dir) throw new Error(usage);
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new Error(`not a folder: ${dir}`);
  return { dir: abs, concurrency, timeoutMs, limit };
}

/** Every .html file under `dir`, sorted, as paths relative to it. */
function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.html?$/i.test(name)) out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

interface PageResult {
  file: string;
  loaded: boolean;
  /** The renderer died (reported, not counted as an extension error: Chromium also crashes on some pages alone). */
  crashed: boolean;
  loadError: string | null;
  findings: ReportedFindings | null;
  /** The toolbar badge for the page's tab ('' when the page is not about the story). */
  badge: string;
  errors: ExtensionError[];
}

async function visit(ext: ExtensionBrowser, origin: string, file: string, opts: Options, canary = false): Promise<PageResult> {
  const page = await ext.context.newPage();
  const errors: ExtensionError[] = [];
  const watch = await watchPage(ext, page, errors);
  const url = `${origin}/${file.split('/').map(encodeURIComponent).join('/')}`;
  const result: PageResult = { file, loaded: false, crashed: false, loadError: null, findings: null, badge: '', errors };
  page.on('crash', () => (result.crashed = true));
  try {
    try {
      await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });
      result.loaded = true;
    } catch (error) {
      // A page whose load event never comes (a resource that hangs) is still a page the extension read.
      result.loadError = (error as Error).message.split('\n')[0]!;
      result.loaded = page.url().startsWith(origin);
    }
    const tabId = await tabIdOf(ext, url.split('#')[0]!.split('?')[0]!);
    if (tabId >= 0) {
      result.findings = await reportedFindings(ext, tabId, opts.timeoutMs);
      result.badge = await ext.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    }
    if (canary) {
      await watch.canary();
      const deadline = Date.now() + 3_000;
      while (!errors.some((e) => e.message.includes('stationwatch-canary')) && Date.now() < deadline) await page.waitForTimeout(50);
      if (!errors.some((e) => e.message.includes('stationwatch-canary'))) throw new Error('self-check failed: an error thrown in the extension’s isolated world was not seen');
      errors.splice(0, errors.length, ...errors.filter((e) => !e.message.includes('stationwatch-canary')));
    }
    await page.waitForTimeout(SETTLE_MS);
  } catch (error) {
    if (!result.crashed || canary) throw error;
  } finally {
    await watch.detach();
    await page.close().catch(() => undefined);
  }
  return result;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const files = htmlFiles(opts.dir).slice(0, opts.limit);
  if (files.length === 0) throw new Error(`no .html pages in ${opts.dir}`);
  const started = Date.now();
  const build = snapshotBuild();
  const server = await serveStatic([opts.dir]);
  const ext = await launchWithExtension(build.dir);
  const results: PageResult[] = [];
  let workerErrors: ExtensionError[] = [];
  try {
    await waitForDataset(ext);
    const worker = await watchWorker(ext);
    // Offline by design: nothing but the local server and the extension's own files.
    await ext.context.route(
      (url) => url.protocol !== 'chrome-extension:' && url.protocol !== 'data:' && url.protocol !== 'blob:' && url.hostname !== '127.0.0.1',
      (route) => route.abort('blockedbyclient'),
    );
    results.push(await visit(ext, server.origin, files[0]!, opts, true));
    let next = 1;
    const runOne = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        results.push(await visit(ext, server.origin, file, opts));
        if (results.length % 20 === 0) console.log(`… ${results.length}/${files.length} pages`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, files.length) }, runOne));
    workerErrors = await worker.read();
  } finally {
    await ext.close();
    await server.close();
    build.remove();
  }

  results.sort((a, b) => a.file.localeCompare(b.file));
  const loaded = results.filter((r) => r.loaded);
  const reported = results.filter((r) => r.findings);
  const onTopic = results.filter((r) => r.badge !== '');
  const pageErrors = results.flatMap((r) => r.errors.map((e) => ({ ...e, page: r.file })));
  const errors = [...pageErrors, ...workerErrors];
  console.log(`\ne2e:corpus ${opts.dir}`);
  const crashed = results.filter((r) => r.crashed);
  console.log(`pages: ${results.length}, loaded ${loaded.length}, load timeouts ${results.filter((r) => r.loadError).length}, reported by the extension ${reported.length}, renderer crashes ${crashed.length}${crashed.length ? ` (${crashed.map((r) => r.file).join(', ')})` : ''}`);
  console.log(`flagged on-topic (badge shown): ${onTopic.length}${onTopic.length ? ` — ${onTopic.map((r) => `${r.file} (${r.badge})`).join(', ')}` : ''}`);
  const disagree = results.filter((r) => r.findings && (r.badge !== '') !== (r.findings.onTopic && r.findings.mentionCount > 0));
  if (disagree.length) console.log(`badge and report disagree on: ${disagree.map((r) => r.file).join(', ')}`);
  const unreported = results.filter((r) => r.loaded && !r.findings);
  if (unreported.length) console.log(`loaded but no report from the extension: ${unreported.map((r) => r.file).join(', ')}`);
  console.log(`extension errors: ${errors.length}`);
  for (const e of errors) console.log(`  [${e.where}] ${e.page}: ${e.message.split('\n').slice(0, 4).join(' | ')}`);
  console.log(`time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(errors.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`e2e:corpus: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
