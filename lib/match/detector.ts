/**
 * The page detector (content-script side): loads the compiled detector bytes and decides, for a
 * page's visible text, whether it is about the overseas police stations story, which spans to
 * highlight (with the dataset records they refer to) and which sentences state a known claim.
 *
 * Pages that never mention the story cost one normalisation pass and one automaton pass; context
 * rules, sentence work and claim spotting run only when a term was found. Building is in
 * `detector-build.ts` (`compileDetector`), which never ships to pages.
 */
import type { TermKind } from '../dataset/schema';
import { addHanFold } from './normalise';
import { loadAutomaton, scan, type Automaton, type ScanResult } from './automaton';
import { prepareClaimSpotter, spotClaims, type ClaimIndex, type ClaimSpot, type ClaimSpotter } from './claim-spot';

export type { ClaimSpot } from './claim-spot';

export const DETECTOR_MAGIC = 0x44575331; // "SWD1"
export const DETECTOR_VERSION = 1;
/** Header: magic, version, automaton bytes, meta bytes, claim-index bytes (uint32 each). */
export const DETECTOR_HEADER_BYTES = 20;
/** Kind codes in the compiled meta: index + 1 (0 = not a term: a cue or a city). */
export const KIND_CODES: readonly TermKind[] = ['topic', 'report', 'station', 'person', 'generic'];
/** Pattern flags in the compiled meta. */
export const FLAG_CUE_CHINA = 1;
export const FLAG_CUE_ABROAD = 2;
/** A generic term of Chinese text: its cue is "overseas/abroad", not "China". */
export const FLAG_NEEDS_ABROAD = 4;
/** A station's city: a mention only where the sentence ties it to the story. */
export const FLAG_CITY = 8;

/** Score at which a page is about the story. */
export const ON_TOPIC_SCORE = 3;
/** Per distinct term of each kind, and per extra occurrence (capped). */
const WEIGHT = {
  topic: 3,
  report: 2,
  station: 1.5,
  person: 1.5,
  /** A generic phrase with a China/abroad cue close by in its sentence ("Chinese police stations"). */
  genericNearCue: 3,
  /** A generic phrase with such a cue further away in its sentence. */
  genericCue: 2,
  /** A generic phrase that is near topic terms only adds a little. */
  genericNearTerm: 0.5,
  city: 0.5,
  /** CITY_CLUSTER_MIN or more station cities in one sentence, once per page. */
  cityCluster: 1.5,
  claim: 1.5,
  repeat: 0.5,
  repeatCap: 1.5,
} as const;
/** Longest sentence the context rules look across (characters). */
export const MAX_SENTENCE_CHARS = 1_000;
/** Station cities in one sentence that count without other evidence ("in Madrid, Barcelona and Valencia"). */
export const CITY_CLUSTER_MIN = 3;
/** "Close by" for a cue: characters between cue and generic phrase. */
export const CUE_NEAR_CHARS = 60;
/** Below the threshold but with this much evidence, sentences around it are checked for claims. */
const CLAIM_PROBE_SCORE = 1.5;
/** Text on each side of the evidence that a claim probe reads (characters), and how many probes a page gets. */
export const CLAIM_PROBE_CHARS = 1_500;
export const MAX_CLAIM_PROBES = 20;
/** Claim spotting reads at most this much of an on-topic page (characters). */
const MAX_CLAIM_SCAN_CHARS = 300_000;

/** The compiled meta (JSON inside the detector bytes). */
export interface DetectorMeta {
  version: string;
  asOf: string;
  /** Traditional→Simplified pairs for the dataset's characters ("TsTs…"). */
  han: string;
  kinds: number[];
  flags: number[];
  /** Per pattern: indices into `ids`. */
  refs: number[][];
  ids: string[];
}

/** A loaded detector. */
export interface Detector {
  version: string;
  asOf: string;
  automaton: Automaton;
  kinds: Uint8Array;
  flags: Uint8Array;
  refs: string[][];
  claimBytes: Uint8Array;
  spotter: ClaimSpotter | null;
  scratch: ScanResult;
}

