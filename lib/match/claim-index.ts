/**
 * Text analysis for the claim matcher: language-aware tokens, numbers with their qualifiers,
 * negation cues and a guess of the language. Shared by index building and matching so a phrasing
 * and a moderator's sentence are read the same way.
 *
 * Words come from Intl.Segmenter on normalised text (the normalisation shared with detection);
 * Han, kana and Hangul runs become character bigrams, because word segmenters disagree on CJK and
 * bigrams need no dictionary. Latin-script words are cut to their first STEM_CHARS characters: a
 * language-neutral stemmer that folds "stations/station", "comisarías/comisaría", "Polizeistationen/
 * Polizeistation" without one stemmer per language. Pure: no DOM, no Node modules.
 */
import type { Claim, Dataset } from '../dataset/schema';
import { buildBm25, type Bm25Index } from './bm25';
import { normaliseWithMap } from './normalise';

/** Latin-script words are truncated to this many characters (see module comment). */
export const STEM_CHARS = 6;

/** A language the number, qualifier and negation tables know; 'zh', 'ja', 'ko' are guessed from script. */
export type TextLang = 'en' | 'es' | 'it' | 'fr' | 'nl' | 'de' | 'pt' | 'zh' | 'ja' | 'ko';

/** A number said in the text, e.g. "more than 100" → {value: 100, qual: 'lower'}. */
export interface NumberMention {
  value: number;
  /** 'lower' for "more than / at least / 100+", 'approx' for "almost / about / ~". */
  qual: 'exact' | 'lower' | 'approx';
  /** Index in `pieces` of the number (for the unit words that follow it). */
  piece: number;
  /** How the text said it, in the original spelling ("more than 100" → "100", "230k", "quarter of a million"). */
  start: number;
  end: number;
}

/** One word, CJK run, number or punctuation mark of normalised text, with its span in the original. */
export interface Piece {
  kind: 'word' | 'cjk' | 'num' | 'punct';
  /** Normalised text. */
  text: string;
  /** Span in the original text. */
  start: number;
  end: number;
}

/** Everything the matcher needs to know about a sentence or a phrasing. */
export interface AnalysedText {
  /** Normalised text. */
  norm: string;
  pieces: Piece[];
  /** Index terms in reading order: stems, CJK bigrams, "#<number>". */
  terms: string[];
  /** For each term, the index of the piece it came from and its span in the original text. */
  termPiece: number[];
  termStart: number[];
  termEnd: number[];
  numbers: NumberMention[];
  negated: boolean;
  lang: TextLang;
}

const CJK_CHAR_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const KANA_RE = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL_RE = /\p{Script=Hangul}/u;
const LEADING_DIGITS_RE = /^(\d+(?:[.,]\d+)*)([\p{L}]*)$/u;

// Function words per language, for guessing the language of Latin-script text. A word shared by
// several languages counts for each of them a little.
const FUNCTION_WORDS: Record<'en' | 'es' | 'it' | 'fr' | 'nl' | 'de' | 'pt', string> = {
  en: 'the a an and of to in is are was were that it with for on has have had by from this these those they their been its at there be as but or which who what than into about after said says',
  es: 'el la los las de que y en un una es son del por con para se al como su sus esta este estos han fue lo le ya muy pero tambien ha hay sobre entre segun dijo',
  it: 'il lo la gli le di che e un una sono del della dello per con non nel nella ha hanno da dei delle degli alla al ai anche come questo questi questa sul sulla tra fra stati stato',
  fr: 'le la les de des du et un une est sont que qui en dans pour au aux ont pas ce cette ces sur par avec il elle ils leur se plus ete selon',
  nl: 'de het een en van is zijn dat in op met voor niet die er ook werd heeft hebben naar bij deze dit om aan door wordt worden volgens over',
  de: 'der die das und ist sind ein eine einen von mit in den dem zu auf nicht hat haben wurde wurden auch sich des im es dass sei wird werden fur bei nach aus einem einer vom zum zur',
  pt: 'o a os as de que e um uma do da em no na por com para sao nao dos das foi tem ao aos pela pelo mais como seu sua foram esta estao segundo',
};
const FUNCTION_WORD_LANGS = new Map<string, string[]>();
for (const [lang, words] of Object.entries(FUNCTION_WORDS)) {
  for (const w of words.split(' ')) {
    const langs = FUNCTION_WORD_LANGS.get(w) ?? [];
    langs.push(lang);
    FUNCTION_WORD_LANGS.set(w, langs);
  }
}

// Number words 2–20, tens, dozen, hundred (diacritics already stripped). "One" is left out: "one
// network", "un poste" are articles more often than counts. Words that double as common words in
// the same language ("once" in es is fine: es only) are safe because the table is per language.
const NUMBER_WORDS: Record<string, Record<string, number>> = {
  en: words('two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12 thirteen 13 fourteen 14 fifteen 15 sixteen 16 seventeen 17 eighteen 18 nineteen 19 twenty 20 thirty 30 forty 40 fifty 50 sixty 60 seventy 70 eighty 80 ninety 90 dozen 12 hundred 100 thousand 1000'),
  es: words('dos 2 tres 3 cuatro 4 cinco 5 seis 6 siete 7 ocho 8 nueve 9 diez 10 once 11 doce 12 trece 13 catorce 14 quince 15 veinte 20 treinta 30 cuarenta 40 cincuenta 50 docena 12 cien 100 ciento 100 mil 1000'),
  it: words('due 2 tre 3 quattro 4 cinque 5 sei 6 sette 7 otto 8 nove 9 dieci 10 undici 11 dodici 12 tredici 13 quattordici 14 quindici 15 venti 20 trenta 30 quaranta 40 cinquanta 50 dozzina 12 cento 100 mille 1000'),
  fr: words('deux 2 trois 3 quatre 4 cinq 5 six 6 sept 7 huit 8 neuf 9 dix 10 onze 11 douze 12 treize 13 quatorze 14 quinze 15 seize 16 vingt 20 trente 30 quarante 40 cinquante 50 douzaine 12 cent 100 mille 1000'),
  nl: words('twee 2 drie 3 vier 4 vijf 5 zes 6 zeven 7 acht 8 negen 9 tien 10 elf 11 twaalf 12 dertien 13 veertien 14 vijftien 15 twintig 20 dertig 30 veertig 40 vijftig 50 dozijn 12 honderd 100 duizend 1000'),
  de: words('zwei 2 zwo 2 drei 3 vier 4 funf 5 sechs 6 sieben 7 acht 8 neun 9 zehn 10 elf 11 zwolf 12 dreizehn 13 vierzehn 14 funfzehn 15 zwanzig 20 dreissig 30 vierzig 40 funfzig 50 dutzend 12 hundert 100 tausend 1000'),
  pt: words('dois 2 duas 2 tres 3 quatro 4 cinco 5 seis 6 sete 7 oito 8 nove 9 dez 10 onze 11 doze 12 treze 13 catorze 14 quinze 15 vinte 20 trinta 30 quarenta 40 cinquenta 50 duzia 12 cem 100 cento 100 mil 1000'),
};

