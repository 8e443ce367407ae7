/**
 * Detection eval: `npm run eval:detect -- FILE.jsonl [--dataset DIR] [--verbose]`.
 * Runs the detector compiled from the authored dataset over labelled passages and prints, per
 * language and overall: page-level precision/recall (on-topic), the share of expected terms found
 * (a term counts when a mention contains it or lies inside it) and claim-spotting precision/recall.
 */
import { readFileSync } from 'node:fs';
import { loadDatasetFromDir } from '../lib/dataset/load-node';
import { compileDetector } from '../lib/match/detector-build';
import { detect, loadDetector, type Detection } from '../lib/match/detector';

interface Passage {
  id: string;
  lang: string;
  label: 'on-topic' | 'off-topic';
  text: string;
  expect: { terms?: string[]; claims?: string[] };
}

interface Tally {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  terms: number;
  termsFound: number;
  claimTp: number;
  claimFp: number;
  claimFn: number;
}

const blank = (): Tally => ({ n: 0, tp: 0, fp: 0, fn: 0, terms: 0, termsFound: 0, claimTp: 0, claimFp: 0, claimFn: 0 });

function parseArgs(argv: string[]): { file: string; datasetDir?: string; verbose: boolean } {
  let file: string | undefined;
  let datasetDir: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dataset') datasetDir = argv[++i];
    else if (a === '--verbose') verbose = true;
    else if (!file) file = a;
  }
  if (!file) {
    console.error('usage: npm run eval:detect -- FILE.jsonl [--dataset DIR] [--verbose]');
    process.exit(2);
  }
  return { file, datasetDir, verbose };
}

function readPassages(file: string): Passage[] {
  const out: Passage[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let p: Passage;
    try {
      p = JSON.parse(line) as Passage;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof p.text !== 'string' || typeof p.lang !== 'string' || (p.label !== 'on-topic' && p.label !== 'off-topic')) {
      throw new Error(`${file}:${i + 1}: needs "text", "lang" and "label" (on-topic | off-topic)`);
    }
    out.push(p);
  });
  return out;
}

/** An expected term is found when a mention contains one of its occurrences or lies inside it. */
function termFound(text: string, term: string, d: Detection): boolean {
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    const end = at + term.length;
    if (d.mentions.some((m) => (m.start <= at && m.end >= end) || (m.start >= at && m.end <= end))) return true;
  }
  return false;
}

const ratio = (a: number, b: number) => (b === 0 ? '   –' : (a / b).toFixed(3));

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const passages = readPassages(args.file);
  const ds = loadDatasetFromDir(args.datasetDir);
  const det = loadDetector(compileDetector(ds));
  const byLang = new Map<string, Tally>();
  const all = blank();
  const problems: string[] = [];
  for (const p of passages) {
    const d = detect(det, p.text);
    const t = byLang.get(p.lang) ?? blank();
    byLang.set(p.lang, t);
    const onTopic = p.label === 'on-topic';
    const expTerms = p.expect?.terms ?? [];
    const expClaims = new Set(p.expect?.claims ?? []);
    const gotClaims = new Set(d.claims.map((c) => c.claimId));
    const missing = expTerms.filter((term) => !termFound(p.text, term, d));
    for (const x of [t, all]) {
      x.n++;
      if (d.page.onTopic && onTopic) x.tp++;
      if (d.page.onTopic && !onTopic) x.fp++;
      if (!d.page.onTopic && onTopic) x.fn++;
      x.terms += expTerms.length;
      x.termsFound += expTerms.length - missing.length;
      for (const c of gotClaims) if (expClaims.has(c)) x.claimTp++;
      else x.claimFp++;
      for (const c of expClaims) if (!gotClaims.has(c)) x.claimFn++;
    }
    const wrongClaims = [...gotClaims].filter((c) => !expClaims.has(c)).concat([...expClaims].filter((c) => !gotClaims.has(c)));
    if (d.page.onTopic !== onTopic || missing.length || wrongClaims.length) {
      problems.push(
        `${p.id} ${p.lang} ${p.label} → ${d.page.onTopic ? 'on' : 'off'} (score ${d.page.score})` +
          (missing.length ? `; missing terms ${JSON.stringify(missing)}` : '') +
          (wrongClaims.length ? `; claims got [${[...gotClaims].join(',')}] want [${[...expClaims].join(',')}]` : '') +
          (args.verbose ? `\n    mentions: ${d.mentions.map((m) => `"${m.text}"(${m.kind})`).join(' ')}\n    reasons: ${d.page.reasons.join(' | ')}` : ''),
      );
    }
  }
  console.log(`detector: dataset ${ds.version} (${ds.terms.length} terms, ${ds.claims.length} claims) on ${args.file} (${passages.length} passages)\n`);
  const header = 'lang      n   prec   recall  terms (found/exp)   claim-prec claim-recall';
  console.log(header);
  console.log('-'.repeat(header.length));
  const row = (name: string, x: Tally) =>
    console.log(
      `${name.padEnd(8)} ${String(x.n).padStart(3)}  ${ratio(x.tp, x.tp + x.fp)}  ${ratio(x.tp, x.tp + x.fn)}   ${ratio(x.termsFound, x.terms)} (${x.termsFound}/${x.terms})`.padEnd(50) +
        `  ${ratio(x.claimTp, x.claimTp + x.claimFp)}      ${ratio(x.claimTp, x.claimTp + x.claimFn)}`,
    );
  for (const [lang, x] of [...byLang].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) row(lang, x);
  console.log('-'.repeat(header.length));
  row('all', all);
  if (problems.length) {
    console.log(`\n${problems.length} passages with a wrong decision, a missed term or a claim difference:`);
    for (const line of problems) console.log('  ' + line);
  }
}

try {
  main();
} catch (e) {
  console.error(`eval:detect: ${(e as Error).message}`);
  process.exit(1);
}
