/**
 * Engine benchmark: `npm run bench:engine -- DIR [--dataset DIR] [--rounds N] [--synthetic N]`.
 *
 * Extracts the visible text of every .html file in DIR with a simple tag stripper, then measures in
 * one run: normalisation, the automaton scan, the full detect(), a naive baseline (one RegExp per
 * term), modern-ahocorasick (compact and double-array backends) on the same normalised text and
 * patterns, and the time to load the compiled detector (median of ≥ 50 loads). Also lists every
 * page the detector calls on topic, with its reasons (the corpus is meant to hold none).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import AhoCorasick from 'modern-ahocorasick';
import FastAhoCorasick from 'modern-ahocorasick/fast';
import { loadDatasetFromDir } from '../lib/dataset/load-node';
import { compileDetector, detectorPatterns } from '../lib/match/detector-build';
import { detect, loadDetector, quickReject } from '../lib/match/detector';
import { loadAutomaton, scan } from '../lib/match/automaton';
import { buildAutomaton } from '../lib/match/automaton-build';
import { normaliseCodes, normaliseForMatch } from '../lib/match/normalise';

const DROP_CONTENT = /<(script|style|noscript|template|svg|head|iframe|object)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BLOCK_TAG = /<\/?(p|div|h[1-6]|li|ul|ol|br|tr|td|th|table|section|article|header|footer|nav|aside|blockquote|pre|figure|figcaption|main|form|dd|dt|dl|hr|title|button|label|option|select|textarea|address|details|summary)\b[^>]*>/gi;
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', mdash: '—', ndash: '–', hellip: '…',
  rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', shy: '\u00ad',
  eacute: 'é', egrave: 'è', agrave: 'à', aacute: 'á', oacute: 'ó', uacute: 'ú', iacute: 'í', ntilde: 'ñ',
  ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', middot: '·', bull: '•', euro: '€', pound: '£',
};

/** Visible text of an HTML document, blocks separated by "\n" (bench-grade, not the DOM extractor). */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(DROP_CONTENT, ' ')
    .replace(BLOCK_TAG, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (all, name: string) => {
      if (name[0] === '#') {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
      }
      return NAMED[name.toLowerCase()] ?? all;
    })
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}

/** Size of the text sample the slow baselines run on. */
const SAMPLE_BYTES = 400_000;
/** Longest piece of text handed to a baseline matcher at once. */
const CHUNK_CHARS = 2_000;
const CHUNK_RE = new RegExp(`[\\s\\S]{1,${CHUNK_CHARS}}(?=\\s|$)|[\\s\\S]{1,${CHUNK_CHARS}}`, 'g');