// Words that scale the number before them ("230 thousand", "2.5 million", "25만").
const MULTIPLIERS: Record<string, number> = {
  k: 1e3, thousand: 1e3, mil: 1e3, mila: 1e3, mille: 1e3, tausend: 1e3, duizend: 1e3,
  m: 1e6, mn: 1e6, million: 1e6, millions: 1e6, millon: 1e6, millones: 1e6, milione: 1e6, milioni: 1e6,
  millionen: 1e6, miljoen: 1e6, milhao: 1e6, milhoes: 1e6, mio: 1e6,
  '千': 1e3, '万': 1e4, '萬': 1e4, '亿': 1e8, '億': 1e8, '천': 1e3, '만': 1e4, '억': 1e8,
};

// Qualifiers before a number, as word sequences (normalised, diacritics stripped).
const LOWER_BOUND_BEFORE: Record<TextLang, string[]> = {
  en: ['more than', 'over', 'at least', 'upwards of', 'in excess of', 'above', 'no fewer than', 'no less than'],
  es: ['mas de', 'al menos', 'por lo menos', 'no menos de', 'nada menos que'],
  it: ['piu di', 'oltre', 'almeno', 'ben'],
  fr: ['plus de', 'au moins', 'pas moins de'],
  nl: ['meer dan', 'minstens', 'ten minste', 'ruim', 'minimaal'],
  de: ['mehr als', 'uber', 'mindestens', 'wenigstens'],
  pt: ['mais de', 'pelo menos', 'no minimo'],
  zh: ['超过', '至少', '逾'],
  ja: ['以上'],
  ko: ['이상'],
};
const APPROX_BEFORE: Record<TextLang, string[]> = {
  en: ['almost', 'nearly', 'about', 'around', 'roughly', 'approximately', 'some', 'close to', 'an estimated'],
  es: ['casi', 'cerca de', 'unos', 'unas', 'alrededor de', 'aproximadamente'],
  it: ['quasi', 'circa', 'intorno a', 'all\'incirca'],
  fr: ['presque', 'pres de', 'environ', 'quelque', 'quasiment'],
  nl: ['bijna', 'ongeveer', 'zo\'n', 'circa', 'rond'],
  de: ['fast', 'etwa', 'rund', 'ungefahr', 'knapp', 'beinahe', 'circa'],
  pt: ['quase', 'cerca de', 'perto de', 'aproximadamente'],
  zh: ['近', '约', '将近', '大约', '接近', '几乎'],
  ja: ['約', '近く', 'ほぼ'],
  ko: ['거의', '약'],
};
// Qualifiers right after a number ("100+", "dozen-plus", "100多", "25万余").
const LOWER_BOUND_AFTER = new Set(['+', 'plus', '多', '余', '餘', '여']);

// Negation cues per language: a sentence with one of these says a claim is not so.
const NEGATION_WORDS: Record<TextLang, string[]> = {
  en: ['not', 'no', 'never', 'none', 'nobody', 'nothing', 'deny', 'denies', 'denied', 'denying', 'false', 'hoax', 'myth', 'fake', 'untrue'],
  es: ['no', 'nunca', 'ningun', 'ninguna', 'niega', 'niegan', 'nego', 'desmiente', 'desmintio', 'falso', 'bulo'],
  it: ['non', 'mai', 'nessun', 'nessuna', 'nega', 'negano', 'smentisce', 'smentito', 'falso', 'bufala'],
  fr: ['ne', 'pas', 'jamais', 'aucun', 'aucune', 'nie', 'nient', 'dement', 'faux', 'rien'],
  nl: ['niet', 'geen', 'nooit', 'ontkent', 'ontkennen', 'ontkende', 'onwaar', 'nep'],
  de: ['nicht', 'kein', 'keine', 'keinen', 'keiner', 'nie', 'niemals', 'bestreitet', 'bestreiten', 'dementiert', 'leugnet', 'falsch'],
  pt: ['nao', 'nunca', 'nenhum', 'nenhuma', 'nega', 'negam', 'negou', 'desmente', 'falso'],
  zh: ['没有', '不是', '并非', '否认', '不存在', '无此', '未', '并无', '沒有', '否認', '並非'],
  ja: ['ない', '否定', 'ありません', 'ではない', 'せず'],
  ko: ['않', '없', '아니', '부인'],
};
const NEGATION_SETS = Object.fromEntries(
  Object.entries(NEGATION_WORDS).map(([lang, list]) => [lang, new Set(list)]),
) as Record<TextLang, Set<string>>;

function words(spec: string): Record<string, number> {
  const parts = spec.split(' ');
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = Number(parts[i + 1]);
  return out;
}

const segmenters = new Map<string, Intl.Segmenter>();
function wordSegmenter(locale: string): Intl.Segmenter {
  let seg = segmenters.get(locale);
  if (!seg) {
    seg = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, seg);
  }
  return seg;
}

/** Parses "230.000", "1,000", "2.5", "230k" into a number, or null when it is not one. */
export function parseDigits(text: string): { value: number; suffix: string } | null {
  const m = LEADING_DIGITS_RE.exec(text);
  if (!m) return null;
  const digits = m[1]!;
  const suffix = m[2] ?? '';
  let value: number;
  // Groups of exactly three digits after a separator are thousands ("230.000", "1,000,000");
  // anything else is a decimal mark ("2.5", "1,5").
  if (/^\d{1,3}([.,])\d{3}(\1\d{3})*$/.test(digits)) value = Number(digits.replace(/[.,]/g, ''));
  else value = Number(digits.replace(',', '.'));
  if (!Number.isFinite(value)) return null;
  return { value, suffix };
}

