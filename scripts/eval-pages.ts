/**
 * eval:pages — runs the detection engine over the visible text of every saved HTML page in a
 * directory and lists the pages it flags as on-topic and the pages with any mention.
 *
 *   npm run eval:pages -- DIR [--dataset DATASET_DIR] [--json OUT.json]
 *
 * On ../shared/corpus/news-pages (130 real pages, none about the story) the target is zero flagged
 * pages. Pages are parsed by happy-dom with scripts, stylesheets, frames and navigation off; text
 * comes from the same collectText() the content script uses, with visibility from inline styles,
 * `hidden` and `aria-hidden` only. This is an evaluation: it exits 0 whatever it finds, and non-zero
 * only when it cannot run (bad arguments, unreadable directory or dataset).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadDatasetFromDir, DATASET_DIR } from '../lib/dataset/load-node';
import { compileDetector } from '../lib/match/detector-build';
import { detect, loadDetector, quickReject } from '../lib/match/detector';
import { htmlPageText } from '../lib/page/html-text-node';

/** Mentions listed per page in the report; the rest are counted. */
const MENTIONS_SHOWN_PER_PAGE = 5;
/** Off-topic pages with the highest scores listed in the report. */
const NEAR_MISSES_SHOWN = 15;
const USAGE = 'usage: npm run eval:pages -- DIR [--dataset DATASET_DIR] [--json OUT.json]';

interface PageRow {
  file: string;
  chars: number;
  textNodes: number;
  onTopic: boolean;
  score: number;
  reasons: string[];
  /** The automaton found at least one dataset term before any context rule (quickReject false). */
  anyTermHit: boolean;
  mentions: Array<{ text: string; kind: string; refs: string[] }>;
  claims: string[];
  collectMs: number;
  detectMs: number;
}

