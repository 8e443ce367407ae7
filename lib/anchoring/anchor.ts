/**
 * Re-anchor stored selectors in a page's visible text, from most to least precise:
 *
 *  1. position — the stored TextPositionSelector still holds the exact quote and the page text hash
 *     is unchanged;
 *  2. quote    — prefix + exact + suffix, which describe() made unique, still occurs exactly once
 *     (reported as 'position' when that is where the stored position points);
 *  3. scored candidates — exact occurrences of the quote, plus approximate ones (approx-string-match,
 *     Myers' bit-parallel algorithm, as in Hypothesis' match-quote.ts) at the sites where quote and
 *     context recur and near the stored position, each scored on quote, prefix and suffix similarity
 *     and distance from the stored position. The winner is reported as 'quote' if exact, else 'fuzzy'.
 *
 * A candidate is accepted only when its score reaches MIN_SCORE, it carries enough agreeing text
 * (MIN_EVIDENCE_CHARS, so a short common phrase with rewritten surroundings is not trusted; a short
 * quote also needs both sides of its context), no other distinct candidate scores within
 * AMBIGUITY_MARGIN of it, and, when describe() had to grow the context to single the passage out
 * from a look-alike, the outer context that told them apart still matches. Otherwise the annotation
 * is an orphan with a reason. Position alone never separates duplicates (its weight is below the
 * margin). The start and end of the text count as context (a page's first sentence is not a later
 * copy of it).
 *
 * Known limit: a look-alike that is closer to the stored selectors than what an edit left of the
 * passage wins (e.g. in text that repeats one sentence several times in a row, a few changed
 * characters make the neighbouring copy the better match). Real pages rarely do this; the property
 * tests in tests/lib/anchoring-anchor.test.ts exclude only that case.
 *
 * Offsets use the coordinate system documented in describe.ts. Pure: no DOM.
 *
 * To find candidates in a large page without scanning it once per annotation, an anchorer built for
 * one text keeps a sampled q-gram index (the hash of every QGRAM_STEP-th QGRAM_CHARS-long stretch).
 * The q-grams of prefix + exact + suffix give seeds; seeds are clustered into sites ranked by how
 * many q-grams they share, and the best sites are searched with approx-string-match. Any string of
 * at least MIN_INDEXED_CHARS contains a sampled q-gram, so exact occurrences are always found (or,
 * when a q-gram is too common to index usefully, found with indexOf).
 */
import approxSearch from 'approx-string-match';
import type { TextPosition, TextQuote } from '../annotation/model';
import { CONTEXT_GROW_MAX_CHARS, CONTEXT_MIN_CHARS } from './describe';
import { hashPageText } from './text-hash';

/** Score weights, after Hypothesis' match-quote (quote 50, prefix 20, suffix 20, position 2), quote raised so an unchanged long quote survives rewritten surroundings. */
export const WEIGHT_QUOTE = 60;
export const WEIGHT_PREFIX = 15;
export const WEIGHT_SUFFIX = 15;
export const WEIGHT_POSITION = 2;
/** Lowest score (0–1) an anchor may have. */
export const MIN_SCORE = 0.6;
/** Characters of quote and context that must agree (above chance), or 75% of what the selectors hold if less. */
export const MIN_EVIDENCE_CHARS = 80;
/** A quote too short to carry MIN_EVIDENCE_CHARS alone needs at least this context score on both sides. */
export const MIN_CONTEXT_SIDE = 0.25;
/**
 * When describe() had to grow the context to single the passage out, a look-alike existed that
 * matched the inner half of it; a candidate must then match the outer half on both sides at least
 * this well (after chance rescaling), or it may be that look-alike.
 */