/** A span of the original text that mentions the story, and the dataset records it refers to. */
export interface Mention {
  start: number;
  end: number;
  text: string;
  kind: TermKind;
  refs: string[];
}

/** What the detector found on a page. Mentions and claims are empty when the page is off topic. */
export interface Detection {
  mentions: Mention[];
  claims: ClaimSpot[];
  page: { onTopic: boolean; score: number; reasons: string[] };
}

/** Loads compiled detector bytes; cheap (views over the bytes, one small JSON parse). Throws on foreign or damaged bytes. */
export function loadDetector(bytes: Uint8Array): Detector {
  const buf = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (buf.byteLength < DETECTOR_HEADER_BYTES) throw new Error('detector: truncated header');
  const head = new Uint32Array(buf.buffer, buf.byteOffset, 5);
  if (head[0] !== DETECTOR_MAGIC) throw new Error('detector: not a Stationwatch detector (bad magic)');
  if (head[1] !== DETECTOR_VERSION) throw new Error(`detector: format ${head[1]} not supported (expected ${DETECTOR_VERSION})`);
  const autoLen = head[2]!;
  const metaLen = head[3]!;
  const claimLen = head[4]!;
  const metaOff = (DETECTOR_HEADER_BYTES + autoLen + 3) & ~3;
  if (metaOff + metaLen + claimLen > buf.byteLength) throw new Error('detector: truncated body');
  const automaton = loadAutomaton(buf.subarray(DETECTOR_HEADER_BYTES, DETECTOR_HEADER_BYTES + autoLen));
  const meta = JSON.parse(new TextDecoder().decode(buf.subarray(metaOff, metaOff + metaLen))) as DetectorMeta;
  if (meta.kinds.length !== automaton.patternCount) throw new Error('detector: meta does not match automaton');
  addHanFold(meta.han);
  return {
    version: meta.version,
    asOf: meta.asOf,
    automaton,
    kinds: Uint8Array.from(meta.kinds),
    flags: Uint8Array.from(meta.flags),
    refs: meta.refs.map((list) => list.map((i) => meta.ids[i]!)),
    claimBytes: buf.subarray(metaOff + metaLen, metaOff + metaLen + claimLen),
    spotter: null,
    scratch: { hits: new Int32Array(96), count: 0 },
  };
}

function claimSpotter(det: Detector): ClaimSpotter {
  det.spotter ??= prepareClaimSpotter(JSON.parse(new TextDecoder().decode(det.claimBytes)) as ClaimIndex);
  return det.spotter;
}

const OFF_TOPIC: Detection = Object.freeze({ mentions: [], claims: [], page: { onTopic: false, score: 0, reasons: [] } }) as Detection;

/**
 * Whether scan hits could make a page: a term, or CITY_CLUSTER_MIN distinct station cities with no
 * line break between them (a list in one sentence needs at least that; cues alone never count).
 */
function anyEvidence(det: Detector, r: ScanResult, text: string): boolean {
  let cities: number[] = [];
  // The first line break at or after the last city's end (hits come sorted): one forward search per
  // line, so a long line full of city names costs no more than reading it once.
  let breakAfter = -1;
  for (let k = 0; k < r.count; k++) {
    const p = r.hits[3 * k + 2]!;
    if (det.kinds[p] !== 0) return true;
    if (!(det.flags[p]! & FLAG_CITY)) continue;
    const start = r.hits[3 * k]!;
    if (breakAfter >= 0 && breakAfter < start) cities = [];
    const end = r.hits[3 * k + 1]!;
    if (breakAfter < end) {
      const nl = text.indexOf('\n', end);
      breakAfter = nl < 0 ? text.length : nl;
    }
    if (!cities.includes(p)) cities.push(p);
    if (cities.length >= CITY_CLUSTER_MIN) return true;
  }
  return false;
}

