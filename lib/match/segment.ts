/**
 * Sentence and word segmentation with `Intl.Segmenter` (pure: available in Node and every browser
 * the extension supports), plus the token scheme the claim spotter uses on both sides.
 */
import { charClass, CharClass } from './normalise';

/** A span [start, end) of the string it was computed on. */
export interface Span {
  start: number;
  end: number;
}

const sentenceSegmenters = new Map<string, Intl.Segmenter>();
const wordSegmenters = new Map<string, Intl.Segmenter>();

function segmenter(cache: Map<string, Intl.Segmenter>, lang: string, granularity: 'sentence' | 'word'): Intl.Segmenter {
  let s = cache.get(lang);
  if (!s) {
    s = new Intl.Segmenter(lang === 'und' ? undefined : lang, { granularity });
    cache.set(lang, s);
  }
  return s;
}

/**
 * Sentence spans of `text`, trimmed of surrounding whitespace; a line break always ends a sentence
 * (the page text separates blocks with "\n", and a heading is not part of the next paragraph).
 */
export function sentenceSpans(text: string, lang = 'und'): Span[] {
  const seg = segmenter(sentenceSegmenters, lang, 'sentence');
  const out: Span[] = [];
  let blockStart = 0;
  while (blockStart <= text.length) {
    let blockEnd = text.indexOf('\n', blockStart);
    if (blockEnd < 0) blockEnd = text.length;
    if (blockEnd > blockStart) {
      const block = text.slice(blockStart, blockEnd);
      for (const s of seg.segment(block)) {
        let a = s.index;
        let b = s.index + s.segment.length;
        while (a < b && /\s/.test(block[a]!)) a++;
        while (b > a && /\s/.test(block[b - 1]!)) b--;
        if (b > a) out.push({ start: blockStart + a, end: blockStart + b });
      }
    }
    blockStart = blockEnd + 1;
  }
  return out;
}

/** Word-like segments of `text` (letters, digits, ideographs) as spans, per `Intl.Segmenter`. */
export function wordSpans(text: string, lang = 'und'): Span[] {
  const seg = segmenter(wordSegmenters, lang, 'word');
  const out: Span[] = [];
  for (const s of seg.segment(text)) if (s.isWordLike) out.push({ start: s.index, end: s.index + s.segment.length });
  return out;
}

/** Prefix length that stands in for a stem: "stations", "station", "stationen" share "statio". */
export const STEM_CHARS = 6;
/** Words this short carry little meaning across languages ("de", "la", "of") and are skipped. */
export const MIN_WORD_CHARS = 3;

// "230,000" / "230.000" (thousands) or "4.9" / "4,9" (decimals) or plain digits.
const NUMBER_RE = /(\d{1,3}(?:[,.]\d{3})+)(?!\d)|\d+(?:[.,]\d+)?/y;

/**
 * Claim-spotting tokens of NORMALISED text: for spaced scripts a word prefix (STEM_CHARS) of each
 * word of MIN_WORD_CHARS or more; for dense scripts (Han, kana, Thai) overlapping character
 * bigrams; numbers as "#<value>" ("230,000" → "#230000", "4.9" → "#4.9").
 */
export function claimTokens(normalised: string): string[] {
  const out: string[] = [];
  const n = normalised.length;
  let i = 0;
  while (i < n) {
    const c = normalised.charCodeAt(i);
    const k = charClass(c);
    if (c >= 0x30 && c <= 0x39) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(normalised)!;
      let j = i + m[0].length;
      // Digits glued to letters ("11e", "2x", "g20") are not numbers.
      if (j < n && charClass(normalised.charCodeAt(j)) === CharClass.Word) {
        while (j < n && charClass(normalised.charCodeAt(j)) === CharClass.Word) j++;
      } else {
        const value = m[1] ? Number(m[1].replace(/[,.]/g, '')) : Number(m[0].replace(',', '.'));
        out.push('#' + String(value));
      }
      i = j;
    } else if (k === CharClass.Word) {
      let j = i;
      while (j < n && charClass(normalised.charCodeAt(j)) === CharClass.Word) j++;
      if (j - i >= MIN_WORD_CHARS) out.push(normalised.slice(i, Math.min(j, i + STEM_CHARS)));
      i = j;
    } else if (k === CharClass.Dense) {
      let j = i;
      while (j < n && charClass(normalised.charCodeAt(j)) === CharClass.Dense) j++;
      if (j - i === 1) out.push(normalised[i]!);
      for (let p = i; p + 1 < j; p++) out.push(normalised.slice(p, p + 2));
      i = j;
    } else i++;
  }
  return out;
}

/** Numbers written with digits in normalised text ("more than 100 … 53 countries" → [100, 53]). */
export function numbersIn(normalised: string): number[] {
  return claimTokens(normalised).filter((t) => t.startsWith('#')).map((t) => Number(t.slice(1)));
}