export const GROWN_CONTEXT_MIN = 0.6;
/** A second distinct candidate this close to the best makes the annotation an orphan. */
export const AMBIGUITY_MARGIN = 0.05;
/** Context similarity at or below this (0–1, edit-distance based) counts as chance: unrelated English text scores ~0.4–0.5. */
export const CONTEXT_CHANCE_SIMILARITY = 0.5;
/** Most errors allowed in a fuzzy quote match, as a share of its length. */
export const FUZZY_MAX_ERROR_RATIO = 0.25;
/** Hard cap on fuzzy errors, which bounds approx-string-match's cost on long quotes. */
export const FUZZY_MAX_ERRORS = 256;
/** Around the stored position, the quote is also searched approximately within this many characters, whatever its length. */
export const LOCAL_SLACK_CHARS = 64;
/** Length of indexed q-grams and the sampling step of the index. */
export const QGRAM_CHARS = 12;
export const QGRAM_STEP = 4;
/** Strings at least this long always contain a sampled q-gram, so the index finds all their exact occurrences. */
export const MIN_INDEXED_CHARS = QGRAM_CHARS + QGRAM_STEP - 1;
/** A q-gram seen more often than this is too common to seed from. */
export const MAX_QGRAM_HITS = 256;
/** At most this many seeded sites are searched per annotation (best supported first). */
export const MAX_FUZZY_WINDOWS = 16;
/**
 * Sites sharing less than this share of the best site's q-grams are not searched: they match the
 * quote and its context too poorly to win or to rival the best (which needs a score within
 * AMBIGUITY_MARGIN).
 */
export const MIN_SITE_SUPPORT_RATIO = 0.25;
/** A quote with more exact occurrences than this is judged only at its best-seeded sites. */
export const MAX_SCORED_EXACT = 32;
/** Longest stored context compared when scoring (bounds the edit-distance cost). */
export const CONTEXT_SCORE_MAX_CHARS = 512;

export type AnchorMethod = 'position' | 'quote' | 'fuzzy';
export type OrphanReason = 'invalid-selectors' | 'not-found' | 'low-score' | 'ambiguous';

export type AnchorResult =
  | { status: 'anchored'; start: number; end: number; method: AnchorMethod; score: number }
  | { status: 'orphan'; reason: OrphanReason; detail: string };

/** What anchoring reads from an annotation. */
export interface AnchorSelectors {
  quote: TextQuote;
  position?: TextPosition | undefined;
}

export interface AnchorOptions {
  /** Hash of the page text when the annotation was made (Annotation.pageTextHash). */
  pageTextHash?: string | null | undefined;
}

export interface Anchorer {
  /** The text this anchorer works on. */
  readonly text: string;
  /** Hash of `text` (computed on first use). */
  textHash(): string;
  /** Anchor one annotation's selectors in `text`. */
  anchor(selectors: AnchorSelectors, options?: AnchorOptions): AnchorResult;
}

/** Anchors one annotation in `text`; to anchor many in the same text, use createAnchorer. */
export function anchor(text: string, selectors: AnchorSelectors, options: AnchorOptions = {}): AnchorResult {
  return createAnchorer(text).anchor(selectors, options);
}

/** An anchorer for one page text: hashes and indexes the text lazily, once, for all annotations. */
export function createAnchorer(text: string): Anchorer {
  let hash: string | undefined;
  let index: QgramIndex | undefined;
  const textHash = (): string => (hash ??= hashPageText(text));
  const getIndex = (): QgramIndex => (index ??= buildQgramIndex(text));
  return {
    text,
    textHash,
    anchor: (selectors, options = {}) => anchorIn(text, selectors, options, textHash, getIndex),
  };
}

/** Anchors many annotations in one text, sharing the hash and index. */
export function anchorAll(
  text: string,
  items: readonly { selectors: AnchorSelectors; pageTextHash?: string | null | undefined }[],
): AnchorResult[] {
  const anchorer = createAnchorer(text);
  return items.map((item) => anchorer.anchor(item.selectors, { pageTextHash: item.pageTextHash }));
}

interface Candidate {
  start: number;
  end: number;
  errors: number;
}

