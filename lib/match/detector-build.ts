/**
 * Compiles a dataset into the bytes the content script loads (`loadDetector` in `detector.ts`):
 * the pattern automaton, per-pattern kind/refs/context flags, Traditional→Simplified pairs for
 * every Chinese character the dataset uses, and the claim-spotting index. Build side only.
 */
import type { Dataset, Lang, TermKind } from '../dataset/schema';
import { addHanFold, normaliseForMatch } from './normalise';
import { buildAutomaton, matchKey, type PatternSpec } from './automaton-build';
import { ABROAD_CUES_ZH, CHINA_CUES } from './cues';
import { hanPairsFor } from './han-table';
import { compileClaimIndex } from './claim-spot-build';
import {
  DETECTOR_HEADER_BYTES,
  DETECTOR_MAGIC,
  DETECTOR_VERSION,
  FLAG_CITY,
  FLAG_CUE_ABROAD,
  FLAG_CUE_CHINA,
  FLAG_NEEDS_ABROAD,
  KIND_CODES,
  type DetectorMeta,
} from './detector';

/** Inflection endings allowed after a term, per language (the automaton checks them at the match end). */
export const SUFFIXES: Partial<Record<Lang, string[]>> = {
  en: ['s', 'es', "'s", "s'"],
  de: ['e', 'en', 'n', 's', 'es', 'er', 'ern', 'ens', 'em'],
  nl: ['s', 'en', 'e', "'s"],
  fr: ['s', 'x', 'e', 'es'],
  es: ['s', 'es'],
  pt: ['s', 'es'],
  sv: ['en', 'er', 'ar', 'et', 'na', 'erna', 's', 'e', 'a'],
  da: ['en', 'er', 'et', 'ne', 'erne', 's', 'e'],
  no: ['en', 'er', 'et', 'ene', 's', 'e'],
  id: ['nya'],
  // Agglutinative or case-inflected languages: any short ending.
  hu: ['*8'], fi: ['*8'], et: ['*8'], tr: ['*8'],
  cs: ['*5'], sk: ['*5'], pl: ['*5'], sl: ['*5'], hr: ['*5'], sr: ['*5'], ru: ['*5'], uk: ['*5'], bg: ['*5'], ro: ['*5'], el: ['*5'],
  ko: ['*3'],
};
/** Cues may also head compounds ("chinesischsprachigen", "Chinarestaurant" is fine as a cue). */
const CUE_COMPOUND_LANGS = new Set<Lang>(['de', 'nl', 'sv', 'da', 'no', 'fi', 'hu', 'et', 'cs', 'sk', 'pl', 'sl', 'hr', 'sr', 'ru', 'uk', 'bg', 'ro', 'el', 'tr']);

const KIND_PRIORITY: Record<TermKind, number> = { topic: 5, report: 4, station: 3, person: 2, generic: 1 };

interface Entry {
  key: string;
  text: string;
  kind: TermKind | null;
  refs: Set<string>;
  flags: number;
  suffix: string[];
}

/** Station cities as the dataset writes them, split into plain names ("London (Croydon)" → "London"). */
export function stationCityNames(city: string): string[] {
  const base = city.replace(/\(.*?\)/g, '').trim();
  if (!base || /^(location unknown|several cities|unknown)/i.test(base)) return [];
  return base.split(/\s+and\s+|\s*[;,/]\s*/).map((s) => s.trim()).filter((s) => s.length >= 3);
}

/**
 * The term without its China cue word ("secret Chinese police station" → "secret police station"),
 * or null when it has none or too little would remain.
 */
export function withoutChinaCue(text: string, lang: Lang): string | null {
  const cues = (CHINA_CUES[lang] ?? []).map((c) => normaliseForMatch(c));
  const norm = normaliseForMatch(text);
  const dense = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(norm);
  if (dense) {
    for (const cue of cues) {
      if (norm.startsWith(cue) && norm.length - cue.length >= 2) return norm.slice(cue.length).replace(/^の/, '');
    }
    return null;
  }
  // Cue words may be inflected ("chinesischen", "chinas"): match on the cue as a word prefix.
  const isCue = (w: string) => cues.some((c) => w === c || (w.startsWith(c) && w.length - c.length <= 3));
  // Only an adjective at either end ("Chinese police base", "comisarías chinas"): a cue inside the
  // phrase ("overseas Chinese affairs") or after a preposition ("comisarías de Pekín") is not one.
  const words = norm.split(' ');
  if (words.length < 2) return null;
  let kept: string[];
  if (isCue(words[0]!)) kept = words.slice(1);
  else if (isCue(words[words.length - 1]!)) kept = words.slice(0, -1);
  else return null;
  if (kept.some(isCue) || kept[kept.length - 1]!.length <= 3) return null;
  const bare = kept.join(' ');
  return bare.length >= 6 ? bare : null;
}