const HAN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const HAN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const HAN_NUMERAL_RE = /[零〇一二两兩三四五六七八九十百千]+/g;

/** Value of a Chinese numeral such as 十三, 二十一, 一百; null if it is not a well-formed count. */
export function parseHanNumeral(text: string): number | null {
  let total = 0;
  let digit = -1;
  for (const ch of text) {
    const d = HAN_DIGITS[ch];
    if (d !== undefined) {
      if (digit >= 0) return null;
      digit = d;
      continue;
    }
    const unit = HAN_UNITS[ch];
    if (unit === undefined) return null;
    total += (digit < 0 ? 1 : digit) * unit;
    digit = -1;
  }
  if (digit >= 0) total += digit;
  return total;
}

/** Guesses the language from script (CJK) or function words (Latin), 'en' when nothing decides. */
export function guessLang(pieces: readonly Piece[]): TextLang {
  let han = 0;
  let kana = 0;
  let hangul = 0;
  const score: Record<string, number> = {};
  for (const p of pieces) {
    if (p.kind === 'cjk') {
      if (HANGUL_RE.test(p.text)) hangul += p.text.length;
      else if (KANA_RE.test(p.text)) kana += p.text.length;
      else han += p.text.length;
    } else if (p.kind === 'word') {
      const langs = FUNCTION_WORD_LANGS.get(p.text);
      if (langs) for (const l of langs) score[l] = (score[l] ?? 0) + 1 / langs.length;
    }
  }
  if (hangul > 0) return 'ko';
  if (kana > 0) return 'ja';
  if (han > 0) return 'zh';
  let best: TextLang = 'en';
  let bestScore = 0;
  for (const [lang, s] of Object.entries(score)) {
    if (s > bestScore) {
      best = lang as TextLang;
      bestScore = s;
    }
  }
  return best;
}

// Scripts whose words need a dictionary (or, for us, bigrams): only text with these goes through
// Intl.Segmenter. For spaced alphabetic scripts the UAX #29 word rules that matter here are short
// enough to state as one expression (letters joined by ' . : and digits by , . ; '), which runs
// about ten times faster; a test checks it against Intl.Segmenter.
const NEEDS_SEGMENTER_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Hebrew}]/u;
const WORD_RE = /[\p{L}\p{M}\p{N}_]+(?:(?:(?<=[\p{L}\p{M}])['.:](?=\p{L})|(?<=\p{N})[.,;'](?=\p{N}))[\p{L}\p{M}\p{N}_]+)*/gu;

function pushGap(pieces: Piece[], norm: string, map: Uint32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = norm.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) continue;
    // Punctuation is one piece per code point, as Intl.Segmenter reports it.
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < to ? 2 : 1;
    pieces.push({ kind: 'punct', text: norm.slice(i, i + width), start: map[i]!, end: map[i + width]! });
    i += width - 1;
  }
}

/**
 * Splits normalised text into pieces: words, numbers, CJK runs (adjacent CJK segments merged) and
 * punctuation, with spans in the original text. `useSegmenter` forces Intl.Segmenter for every text.
 */
export function toPieces(text: string, locale = 'und', useSegmenter = false): { norm: string; pieces: Piece[] } {
  const { text: norm, map } = normaliseWithMap(text);
  const pieces: Piece[] = [];
  if (!useSegmenter && !NEEDS_SEGMENTER_RE.test(norm)) {
    let last = 0;
    for (const m of norm.matchAll(WORD_RE)) {
      const from = m.index ?? 0;
      const to = from + m[0].length;
      pushGap(pieces, norm, map, last, from);
      pieces.push({ kind: m[0].charCodeAt(0) >= 0x30 && m[0].charCodeAt(0) <= 0x39 ? 'num' : 'word', text: m[0], start: map[from]!, end: map[to]! });
      last = to;
    }
    pushGap(pieces, norm, map, last, norm.length);
    return { norm, pieces };
  }
  let cjkStart = -1;
  let cjkEnd = -1;
  const flush = (): void => {
    if (cjkStart >= 0) {
      pieces.push({ kind: 'cjk', text: norm.slice(cjkStart, cjkEnd), start: map[cjkStart]!, end: map[cjkEnd]! });
      cjkStart = -1;
    }
  };
  for (const seg of wordSegmenter(locale).segment(norm)) {
    const s = seg.segment;
    const from = seg.index;
    const to = from + s.length;
    if (!seg.isWordLike) {
      flush();
      pushGap(pieces, norm, map, from, to);
      continue;
    }
    if (CJK_CHAR_RE.test(s)) {
      if (cjkStart < 0) cjkStart = from;
      cjkEnd = to;
      continue;
    }
    flush();
    const kind = /^\d/.test(s) ? 'num' : 'word';
    pieces.push({ kind, text: s, start: map[from]!, end: map[to]! });
  }
  flush();
  return { norm, pieces };
}

function wordBefore(pieces: readonly Piece[], i: number, count: number): string {
  const out: string[] = [];
  for (let j = i - 1; j >= 0 && out.length < count; j--) {
    const p = pieces[j]!;
    if (p.kind !== 'word') break;
    out.unshift(p.text);
  }
  return out.join(' ');
}

function qualifierBefore(pieces: readonly Piece[], i: number, lang: TextLang): NumberMention['qual'] {
  const prev = pieces[i - 1];
  if (prev?.kind === 'punct' && prev.text === '~') return 'approx';
  if (lang === 'zh' || lang === 'ja' || lang === 'ko') {
    // CJK qualifiers sit at the end of the run before the number ("超过100", "近25万").
    if (prev?.kind === 'cjk') {
      if (LOWER_BOUND_BEFORE[lang].some((q) => prev.text.endsWith(q))) return 'lower';
      if (APPROX_BEFORE[lang].some((q) => prev.text.endsWith(q))) return 'approx';
    }
    return 'exact';
  }
  for (let n = 3; n >= 1; n--) {
    const before = wordBefore(pieces, i, n);
    if (!before) continue;
    // Skip an article between qualifier and number ("about a dozen", "almost a quarter").
    if (LOWER_BOUND_BEFORE[lang].includes(before)) return 'lower';
    if (APPROX_BEFORE[lang].includes(before)) return 'approx';
  }
  const twoBack = wordBefore(pieces, i - 1, 1);
  if (twoBack && APPROX_BEFORE[lang].includes(twoBack) && ['a', 'an', 'un', 'una', 'une', 'um', 'uma', 'ein', 'eine', 'een'].includes(pieces[i - 1]?.text ?? '')) return 'approx';
  return 'exact';
}