interface Scored extends Candidate {
  score: number;
  evidence: number;
  /** For grown contexts, how well the outer context (where look-alikes differed) matches, worst side. */
  outerScore: number;
  /** The quote's share of `evidence`. */
  evidenceQuote: number;
  prefixScore: number;
  suffixScore: number;
}

function orphan(reason: OrphanReason, detail: string): AnchorResult {
  return { status: 'orphan', reason, detail };
}

function anchorIn(
  text: string,
  selectors: AnchorSelectors,
  options: AnchorOptions,
  textHash: () => string,
  getIndex: () => QgramIndex,
): AnchorResult {
  const quote = selectors.quote;
  const exact = quote?.exact;
  if (typeof exact !== 'string' || exact.length === 0 || typeof quote.prefix !== 'string' || typeof quote.suffix !== 'string') {
    return orphan('invalid-selectors', 'the annotation has no quote to look for');
  }
  const m = exact.length;
  const position = selectors.position;

  // 1. Position: the most precise selector, trusted outright when the page text is the same.
  const atPosition = !!position && position.end - position.start === m && text.startsWith(exact, position.start);
  if (atPosition && !!options.pageTextHash && options.pageTextHash === textHash()) {
    return { status: 'anchored', start: position.start, end: position.end, method: 'position', score: 1 };
  }

  // 2. Quote with its full context. describe() grows prefix and suffix until prefix + exact + suffix
  //    is unique; if that held at creation and still holds, it is the same passage. It held when the
  //    annotation is ours (it has a page text hash) and neither context hit the growth cap. Otherwise
  //    (duplicates at creation, or another client's fixed-size context) it is only trusted where the
  //    stored position points. If it now occurs twice, position cannot choose: go on and score.
  const contextWasUnique =
    !!options.pageTextHash && quote.prefix.length < CONTEXT_GROW_MAX_CHARS && quote.suffix.length < CONTEXT_GROW_MAX_CHARS;
  if (contextWasUnique || atPosition) {
    const combined = quote.prefix + exact + quote.suffix;
    const combinedStarts = findExact(text, combined, getIndex, 2).starts;
    if (combinedStarts.length === 1) {
      const start = combinedStarts[0]! + quote.prefix.length;
      const method = atPosition && start === position.start ? 'position' : 'quote';
      if (contextWasUnique || method === 'position') return { status: 'anchored', start, end: start + m, method, score: 1 };
    }
  }

  const scorer = new CandidateScorer(text, quote, position, !!options.pageTextHash);

  // 2. Exact occurrences of the quote.
  const maxErrors = Math.min(FUZZY_MAX_ERRORS, Math.floor(m * FUZZY_MAX_ERROR_RATIO));
  const candidates: Candidate[] = [];
  // Every exact occurrence is a candidate while there are few; a quote repeated more often than
  // that is judged only where its context points (below), as scoring hundreds of copies is slow.
  const exactStarts = findExact(text, exact, getIndex, MAX_SCORED_EXACT);
  if (!exactStarts.overflow) for (const s of exactStarts.starts) candidates.push({ start: s, end: s + m, errors: 0 });
  // 3. Approximate occurrences: sites where the quote with its context (mostly) recurs, then the
  //    quote searched approximately there.
  const sites = findSites(text, quote, maxErrors, getIndex());
  candidates.push(...sites.candidates);
  // The passage edited in place is a candidate even if nothing seeded it; without it, a look-alike
  // elsewhere could win by default.
  if (position) {
    const from = Math.max(0, position.start - LOCAL_SLACK_CHARS - maxErrors);
    const to = Math.min(text.length, position.end + LOCAL_SLACK_CHARS + maxErrors);
    // A seeded site already searched there found the in-place passage or something better.
    if (!sites.searched.some(([a, b]) => a <= from && b >= to)) {
      for (const match of approxSearch(text.slice(from, to), exact, maxErrors)) {
        if (match.end > match.start) candidates.push({ start: from + match.start, end: from + match.end, errors: match.errors });
      }
    }
  }
  const all = uniqueSites(candidates).map((c) => scorer.score(c));
  if (all.length === 0) return orphan('not-found', 'the quoted text is no longer on the page');
  const decision = decide(all, scorer);
  if (!decision.ok) return orphan(decision.reason, decision.detail);
  return anchored(decision.best, decision.best.errors === 0 ? 'quote' : 'fuzzy');
}