/** Every pattern the detector matches: normalised text, what it is and the records it refers to. */
export function detectorPatterns(ds: Dataset): Array<{ text: string; key: string; kind: TermKind | null; refs: string[]; flags: number; suffix: string[] }> {
  const entries = new Map<string, Entry>();
  const add = (raw: string, lang: Lang | null, kind: TermKind | null, refs: readonly string[], flags: number, suffix?: string[]) => {
    const text = normaliseForMatch(raw);
    const key = matchKey(text);
    if (!key) return;
    let e = entries.get(key);
    if (!e) {
      e = { key, text, kind: null, refs: new Set(), flags: 0, suffix: suffix ?? (lang ? SUFFIXES[lang] ?? [] : []) };
      entries.set(key, e);
    }
    if (kind && (!e.kind || KIND_PRIORITY[kind] > KIND_PRIORITY[e.kind])) e.kind = kind;
    for (const r of refs) e.refs.add(r);
    e.flags |= flags;
  };
  for (const t of ds.terms) {
    add(t.text, t.lang, t.kind, t.refs, t.kind === 'generic' && t.lang.startsWith('zh') ? FLAG_NEEDS_ABROAD : 0);
    // Inflection works both ways: "police station" already matches "police stations"; a name
    // written in the plural is also found in the singular ("SafeGuard Defender").
    if (t.lang === 'en' && t.kind !== 'generic' && /[a-z]{4}s$/i.test(t.text)) add(t.text.slice(0, -1), t.lang, t.kind, t.refs, 0);
  }
  // A topic term built as "China cue + phrase" ("Chinese police base", "comisaría china") implies
  // the bare phrase is this language's generic form: it then counts next to any China cue, so
  // "China may have set up police bases" is caught even if the dataset lists no such generic.
  for (const t of ds.terms) {
    if (t.kind !== 'topic') continue;
    const bare = withoutChinaCue(t.text, t.lang);
    if (bare) add(bare, t.lang, 'generic', [], t.lang.startsWith('zh') ? FLAG_NEEDS_ABROAD : 0);
  }
  // A station's city counts only where the sentence ties it to the story (FLAG_CITY).
  const byCity = new Map<string, string[]>();
  for (const st of ds.stations) {
    for (const name of stationCityNames(st.city)) byCity.set(name, [...(byCity.get(name) ?? []), st.id]);
  }
  // The PRC police jurisdiction said to run a station ("the Fuzhou branch of the MPS") is tied to the
  // story the same way: only in context, referring to the stations it is said to run.
  for (const st of ds.stations) {
    for (const name of (st.jurisdiction ?? '').split(/[;,/]|\band\b/)) {
      const n = name.trim();
      if (n.length >= 3 && !/unknown|not stated/i.test(n)) byCity.set(n, [...(byCity.get(n) ?? []), st.id]);
    }
  }
  for (const [name, ids] of byCity) add(name, 'en', null, ids, FLAG_CITY, ['\'s']);
  for (const [lang, words] of Object.entries(CHINA_CUES) as Array<[Lang, string[]]>) {
    const suffix = [...(SUFFIXES[lang] ?? []), ...(CUE_COMPOUND_LANGS.has(lang) ? ['*14'] : [])];
    for (const w of words) add(w, lang, null, [], FLAG_CUE_CHINA, suffix);
  }
  for (const w of ABROAD_CUES_ZH) add(w, 'zh-Hans', null, [], FLAG_CUE_ABROAD);
  return [...entries.values()].map((e) => ({ text: e.text, key: e.key, kind: e.kind, refs: [...e.refs].sort(), flags: e.flags, suffix: e.suffix }));
}

/** Every string the dataset gives for matching (terms, claim phrasings and entities). */
function datasetStrings(ds: Dataset): string[] {
  const out: string[] = ds.terms.map((t) => t.text);
  for (const c of ds.claims) {
    out.push(c.text, ...c.entities);
    for (const list of Object.values(c.phrasings)) if (list) out.push(...list);
  }
  out.push(...ABROAD_CUES_ZH, ...Object.values(CHINA_CUES).flat());
  return out;
}

/**
 * Compiles the dataset into the detector's bytes: everything the content script needs, nothing it
 * has to build. Deterministic for a given dataset.
 */
export function compileDetector(ds: Dataset): Uint8Array {
  // Register the pairs first so terms written in Traditional characters normalise like the text will.
  const han = hanPairsFor(datasetStrings(ds));
  addHanFold(han);
  const patterns = detectorPatterns(ds);
  const suffixSets: string[][] = [];
  const setIndex = new Map<string, number>();
  const specs: PatternSpec[] = patterns.map((p) => {
    let idx = 0;
    if (p.suffix.length) {
      const k = p.suffix.join('\u0002');
      idx = setIndex.get(k) ?? 0;
      if (!idx) {
        suffixSets.push(p.suffix.map((s) => (s.startsWith('*') ? s : normaliseForMatch(s))));
        idx = suffixSets.length;
        setIndex.set(k, idx);
      }
    }
    return { text: p.key, suffixSet: idx };
  });
  const automaton = buildAutomaton(specs, suffixSets);
  const ids: string[] = [];
  const idIndex = new Map<string, number>();
  const meta: DetectorMeta = {
    version: ds.version,
    asOf: ds.asOf,
    han,
    kinds: patterns.map((p) => (p.kind ? KIND_CODES.indexOf(p.kind) + 1 : 0)),
    flags: patterns.map((p) => p.flags),
    refs: patterns.map((p) =>
      p.refs.map((r) => {
        let i = idIndex.get(r);
        if (i === undefined) {
          i = ids.length;
          ids.push(r);
          idIndex.set(r, i);
        }
        return i;
      }),
    ),
    ids,
  };
  const encoder = new TextEncoder();
  const metaBytes = encoder.encode(JSON.stringify(meta));
  // The claim index is parsed only when a page turns out to be on topic.
  const claimBytes = ds.claims.length ? encoder.encode(JSON.stringify(compileClaimIndex(ds))) : new Uint8Array(0);
  const metaOff = (DETECTOR_HEADER_BYTES + automaton.byteLength + 3) & ~3;
  const out = new Uint8Array(metaOff + metaBytes.byteLength + claimBytes.byteLength);
  new Uint32Array(out.buffer, 0, 5).set([DETECTOR_MAGIC, DETECTOR_VERSION, automaton.byteLength, metaBytes.byteLength, claimBytes.byteLength]);
  out.set(automaton, DETECTOR_HEADER_BYTES);
  out.set(metaBytes, metaOff);
  out.set(claimBytes, metaOff + metaBytes.byteLength);
  return out;
}