function qualifierAfter(pieces: readonly Piece[], i: number): boolean {
  const next = pieces[i + 1];
  if (!next) return false;
  if (next.kind === 'punct' && next.text.startsWith('+')) return true;
  if (next.kind === 'word' && next.text === 'plus') return true;
  if (next.kind === 'cjk' && LOWER_BOUND_AFTER.has(next.text[0]!)) return true;
  return false;
}

function multiplierAfter(pieces: readonly Piece[], i: number): number {
  const next = pieces[i + 1];
  if (!next) return 1;
  if (next.kind === 'word') return MULTIPLIERS[next.text] ?? 1;
  if (next.kind === 'cjk') return MULTIPLIERS[next.text[0]!] ?? 1;
  return 1;
}

/** Finds the numbers said in the pieces: digits, number words of `lang`, Chinese numerals. */
export function findNumbers(pieces: readonly Piece[], lang: TextLang): NumberMention[] {
  const out: NumberMention[] = [];
  const table = NUMBER_WORDS[lang];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    let value: number | null = null;
    let lower = false;
    if (p.kind === 'num') {
      const parsed = parseDigits(p.text);
      if (!parsed) continue;
      value = parsed.value;
      const suffixMult = parsed.suffix ? MULTIPLIERS[parsed.suffix] : 1;
      if (suffixMult === undefined) continue; // "3d", "5g": not a count
      value *= suffixMult;
      value *= multiplierAfter(pieces, i);
      lower = qualifierAfter(pieces, i);
    } else if (p.kind === 'word' && table) {
      const v = table[p.text];
      if (v === undefined) continue;
      // "thousand", "hundred" alone scale a preceding number; they count only when nothing precedes.
      const prev = pieces[i - 1];
      if (v >= 100 && prev && (prev.kind === 'num' || (prev.kind === 'word' && table[prev.text] !== undefined))) continue;
      value = v * multiplierAfter(pieces, i);
      lower = qualifierAfter(pieces, i);
    } else if (p.kind === 'cjk' && lang === 'zh') {
      for (const m of p.text.matchAll(HAN_NUMERAL_RE)) {
        const v = parseHanNumeral(m[0]);
        // A lone 一 is an article ("一个"); 十/百/千 alone are parts of words more often than counts.
        if (v === null || v < 2 || m[0] === '千' || m[0] === '百') continue;
        const after = p.text.slice((m.index ?? 0) + m[0].length);
        const mult = MULTIPLIERS[after[0] ?? ''] ?? 1;
        const from = m.index ?? 0;
        const span = cjkSpan(p, from, from + m[0].length + (mult === 1 ? 0 : 1));
        out.push({ value: v * mult, qual: LOWER_BOUND_AFTER.has(after[mult === 1 ? 0 : 1] ?? '') ? 'lower' : 'exact', piece: i, ...span });
      }
      continue;
    } else {
      continue;
    }
    if (value === null) continue;
    let qual: NumberMention['qual'] = lower ? 'lower' : qualifierBefore(pieces, i, lang);
    if (p.kind === 'word' && value === 12 && /^(dozen|docena|dozzina|douzaine|dozijn|dutzend|duzia)$/.test(p.text) && qual === 'exact') qual = 'approx';
    const multPiece = pieces[i + 1];
    const end = multPiece && multiplierAfter(pieces, i) !== 1 ? (multPiece.kind === 'cjk' ? cjkSpan(multPiece, 0, 1).end : multPiece.end) : p.end;
    out.push({ value, qual, piece: i, start: p.start, end });
  }
  // "a quarter of a million" / "half a million" in English, the one fraction idiom worth knowing.
  if (lang === 'en' && pieces.some((p) => p.text === 'quarter' || p.text === 'half')) {
    for (let i = 0; i + 3 < pieces.length; i++) {
      const seq = pieces.slice(i, i + 5).map((p) => p.text).join(' ');
      if (seq.startsWith('quarter of a million')) {
        const q = i - 1 >= 0 && pieces[i - 1]!.text === 'a' ? i - 1 : i;
        out.push({ value: 250_000, qual: qualifierBefore(pieces, q, lang), piece: i + 3, start: pieces[i]!.start, end: pieces[i + 3]!.end });
      } else if (seq.startsWith('half a million')) {
        out.push({ value: 500_000, qual: qualifierBefore(pieces, i, lang), piece: i + 2, start: pieces[i]!.start, end: pieces[i + 2]!.end });
      }
    }
  }
  return out;
}

// Cue words that are ordinary words in another of our languages ("mai" is May in French, "pas"
// is "only" in Dutch, "nie" a verb form in French): they count only in their own language.
const NEGATION_NEEDS_LANG = new Set(['mai', 'pas', 'ne', 'nie', 'no', 'non']);
const NEGATION_ANY = new Set<string>();
for (const list of Object.values(NEGATION_WORDS)) for (const w of list) if (!NEGATION_NEEDS_LANG.has(w)) NEGATION_ANY.add(w);

/** True when the text carries a negation cue ("not", "no such", "否认", "nicht"). */
export function hasNegation(pieces: readonly Piece[], lang: TextLang): boolean {
  const own = NEGATION_SETS[lang];
  const latin = lang !== 'zh' && lang !== 'ja' && lang !== 'ko';
  for (const p of pieces) {
    if (p.kind === 'word') {
      if (own.has(p.text) || NEGATION_ANY.has(p.text) || p.text.endsWith("n't")) return true;
      // "no" is a negation in English, Spanish and Italian alike; only Portuguese "no" (= "in the") is not.
      if (latin && p.text === 'no' && lang !== 'pt') return true;
    } else if (p.kind === 'cjk') {
      for (const cue of own) if (p.text.includes(cue)) return true;
    }
  }
  return false;
}