function anchored(c: Scored, method: AnchorMethod): AnchorResult {
  return { status: 'anchored', start: c.start, end: c.end, method, score: Math.round(c.score * 1000) / 1000 };
}

type Decision = { ok: true; best: Scored } | { ok: false; reason: OrphanReason; detail: string };

function decide(candidates: readonly Scored[], scorer: CandidateScorer): Decision {
  if (candidates.length === 0) return { ok: false, reason: 'not-found', detail: 'the quoted text is no longer on the page' };
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.errors - b.errors || a.start - b.start);
  const best = sorted[0]!;
  if (best.score < MIN_SCORE) {
    return { ok: false, reason: 'low-score', detail: `the closest match scores ${best.score.toFixed(2)}, below ${MIN_SCORE}` };
  }
  if (best.evidence < scorer.minEvidence) {
    return {
      ok: false,
      reason: 'low-score',
      detail: `the closest match agrees on only ${Math.round(best.evidence)} characters of quote and context (needs ${Math.round(scorer.minEvidence)})`,
    };
  }
  if (best.evidenceQuote < scorer.minEvidence && Math.min(best.prefixScore, best.suffixScore) < MIN_CONTEXT_SIDE) {
    return {
      ok: false,
      reason: 'low-score',
      detail: 'the quote is short and the text on one side of it no longer matches',
    };
  }
  if (scorer.grownContext && best.outerScore < GROWN_CONTEXT_MIN) {
    return {
      ok: false,
      reason: 'ambiguous',
      detail: 'the passage had look-alikes on the page and the context that told it apart no longer matches',
    };
  }
  const rival = sorted.find((c) => c !== best && !overlaps(c, best) && c.score >= best.score - AMBIGUITY_MARGIN);
  if (rival) {
    return {
      ok: false,
      reason: 'ambiguous',
      detail: `two passages match about equally well (${best.score.toFixed(2)} and ${rival.score.toFixed(2)}); the page no longer tells them apart`,
    };
  }
  return { ok: true, best };
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The same range found twice (exact and fuzzy, or two seeds) is scored once, with its fewest errors. */
function uniqueSites(candidates: Candidate[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = `${c.start}:${c.end}`;
    const seen = byKey.get(key);
    if (!seen || c.errors < seen.errors) byKey.set(key, c);
  }
  return [...byKey.values()];
}

/** Stands for the start or end of the text in context comparisons (page text holds no NUL). */
const TEXT_BOUNDARY = '\u0000';

class CandidateScorer {
  private readonly prefix: string;
  private readonly suffix: string;
  readonly minEvidence: number;
  /** describe() had to grow the context past CONTEXT_MIN_CHARS: a look-alike passage existed. */
  readonly grownContext: boolean;
  /** Context beyond the size describe() found not unique: where the look-alike differed. */
  private readonly outerPrefix: string = '';
  private readonly outerSuffix: string = '';
  private readonly innerChars: number = 0;