/**
 * The cheap first pass: true exactly when {@link detect} would return the empty off-topic answer
 * without looking further (no term, too few station cities). Costs one automaton pass.
 */
export function quickReject(det: Detector, text: string): boolean {
  return !anyEvidence(det, scan(det.automaton, text, det.scratch), text);
}

interface Hit {
  start: number;
  end: number;
  pattern: number;
  kind: TermKind | null;
  flags: number;
  /** Start of the hit's sentence (its id), of the sentence before it in the block (-1: none), of its block. */
  sentence: number;
  prevSentence: number;
  block: number;
  /** Context verdict and weight class. */
  counts: 'strong' | 'cue-near' | 'cue' | 'term' | 'city' | 'cluster' | null;
}

const TERMINATORS = new Set([0x21, 0x3f, 0x3002, 0xff01, 0xff1f, 0xff0e, 0x2026, 0x061f, 0x0964]);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0xa0 || c === 0x3000;
const isLowerAscii = (c: number) => c >= 0x61 && c <= 0x7a;

/** Whether the character at i ends a sentence (cheap rules; Intl.Segmenter is used for claims only). */
function endsSentence(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (TERMINATORS.has(c)) return true;
  if (c !== 0x2e || (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1)))) return false;
  // "U.S. officials", "Mr. Li": a dotted token or a short title-case word before the dot is an abbreviation.
  let w = i;
  while (w > 0 && (isLowerAscii(text.charCodeAt(w - 1) | 0x20) || text.charCodeAt(w - 1) === 0x2e)) w--;
  const token = text.slice(w, i);
  return !(token.includes('.') || (token.length <= 3 && /^[A-Z][a-z]*$/.test(token)));
}

/** End of the sentence holding `pos`: after its terminator, or at the line break. */
function sentenceEnd(text: string, pos: number): number {
  const stop = Math.min(text.length, pos + MAX_SENTENCE_CHARS);
  for (let i = pos; i < stop; i++) {
    if (text.charCodeAt(i) === 0x0a) return i;
    if (endsSentence(text, i)) return i + 1;
  }
  return stop;
}

/** Claim spots for a whole page (up to MAX_CLAIM_SCAN_CHARS): the on-topic part of {@link detect}. */
function spotPageClaims(det: Detector, text: string): ClaimSpot[] {
  if (!det.claimBytes.length) return [];
  return spotClaims(claimSpotter(det), text.length > MAX_CLAIM_SCAN_CHARS ? text.slice(0, MAX_CLAIM_SCAN_CHARS) : text);
}

