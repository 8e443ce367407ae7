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
  /** Token vocabulary (see `claimTokens`) and each token's IDF. */
  tokens: string[];
  idf: number[];
  /** Per phrasing: [claim index, ...unique token ids]. */
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
/** Distinct tokens a sentence must share with the phrasing (one shared word is never a claim). */
export const CLAIM_MIN_SHARED_TOKENS = 3;
/** Coverage kept when the claim names places and the sentence names none of them. */
export const CLAIM_NO_ENTITY_FACTOR = 0.8;
/** Sentences longer than this are not claim statements (tables, run-on text); skipped for speed. */
export const CLAIM_MAX_SENTENCE_CHARS = 1_000;

/** A claim index ready for lookups (postings built once). */
export interface ClaimSpotter {
  index: ClaimIndex;
  tokenId: Map<string, number>;
  /** postings[token] = phrasing indices containing it. */
  postings: number[][];
  total: Float64Array;
  size: Uint16Array;
}

/** Prepares a claim index for spotting (a few ms at most; call once per detector). */
export function prepareClaimSpotter(index: ClaimIndex): ClaimSpotter {
  const tokenId = new Map<string, number>();
  index.tokens.forEach((t, i) => tokenId.set(t, i));
  const postings: number[][] = index.tokens.map(() => []);
  const total = new Float64Array(index.phrasings.length);
  const size = new Uint16Array(index.phrasings.length);
  index.phrasings.forEach((ph, p) => {
    for (let k = 1; k < ph.length; k++) {
      postings[ph[k]!]!.push(p);
      total[p] = total[p]! + index.idf[ph[k]!]!;
    }
    size[p] = ph.length - 1;
  });
  return { index, tokenId, postings, total, size };
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
  const { index, tokenId, postings, total, size } = sp;
  const toks = new Set(claimTokens(normalised));
  const acc = new Map<number, { w: number; n: number }>();
  const numbers: number[] = [];
  for (const t of toks) {
    if (t.startsWith('#')) numbers.push(Number(t.slice(1)));
    const id = tokenId.get(t);
    if (id === undefined) continue;
    const w = index.idf[id]!;
    for (const p of postings[id]!) {
      const a = acc.get(p);
      if (a) {
        a.w += w;
        a.n++;
      } else acc.set(p, { w, n: 1 });
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
    if (a.n < Math.min(CLAIM_MIN_SHARED_TOKENS, size[p]!)) continue;
    const claim = index.phrasings[p]![0]!;
    let score = a.w / total[p]!;
    const claimNumbers = index.numbers[claim]!;
    if (claimNumbers.length && numbers.length && !numbers.some((x) => claimNumbers.includes(x))) continue;
    if (index.entities[claim]!.length) {
      if (!named.has(claim)) {
        if (named.size > 0) continue;
        score *= CLAIM_NO_ENTITY_FACTOR;
      }
    }
    if (score >= CLAIM_MIN_COVERAGE && (!best || score > best.score)) best = { claim, score };
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