  /**
   * `describedHere` says the context came from our describe(): then a context shorter than
   * CONTEXT_MIN_CHARS was clipped by the start or end of the text, and that boundary is itself
   * context (it tells the first sentence of a page from a later copy of it).
   */
  constructor(
    private readonly text: string,
    private readonly quote: TextQuote,
    private readonly position: TextPosition | undefined,
    describedHere: boolean,
  ) {
    const prefix = quote.prefix.slice(-CONTEXT_SCORE_MAX_CHARS);
    const suffix = quote.suffix.slice(0, CONTEXT_SCORE_MAX_CHARS);
    // Padded to full length so that "at the start of the page" weighs as much as any other context.
    this.prefix = describedHere ? prefix.padStart(CONTEXT_MIN_CHARS, TEXT_BOUNDARY) : prefix;
    this.suffix = describedHere ? suffix.padEnd(CONTEXT_MIN_CHARS, TEXT_BOUNDARY) : suffix;
    this.grownContext = describedHere && Math.max(quote.prefix.length, quote.suffix.length) > CONTEXT_MIN_CHARS;
    if (this.grownContext) {
      // describe() doubles from CONTEXT_MIN_CHARS; half the final size was still not unique.
      let size = CONTEXT_MIN_CHARS;
      while (size < Math.max(quote.prefix.length, quote.suffix.length)) size *= 2;
      this.innerChars = size / 2;
      this.outerPrefix = quote.prefix.slice(0, Math.max(0, quote.prefix.length - this.innerChars));
      this.outerSuffix = quote.suffix.slice(this.innerChars);
    }
    const available = quote.exact.length + prefix.length + suffix.length;
    this.minEvidence = Math.min(MIN_EVIDENCE_CHARS, 0.75 * available);
  }

  score(c: Candidate): Scored {
    const m = this.quote.exact.length;
    const q = Math.max(0, 1 - c.errors / m);
    let weighted = WEIGHT_QUOTE * q;
    let total = WEIGHT_QUOTE;
    let evidence = m * q;
    let prefixScore = 1;
    let suffixScore = 1;
    if (this.prefix.length > 0) {
      const slack = Math.ceil(this.prefix.length / 4);
      const from = c.start - this.prefix.length - slack;
      const window = (from < 0 ? TEXT_BOUNDARY.repeat(-from) : '') + this.text.slice(Math.max(0, from), c.start);
      prefixScore = beyondChance(this.prefix, window);
      weighted += WEIGHT_PREFIX * prefixScore;
      total += WEIGHT_PREFIX;
      evidence += this.prefix.length * prefixScore;
    }
    if (this.suffix.length > 0) {
      const slack = Math.ceil(this.suffix.length / 4);
      const to = c.end + this.suffix.length + slack;
      const window = this.text.slice(c.end, to) + (to > this.text.length ? TEXT_BOUNDARY.repeat(to - this.text.length) : '');
      suffixScore = beyondChance(this.suffix, window);
      weighted += WEIGHT_SUFFIX * suffixScore;
      total += WEIGHT_SUFFIX;
      evidence += this.suffix.length * suffixScore;
    }
    if (this.position) {
      const distance = Math.abs(c.start - this.position.start);
      weighted += WEIGHT_POSITION * (1 - Math.min(1, distance / Math.max(1, this.text.length)));
      total += WEIGHT_POSITION;
    }
    let outerScore = 1;
    if (this.grownContext) {
      const sides: number[] = [];
      if (this.outerPrefix) {
        const slack = Math.ceil(this.outerPrefix.length / 8);
        const at = c.start - this.innerChars;
        sides.push(beyondChance(this.outerPrefix, this.text.slice(Math.max(0, at - this.outerPrefix.length - slack), Math.max(0, at + slack))));
      }
      if (this.outerSuffix) {
        const slack = Math.ceil(this.outerSuffix.length / 8);
        const at = c.end + this.innerChars;
        sides.push(beyondChance(this.outerSuffix, this.text.slice(Math.max(0, at - slack), at + this.outerSuffix.length + slack)));
      }
      outerScore = sides.length ? Math.min(...sides) : 1;
    }
    return { ...c, score: weighted / total, evidence, evidenceQuote: m * q, prefixScore, suffixScore, outerScore };
  }
}