/** The stem of a Latin-script word: possessive, elision and plural -s stripped, then cut to STEM_CHARS. */
export function stemWord(word: string): string {
  let w = word;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  else if (w.endsWith("n't")) w = w.slice(0, -3);
  // French/Italian elision: "l'irlande" → "irlande", "dell'italia" → "italia".
  const apos = w.indexOf("'");
  if (apos > 0 && apos <= 4 && apos < w.length - 1) w = w.slice(apos + 1);
  w = w.replace(/'/g, '');
  // Plural -s (en, es, pt, fr, nl) before cutting, so "posts" meets "post" and "centres" "centre".
  if (w.length > 4 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w.length > STEM_CHARS ? w.slice(0, STEM_CHARS) : w;
}

/** Original-text span of characters [from, to) of a CJK piece (exact when normalisation kept its length). */
export function cjkSpan(p: Piece, from: number, to: number): { start: number; end: number } {
  if (p.end - p.start !== p.text.length) return { start: p.start, end: p.end };
  return { start: p.start + from, end: p.start + to };
}

/** Reads a sentence or phrasing: pieces, index terms, numbers, negation, language. */
export function analyseText(text: string, lang?: TextLang): AnalysedText {
  const locale = lang === 'zh' ? 'zh' : lang === 'ja' ? 'ja' : lang === 'ko' ? 'ko' : 'und';
  const { norm, pieces } = toPieces(text, locale);
  const language = lang ?? guessLang(pieces);
  const numbers = findNumbers(pieces, language);
  const numberAt = new Map<number, number>();
  for (const n of numbers) if (pieces[n.piece]?.kind === 'num') numberAt.set(n.piece, n.value);
  const negationCues = NEGATION_SETS[language];
  const terms: string[] = [];
  const termPiece: number[] = [];
  const termStart: number[] = [];
  const termEnd: number[] = [];
  const push = (term: string, piece: number, start: number, end: number): void => {
    terms.push(term);
    termPiece.push(piece);
    termStart.push(start);
    termEnd.push(end);
  };
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.kind === 'word') {
      // Function words say nothing about which claim a text repeats; negation cues do (the
      // denial claim), so they stay.
      if (FUNCTION_WORD_LANGS.has(p.text) && !negationCues.has(p.text)) continue;
      const stem = stemWord(p.text);
      if (stem) push(stem, i, p.start, p.end);
    } else if (p.kind === 'cjk') {
      const chars = Array.from(p.text);
      if (chars.length === 1) push(chars[0]!, i, p.start, p.end);
      let offset = 0;
      for (let k = 0; k + 1 < chars.length; k++) {
        const span = cjkSpan(p, offset, offset + chars[k]!.length + chars[k + 1]!.length);
        push(chars[k]! + chars[k + 1]!, i, span.start, span.end);
        offset += chars[k]!.length;
      }
    } else if (p.kind === 'num') {
      const value = numberAt.get(i) ?? parseDigits(p.text)?.value;
      if (value !== undefined) push(`#${value}`, i, p.start, p.end);
    }
  }
  return { norm, pieces, terms, termPiece, termStart, termEnd, numbers, negated: hasNegation(pieces, language), lang: language };
}

/** Maps a dataset language code to the tables' language ('zh-Hant' → 'zh'); undefined when unknown. */
export function textLangOf(datasetLang: string): TextLang | undefined {
  const base = datasetLang.split('-')[0]!;
  return (['en', 'es', 'it', 'fr', 'nl', 'de', 'pt', 'zh', 'ja', 'ko'] as const).find((l) => l === base);
}

// ---------------------------------------------------------------------------------------------
// The claim index: BM25 over every phrasing, plus what each claim asserts (numbers, places, names).

/** Sentence numbers this close to a claim's number (relative) agree when either side is approximate. */
export const NUMBER_APPROX_TOLERANCE = 0.15;
/** "More than N" agrees with values from N up to N × this factor. */
export const NUMBER_LOWER_BOUND_SPAN = 1.5;
/** Terms after a number that name what is counted ("54 stations", "53 countries"), compared across texts. */
export const NUMBER_UNIT_TERMS = 3;
/**
 * A term used by at least this share of claims is the story's own vocabulary ("police", "station",
 * "chinese", "警察", "polizei"). Such terms weigh little in BM25 (low idf) but their absence says a
 * sentence is not about the story at all ("New Zealand's capital is Wellington" against the
 * Auckland claim). Derived from the phrasings, so it follows the data in every language.
 */
export const STORY_TERM_CLAIM_SHARE = 0.5;

/** A number a claim asserts, how it is qualified and what it counts (unit terms from its phrasings). */
export interface ClaimNumber {
  value: number;
  qual: NumberMention['qual'];
  units: Set<string>;
}

/** A place or name the gazetteer knows. Cities and countries carry an ISO 3166-1 country code. */
export interface EntityInfo {
  key: string;
  /** 'alias': a name that marks a country without being a known city ("都柏林", "Mounties"). */
  kind: 'city' | 'country' | 'alias' | 'other';
  country?: string;
}

/** A claim as the matcher sees it. */
export interface IndexedClaim {
  id: string;
  status: Claim['status'];
  numbers: ClaimNumber[];
  /** City keys the claim is about. */
  cities: Set<string>;
  /** Countries the claim is about, named or as the country of one of its cities. */
  countries: Set<string>;
  /** Countries named as such (not only through a city). */
  namedCountries: Set<string>;
  /** Countries of the claim's cities. */
  cityCountries: Set<string>;
  /** Other names the claim lists for its places and actors, each marking one country ("Dublino", "Mounties"). */
  aliases: Set<string>;
  /** Names of people, organisations and places the gazetteer cannot place. */
  others: Set<string>;
}

/** Surface forms of places and names, keyed by their normalised words (Latin) or characters (CJK). */
export interface Gazetteer {
  surfaces: Map<string, EntityInfo[]>;
  maxWords: number;
  /** CJK surfaces by first character, longest first. */
  cjkByFirst: Map<string, string[]>;
  /** First words of the Latin-script surfaces, to skip words that start none. */
  firstWords: Set<string>;
}

