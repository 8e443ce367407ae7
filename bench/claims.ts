/**
 * `npm run bench:claims [-- --dataset DIR --sentences N]`: claim matcher throughput in Node, one
 * thread. Sentences are generated from the dataset's own phrasings (with words dropped, numbers
 * changed, chatter added) mixed with noise sentences built from a fixed word list, never from
 * ../shared. Prints index build time, sentences/second of `matchClaims`, and a baseline in the same
 * run: the same analysis with naive scoring of every phrasing (no inverted index).
 * Target: ≥ 20,000 sentences/second.
 */
import { loadDatasetFromDir, DATASET_DIR } from '../lib/dataset/load-node';
import { analyseText, claimPhrasings, textLangOf } from '../lib/match/claim-index';
import { buildClaimIndex, matchClaims } from '../lib/match/claim-match';
import { rng } from './rng';

const TARGET_SENTENCES_PER_SECOND = 20_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}


const NOISE_WORDS = (
  'the a city council said on tuesday that new rules for parking would start next month while residents ' +
  'complained about traffic schools budget weather football match season players coach music festival ' +
  'tickets sold out prices rose inflation bank rates housing market energy bills winter storm flights ' +
  'delayed airport train strike union workers pay talks hospital nurses doctors patients waiting lists ' +
  'election campaign voters poll minister parliament vote law reform police station reopened renovation ' +
  'embassy festival community students university research climate report published data shows'
).split(' ');
const CHATTER_BEFORE = ['Apparently', 'I just read that', 'lol so', 'Breaking:', 'Reminder:', 'Wow,', 'Source?', 'They say'];
const CHATTER_AFTER = ['!!', 'unbelievable', 'look it up', '#news', 'share this', '...', 'thoughts?', ''];

function main(): void {
  const dir = arg('--dataset') ?? DATASET_DIR;
  const count = Number(arg('--sentences') ?? 40_000);
  const ds = loadDatasetFromDir(dir);
  if (ds.claims.length === 0) {
    process.stderr.write(`bench:claims: the dataset in ${dir} has no claims yet\n`);
    process.exit(1);
  }

  const builds: number[] = [];
  let index = buildClaimIndex(ds);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    index = buildClaimIndex(ds);
    builds.push(performance.now() - t0);
  }
  builds.sort((a, b) => a - b);

  const phrasings = ds.claims.flatMap((c) => claimPhrasings(c).map((p) => p.text));
  const random = rng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sentences: string[] = [];
  while (sentences.length < count) {
    if (random() < 0.5) {
      const words = pick(phrasings).split(/\s+/);
      if (words.length > 4 && random() < 0.5) words.splice(Math.floor(random() * words.length), 1);
      let s = words.join(' ').replace(/\d+/g, (d) => (random() < 0.2 ? String(Number(d) + 7) : d));
      if (random() < 0.5) s = `${pick(CHATTER_BEFORE)} ${s} ${pick(CHATTER_AFTER)}`;
      sentences.push(s);
    } else {
      const n = 6 + Math.floor(random() * 18);
      const words = Array.from({ length: n }, () => pick(NOISE_WORDS));
      sentences.push(`${words.join(' ')}.`);
    }
  }
  const chars = sentences.reduce((sum, s) => sum + s.length, 0);

  // Warm up the JIT, then measure.
  for (let i = 0; i < 2000; i++) matchClaims(index, sentences[i % sentences.length]!);
  // Wall time and this thread's CPU time: on a shared machine the wall clock also counts time the
  // scheduler gave to other processes, CPU time does not.
  let matched = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const s of sentences) if (matchClaims(index, s).length > 0) matched += 1;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const perSecond = (sentences.length / ms) * 1000;
  const perCpuSecond = (sentences.length / cpuMs) * 1000;

  // Baseline: same analysis, then every phrasing scored by idf-weighted overlap, no inverted index.
  const docs = ds.claims.flatMap((c) => claimPhrasings(c).map((p) => ({ claim: c.id, terms: new Set(analyseText(p.text, textLangOf(p.lang)).terms) })));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string): number => Math.log(1 + docs.length / (df.get(t) ?? 0.5));
  const baselineCount = Math.min(sentences.length, 10_000);
  const t1 = performance.now();
  let sink = 0;
  for (let i = 0; i < baselineCount; i++) {
    const q = new Set(analyseText(sentences[i]!).terms);
    let best = 0;
    for (const d of docs) {
      let s = 0;
      for (const t of q) if (d.terms.has(t)) s += idf(t);
      if (s > best) best = s;
    }
    sink += best;
  }
  const baseMs = performance.now() - t1;
  const basePerSecond = (baselineCount / baseMs) * 1000;

  console.log(`dataset: ${ds.claims.length} claims, ${index.bm25.docCount} phrasings, ${index.bm25.vocab.size} terms`);
  console.log(`index build: median ${builds[2]!.toFixed(1)} ms (min ${builds[0]!.toFixed(1)}, max ${builds[4]!.toFixed(1)}) over 5 builds`);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en');
  console.log(`matchClaims: ${sentences.length} sentences (${(chars / sentences.length).toFixed(0)} chars avg), ${matched} matched a claim`);
  console.log(`  wall ${ms.toFixed(0)} ms → ${fmt(perSecond)} sentences/s; CPU ${cpuMs.toFixed(0)} ms → ${fmt(perCpuSecond)} sentences per CPU-second (single thread; target ≥ ${fmt(TARGET_SENTENCES_PER_SECOND)})`);
  console.log(`baseline (same analysis, naive scoring of every phrasing, no index, no agreement checks): ${fmt(basePerSecond)} sentences/s wall; the index is ${(perSecond / basePerSecond).toFixed(1)}× faster${sink < 0 ? '' : ''}`);
  if (Math.max(perSecond, perCpuSecond) < TARGET_SENTENCES_PER_SECOND) process.exitCode = 1;
}

main();
