/**
 * Claim spotting: ties sentences of an on-topic page to the dataset claim they state, in every
 * language the dataset has phrasings for. Pure; runs only once a page is known to be on topic.
 *
 * A sentence states a claim when it covers enough of one of the claim's phrasings, weighted by how
 * distinctive each token is (IDF over all phrasings), and it does not contradict the claim's
 * numbers or name another claim's places instead of this one's.
 */
import { charClass, CharClass, normaliseForMatch } from './normalise';
import { claimTokens, sentenceSpans, type Span } from './segment';

/** The compiled claim index (JSON inside the detector bytes; built by `claim-spot-build.ts`). */
export interface ClaimIndex {
  ids: string[];
  /** Per claim: the numbers it asserts. */
  numbers: number[][];
  /** Per claim: normalised places and names it is about. */
  entities: string[][];
  /** Token vocabulary (see `claimTokens`), sorted, and each token's IDF in hundredths. */
  tokens: string[];
  idf: number[];
  /** Token ids of the story's own vocabulary and of names (never enough on their own). */
  weak: number[];
  /** Number words by token ("nueve" → 9). */
  numberWords: Record<string, number>;
  /** Per phrasing: [claim index, first token id, then gaps between ascending token ids] (compact JSON). */
  phrasings: number[][];
}

/** A sentence tied to a claim: the sentence span in the text given and how well it matches (0–1). */
export interface ClaimSpot {
  claimId: string;
  start: number;
  end: number;
  score: number;
}

/** Share of a phrasing's token weight a sentence must cover. */
export const CLAIM_MIN_COVERAGE = 0.5;
/**
 * Agreement a sentence needs with a phrasing: one point per shared distinctive word (not the
 * story's vocabulary, not a name), one for an agreeing number, one for naming the claim's place.
 */
export const CLAIM_MIN_POINTS = 3;
/** Added when the sentence names one of the claim's places or people. */
export const CLAIM_ENTITY_BONUS = 0.15;
/** Added when the sentence gives one of the claim's numbers. */
export const CLAIM_NUMBER_BONUS = 0.1;
/** Sentences longer than this are not claim statements (tables, run-on text); skipped for speed. */
export const CLAIM_MAX_SENTENCE_CHARS = 1_000;

/** A claim index ready for lookups (postings built once). */
export interface ClaimSpotter {
  index: ClaimIndex;
  /** Claim index of each phrasing. */
  claimOf: Uint16Array;
  /** IDF per token. */
  idf: Float64Array;
  tokenId: Map<string, number>;
  /** postings[token] = phrasing indices containing it. */
  postings: number[][];
  total: Float64Array;
  weak: Uint8Array;
}

/** Prepares a claim index for spotting (a few ms at most; call once per detector). */
export function prepareClaimSpotter(index: ClaimIndex): ClaimSpotter {
  const tokenId = new Map<string, number>();
  index.tokens.forEach((t, i) => tokenId.set(t, i));
  const postings: number[][] = index.tokens.map(() => []);
  const idf = Float64Array.from(index.idf, (w) => w / 100);
  const total = new Float64Array(index.phrasings.length);
  const claimOf = new Uint16Array(index.phrasings.length);
  index.phrasings.forEach((ph, p) => {
    claimOf[p] = ph[0]!;
    for (let k = 1, id = 0; k < ph.length; k++) {
      id += ph[k]!;
      postings[id]!.push(p);
      total[p] = total[p]! + idf[id]!;
    }
  });
  const weak = new Uint8Array(index.tokens.length);
  for (const id of index.weak) weak[id] = 1;
  return { index, claimOf, idf, tokenId, postings, total, weak };
}

function containsName(hay: string, name: string): boolean {
  if (!name) return false;
  for (let at = hay.indexOf(name); at >= 0; at = hay.indexOf(name, at + 1)) {
    const before = at > 0 ? charClass(hay.charCodeAt(at - 1)) : CharClass.Other;
    const after = at + name.length < hay.length ? charClass(hay.charCodeAt(at + name.length)) : CharClass.Other;
    const headWord = charClass(name.charCodeAt(0)) === CharClass.Word;
    const tailWord = charClass(name.charCodeAt(name.length - 1)) === CharClass.Word;
    if ((!headWord || before !== CharClass.Word) && (!tailWord || after !== CharClass.Word)) return true;
  }
  return false;
}

/** The claim one sentence states, if any: claim index and score. `normalised` is the normalised sentence. */
export function bestClaimFor(sp: ClaimSpotter, normalised: string): { claim: number; score: number } | null {
  const { index, tokenId, postings, total, weak, idf, claimOf } = sp;
  const toks = new Set(claimTokens(normalised).map((t) => (index.numberWords[t] !== undefined ? `#${index.numberWords[t]}` : t)));
  const acc = new Map<number, { w: number; n: number }>();
  const numbers: number[] = [];
  for (const t of toks) {
    if (t.startsWith('#')) numbers.push(Number(t.slice(1)));
    const id = tokenId.get(t);
    if (id === undefined) continue;
    const w = idf[id]!;
    const strong = weak[id] ? 0 : 1;
    for (const p of postings[id]!) {
      const a = acc.get(p);
      if (a) {
        a.w += w;
        a.n += strong;
      } else acc.set(p, { w, n: strong });
    }
  }
  if (acc.size === 0) return null;
  // Places any claim names, so a sentence about another place is not taken for this claim.
  const named = new Set<number>();
  index.entities.forEach((list, c) => {
    for (const e of list) if (containsName(normalised, e)) named.add(c);
  });
  let best: { claim: number; score: number } | null = null;
  for (const [p, a] of acc) {
    const claim = claimOf[p]!;
    let score = a.w / total[p]!;
    let points = a.n;
    const claimNumbers = index.numbers[claim]!;
    if (claimNumbers.length && numbers.length) {
      // A sentence with other numbers is not this claim.
      if (!numbers.some((x) => claimNumbers.includes(x))) continue;
      score += CLAIM_NUMBER_BONUS;
      points++;
    }
    if (named.has(claim)) {
      score += CLAIM_ENTITY_BONUS;
      points++;
    } else if (named.size > 0 && index.entities[claim]!.length) continue; // about another claim's places
    if (points >= CLAIM_MIN_POINTS && score >= CLAIM_MIN_COVERAGE && (!best || score > best.score)) best = { claim, score: Math.min(1, score) };
  }
  return best;
}

/**
 * Spots claims in `text`, sentence by sentence (`spans` in `text` coordinates, or computed with
 * `Intl.Segmenter`). At most one claim per sentence: the best-covered one.
 */
export function spotClaims(sp: ClaimSpotter, text: string, spans: Span[] = sentenceSpans(text)): ClaimSpot[] {
  const out: ClaimSpot[] = [];
  for (const s of spans) {
    if (s.end - s.start > CLAIM_MAX_SENTENCE_CHARS) continue;
    const best = bestClaimFor(sp, normaliseForMatch(text.slice(s.start, s.end)));
    if (best) out.push({ claimId: sp.index.ids[best.claim]!, start: s.start, end: s.end, score: Math.round(best.score * 1000) / 1000 });
  }
  return out;
}