/** Deterministic pseudo-word aliases (1–3 words of 2–4 syllables). */
function syntheticAliases(n: number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ra', 'ten', 'sho', 'vel', 'qui', 'dan', 'ber', 'po', 'li', 'ce', 'sta', 'tion', 'chi', 'na', 'ove', 'rsea', 'in', 'the', 'an'];
  let seed = 1;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Set<string>();
  while (out.size < n) {
    const words: string[] = [];
    for (let w = 0, nw = 1 + Math.floor(rnd() * 3); w < nw; w++) {
      let word = '';
      for (let k = 0, ns = 2 + Math.floor(rnd() * 3); k < ns; k++) word += syllables[Math.floor(rnd() * syllables.length)];
      words.push(word);
    }
    out.add(words.join(' '));
  }
  return [...out];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeRounds(rounds: number, fn: () => void): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function main(): void {
  const argv = process.argv.slice(2);
  let dir: string | undefined;
  let datasetDir: string | undefined;
  let rounds = 15;
  let synthetic = 10_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dataset') datasetDir = argv[++i];
    else if (argv[i] === '--rounds') rounds = Math.max(1, Number(argv[++i]) || rounds);
    else if (argv[i] === '--synthetic') synthetic = Math.max(0, Number(argv[++i]) || 0);
    else dir ??= argv[i];
  }
  if (!dir) {
    console.error('usage: npm run bench:engine -- DIR [--dataset DIR] [--rounds N] [--synthetic N (default 10000, 0 = off)]');
    process.exit(2);
  }
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.x?html?$/i.test(f) && statSync(join(dir!, f)).isFile()).sort();
  } catch (e) {
    console.error(`bench:engine: cannot read ${dir}: ${(e as Error).message}`);
    process.exit(1);
  }
  if (files.length === 0) {
    console.error(`bench:engine: no .html files in ${dir}`);
    process.exit(1);
  }
  const pages = files.map((f) => ({ name: f, text: htmlToText(readFileSync(join(dir!, f), 'utf8')) }));
  const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p.text, 'utf8'), 0);
  const mb = bytes / 1e6;

  const ds = loadDatasetFromDir(datasetDir);
  const t0 = performance.now();
  const compiled = compileDetector(ds);
  const compileMs = performance.now() - t0;
  const loads: number[] = [];
  for (let i = 0; i < 60; i++) {
    const a = performance.now();
    loadDetector(compiled);
    loads.push(performance.now() - a);
  }
  const det = loadDetector(compiled);
  const patterns = detectorPatterns(ds);
  const keys = patterns.map((p) => p.key);

  const normalised = pages.map((p) => normaliseForMatch(p.text));
  const rows: Array<[string, number, string]> = [];
  const rate = (ms: number) => mb / (ms / 1000);

  const tNorm = timeRounds(rounds, () => {
    for (const p of pages) normaliseCodes(p.text, { keepLineBreaks: true });
  });
  rows.push(['normaliseCodes() alone (for reference)', tNorm, 'NFKC/case/diacritics/width/Hant fold + offset map']);
  let sink = 0;
  const tRead = timeRounds(rounds, () => {
    for (const p of pages) {
      const t = p.text;
      for (let i = 0; i < t.length; i++) sink ^= t.charCodeAt(i);
    }
  });
  rows.push(['read every code unit (floor)', tRead, `charCodeAt loop only (${sink & 1})`]);
  const tScan = timeRounds(rounds, () => {
    for (const p of pages) scan(det.automaton, p.text);
  });
  rows.push(['automaton scan (raw scan, folds on the fly)', tScan, 'what a page without the story costs']);
  const tQuick = timeRounds(rounds, () => {
    for (const p of pages) quickReject(det, p.text);
  });
  rows.push(['quickReject()', tQuick, 'cheap first pass']);
  let onTopic: Array<{ name: string; score: number; reasons: string[] }> = [];
  const tDetect = timeRounds(rounds, () => {
    onTopic = [];
    for (const p of pages) {
      const d = detect(det, p.text);
      if (d.page.onTopic) onTopic.push({ name: p.name, score: d.page.score, reasons: d.page.reasons });
    }
  });
  rows.push(['detect() end to end', tDetect, 'scan + context rules + decision (+ claims on topic)']);

  // The baselines are orders of magnitude slower: they run on a sample of the same text (the
  // first blocks of every page up to SAMPLE_BYTES) and our scan is timed on that sample as well.
  // Text-node-sized pieces (≤ CHUNK_CHARS): modern-ahocorasick slows down badly on long strings.
  const blocks = normalised.flatMap((s) => s.split('\n').filter(Boolean).flatMap((b) => b.match(CHUNK_RE) ?? []));
  const sample: string[] = [];
  let sampleBytes = 0;
  for (let i = 0; i < blocks.length && sampleBytes < SAMPLE_BYTES; i += Math.max(1, Math.floor(blocks.length / 4000))) {
    sample.push(blocks[i]!);
    sampleBytes += Buffer.byteLength(blocks[i]!, 'utf8');
  }
  const sampleMb = sampleBytes / 1e6;
  const sampleRows: Array<[string, number, string]> = [];
  const tOurs = timeRounds(rounds, () => {
    for (const s of sample) scan(det.automaton, s);
  });
  sampleRows.push(['automaton scan, per block', tOurs, 'ours']);
  const ac = new AhoCorasick(keys);
  const tAc = timeRounds(rounds, () => {
    for (const s of sample) ac.search(s);
  });
  sampleRows.push(['modern-ahocorasick search, per block', tAc, 'compact backend, all overlaps, no boundaries']);
  const fac = new FastAhoCorasick(keys);
  const tFac = timeRounds(1, () => {
    for (const s of sample) fac.search(s);
  });
  sampleRows.push(['modern-ahocorasick/fast search, per block', tFac, 'double-array backend (1 round)']);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regexes = keys.map((k) => new RegExp(`(?<![\\p{L}\\p{N}])${esc(k).replace(/ /g, '[ -]')}(?![\\p{L}\\p{N}])`, 'gu'));
  const joined = sample.join('\n');
  const tNaive = timeRounds(1, () => {
    for (const re of regexes) {
      re.lastIndex = 0;
      while (re.exec(joined)) { /* count */ }
    }
  });
  sampleRows.push(['naive: one RegExp per term', tNaive, `${regexes.length} regexes with Unicode boundaries (1 round)`]);

  console.log(`bench:engine — ${pages.length} pages from ${dir}, ${mb.toFixed(2)} MB of visible text (UTF-8), median of ${rounds} rounds`);
  console.log(`dataset ${ds.version}: ${ds.terms.length} terms → ${patterns.length} patterns (with station cities and cues), detector ${(compiled.byteLength / 1024).toFixed(1)} KiB`);
  console.log('');
  console.log('what                                              ms/round     MB/s   note');
  console.log('-'.repeat(112));
  for (const [what, ms, note] of rows) {
    console.log(`${what.padEnd(48)} ${ms.toFixed(2).padStart(10)} ${rate(ms).toFixed(1).padStart(8)}   ${note}`);
  }
  console.log('-'.repeat(112));
  console.log(`same engines on a sample: ${sample.length} blocks, ${sampleMb.toFixed(2)} MB`);
  for (const [what, ms, note] of sampleRows) {
    console.log(`${what.padEnd(48)} ${ms.toFixed(2).padStart(10)} ${(sampleMb / (ms / 1000)).toFixed(1).padStart(8)}   ${note}`);
  }
  console.log('-'.repeat(112));
  console.log(`compileDetector (build side, once): ${compileMs.toFixed(1)} ms`);
  console.log(`loadDetector: median ${median(loads).toFixed(3)} ms, max ${Math.max(...loads).toFixed(3)} ms over ${loads.length} loads`);
  console.log(`on the sample, the automaton scan is ${(tAc / tOurs).toFixed(0)}× faster than modern-ahocorasick and ${(tNaive / tOurs).toFixed(0)}× faster than one RegExp per term`);

  if (synthetic > 0) {
    // Scale check against STYLE.md's figures (10,000 aliases): pseudo-words over a small syllable
    // set, so many share prefixes with each other and with real text.
    const aliases = syntheticAliases(synthetic);
    let t = performance.now();
    const synBytes = buildAutomaton(aliases.map((text) => ({ text })));
    const synBuild = performance.now() - t;
    const synLoads: number[] = [];
    for (let i = 0; i < 60; i++) {
      t = performance.now();
      loadAutomaton(synBytes);
      synLoads.push(performance.now() - t);
    }
    const syn = loadAutomaton(synBytes);
    const tSyn = timeRounds(rounds, () => {
      for (const p of pages) scan(syn, p.text);
    });
    const synAc = new AhoCorasick(aliases);
    const tSynAc = timeRounds(3, () => {
      for (const s of sample) synAc.search(s);
    });
    const tSynOurs = timeRounds(rounds, () => {
      for (const s of sample) scan(syn, s);
    });
    console.log('');
    console.log(`scale: ${aliases.length} synthetic aliases → automaton ${(synBytes.byteLength / 1024).toFixed(0)} KiB, built in ${synBuild.toFixed(0)} ms (build side), load median ${median(synLoads).toFixed(3)} ms`);
    console.log(`  scan of all pages: ${rate(tSyn).toFixed(1)} MB/s; on the sample: ours ${(sampleMb / (tSynOurs / 1000)).toFixed(1)} MB/s, modern-ahocorasick ${(sampleMb / (tSynAc / 1000)).toFixed(1)} MB/s`);
  }

  console.log('');
  console.log(`pages flagged on topic: ${onTopic.length} of ${pages.length}`);
  for (const p of onTopic) console.log(`  ${p.name} (score ${p.score}): ${p.reasons.join(' | ')}`);
}

// Runs as a script; importing the module (for htmlToText) does nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
