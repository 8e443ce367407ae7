/**
 * Where our scripts spend a page's time, and how a change moved it:
 * `npm run bench:page-profile -- (DIR | PAGE.html …) [--baseline EXTENSION_DIR] [--rounds N] [--limit N] [--top N]`.
 *
 * Loads each page in headless Chromium with a private copy of the built extension (.output/chrome-mv3)
 * and, with `--baseline`, with another build in a second Chromium (for example the build of an older
 * commit: `git worktree add /tmp/old COMMIT`, build there, pass `/tmp/old/.output/chrome-mv3`), page
 * by page in alternating order, under the V8 sampling profiler until the page is decided (the
 * background has findings for it). Prints per build the CPU of our scripts per page (median, mean,
 * same rules as bench/page.ts's work column) and the functions it went to (mean ms per page, the
 * innermost frame of ours; `> innerText` names the browser call it was in).
 *
 * With a baseline it also prints the paired difference: per page, this build's mean minus the
 * baseline's, over `--rounds` loads of each (default 1). Single loads of a page vary by more than a
 * 0.1 ms change, so small changes need the paired figure and a few rounds.
 *
 * Function names are the minified ones; for the source names, build with
 * `STATIONWATCH_UNMINIFIED=1 npx wxt build` (same code, not minified: a little slower to load).
 *
 * A DIR is read non-recursively and served as the root; single pages are served from the current
 * directory, so give them as paths below it.
 */
import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { EXTENSION_DIR, launchWithExtension, serveStatic, waitForDataset, waitForDecision, type ExtensionBrowser } from '../tests/e2e/harness';
import { profiledVisit } from './profile';
import { median } from './median';

const USAGE = 'usage: npm run bench:page-profile -- (DIR | PAGE.html …) [--baseline EXTENSION_DIR] [--rounds N] [--limit N] [--top N]';

interface Build {
  label: string;
  ext: ExtensionBrowser;
  totals: number[];
  byFrame: Map<string, number>;
}

function parseArgs(argv: string[]): { root: string; pages: string[]; baseline: string | null; top: number; rounds: number } {
  let baseline: string | null = null;
  let rounds = 1;
  let limit = Infinity;
  let top = 25;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--baseline') baseline = resolve(argv[++i] ?? '');
    else if (a === '--limit') limit = Number(argv[++i]);
    else if (a === '--top') top = Number(argv[++i]);
    else if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else paths.push(resolve(a));
  }
  if (paths.length === 0 || !(limit > 0) || !(top > 0) || !(Number.isInteger(rounds) && rounds > 0)) throw new Error(USAGE);
  if (paths.length === 1 && statSync(paths[0]!).isDirectory()) {
    const pages = readdirSync(paths[0]!).filter((f) => f.endsWith('.html')).sort().slice(0, limit);
    return { root: paths[0]!, pages, baseline, top, rounds };
  }
  const root = process.cwd();
  const pages = paths.map((p) => {
    const rel = relative(root, p);
    if (rel.startsWith('..') || statSync(p).isDirectory()) throw new Error(`${p}: give one directory, or pages below the current directory\n${USAGE}`);
    return rel.split(sep).join('/');
  });
  return { root, pages: pages.slice(0, limit), baseline, top, rounds };
}

/** A private copy of a build: a rebuild in the tree must not change it under a running profile. */
function copyOf(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'stationwatch-profile-ext-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function launch(label: string, dir: string): Promise<Build> {
  const ext = await launchWithExtension(copyOf(dir));
  await waitForDataset(ext);
  // Offline: whatever a saved page asks of other hosts fails fast instead of hanging.
  await ext.context.route((u) => u.protocol.startsWith('http') && u.hostname !== '127.0.0.1', (route) => route.abort());
  return { label, ext, totals: [], byFrame: new Map() };
}

async function profilePage(build: Build, url: string): Promise<number> {
  const { page, world, cpu, byFrame } = await profiledVisit(build.ext, url, (p, w) => waitForDecision(build.ext, p, w, 20_000));
  await world.detach();
  await page.close();
  build.totals.push(cpu.totalMs);
  for (const [k, ms] of byFrame) build.byFrame.set(k, (build.byFrame.get(k) ?? 0) + ms);
  return cpu.totalMs;
}


function report(build: Build, top: number): string[] {
  const n = build.totals.length;
  const mean = build.totals.reduce((a, b) => a + b, 0) / n;
  const lines = [`${build.label}: ${n} pages, CPU of our scripts per page: median ${median(build.totals).toFixed(2)} ms, mean ${mean.toFixed(2)} ms`];
  for (const [k, ms] of [...build.byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${(ms / n).toFixed(3).padStart(7)} ms  ${k}`);
  return lines;
}

async function main(): Promise<void> {
  const { root, pages, baseline, top, rounds } = parseArgs(process.argv.slice(2));
  const server = await serveStatic([root]);
  const builds = [await launch(`this build (${relative(process.cwd(), EXTENSION_DIR)})`, EXTENSION_DIR)];
  if (baseline) builds.push(await launch(`baseline (${baseline})`, baseline));
  /** Per page, this build's mean minus the baseline's (pages where both loaded in every round). */
  const differences: number[] = [];
  try {
    for (const [i, rel] of pages.entries()) {
      const url = `${server.origin}/${rel.split('/').map(encodeURIComponent).join('/')}`;
      const sums = builds.map(() => ({ ms: 0, loads: 0 }));
      const ms: string[] = [];
      for (let round = 0; round < rounds; round++) {
        // Alternating order, so neither build always loads a page first (disk and font caches).
        const order = (i + round) % 2 ? [...builds].reverse() : builds;
        for (const build of order) {
          const name = build === builds[0] ? 'this' : 'baseline';
          try {
            const cpu = await profilePage(build, url);
            const sum = sums[builds.indexOf(build)]!;
            sum.ms += cpu;
            sum.loads++;
            ms.push(`${name} ${cpu.toFixed(1)} ms`);
          } catch (error) {
            ms.push(`${name} failed: ${(error as Error).message.split('\n')[0]}`);
          }
        }
      }
      if (builds.length === 2 && sums.every((s) => s.loads === rounds)) differences.push(sums[0]!.ms / rounds - sums[1]!.ms / rounds);
      process.stderr.write(`[${i + 1}/${pages.length}] ${rel}: ${ms.join(', ')}\n`);
    }
    for (const build of builds) console.log(report(build, top).join('\n'));
    if (differences.length > 0) {
      const faster = differences.filter((d) => d < 0).length;
      console.log(
        `paired, this − baseline per page (mean of ${rounds} load${rounds > 1 ? 's' : ''} each, ${differences.length} pages): median ${median(differences).toFixed(3)} ms, mean ${(differences.reduce((a, b) => a + b, 0) / differences.length).toFixed(3)} ms; this build cheaper on ${faster} of ${differences.length} pages`,
      );
    }
  } finally {
    for (const build of builds) await build.ext.close().catch(() => undefined);
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:page-profile failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
