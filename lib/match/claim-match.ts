/**
 * The moderator claim matcher: does a sentence repeat a known claim, which one, and why.
 *
 * 1. Lexical: BM25 of the sentence against every phrasing of every claim in every language
 *    (claim-index.ts), per claim the best phrasing. Two coverages are combined: how much of that
 *    phrasing the sentence says (BM25 / the phrasing's self-score), and how much of the sentence the
 *    claim's vocabulary explains (idf mass), so a long off-topic post that happens to contain
 *    "Chinese police station" does not match.
 * 2. Agreement: numbers ("54 stations" is not "more than 100 stations"; "almost a quarter of a
 *    million" is 230,000), places (a Toronto sentence is not the Dublin claim; a city agrees with its
 *    country) and names. A contradiction is a strong penalty, an agreement a bonus and a reason.
 * 3. Calibration: the combined score is mapped through a logistic curve so that
 *    CLAIM_MATCH_THRESHOLD (0.5) is the point below which the matcher says "no known claim".
 *
 * Negation: a sentence that negates a claim ("there is no Chinese police station in Sydney") is
 * still about that claim, and the moderator needs exactly that claim's status, context and denial
 * to judge it. So it matches, and the match says so (`negated: true` and a reason), rather than
 * being hidden. Polarity is compared with the phrasing that matched, so "China denies running
 * stations" matches the denial claim C06 without being flagged.
 *
 * Story evidence: a sentence must use the story's own words (derived from the phrasings and the
 * detector's topic phrases; generic words such as "police station" count less) to match with full
 * weight, so "the police station in Dublin is being renovated" is not the Dublin claim.
 *
 * Pure: no DOM, no Node modules. The factors below were set by hand; CALIBRATION_MID is the lowest
 * value that keeps ≥ 0.95 abstention on our own near-miss sentences (bench/claim-near-misses.txt)
 * with held-out phrasings as positives (`npm run eval:claims -- --holdout --negatives FILE`); the
 * dev claims were only measured.
 */
import type { ClaimStatus } from '../dataset/schema';
import { scoreBm25 } from './bm25';
import {
  analyseText,
  buildClaimIndex,
  findEntities,
  storyEvidence,
  numbersAgree,
  type AnalysedText,
  type ClaimIndex,
  type EntityMention,
  type IndexedClaim,
  type NumberMention,
  type TextLang,
} from './claim-index';

export { buildClaimIndex, type ClaimIndex, type TextLang };

/** Calibrated score below which a sentence gets "no known claim". */
export const CLAIM_MATCH_THRESHOLD = 0.5;
/** Matches returned per sentence unless the caller asks otherwise. */
export const CLAIM_MATCH_DEFAULT_LIMIT = 3;
/** Claims (best lexical first) that get the agreement checks; the rest cannot reach the threshold. */
const CANDIDATES = 8;
/** Weight of phrasing coverage against sentence coverage in the lexical score (geometric mix). */
const LEX_ALPHA = 0.6;
/** Idf given to a sentence word no phrasing uses, as a share of the highest idf. */
const UNKNOWN_TERM_IDF_SHARE = 0.45;
/** A number of the same kind ("stations") that contradicts the claim's. */
const NUMBER_CONFLICT_FACTOR = 0.3;
/** A number the claim does not assert, and none that agrees. */
const NUMBER_UNEXPLAINED_FACTOR = 0.6;
/** Some numbers agree, others are not the claim's. */
const NUMBER_PARTLY_FACTOR = 0.9;
/** A number in a sentence for a claim that asserts none. */
const NUMBER_UNASSERTED_FACTOR = 0.9;
const NUMBER_AGREE_BONUS = 0.08;
/** Every place in the sentence is somewhere the claim is not about. */
const PLACE_CONFLICT_FACTOR = 0.25;
/** Some places agree, as many or fewer do not. */
const PLACE_PARTLY_FACTOR = 0.85;
/** Some places agree, more do not. */
const PLACE_MOSTLY_OTHER_FACTOR = 0.6;
/** A specific place named for a claim about no place in particular. */
const PLACE_UNASSERTED_FACTOR = 0.9;
const PLACE_AGREE_BONUS = 0.06;
const NAME_AGREE_BONUS = 0.06;
/** Weight of query terms inside a recognised place or name (see readSentence). */
const ENTITY_TERM_WEIGHT = 0.5;
/** A sentence without any of the story's own words (police, station, Chinese…): a place name alone is not a claim. */
const OFF_STORY_FACTOR = 0.35;
/** Only words the story shares with everyday news ("police station", "Chinese"). */
const GENERIC_STORY_FACTOR = 0.7;
const MAX_BONUS = NUMBER_AGREE_BONUS + PLACE_AGREE_BONUS + NAME_AGREE_BONUS;
/** Logistic calibration: raw score → 0..1, 0.5 at CALIBRATION_MID. */
const CALIBRATION_MID = 0.36;
const CALIBRATION_SLOPE = 14;
/** Words with an idf below this are glue ("the", "de") and are not shown as reasons. */
const WHY_MIN_IDF = 1.2;
const WHY_MAX_TERMS = 4;

