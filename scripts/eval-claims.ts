/**
 * `npm run eval:claims -- FILE.jsonl [--dataset DIR] [--verbose]`
 *   Lines with `text`, `lang`, `expect_claim` (a claim id or null). Prints, per language and
 *   overall, top-1 accuracy on lines that should match and the correct "no known claim" rate on
 *   lines that should not. Targets on the dev claims: top-1 ≥ 0.90, abstention ≥ 0.95.
 *
 * `npm run eval:claims -- --holdout [--folds 5] [--negatives FILE.txt]`
 *   Tuning without the dev file: each fold holds out every k-th phrasing of every claim, builds
 *   the index on the rest and matches the held-out phrasings (a claim must find itself). Optional
 *   negatives (a file with one sentence per line, or a folder of saved HTML pages of unrelated
 *   news, e.g. ../shared/corpus/news-pages) must get no match; raw-score quantiles of both sides
 *   are printed for calibration.
 *
 * The file path is an argument: a fresh clone has no ../shared.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDatasetFromDir, DATASET_DIR } from '../lib/dataset/load-node';
import type { Dataset } from '../lib/dataset/schema';
import { buildClaimIndex, explainClaims, matchClaims, type ClaimIndex } from '../lib/match/claim-match';
import { textLangOf } from '../lib/match/claim-index';

interface Tally {
  pos: number;
  top1: number;
  neg: number;
  abstain: number;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`eval:claims: ${message}\n`);
  process.stderr.write('usage: npm run eval:claims -- FILE.jsonl [--dataset DIR] [--verbose]\n       npm run eval:claims -- --holdout [--folds N] [--negatives FILE.txt] [--dataset DIR]\n');
  process.exit(2);
}

function parse(argv: string[]): { file?: string; dataset: string; verbose: boolean; holdout: boolean; folds: number; negatives?: string } {
  const out = { dataset: DATASET_DIR, verbose: false, holdout: false, folds: 5 } as ReturnType<typeof parse>;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dataset') out.dataset = argv[++i] ?? usage('--dataset needs a directory');
    else if (a === '--verbose' || a === '-v') out.verbose = true;
    else if (a === '--holdout') out.holdout = true;
    else if (a === '--folds') out.folds = Number(argv[++i]);
    else if (a === '--negatives') out.negatives = argv[++i] ?? usage('--negatives needs a file');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else out.file = a;
  }
  if (!out.holdout && !out.file) usage('give a JSON-lines file');
  if (!Number.isInteger(out.folds) || out.folds < 2) usage('--folds must be a whole number ≥ 2');
  return out;
}

function add(tallies: Map<string, Tally>, lang: string, expect: string | null, got: string | undefined): boolean {
  const t = tallies.get(lang) ?? { pos: 0, top1: 0, neg: 0, abstain: 0 };
  tallies.set(lang, t);
  let ok: boolean;
  if (expect) {
    t.pos += 1;
    ok = got === expect;
    if (ok) t.top1 += 1;
  } else {
    t.neg += 1;
    ok = got === undefined;
    if (ok) t.abstain += 1;
  }
  return ok;
}

function printTable(tallies: Map<string, Tally>, title: string): Tally {
  const all: Tally = { pos: 0, top1: 0, neg: 0, abstain: 0 };
  const rows = [...tallies.entries()].sort((a, b) => b[1].pos + b[1].neg - (a[1].pos + a[1].neg));
  const fmt = (num: number, den: number): string => (den ? `${(num / den).toFixed(3)} (${num}/${den})` : '—');
  console.log(`\n${title}`);
  console.log('| lang | top-1 on claims | correct abstention |');
  console.log('|---|---:|---:|');
  for (const [lang, t] of rows) {
    all.pos += t.pos;
    all.top1 += t.top1;
    all.neg += t.neg;
    all.abstain += t.abstain;
    console.log(`| ${lang} | ${fmt(t.top1, t.pos)} | ${fmt(t.abstain, t.neg)} |`);
  }
  console.log(`| **all** | **${fmt(all.top1, all.pos)}** | **${fmt(all.abstain, all.neg)}** |`);
  return all;
}

function evalFile(index: ClaimIndex, file: string, verbose: boolean): void {
  const tallies = new Map<string, Tally>();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let item: { text?: unknown; lang?: unknown; expect_claim?: unknown };
    try {
      item = JSON.parse(line);
    } catch (error) {
      usage(`${file}: line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof item.text !== 'string' || typeof item.lang !== 'string' || (item.expect_claim !== null && typeof item.expect_claim !== 'string')) {
      usage(`${file}: line ${i + 1}: expected {"text": string, "lang": string, "expect_claim": string|null}`);
    }
    const expect = item.expect_claim as string | null;
    // The language is not passed: in the extension and the CLI it is guessed, so it is here too.
    const matches = matchClaims(index, item.text);
    const ok = add(tallies, item.lang, expect, matches[0]?.claimId);
    if (verbose && !ok) {
      const top = explainClaims(index, item.text).slice(0, 3);
      console.log(`MISS ${item.lang} expect=${expect} got=${matches[0]?.claimId ?? 'none'} :: ${item.text}`);
      for (const e of top) console.log(`    ${e.claimId} lex=${e.lex.toFixed(3)} cov=${e.cov.toFixed(2)} covQ=${e.covQ.toFixed(2)} raw=${e.raw.toFixed(3)} score=${e.score.toFixed(3)} ${e.why.join(' | ')}`);
    }
  });
  printTable(tallies, `Claim matching on ${file}`);
}

function withoutPhrasings(ds: Dataset, fold: number, folds: number): { ds: Dataset; held: { claimId: string; lang: string; text: string }[] } {
  const held: { claimId: string; lang: string; text: string }[] = [];
  let counter = 0;
  const claims = ds.claims.map((c) => {
    const phrasings: Record<string, string[]> = {};
    for (const [lang, list] of Object.entries(c.phrasings)) {
      phrasings[lang] = (list ?? []).filter((text) => {
        const keep = counter++ % folds !== fold;
        if (!keep) held.push({ claimId: c.id, lang, text });
        return keep;
      });
    }
    return { ...c, phrasings };
  });
  return { ds: { ...ds, claims }, held };
}

/** Sentences of a negatives source: a text file (one per line) or a folder of saved HTML pages. */
function negativeSentences(path: string): string[] {
  if (!statSync(path).isDirectory()) return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const seg = new Intl.Segmenter('und', { granularity: 'sentence' });
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    if (!/\.html?$/i.test(name)) continue;
    const html = readFileSync(join(path, name), 'utf8').replace(/<(script|style|noscript)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
    for (const m of html.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/gi)) {
      const text = m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/&nbsp;/g, ' ')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&rsquo;|&lsquo;/g, "'")
        .replace(/&[a-z]+;|&#\d+;/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      for (const part of seg.segment(text)) {
        const sentence = part.segment.trim();
        if (sentence.length >= 30 && sentence.length <= 400) out.push(sentence);
      }
    }
  }
  return out;
}