function fail(message: string): never {
  process.stderr.write(`eval:pages: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { dir: string; datasetDir: string; jsonOut: string | null } {
  let dir: string | null = null;
  let datasetDir = DATASET_DIR;
  let jsonOut: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dataset' || arg === '--json') {
      const value = argv[++i];
      if (value === undefined) fail(`${arg} needs a path`);
      if (arg === '--dataset') datasetDir = resolve(value);
      else jsonOut = resolve(value);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) {
      fail(`unknown option ${arg}`);
    } else if (dir === null) {
      dir = resolve(arg);
    } else {
      fail(`one directory only (got ${dir} and ${arg})`);
    }
  }
  if (dir === null) fail('which directory of saved .html pages?');
  return { dir, datasetDir, jsonOut };
}

function htmlFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) fail(`${dir} is not a directory`);
    names = readdirSync(dir);
  } catch (error) {
    fail(`cannot read ${dir}: ${(error as Error).message}`);
  }
  return names.filter((n) => /\.html?$/i.test(n)).sort();
}

function oneLine(text: string): string {
  return JSON.stringify(text.replace(/\s+/g, ' '));
}

async function main(): Promise<void> {
  const { dir, datasetDir, jsonOut } = parseArgs(process.argv.slice(2));
  const files = htmlFiles(dir);
  let dataset;
  try {
    dataset = loadDatasetFromDir(datasetDir);
  } catch (error) {
    process.stderr.write(`eval:pages: the dataset in ${datasetDir} does not load:\n${(error as Error).message}\n`);
    process.exit(1);
  }
  const t0 = performance.now();
  const detector = loadDetector(compileDetector(dataset));
  const buildMs = performance.now() - t0;

  const rows: PageRow[] = [];
  const unreadable: Array<{ file: string; error: string }> = [];
  for (const file of files) {
    let page;
    try {
      page = await htmlPageText(readFileSync(join(dir, file)));
    } catch (error) {
      unreadable.push({ file, error: (error as Error).message });
      continue;
    }
    const t1 = performance.now();
    const result = detect(detector, page.text);
    const detectMs = performance.now() - t1;
    rows.push({
      file,
      chars: page.text.length,
      textNodes: page.textNodes,
      onTopic: result.page.onTopic,
      score: result.page.score,
      reasons: [...result.page.reasons],
      anyTermHit: !quickReject(detector, page.text),
      mentions: result.mentions.map((m) => ({ text: m.text, kind: m.kind, refs: [...m.refs] })),
      claims: result.claims.map((c) => c.claimId),
      collectMs: page.collectMs,
      detectMs,
    });
  }

  const flagged = rows.filter((r) => r.onTopic);
  const withMentions = rows.filter((r) => r.mentions.length > 0 || r.claims.length > 0);
  const out: string[] = [];
  out.push(`eval:pages on ${dir}`);
  out.push(`dataset: ${datasetDir} (detector compiled and loaded in ${buildMs.toFixed(0)} ms)`);
  out.push(`pages read: ${rows.length} of ${files.length} .html files${unreadable.length ? ` (${unreadable.length} unreadable)` : ''}`);
  for (const u of unreadable) out.push(`  unreadable ${u.file}: ${u.error}`);
  const chars = rows.reduce((s, r) => s + r.chars, 0);
  const detectMs = rows.reduce((s, r) => s + r.detectMs, 0);
  const collectMs = rows.reduce((s, r) => s + r.collectMs, 0);
  out.push(
    `visible text: ${(chars / 1e6).toFixed(2)} M chars, ${rows.reduce((s, r) => s + r.textNodes, 0)} text nodes; ` +
      `collectText ${collectMs.toFixed(0)} ms in happy-dom (not a browser timing); detect ${detectMs.toFixed(0)} ms ` +
      `(${detectMs > 0 ? (chars / 1e6 / (detectMs / 1000)).toFixed(1) : '∞'} M chars/s)`,
  );
  out.push('');
  out.push(`pages flagged on-topic: ${flagged.length}`);
  for (const r of flagged) out.push(`  ${r.file}  score ${r.score.toFixed(2)}  reasons: ${r.reasons.join('; ') || '(none given)'}`);
  out.push('');
  out.push(`pages with any mention or claim: ${withMentions.length}`);
  for (const r of withMentions) {
    const shown = r.mentions.slice(0, MENTIONS_SHOWN_PER_PAGE).map((m) => `${oneLine(m.text)} [${m.kind}: ${m.refs.join(',')}]`);
    const more = r.mentions.length > MENTIONS_SHOWN_PER_PAGE ? ` … +${r.mentions.length - MENTIONS_SHOWN_PER_PAGE}` : '';
    const claims = r.claims.length ? `  claims: ${r.claims.join(',')}` : '';
    out.push(`  ${r.file}${r.onTopic ? ' (flagged)' : ''}  score ${r.score.toFixed(2)}  ${r.mentions.length} mention(s): ${shown.join(', ')}${more}${claims}`);
  }
  // The detector reports mentions only for on-topic pages; below the threshold the score and its
  // reasons still show what matched, which is where a false positive would start.
  const nearMisses = rows.filter((r) => !r.onTopic && r.score > 0).sort((a, b) => b.score - a.score);
  out.push('');
  out.push(`pages with a dataset term before context rules: ${rows.filter((r) => r.anyTermHit).length}`);
  out.push(`off-topic pages with a non-zero score: ${nearMisses.length}`);
  for (const r of nearMisses.slice(0, NEAR_MISSES_SHOWN)) out.push(`  ${r.file}  score ${r.score.toFixed(2)}  ${r.reasons.join('; ')}`);
  if (nearMisses.length > NEAR_MISSES_SHOWN) out.push(`  … +${nearMisses.length - NEAR_MISSES_SHOWN} more (see --json)`);
  out.push('');
  out.push(flagged.length === 0 ? 'TARGET MET: 0 pages flagged' : `TARGET MISSED: ${flagged.length} page(s) flagged (target 0)`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (jsonOut !== null) {
    writeFileSync(jsonOut, `${JSON.stringify({ dir: basename(dir), pages: rows, unreadable }, null, 2)}\n`);
    process.stdout.write(`wrote ${jsonOut}\n`);
  }
}

await main();