/** One known claim that a sentence repeats (or contradicts), with a calibrated 0..1 score and reasons. */
export interface ClaimMatch {
  claimId: string;
  /** 0..1, calibrated: CLAIM_MATCH_THRESHOLD and above is shown as a match. */
  score: number;
  status: ClaimStatus;
  /** Human-readable reasons: terms, numbers, places and names that agreed (or disagreed). */
  why: string[];
  /** True when the sentence negates the claim (e.g. denies it) rather than repeating it. */
  negated?: boolean;
}

/** Options of {@link matchClaims}. */
export interface MatchOptions {
  /** Most matches returned (best first); default CLAIM_MATCH_DEFAULT_LIMIT. */
  limit?: number;
  /** Language of the text when known; guessed from script and function words otherwise. */
  lang?: TextLang;
}

/** A sentence of pasted text with its offsets and its matches. */
export interface SentenceCheck {
  sentence: string;
  start: number;
  end: number;
  matches: ClaimMatch[];
}

interface Candidate {
  claim: number;
  doc: number;
  cov: number;
  covQ: number;
  lex: number;
}

/** Everything about one sentence that does not depend on the claim, computed once. */
interface SentenceFacts {
  text: string;
  a: AnalysedText;
  termIds: number[];
  /** Weight of each query term (ENTITY_TERM_WEIGHT inside a place or name, else 1). */
  termWeights: number[];
  /** Numbers that count (not years, not "110" of "110 Overseas"), each with its unit terms. */
  numbers: { n: NumberMention; units: string[]; isYear: boolean }[];
  entities: EntityMention[];
  /** Evidence that the text is about the story at all (see storyEvidence). */
  onTopic: 0 | 1 | 2;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-CALIBRATION_SLOPE * (x - CALIBRATION_MID)));
}

function sentenceUnits(a: AnalysedText, piece: number): string[] {
  const out: string[] = [];
  for (let t = 0; t < a.terms.length && out.length < 3; t++) {
    const p = a.termPiece[t]!;
    if (p > piece && a.pieces[p]!.kind === 'num') break;
    if (a.terms[t]!.startsWith('#')) continue;
    if (p > piece || (p === piece && a.pieces[p]!.kind === 'cjk')) out.push(a.terms[t]!);
  }
  return out;
}

function readSentence(index: ClaimIndex, text: string, lang?: TextLang): SentenceFacts {
  const a = analyseText(text, lang);
  const seen = new Set<number>();
  const termIds: number[] = [];
  for (const term of a.terms) {
    const id = index.bm25.vocab.get(term);
    if (id !== undefined && !seen.has(id)) {
      seen.add(id);
      termIds.push(id);
    }
  }
  const numbers = a.numbers
    .filter((n) => !index.nameNumbers.has(n.value) || n.qual !== 'exact')
    .map((n) => ({
      n,
      units: sentenceUnits(a, n.piece),
      isYear: n.qual === 'exact' && Number.isInteger(n.value) && n.value >= 1900 && n.value <= 2100,
    }));
  const onTopic = storyEvidence(index, a, termIds);
  const entities = findEntities(index.gazetteer, a);
  // Words that name a place or person count less as lexical evidence: the agreement check scores
  // them, and a place name alone must not make a match ("New Zealand's capital is Wellington").
  const inEntity = new Set<string>();
  a.terms.forEach((term, t) => {
    const start = a.termStart[t]!;
    if (entities.some((e) => start >= e.start && start < e.end)) inEntity.add(term);
  });
  const termWeights = termIds.map(() => 1);
  if (inEntity.size) {
    const byId = new Map<number, string>();
    for (const term of inEntity) {
      const id = index.bm25.vocab.get(term);
      if (id !== undefined) byId.set(id, term);
    }
    termIds.forEach((id, q) => {
      if (byId.has(id)) termWeights[q] = ENTITY_TERM_WEIGHT;
    });
  }
  return { text, a, termIds, termWeights, numbers, entities, onTopic };
}