/** Built once per dataset by {@link buildClaimIndex}; read-only afterwards except the scratch buffers. */
export interface ClaimIndex {
  claims: IndexedClaim[];
  bm25: Bm25Index;
  /** Claim (index into `claims`) of each BM25 document. */
  docClaim: Int32Array;
  /** Whether each document (phrasing) is itself worded as a negation ("China denies…"). */
  docNegated: Uint8Array;
  /** Vocabulary term ids that occur in any phrasing of each claim. */
  claimTerms: Set<number>[];
  /** For each term id, the claims (indices) whose phrasings use it. */
  termClaims: Int32Array[];
  gazetteer: Gazetteer;
  /** Numbers that are parts of names ("110 Overseas"), not counts. */
  nameNumbers: Set<number>;
  /** Term ids of the story's own vocabulary ("police", "station", "chinese", "警察"): see STORY_TERM_CLAIM_SHARE. */
  storyTerms: Set<number>;
  /** Story words that are also common outside it ("police", "station", "chinese"): weaker evidence. */
  genericStoryTerms: Set<number>;
  /** Detector phrases naming the story (not the generic ones), as term sequences keyed by their first term. */
  storyPhrases: Map<string, string[][]>;
  /** Highest idf in the vocabulary (unknown sentence words are weighed against it). */
  maxIdf: number;
  /** Scratch buffers reused by every query (the matcher is synchronous and single-threaded). */
  scratchScores: Float64Array;
  scratchTouched: Int32Array;
}

// Countries never count as "another place": China is in every sentence of the story, and Hong Kong,
// Macau and Taiwan appear as its subjects rather than as host countries.
const NEUTRAL_COUNTRIES = new Set(['CN', 'HK', 'MO', 'TW']);
// Region codes that are not countries.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'AC', 'CP', 'DG', 'EA', 'IC', 'TA', 'XK']);
// Everyday English names that DisplayNames does not give ("UK", "America").
const COUNTRY_ALIASES: Record<string, string[]> = {
  GB: ['uk', 'britain', 'great britain', 'england', 'scotland', 'wales', 'northern ireland'],
  US: ['usa', 'america', 'united states of america', 'new york city', 'nyc'],
  NL: ['holland', 'the netherlands'],
  CZ: ['czech republic'],
  KR: ['korea', 'republic of korea'],
};
// Languages whose country names the gazetteer knows for the countries in the dataset.
const GAZETTEER_LANGS = ['en', 'es', 'it', 'fr', 'nl', 'de', 'pt', 'zh-Hans', 'zh-Hant', 'ja', 'ko', 'sv', 'cs', 'ro', 'hu', 'pl'];

function allRegionCodes(): string[] {
  const en = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const out: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      if (en.of(code) !== code) out.push(code);
    }
  }
  return out;
}

/** The gazetteer key of a surface form: its word pieces joined by spaces, or its CJK characters. */
export function surfaceKey(surface: string): { key: string; cjk: boolean } {
  const { pieces } = toPieces(surface);
  const cjk = pieces.some((p) => p.kind === 'cjk');
  const key = pieces
    .filter((p) => p.kind !== 'punct')
    .map((p) => p.text)
    .join(cjk ? '' : ' ');
  return { key, cjk };
}

/** Splits a station's `city` field ("London (Croydon)", "Aubervilliers and Noisy-le-Grand") into place names. */
export function cityNames(city: string): string[] {
  if (/^(location unknown|several cities|unknown)/i.test(city)) {
    const inner = /\(([^)]*)\)/.exec(city)?.[1] ?? '';
    return inner.replace(/^e\.g\.\s*/i, '').split(/,|\band\b/).map((s) => s.trim()).filter(Boolean);
  }
  const main = city.replace(/\([^)]*\)/g, '').trim();
  const inner = /\(([^)]*)\)/.exec(city)?.[1] ?? '';
  const names = main.split(/\s+and\s+|,/).map((s) => s.trim()).filter(Boolean);
  // "New York (Manhattan)" and "London (Croydon)" name a district: a place of its own in the same city.
  if (inner && !/district|^e\.g\./i.test(inner)) names.push(...inner.split(',').map((s) => s.trim()).filter(Boolean));
  return names;
}

class GazetteerBuilder {
  readonly surfaces = new Map<string, EntityInfo[]>();
  maxWords = 1;
  readonly cjk = new Set<string>();

  add(surface: string, info: EntityInfo): string {
    const { key, cjk } = surfaceKey(surface);
    if (!key) return '';
    const list = this.surfaces.get(key) ?? [];
    if (!list.some((e) => e.key === info.key && e.kind === info.kind)) list.push(info);
    this.surfaces.set(key, list);
    if (cjk) this.cjk.add(key);
    else this.maxWords = Math.max(this.maxWords, key.split(' ').length);
    return key;
  }

  lookup(surface: string): EntityInfo[] | undefined {
    return this.surfaces.get(surfaceKey(surface).key);
  }

  build(): Gazetteer {
    const cjkByFirst = new Map<string, string[]>();
    for (const key of this.cjk) {
      const first = key[0]!;
      const list = cjkByFirst.get(first) ?? [];
      list.push(key);
      cjkByFirst.set(first, list);
    }
    for (const list of cjkByFirst.values()) list.sort((a, b) => b.length - a.length);
    const firstWords = new Set<string>();
    for (const key of this.surfaces.keys()) if (!this.cjk.has(key)) firstWords.add(key.split(' ')[0]!);
    return { surfaces: this.surfaces, maxWords: this.maxWords, cjkByFirst, firstWords };
  }
}

function buildGazetteer(ds: Dataset): GazetteerBuilder {
  const g = new GazetteerBuilder();
  const codes = allRegionCodes();
  const en = new Intl.DisplayNames(['en'], { type: 'region' });
  const datasetCountries = new Set(ds.stations.map((s) => s.countryCode));
  for (const r of ds.responses) datasetCountries.add(r.countryCode);
  for (const code of codes) {
    if (NEUTRAL_COUNTRIES.has(code)) continue;
    const info: EntityInfo = { key: `country:${code}`, kind: 'country', country: code };
    // Every country in English, so "a station in Laos" is recognised as somewhere else; the
    // dataset's countries in every language the dataset is phrased in.
    g.add(en.of(code)!, info);
    if (datasetCountries.has(code)) {
      for (const lang of GAZETTEER_LANGS) g.add(new Intl.DisplayNames([lang], { type: 'region' }).of(code)!, info);
    }
    for (const alias of COUNTRY_ALIASES[code] ?? []) g.add(alias, info);
  }
  const stationCity = new Map<string, EntityInfo>();
  for (const st of ds.stations) {
    const names = cityNames(st.city);
    const main = names[0];
    if (!main) continue;
    const info: EntityInfo = { key: `city:${surfaceKey(main).key}`, kind: 'city', country: st.countryCode };
    stationCity.set(st.id, info);
    for (const name of names) g.add(name, info);
  }
  for (const term of ds.terms) {
    if (term.kind !== 'station') continue;
    for (const ref of term.refs) {
      const info = stationCity.get(ref);
      if (info) g.add(term.text, info);
    }
  }
  return g;
}