/** Similarity of `expected` to its best match inside `window`, rescaled so chance is 0 and identity 1. */
function beyondChance(expected: string, window: string): number {
  const n = expected.length;
  if (window.length >= n && (window.startsWith(expected) || window.endsWith(expected))) return 1;
  // Only similarity above chance matters, so the search may stop at that many errors; Myers'
  // bit-parallel search costs ~window × ⌈n/32⌉ steps instead of the window × n of a plain DP.
  const maxErrors = Math.floor(n * (1 - CONTEXT_CHANCE_SIMILARITY));
  const matches = approxSearch(window, expected, maxErrors);
  if (matches.length === 0) return 0;
  const similarity = 1 - matches[0]!.errors / n;
  return Math.max(0, (similarity - CONTEXT_CHANCE_SIMILARITY) / (1 - CONTEXT_CHANCE_SIMILARITY));
}

function findExact(text: string, needle: string, getIndex: () => QgramIndex, limit: number): { starts: number[]; overflow: boolean } {
  if (needle.length >= MIN_INDEXED_CHARS) {
    const seeded = getIndex().exactStarts(needle);
    if (seeded) return seeded.length > limit ? { starts: seeded.slice(0, limit), overflow: true } : { starts: seeded, overflow: false };
  }
  const starts: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    if (starts.length === limit) return { starts, overflow: true };
    starts.push(i);
  }
  return { starts, overflow: false };
}

/**
 * Candidate ranges for the quote at the sites where prefix + exact + suffix shares the most indexed
 * q-grams with the text. Seeding from the context as well as the quote ranks the annotated passage
 * above copies of the quote elsewhere, and finds short quotes whose context is intact.
 */
function findSites(
  text: string,
  quote: TextQuote,
  maxErrors: number,
  index: QgramIndex,
): { candidates: Candidate[]; searched: [number, number][] } {
  const combined = quote.prefix + quote.exact + quote.suffix;
  const m = quote.exact.length;
  const seeds = index.seeds(combined).starts;
  const out: Candidate[] = [];
  const searched: [number, number][] = [];
  if (seeds.length === 0) return { candidates: out, searched };
  // Seeds of one site differ by at most the edits between them: cluster them.
  const tolerance = Math.min(FUZZY_MAX_ERRORS, Math.max(maxErrors, Math.floor(combined.length * FUZZY_MAX_ERROR_RATIO)));
  const clusters: { from: number; to: number; support: number }[] = [];
  let current = { from: seeds[0]!, to: seeds[0]!, support: 1 };
  for (let i = 1; i < seeds.length; i++) {
    const s = seeds[i]!;
    if (s - current.to <= tolerance) {
      current.to = s;
      current.support++; // one per q-gram the site shares with quote + context
    } else {
      clusters.push(current);
      current = { from: s, to: s, support: 1 };
    }
  }
  clusters.push(current);
  clusters.sort((a, b) => b.support - a.support || a.from - b.from);
  const minSupport = clusters[0]!.support * MIN_SITE_SUPPORT_RATIO;
  for (const cluster of clusters.slice(0, MAX_FUZZY_WINDOWS)) {
    if (cluster.support < minSupport) break;
    const from = Math.max(0, cluster.from + quote.prefix.length - tolerance);
    const to = Math.min(text.length, cluster.to + quote.prefix.length + m + tolerance);
    if (to - from < m - maxErrors) continue;
    searched.push([from, to]);
    for (const match of approxSearch(text.slice(from, to), quote.exact, maxErrors)) {
      if (match.end > match.start) out.push({ start: from + match.start, end: from + match.end, errors: match.errors });
    }
  }
  return { candidates: out, searched };
}

// ---------------------------------------------------------------------------------------------
// Sampled q-gram index: the hash of text[p, p + QGRAM_CHARS) for every p divisible by QGRAM_STEP,
// bucketed by hash in flat typed arrays (cheap to build: ~n / QGRAM_STEP entries).

interface QgramIndex {
  /** Start offsets implied by every indexed q-gram the pattern shares with the text (sorted, with repeats). */
  seeds(pattern: string): { starts: Int32Array; complete: boolean };
  /** All exact occurrences, or null when a too-common q-gram means some might be missed. */
  exactStarts(pattern: string): number[] | null;
}