function quantiles(values: number[]): string {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number): string => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))]!.toFixed(3) : '—');
  return `n=${v.length} p5=${q(0.05)} p10=${q(0.1)} p25=${q(0.25)} p50=${q(0.5)} p75=${q(0.75)} p90=${q(0.9)} p95=${q(0.95)} p99=${q(0.99)}`;
}

function evalHoldout(ds: Dataset, folds: number, negatives: string | undefined, verbose: boolean): void {
  const tallies = new Map<string, Tally>();
  const posRaw: number[] = [];
  const negRaw: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const { ds: train, held } = withoutPhrasings(ds, fold, folds);
    const index = buildClaimIndex(train);
    for (const h of held) {
      const got = matchClaims(index, h.text)[0]?.claimId;
      const ok = add(tallies, textLangOf(h.lang) ?? h.lang, h.claimId, got);
      const ex = explainClaims(index, h.text);
      if (ex[0]?.claimId === h.claimId) posRaw.push(ex[0].raw);
      if (verbose && !ok) console.log(`MISS ${h.lang} expect=${h.claimId} got=${got ?? 'none'} :: ${h.text}`);
    }
  }
  if (negatives) {
    const index = buildClaimIndex(ds);
    for (const text of negativeSentences(negatives)) {
      const got = matchClaims(index, text)[0];
      negRaw.push(explainClaims(index, text)[0]?.raw ?? 0);
      const ok = add(tallies, 'negatives', null, got?.claimId);
      if (verbose && !ok) console.log(`FALSE ${got?.claimId} ${got?.score} :: ${text.slice(0, 160)}`);
    }
  }
  printTable(tallies, `Held-out phrasings (${folds} folds)${negatives ? ` and negatives from ${negatives}` : ''}`);
  console.log(`\nraw score of the right claim when ranked first: ${quantiles(posRaw)}`);
  if (negRaw.length) console.log(`raw score of the best claim on negatives:       ${quantiles(negRaw)}`);
}

const args = parse(process.argv.slice(2));
let dataset: Dataset;
try {
  dataset = loadDatasetFromDir(args.dataset);
} catch (error) {
  process.stderr.write(`eval:claims: ${(error as Error).message}\n`);
  process.exit(1);
}
if (args.holdout) evalHoldout(dataset, args.folds, args.negatives, args.verbose);
else evalFile(buildClaimIndex(dataset), args.file!, args.verbose);