function unitsAfter(a: AnalysedText, piece: number): string[] {
  const out: string[] = [];
  for (let t = 0; t < a.terms.length && out.length < NUMBER_UNIT_TERMS; t++) {
    const p = a.termPiece[t]!;
    const term = a.terms[t]!;
    // What a number counts ends where the next number starts ("100 stations in 53 countries").
    if (p > piece && a.pieces[p]!.kind === 'num') break;
    if (term.startsWith('#')) continue;
    // Units follow the number; a Chinese numeral shares its CJK run with them.
    if (p > piece || (p === piece && a.pieces[p]!.kind === 'cjk')) out.push(term);
  }
  return out;
}

/** True when a number said in a sentence is compatible with a number a claim asserts. */
export function numbersAgree(said: { value: number; qual: NumberMention['qual'] }, claimed: { value: number; qual: NumberMention['qual'] }): boolean {
  const n = said.value;
  const m = claimed.value;
  if (n === m) return true;
  const rel = Math.abs(n - m) / Math.max(Math.abs(n), Math.abs(m));
  if ((said.qual === 'approx' || claimed.qual === 'approx' || Math.max(n, m) >= 1000) && rel <= NUMBER_APPROX_TOLERANCE) return true;
  if (claimed.qual === 'lower' && n >= m && n <= m * NUMBER_LOWER_BOUND_SPAN) return true;
  if (said.qual === 'lower' && m >= n && m <= n * NUMBER_LOWER_BOUND_SPAN) return true;
  return false;
}

/** Every phrasing of a claim with its language, the canonical English text first. */
export function claimPhrasings(claim: Claim): { text: string; lang: string }[] {
  const out = [{ text: claim.text, lang: 'en' }];
  for (const [lang, list] of Object.entries(claim.phrasings)) for (const text of list ?? []) out.push({ text, lang });
  return out;
}

/** Builds the matcher's index from a validated dataset: BM25 over every phrasing, gazetteer, claim facts. */
export function buildClaimIndex(ds: Dataset): ClaimIndex {
  const g = buildGazetteer(ds);
  const docs: string[][] = [];
  const docClaimList: number[] = [];
  const docNegatedList: number[] = [];
  const claims: IndexedClaim[] = [];
  const unresolved: { claim: IndexedClaim; key: string; surface: string }[] = [];
  const cnName = surfaceKey(new Intl.DisplayNames(['en'], { type: 'region' }).of('CN')!).key;

  ds.claims.forEach((claim, ci) => {
    const analysed = claimPhrasings(claim).map((p) => analyseText(p.text, textLangOf(p.lang)));
    for (const a of analysed) {
      docs.push(a.terms);
      docClaimList.push(ci);
      docNegatedList.push(a.negated ? 1 : 0);
    }
    const numbers: ClaimNumber[] = claim.numbers.map((value) => {
      const units = new Set<string>();
      let qual: NumberMention['qual'] | undefined;
      for (const a of analysed) {
        for (const n of a.numbers) {
          if (n.value !== value && !numbersAgree(n, { value, qual: 'exact' })) continue;
          // The canonical text decides the qualifier ("more than 100"); phrasings only fill in.
          qual ??= n.qual;
          for (const u of unitsAfter(a, n.piece)) units.add(u);
        }
      }
      return { value, qual: qual ?? 'exact', units };
    });
    const ic: IndexedClaim = {
      id: claim.id,
      status: claim.status,
      numbers,
      cities: new Set(),
      countries: new Set(),
      namedCountries: new Set(),
      cityCountries: new Set(),
      aliases: new Set(),
      others: new Set(),
    };
    for (const entity of claim.entities) {
      const { key } = surfaceKey(entity);
      if (!key || key === cnName) continue;
      const infos = g.lookup(entity);
      if (!infos) {
        unresolved.push({ claim: ic, key, surface: entity });
        continue;
      }
      for (const info of infos) {
        if (info.kind === 'city') {
          ic.cities.add(info.key);
          if (info.country) {
            ic.countries.add(info.country);
            ic.cityCountries.add(info.country);
          }
        } else if (info.kind === 'country' && info.country) {
          ic.countries.add(info.country);
          ic.namedCountries.add(info.country);
        } else {
          ic.others.add(info.key);
        }
      }
    }
    claims.push(ic);
  });

  // Entities the gazetteer cannot place ("Dublino", "都柏林", "Mounties", "Hoekstra") are placed by
  // the claims that list them: when every such claim is about places in one and the same country,
  // the name marks that country (an alias); otherwise ("Fuzhou", the police of several claims in
  // several countries) it is just a name. Short kana/Hangul strings are too likely to occur inside
  // other words to stand for a country.
  const aliasCountry = new Map<string, string | null>();
  for (const u of unresolved) {
    const country = u.claim.countries.size === 1 ? [...u.claim.countries][0]! : null;
    const prev = aliasCountry.get(u.key);
    aliasCountry.set(u.key, prev === undefined ? country : prev === country ? prev : null);
  }
  for (const u of unresolved) {
    const country = aliasCountry.get(u.key) ?? null;
    const longEnough = /^[\p{Script=Han}]+$/u.test(u.key) ? u.key.length >= 2 : [...u.key].length >= 3 && (u.key.length >= 4 || /[^a-z0-9 ]/.test(u.key));
    if (country && longEnough) {
      const key = `alias:${u.key}`;
      g.add(u.surface, { key, kind: 'alias', country });
      u.claim.aliases.add(key);
    } else {
      const key = `name:${u.key}`;
      g.add(u.surface, { key, kind: 'other' });
      u.claim.others.add(key);
    }
  }

  // People named in detector terms ("陈金平", "Harry Lu") count as names of the claims they refer to.
  const claimById = new Map(claims.map((c) => [c.id, c]));
  for (const term of ds.terms) {
    if (term.kind !== 'person') continue;
    const refs = term.refs.map((r) => claimById.get(r)).filter((c): c is IndexedClaim => c !== undefined);
    if (refs.length === 0) continue;
    const existing = g.lookup(term.text)?.find((e) => e.kind === 'other');
    const key = existing?.key ?? `name:${surfaceKey(term.text).key}`;
    if (!existing) g.add(term.text, { key, kind: 'other' });
    for (const c of refs) c.others.add(key);
  }

  const nameNumbers = new Set<number>();
  for (const term of ds.terms) {
    if (term.kind !== 'topic' && term.kind !== 'report') continue;
    for (const m of term.text.matchAll(/\d+/g)) nameNumbers.add(Number(m[0]));
  }

  const bm25 = buildBm25(docs);
  const claimTerms = claims.map(() => new Set<number>());
  docs.forEach((doc, d) => {
    const set = claimTerms[docClaimList[d]!]!;
    for (const term of doc) set.add(bm25.vocab.get(term)!);
  });
  const claimsWithTerm = new Map<number, number>();
  for (const set of claimTerms) for (const id of set) claimsWithTerm.set(id, (claimsWithTerm.get(id) ?? 0) + 1);
  // Words of phrases the detector calls common outside the story ("police station",
  // "Polizeistation", "警察站") are not evidence that a sentence is about the story.
  const generic = new Set<string>();
  for (const term of ds.terms) {
    if (term.kind === 'generic') for (const t of analyseText(term.text, textLangOf(term.lang)).terms) generic.add(t);
  }
  const storyTerms = new Set<number>();
  const genericStoryTerms = new Set<number>();
  for (const [term, id] of bm25.vocab) {
    // Bigrams with hiragana are grammar ("した", "国の"), not vocabulary.
    if (/\p{Script=Hiragana}/u.test(term) || term.startsWith('#')) continue;
    if ((claimsWithTerm.get(id) ?? 0) < STORY_TERM_CLAIM_SHARE * claims.length) continue;
    (generic.has(term) ? genericStoryTerms : storyTerms).add(id);
  }
  // Phrases the detector lists as mentions of the story (topic phrases, people, stations,
  // reports) are evidence too, as whole phrases: "Chinese police station" is, "Chinese" is not.
  const storyPhrases = new Map<string, string[][]>();
  for (const term of ds.terms) {
    if (term.kind === 'generic') continue;
    const seq = analyseText(term.text, textLangOf(term.lang)).terms;
    if (seq.length === 0) continue;
    const list = storyPhrases.get(seq[0]!) ?? [];
    if (!list.some((other) => other.join('\u0000') === seq.join('\u0000'))) list.push(seq);
    storyPhrases.set(seq[0]!, list);
  }
  return {
    claims,
    bm25,
    storyTerms,
    genericStoryTerms,
    storyPhrases,
    docClaim: Int32Array.from(docClaimList),
    docNegated: Uint8Array.from(docNegatedList),
    claimTerms,
    gazetteer: g.build(),
    nameNumbers,
    maxIdf: bm25.idf.reduce((max, v) => Math.max(max, v), 0),
    termClaims: termClaimLists(bm25.vocab.size, claimTerms),
    scratchScores: new Float64Array(bm25.docCount),
    scratchTouched: new Int32Array(bm25.docCount),
  };
}