function topicFactor(s: SentenceFacts): number {
  return s.onTopic === 2 ? 1 : s.onTopic === 1 ? GENERIC_STORY_FACTOR : OFF_STORY_FACTOR;
}

function lexicalCandidates(index: ClaimIndex, s: SentenceFacts, explain = false): Candidate[] {
  const { bm25, docClaim } = index;
  const scores = index.scratchScores;
  const touched = index.scratchTouched;
  const count = scoreBm25(bm25, s.termIds, scores, touched, s.termWeights);
  const bestCov = new Float64Array(index.claims.length);
  const bestDoc = new Int32Array(index.claims.length).fill(-1);
  for (let i = 0; i < count; i++) {
    const d = touched[i]!;
    const cov = Math.min(1, scores[d]! / bm25.selfScore[d]!);
    scores[d] = 0;
    const c = docClaim[d]!;
    if (cov > bestCov[c]!) {
      bestCov[c] = cov;
      bestDoc[c] = d;
    }
  }
  // Sentence mass: idf of known terms, a fixed share of the top idf for unknown words (numbers aside).
  const maxIdf = index.maxIdf;
  const knownTerms = new Set<string>();
  let mass = 0;
  for (let q = 0; q < s.termIds.length; q++) mass += bm25.idf[s.termIds[q]!]! * s.termWeights[q]!;
  for (const term of s.a.terms) {
    if (bm25.vocab.has(term) || term.startsWith('#') || knownTerms.has(term)) continue;
    knownTerms.add(term);
    mass += UNKNOWN_TERM_IDF_SHARE * maxIdf;
  }
  const hits = new Float64Array(index.claims.length);
  for (let q = 0; q < s.termIds.length; q++) {
    const id = s.termIds[q]!;
    const w = bm25.idf[id]! * s.termWeights[q]!;
    for (const c of index.termClaims[id]!) hits[c]! += w;
  }
  const out: Candidate[] = [];
  const topic = topicFactor(s);
  for (let c = 0; c < index.claims.length; c++) {
    if (bestDoc[c]! < 0) continue;
    const cov = bestCov[c]!;
    // covQ ≤ 1, so this bounds the final score: most claims of most sentences stop here.
    if (!explain && logistic(cov ** LEX_ALPHA * topic + MAX_BONUS) < CLAIM_MATCH_THRESHOLD) continue;
    const covQ = mass > 0 ? hits[c]! / mass : 0;
    out.push({ claim: c, doc: bestDoc[c]!, cov, covQ, lex: cov ** LEX_ALPHA * covQ ** (1 - LEX_ALPHA) });
  }
  out.sort((x, y) => y.lex - x.lex);
  return out.slice(0, CANDIDATES);
}

function quoteSpan(text: string, start: number, end: number): string {
  return text.slice(start, end).replace(/\s+/g, ' ').trim();
}

interface Verdict {
  raw: number;
  why: string[];
  negated: boolean;
}