// Polynomial hash, so the index can roll it along the text instead of rehashing every q-gram.
const QGRAM_BASE = 0x9e3779b1;
const QGRAM_BASE_POW = (() => {
  let p = 1;
  for (let k = 0; k < QGRAM_CHARS - 1; k++) p = Math.imul(p, QGRAM_BASE);
  return p;
})();

function qgramHash(s: string, at: number): number {
  let h = 0;
  for (let k = 0; k < QGRAM_CHARS; k++) h = (Math.imul(h, QGRAM_BASE) + s.charCodeAt(at + k)) | 0;
  return h >>> 0;
}

function bucketOf(h: number, shift: number): number {
  return Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> shift;
}

function buildQgramIndex(text: string): QgramIndex {
  const n = text.length;
  const count = n >= QGRAM_CHARS ? Math.floor((n - QGRAM_CHARS) / QGRAM_STEP) + 1 : 0;
  const bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, count))));
  const shift = 32 - bits;
  const hashes = new Uint32Array(count);
  const bucketStart = new Int32Array((1 << bits) + 1);
  let h = 0;
  for (let i = 0, q = 0; q < count; i++) {
    if (i >= QGRAM_CHARS) h = (h - Math.imul(text.charCodeAt(i - QGRAM_CHARS), QGRAM_BASE_POW)) | 0;
    h = (Math.imul(h, QGRAM_BASE) + text.charCodeAt(i)) | 0;
    if (i === q * QGRAM_STEP + QGRAM_CHARS - 1) {
      const u = h >>> 0;
      hashes[q++] = u;
      bucketStart[bucketOf(u, shift) + 1]!++;
    }
  }
  for (let b = 1; b < bucketStart.length; b++) bucketStart[b]! += bucketStart[b - 1]!;
  const fill = bucketStart.slice(0, bucketStart.length - 1);
  const positions = new Int32Array(count);
  const sortedHashes = new Uint32Array(count);
  for (let q = 0; q < count; q++) {
    const u = hashes[q]!;
    const slot = fill[bucketOf(u, shift)]!++;
    positions[slot] = q * QGRAM_STEP;
    sortedHashes[slot] = u;
  }

  /** Seeds plus, per residue of the pattern offset modulo QGRAM_STEP, whether a usable q-gram was seen. */
  const seeds = (pattern: string): { starts: Int32Array; complete: boolean } => {
    const starts: number[] = [];
    const usable = new Array<boolean>(QGRAM_STEP).fill(false);
    const hits: number[] = [];
    for (let j = 0; j + QGRAM_CHARS <= pattern.length; j++) {
      const u = qgramHash(pattern, j);
      const b = bucketOf(u, shift);
      hits.length = 0;
      for (let k = bucketStart[b]!; k < bucketStart[b + 1]!; k++) {
        if (sortedHashes[k] === u) hits.push(positions[k]!);
      }
      if (hits.length > MAX_QGRAM_HITS) continue;
      usable[j % QGRAM_STEP] = true;
      const gram = pattern.slice(j, j + QGRAM_CHARS);
      for (const p of hits) {
        // Hash collisions are rare but must not seed: check the characters.
        if (text.startsWith(gram, p)) starts.push(p - j);
      }
    }
    // An occurrence at s is seen through offset j when s + j is sampled, i.e. for one residue of j.
    return { starts: Int32Array.from(starts).sort(), complete: usable.every(Boolean) };
  };

  return {
    seeds,
    exactStarts(pattern) {
      const { starts, complete } = seeds(pattern);
      if (!complete) return null;
      const out: number[] = [];
      for (let k = 0; k < starts.length; k++) {
        const st = starts[k]!;
        if (st >= 0 && st !== starts[k - 1] && text.startsWith(pattern, st)) out.push(st);
      }
      return out;
    },
  };
}