/** Finds mentions, spotted claims and the page decision for a page's visible text (blocks separated by "\n"). */
export function detect(det: Detector, text: string): Detection {
  const found = scan(det.automaton, text, det.scratch);
  const H = found.hits;
  if (!anyEvidence(det, found, text)) return { ...OFF_TOPIC, page: { ...OFF_TOPIC.page, reasons: [] } };

  // One sweep up to the last hit finds each hit's sentence and block (hits come sorted by start),
  // so the work stays linear in the text however many hits there are.
  const cuesIn = new Map<number, Hit[]>();
  let cands: Hit[] = [];
  let pos = 0;
  let sentenceAt = 0;
  let prevSentenceAt = -1;
  let blockAt = 0;
  for (let k = 0; k < found.count; k++) {
    const pattern = H[3 * k + 2]!;
    const code = det.kinds[pattern]!;
    const flags = det.flags[pattern]!;
    const start = H[3 * k]!;
    for (; pos < start; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) {
        blockAt = sentenceAt = pos + 1;
        prevSentenceAt = -1;
      } else if ((c === 0x2e || c === 0x21 || c === 0x3f || c > 0x2000) && endsSentence(text, pos)) {
        prevSentenceAt = sentenceAt;
        sentenceAt = pos + 1;
      }
    }
    const hit: Hit = {
      start,
      end: H[3 * k + 1]!,
      pattern,
      kind: code ? KIND_CODES[code - 1]! : flags & FLAG_CITY ? 'station' : null,
      flags,
      sentence: sentenceAt,
      prevSentence: prevSentenceAt,
      block: blockAt,
      counts: null,
    };
    if (flags & (FLAG_CUE_CHINA | FLAG_CUE_ABROAD)) {
      const list = cuesIn.get(sentenceAt);
      if (list) list.push(hit);
      else cuesIn.set(sentenceAt, [hit]);
    }
    if (hit.kind) cands.push(hit);
  }
  // Overlaps: at one start the longest span wins (the scan already reports the longest per start),
  // and a span starting inside a kept one is dropped ("police station" inside "secret Chinese police station").
  const kept: Hit[] = [];
  let keptEnd = -1;
  for (const h of cands) {
    if (h.start >= keptEnd) {
      kept.push(h);
      keptEnd = h.end;
    }
  }
  cands = kept;

  // Whether the sentence before or after h's, in the same block, is in `set`.
  const nextSentence = new Map<number, number>();
  const nextTo = (h: Hit, set: Set<number>) => {
    if (set.has(h.prevSentence)) return true;
    let end = nextSentence.get(h.sentence);
    if (end === undefined) {
      end = sentenceEnd(text, h.start);
      if (end >= text.length || text.charCodeAt(end) === 0x0a || text.charCodeAt(end - 1) === 0x0a) end = -1;
      nextSentence.set(h.sentence, end);
    }
    return set.has(end);
  };
  // Sentences holding named evidence (topic, report, station, person terms).
  const strongIn = new Set<number>();
  const topicIn = new Set<number>();
  for (const h of cands) {
    if (h.kind === 'topic' || h.kind === 'report' || h.kind === 'station' || h.kind === 'person') {
      if (!(h.flags & FLAG_CITY) || det.kinds[h.pattern]) {
        h.counts = 'strong';
        strongIn.add(h.sentence);
        if (h.kind === 'topic' || h.kind === 'report') topicIn.add(h.sentence);
      }
    }
  }
  const evidenceIn = new Set(strongIn);
  for (const h of cands) {
    if (h.kind !== 'generic') continue;
    const wanted = h.flags & FLAG_NEEDS_ABROAD ? FLAG_CUE_ABROAD : FLAG_CUE_CHINA;
    let best: Hit['counts'] = null;
    for (const c of cuesIn.get(h.sentence) ?? []) {
      if (!(c.flags & wanted)) continue;
      // A cue inside the phrase itself ("Chinese police station" as a generic term) is close by.
      const gap = c.end <= h.start ? h.start - c.end : c.start >= h.end ? c.start - h.end : 0;
      if (gap <= CUE_NEAR_CHARS) {
        best = 'cue-near';
        break;
      }
      best = 'cue';
    }
    if (!best && (strongIn.has(h.sentence) || nextTo(h, topicIn))) best = 'term';
    h.counts = best;
    if (best) evidenceIn.add(h.sentence);
  }
  // A station's city counts where its sentence, or a neighbouring one, ties it to the story; three
  // or more station cities listed in one sentence are weak evidence on their own.
  const clusters = new Map<number, Hit[]>();
  for (const h of cands) {
    if (!(h.flags & FLAG_CITY) || det.kinds[h.pattern]) continue;
    if (evidenceIn.has(h.sentence) || nextTo(h, topicIn)) h.counts = 'city';
    else {
      const list = clusters.get(h.sentence);
      if (list) list.push(h);
      else clusters.set(h.sentence, [h]);
    }
  }
  for (const list of clusters.values()) {
    if (new Set(list.map((h) => h.pattern)).size >= CITY_CLUSTER_MIN) for (const h of list) h.counts = 'cluster';
  }

  // Score with reasons.
  const groups = new Map<string, Map<string, { label: string; count: number }>>();
  const label = (h: Hit) => text.slice(h.start, h.end);
  for (const h of cands) {
    if (!h.counts) continue;
    const group = h.counts === 'strong' ? h.kind! : h.counts === 'term' ? 'generic-term' : h.counts;
    const g = groups.get(group) ?? new Map<string, { label: string; count: number }>();
    groups.set(group, g);
    const key = String(h.pattern);
    const e = g.get(key);
    if (e) e.count++;
    else g.set(key, { label: label(h), count: 1 });
  }
  const weightOf: Record<string, number> = {
    topic: WEIGHT.topic, report: WEIGHT.report, station: WEIGHT.station, person: WEIGHT.person,
    'cue-near': WEIGHT.genericNearCue, cue: WEIGHT.genericCue, 'generic-term': WEIGHT.genericNearTerm, city: WEIGHT.city,
    cluster: 0,
  };
  const titles: Record<string, [string, string]> = {
    topic: ['topic term', 'topic terms'],
    report: ['report term', 'report terms'],
    station: ['station name', 'station names'],
    person: ['person named in the story', 'people named in the story'],
    'cue-near': ['generic term next to a China cue', 'generic terms next to a China cue'],
    cue: ['generic term with a China cue in its sentence', 'generic terms with a China cue in their sentence'],
    'generic-term': ['generic term near topic terms', 'generic terms near topic terms'],
    city: ['station city in context', 'station cities in context'],
    cluster: ['station city', 'station cities listed together'],
  };
  let score = 0;
  const reasons: string[] = [];
  for (const group of ['topic', 'report', 'station', 'person', 'cue-near', 'cue', 'generic-term', 'city', 'cluster']) {
    const g = groups.get(group);
    if (!g) continue;
    const items = [...g.values()];
    for (const it of items) score += weightOf[group]! + Math.min(WEIGHT.repeatCap, (it.count - 1) * WEIGHT.repeat) * (weightOf[group]! / WEIGHT.topic);
    if (group === 'cluster') score += WEIGHT.cityCluster;
    const [one, many] = titles[group]!;
    reasons.push(`${items.length} ${items.length === 1 ? one : many}: ${items.map((it) => `"${it.label}"${it.count > 1 ? ` ×${it.count}` : ''}`).join(', ')}`);
  }

  let claims: ClaimSpot[] = [];
  if (score >= CLAIM_PROBE_SCORE && score < ON_TOPIC_SCORE && det.claimBytes.length) {
    // Not enough yet: a known claim stated around the evidence can settle it. Windows are bounded
    // so a page made of one huge block costs no more than a few sentences.
    let coveredTo = -1;
    let probes = 0;
    for (const h of cands) {
      if (!h.counts || h.start < coveredTo || probes >= MAX_CLAIM_PROBES) continue;
      const nl = text.indexOf('\n', h.end);
      const from = Math.max(h.block, h.start - CLAIM_PROBE_CHARS);
      const to = Math.min(nl < 0 ? text.length : nl, h.end + CLAIM_PROBE_CHARS);
      coveredTo = to;
      probes++;
      for (const c of spotClaims(claimSpotter(det), text.slice(from, to))) claims.push({ ...c, start: c.start + from, end: c.end + from });
    }
  }
  if (score >= ON_TOPIC_SCORE || claims.length) {
    if (score >= ON_TOPIC_SCORE) claims = spotPageClaims(det, text);
    const distinct = [...new Set(claims.map((c) => c.claimId))];
    if (distinct.length) {
      score += Math.min(2, distinct.length) * WEIGHT.claim;
      reasons.push(`${distinct.length} known claim${distinct.length === 1 ? '' : 's'} stated: ${distinct.join(', ')}`);
    }
  }
  score = Math.round(score * 100) / 100;
  if (score < ON_TOPIC_SCORE) return { mentions: [], claims: [], page: { onTopic: false, score, reasons } };

  const mentions: Mention[] = [];
  for (const h of cands) {
    if (!h.counts) continue;
    mentions.push({ start: h.start, end: h.end, text: text.slice(h.start, h.end), kind: h.kind!, refs: det.refs[h.pattern]! });
  }
  return { mentions, claims, page: { onTopic: true, score, reasons } };
}