function judge(index: ClaimIndex, s: SentenceFacts, cand: Candidate): Verdict {
  const claim: IndexedClaim = index.claims[cand.claim]!;
  let raw = cand.lex;
  let bonus = 0;
  const why: string[] = [];
  if (s.onTopic === 0) raw *= OFF_STORY_FACTOR;
  else if (s.onTopic === 1) raw *= GENERIC_STORY_FACTOR;

  // Terms that agreed, as the sentence wrote them; terms whose spans touch (only spaces between)
  // are grouped into one phrase.
  const vocab = index.claimTerms[cand.claim]!;
  const { a } = s;
  const phrases: { start: number; end: number; weight: number; top: number }[] = [];
  let current: (typeof phrases)[number] | null = null;
  let lastPiece = -1;
  a.terms.forEach((term, t) => {
    const id = index.bm25.vocab.get(term);
    const piece = a.termPiece[t]!;
    if (id === undefined || !vocab.has(id)) {
      current = null;
      return;
    }
    const start = a.termStart[t]!;
    const end = a.termEnd[t]!;
    const w = index.bm25.idf[id]!;
    const gap = current ? s.text.slice(current.end, start) : '';
    if (current && (start <= current.end || (/^[\s\p{P}]*$/u.test(gap) && !/[.,;:!?。，；：！？]/.test(gap) && piece - lastPiece <= 2))) {
      current.end = Math.max(current.end, end);
      current.weight += w;
      current.top = Math.max(current.top, w);
    } else {
      current = { start, end, weight: w, top: w };
      phrases.push(current);
    }
    lastPiece = piece;
  });
  const shown = phrases
    .filter((ph) => ph.top >= WHY_MIN_IDF)
    .sort((x, y) => y.weight - x.weight)
    .slice(0, WHY_MAX_TERMS)
    .sort((x, y) => x.start - y.start)
    .map((ph) => `"${quoteSpan(s.text, ph.start, ph.end)}"`);
  if (shown.length) why.push(`terms: ${shown.join(', ')}`);

  // Numbers.
  const counted = s.numbers.filter((x) => !x.isYear || claim.numbers.some((m) => m.value >= 1900 && m.value <= 2100));
  if (counted.length) {
    if (claim.numbers.length === 0) {
      raw *= NUMBER_UNASSERTED_FACTOR;
    } else {
      const agree: string[] = [];
      const conflictSameUnit: string[] = [];
      const other: string[] = [];
      for (const x of counted) {
        const label = quoteSpan(s.text, x.n.start, x.n.end);
        // A count agrees when the value does and it counts the same thing, as far as the words
        // after it tell ("two men" is not "two stations").
        const sameThing = (m: IndexedClaim['numbers'][number]): boolean => x.units.length === 0 || m.units.size === 0 || x.units.some((u) => m.units.has(u));
        if (claim.numbers.some((m) => numbersAgree(x.n, m) && sameThing(m))) agree.push(label);
        else if (claim.numbers.some((m) => x.units.some((u) => m.units.has(u)))) conflictSameUnit.push(label);
        else other.push(label);
      }
      const claimed = claim.numbers.map((m) => String(m.value)).join(', ');
      if (agree.length) {
        // A contradicted count outweighs an agreeing one ("54 stations in 53 countries").
        if (!conflictSameUnit.length) bonus += NUMBER_AGREE_BONUS;
        why.push(`numbers agree: ${agree.join(', ')}`);
      }
      if (conflictSameUnit.length) {
        raw *= NUMBER_CONFLICT_FACTOR;
        why.push(`numbers differ: ${conflictSameUnit.join(', ')} (claim: ${claimed})`);
      } else if (other.length) {
        raw *= agree.length ? NUMBER_PARTLY_FACTOR : NUMBER_UNEXPLAINED_FACTOR;
        why.push(`numbers not in the claim: ${other.join(', ')} (claim: ${claimed})`);
      }
    }
  }

  // Places.
  const places = s.entities.filter((e) => e.info.kind !== 'other');
  if (places.length) {
    const hasPlaces = claim.cities.size > 0 || claim.countries.size > 0;
    if (!hasPlaces) {
      raw *= PLACE_UNASSERTED_FACTOR;
    } else {
      const agree: string[] = [];
      const differ: string[] = [];
      for (const e of places) {
        const label = quoteSpan(s.text, e.start, e.end);
        const country = e.info.country ?? '';
        let ok: boolean;
        if (e.info.kind === 'city') {
          // A city agrees when it is the claim's city, or the claim names only its country (a
          // Montreal sentence is not the Toronto claim, though both are in Canada).
          ok = claim.cities.has(e.info.key) || (claim.namedCountries.has(country) && !claim.cityCountries.has(country));
        } else if (e.info.kind === 'alias') {
          // An alias only says which country: it agrees when it is the claim's own, contradicts a
          // claim about another country, and is neutral otherwise.
          if (claim.aliases.has(e.info.key)) ok = true;
          else if (claim.countries.has(country)) continue;
          else ok = false;
        } else {
          ok = claim.countries.has(country);
        }
        (ok ? agree : differ).push(label);
      }
      if (agree.length) {
        bonus += PLACE_AGREE_BONUS;
        why.push(`place agrees: ${unique(agree).join(', ')}`);
      }
      if (differ.length) {
        // Mostly about other places ("Hungary … with Austria, Slovakia and Slovenia") is closer to
        // a conflict than one extra place is.
        const ud = unique(differ).length;
        const ua = unique(agree).length;
        raw *= ua === 0 ? PLACE_CONFLICT_FACTOR : ud > ua ? PLACE_MOSTLY_OTHER_FACTOR : PLACE_PARTLY_FACTOR;
        why.push(`other place: ${unique(differ).join(', ')}`);
      }
    }
  }

  // Names of people and organisations: agreement only. Names that belong to several claims
  // ("Fuzhou") cannot say that a sentence is about another claim.
  const names = s.entities.filter((e) => e.info.kind === 'other' && claim.others.has(e.info.key));
  if (names.length) {
    bonus += NAME_AGREE_BONUS;
    why.push(`name agrees: ${unique(names.map((e) => quoteSpan(s.text, e.start, e.end))).join(', ')}`);
  }

  const negated = a.negated !== (index.docNegated[cand.doc] === 1);
  if (negated) why.push(a.negated ? 'negated: the text denies or contradicts this claim' : 'the claim is a denial; the text states the opposite');
  return { raw: Math.min(1, raw + (raw > 0 ? bonus : 0)), why, negated };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function matchFacts(index: ClaimIndex, s: SentenceFacts, limit: number): ClaimMatch[] {
  if (s.termIds.length === 0) return [];
  const out: ClaimMatch[] = [];
  const topic = topicFactor(s);
  for (const cand of lexicalCandidates(index, s)) {
    // Agreement can add at most MAX_BONUS: skip the detailed checks for claims that cannot pass.
    if (logistic(cand.lex * topic + MAX_BONUS) < CLAIM_MATCH_THRESHOLD) continue;
    const v = judge(index, s, cand);
    const score = logistic(v.raw);
    if (score < CLAIM_MATCH_THRESHOLD) continue;
    const claim = index.claims[cand.claim]!;
    const match: ClaimMatch = { claimId: claim.id, score: Math.round(score * 1000) / 1000, status: claim.status, why: v.why };
    if (v.negated) match.negated = true;
    out.push(match);
  }
  out.sort((x, y) => y.score - x.score);
  return out.slice(0, limit);
}

/** Best known claims that one sentence or post repeats, best first; empty means "no known claim". */
export function matchClaims(index: ClaimIndex, text: string, opts: MatchOptions = {}): ClaimMatch[] {
  const limit = opts.limit ?? CLAIM_MATCH_DEFAULT_LIMIT;
  if (limit <= 0 || !text.trim()) return [];
  return matchFacts(index, readSentence(index, text, opts.lang), limit);
}

/** Raw (uncalibrated) details of the top candidates, for evaluation and tuning scripts. */
export function explainClaims(index: ClaimIndex, text: string, opts: MatchOptions = {}): { claimId: string; lex: number; cov: number; covQ: number; raw: number; score: number; why: string[] }[] {
  const s = readSentence(index, text, opts.lang);
  if (s.termIds.length === 0) return [];
  return lexicalCandidates(index, s, true).map((cand) => {
    const v = judge(index, s, cand);
    return { claimId: index.claims[cand.claim]!.id, lex: cand.lex, cov: cand.cov, covQ: cand.covQ, raw: v.raw, score: logistic(v.raw), why: v.why };
  }).sort((x, y) => y.raw - x.raw);
}

const sentenceSegmenters = new Map<string, Intl.Segmenter>();

/** Splits pasted text into sentences (Intl.Segmenter) and matches each; offsets are into `text`. */
export function checkText(index: ClaimIndex, text: string, opts: MatchOptions = {}): SentenceCheck[] {
  const locale = opts.lang ?? 'und';
  let seg = sentenceSegmenters.get(locale);
  if (!seg) {
    seg = new Intl.Segmenter(locale, { granularity: 'sentence' });
    sentenceSegmenters.set(locale, seg);
  }
  const out: SentenceCheck[] = [];
  // Line breaks end a sentence too: posts and lists often have no final punctuation.
  const lineRe = /[^\r\n]+/g;
  for (const line of text.matchAll(lineRe)) {
    const lineStart = line.index ?? 0;
    for (const part of seg.segment(line[0])) {
      const raw = part.segment;
      const lead = raw.length - raw.trimStart().length;
      const sentence = raw.trim();
      if (!sentence) continue;
      const start = lineStart + part.index + lead;
      out.push({ sentence, start, end: start + sentence.length, matches: matchClaims(index, sentence, opts) });
    }
  }
  return out;
}