/**
 * How clearly a text is about the story: 2 when it uses the story's own words or names one of its
 * detector phrases, 1 when it only has words the story shares with everyday news ("police",
 * "station", "Chinese"), 0 otherwise.
 */
export function storyEvidence(index: ClaimIndex, a: AnalysedText, termIds: readonly number[]): 0 | 1 | 2 {
  if (termIds.some((id) => index.storyTerms.has(id))) return 2;
  const { terms } = a;
  for (let i = 0; i < terms.length; i++) {
    const candidates = index.storyPhrases.get(terms[i]!);
    if (!candidates) continue;
    for (const seq of candidates) {
      if (i + seq.length > terms.length) continue;
      let k = 1;
      while (k < seq.length && terms[i + k] === seq[k]) k++;
      if (k === seq.length) return 2;
    }
  }
  return termIds.some((id) => index.genericStoryTerms.has(id)) ? 1 : 0;
}

function termClaimLists(vocabSize: number, claimTerms: Set<number>[]): Int32Array[] {
  const lists: number[][] = Array.from({ length: vocabSize }, () => []);
  claimTerms.forEach((set, c) => {
    for (const id of set) lists[id]!.push(c);
  });
  return lists.map((l) => Int32Array.from(l));
}

/** An entity found in a sentence, with the words that named it (original spelling). */
export interface EntityMention {
  info: EntityInfo;
  start: number;
  end: number;
}

/** Finds the gazetteer's places and names in analysed text, longest match first. */
export function findEntities(g: Gazetteer, a: AnalysedText): EntityMention[] {
  const out: EntityMention[] = [];
  const words = a.pieces.filter((p) => p.kind === 'word' || p.kind === 'num');
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    if (!g.firstWords.has(words[i]!.text)) {
      i++;
      continue;
    }
    for (let n = Math.min(g.maxWords, words.length - i); n >= 1; n--) {
      let key = words[i]!.text;
      for (let k = 1; k < n; k++) key += ' ' + words[i + k]!.text;
      const infos = g.surfaces.get(key);
      if (infos) {
        for (const info of infos) out.push({ info, start: words[i]!.start, end: words[i + n - 1]!.end });
        matched = n;
        break;
      }
    }
    i += matched || 1;
  }
  for (const p of a.pieces) {
    if (p.kind !== 'cjk') continue;
    const text = p.text;
    for (let i = 0; i < text.length; ) {
      const candidates = g.cjkByFirst.get(text[i]!);
      const hit = candidates?.find((c) => text.startsWith(c, i));
      if (hit) {
        const span = cjkSpan(p, i, i + hit.length);
        for (const info of g.surfaces.get(hit)!) out.push({ info, ...span });
        i += hit.length;
      } else {
        i++;
      }
    }
  }
  return out;
}
