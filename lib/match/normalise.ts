/**
 * Text normalisation shared by everything that matches text (detector, claim spotter, claim matcher).
 *
 * One code unit in, zero or more code units out, with a map back to original offsets, so a span
 * found in normalised text is highlighted exactly in the page. Pure: no DOM, no extension APIs.
 *
 * Per code point: NFKC compatibility forms (full/half width, ligatures, circled digits), case
 * folding (including ß→ss and final sigma), diacritics removed outside CJK/kana, Traditional→
 * Simplified Chinese for the characters we know, whitespace runs collapsed to one space, zero-width
 * and soft hyphens dropped, hyphen/dash and quote/apostrophe variants unified.
 */

/** Normalised text with `map[i]` = original offset of normalised char i and `map[text.length]` = original length. */
export interface Normalised {
  text: string;
  map: Uint32Array;
}

/** Normalised UTF-16 code units (first `length` entries) and their original offsets (`map[length]` = original length). */
export interface NormalisedCodes {
  codes: Uint16Array;
  map: Uint32Array;
  length: number;
}

/** Options for {@link normaliseCodes}. */
export interface NormaliseOptions {
  /** Whitespace runs that contain a line break become "\n" instead of " " (block boundaries for the detector). */
  keepLineBreaks?: boolean;
}

const DROP = -2;
const MULTI = -3;
/** {@link foldUnit} result: the code unit vanishes (soft hyphen, zero-width, control). */
export const FOLD_DROP = DROP;
/** {@link foldUnit} result: the code unit becomes several ({@link foldExpansion}). */
export const FOLD_MULTI = MULTI;
const UNKNOWN = -1;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * Traditional→Simplified pairs for common news characters (from ICU's Traditional-Simplified
 * transliterator). Kept small for the content-script budget; the compiled detector adds the pairs
 * for every character in the dataset's terms and phrasings through {@link addHanFold}.
 */
const HAN_PAIRS_BUILTIN =
  '來来係系個个們们倫伦備备傳传僑侨價价內内兩两動动務务勞劳勢势勸劝區区協协參参員员問问單单嚴严國国圍围圖图團团執执報报壓压實实審审寫写將将專专尋寻對对導导屆届屬属師师帶带幫帮幹干廣广張张後后從从惡恶愛爱態态憂忧應应懷怀戰战戶户採采換换損损擊击據据擾扰數数斷断於于時时書书會会東东條条業业槍枪樂乐機机檢检權权歐欧歲岁歷历歸归殺杀氣气決决溫温漢汉濟济灣湾為为無无營营爭争爾尔獨独獲获現现環环產产當当發发監监確确祕秘種种稱称紀纪約约紐纽級级組组結结絡络給给統统綁绑經经維维網网線线縱纵總总織织繫系繼继續续聞闻聯联聲声職职聽听肅肃脅胁脫脱臨临臺台與与興兴舉举舊旧華华萬万蘇苏蘭兰處处號号衛卫裡里見见規规視视親亲覺觉覽览觀观計计訊讯記记訪访設设許许訴诉詐诈話话認认語语誠诚說说誰谁調调談谈請请論论講讲證证識识議议譴谴護护讀读變变讓让責责貴贵買买費费賀贺賄贿資资賣卖質质蹤踪軍军轄辖轉转辦办辯辩這这進进運运過过達达遞递選选還还邊边鄉乡鄭郑銷销錄录錢钱鎮镇鐵铁長长門门開开間间關关陣阵陳陈陸陆隊队際际隨随險险雙双離离難难電电韓韩頁页頒颁領领頭头題题類类顯显風风飛飞館馆馬马駕驾駛驶騷骚驅驱驗验體体麗丽麼么點点黨党齡龄';

// Combining marks removed as diacritics: Latin/Greek/Cyrillic combining blocks, Hebrew points, Arabic harakat.
// Kana voicing marks (U+3099/U+309A) and Indic/Thai vowel signs are NOT diacritics and are kept.
const DIACRITIC_RE = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g;
const WHITESPACE_RE = /^[\s\u0085\u180e\u200b-\u200d\u2060\ufeff]$/;
const ZERO_WIDTH = new Set([0x00ad, 0x180e, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x2e3a, 0x2e3b, 0xfe58, 0xfe63, 0xff0d, 0x05be, 0x1806]);
const APOSTROPHES = new Set([0x2018, 0x2019, 0x201a, 0x201b, 0x2032, 0x2035, 0x0060, 0x00b4, 0x02bc, 0x02b9, 0xff07]);
const DOUBLE_QUOTES = new Set([0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x2036, 0x00ab, 0x00bb, 0x2039, 0x203a, 0x300c, 0x300d, 0x300e, 0x300f, 0x301d, 0x301e, 0x301f, 0xff02]);

// ASCII fast path: lower case, whitespace → SPACE, controls dropped, backtick → apostrophe.
const ASCII = new Int32Array(128);
for (let c = 0; c < 128; c++) {
  ASCII[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
}
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) ASCII[c] = SPACE;
for (let c = 0; c < 0x20; c++) if (ASCII[c] !== SPACE) ASCII[c] = DROP;
ASCII[0x7f] = DROP;
ASCII[0x60] = 0x27;

// Lazily filled fold of every BMP code unit: a code unit, DROP, MULTI (see multiFold) or UNKNOWN.
let bmpFold: Int32Array | null = null;
const multiFold = new Map<number, string>();
const hanFold = new Map<number, number>();


/** Registers Traditional→Simplified pairs given as a string of alternating characters ("國国務务…"). */
export function addHanFold(pairs: string): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const from = pairs.charCodeAt(i);
    const to = pairs.charCodeAt(i + 1);
    hanFold.set(from, to);
    if (bmpFold) bmpFold[from] = UNKNOWN;
  }
}
addHanFold(HAN_PAIRS_BUILTIN);

/** The normalised form of one code point (possibly empty or several characters). */
export function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    const f = ASCII[cp]!;
    return f === DROP ? '' : String.fromCharCode(f);
  }
  if (ZERO_WIDTH.has(cp)) return '';
  if (DASHES.has(cp)) return '-';
  if (APOSTROPHES.has(cp)) return "'";
  if (DOUBLE_QUOTES.has(cp)) return '"';
  const ch = String.fromCodePoint(cp);
  if (WHITESPACE_RE.test(ch)) return ' ';
  // Hangul syllables would decompose to jamo under NFKD; they carry no diacritics, so only case/width apply.
  if (cp >= 0xac00 && cp <= 0xd7a3) return ch;
  let s = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(DIACRITIC_RE, '').normalize('NFC');
  // Full case folding beyond toLowerCase: ß→ss, final sigma.
  s = s.replace(/ß/g, 'ss').replace(/ς/g, 'σ');
  let out = '';
  for (const part of s) {
    const c = part.codePointAt(0)!;
    if (c < 0x80) {
      const f = ASCII[c]!;
      if (f !== DROP) out += String.fromCharCode(f);
    } else if (hanFold.has(c)) out += String.fromCharCode(hanFold.get(c)!);
    else if (DASHES.has(c)) out += '-';
    else if (APOSTROPHES.has(c)) out += "'";
    else if (DOUBLE_QUOTES.has(c)) out += '"';
    else if (!ZERO_WIDTH.has(c)) out += part;
  }
  if (out.length > 1 && /^\s+$/.test(out)) return ' ';
  return out;
}

function foldBmp(c: number): number {
  const table = (bmpFold ??= new Int32Array(65536).fill(UNKNOWN));
  let f = table[c]!;
  if (f !== UNKNOWN) return f;
  const s = foldCodePoint(c);
  if (s.length === 0) f = DROP;
  else if (s.length === 1) f = s.charCodeAt(0);
  else {
    multiFold.set(c, s);
    f = MULTI;
  }
  table[c] = f;
  return f;
}

/** Folded form of one UTF-16 code unit: a code unit, FOLD_DROP or FOLD_MULTI (surrogates fold to themselves). */
export function foldUnit(c: number): number {
  return c < 0x80 ? ASCII[c]! : foldBmp(c);
}

/** The expansion of a code unit for which {@link foldUnit} returned FOLD_MULTI ("ﬁ" → "fi"). */
export function foldExpansion(c: number): string {
  return multiFold.get(c) ?? foldCodePoint(c);
}

const astralFold = new Map<number, string>();

/** Folded form of an astral code point (mathematical letters, emoji…), cached. */
export function foldAstral(cp: number): string {
  let s = astralFold.get(cp);
  if (s === undefined) astralFold.set(cp, (s = foldCodePoint(cp)));
  return s;
}

let codeBuf: Uint16Array = new Uint16Array(1024);
let mapBuf: Uint32Array = new Uint32Array(1025);

/**
 * Normalises into reusable buffers (valid until the next call): the hot path for the detector,
 * which scans code units and never needs the normalised string.
 */
export function normaliseCodes(text: string, options: NormaliseOptions = {}): NormalisedCodes {
  const n = text.length;
  // NFKC expansions are rare; grow on demand below.
  if (codeBuf.length < n + 16) {
    codeBuf = new Uint16Array(n + 1024);
    mapBuf = new Uint32Array(n + 1025);
  }
  let codes = codeBuf;
  let map = mapBuf;
  const keepLines = options.keepLineBreaks === true;
  let j = 0;
  // 0: last output was not whitespace; 1: a space; 2: a line break. Leading whitespace is dropped.
  let ws = 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let f: number;
    if (c < 0x80) {
      f = ASCII[c]!;
      // Hot path: a visible ASCII character.
      if (f > SPACE) {
        codes[j] = f;
        map[j++] = i;
        ws = 0;
        continue;
      }
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      const s = foldAstral(cp);
      if (j + s.length + n - i + 2 >= codes.length) [codes, map] = grow(codes, map, j + s.length + n - i);
      if (s === ' ') {
        if (ws === 0) { codes[j] = SPACE; map[j++] = i; ws = 1; }
      } else if (s.length) {
        for (let k = 0; k < s.length; k++) { codes[j] = s.charCodeAt(k); map[j++] = i; }
        ws = 0;
      }
      i++;
      continue;
    } else f = foldBmp(c);
    if (f === SPACE) {
      if (keepLines && (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029)) {
        if (ws === 0) { codes[j] = NEWLINE; map[j++] = i; ws = 2; }
        else if (ws === 1 && j > 0) { codes[j - 1] = NEWLINE; ws = 2; }
      } else if (ws === 0) {
        codes[j] = SPACE; map[j++] = i; ws = 1;
      }
      continue;
    }
    if (f >= 0) {
      if ((f === 0x3099 || f === 0x309a) && j > 0 && ws === 0) {
        const composed = (String.fromCharCode(codes[j - 1]!) + String.fromCharCode(f)).normalize('NFC');
        if (composed.length === 1) { codes[j - 1] = composed.charCodeAt(0); continue; }
      }
      // Output never outruns input except after expansions, which grow the buffers themselves.
      codes[j] = f; map[j++] = i; ws = 0;
    } else if (f === MULTI) {
      const s = multiFold.get(c)!;
      if (j + s.length + n - i + 2 >= codes.length) [codes, map] = grow(codes, map, j + s.length + n - i + 16);
      for (let k = 0; k < s.length; k++) { codes[j] = s.charCodeAt(k); map[j++] = i; }
      ws = 0;
    }
    // DROP: nothing emitted; the original char falls inside the neighbouring span.
  }
  // A trailing space carries no information; trimming keeps "text" stable for callers.
  if (j > 0 && ws !== 0) j--;
  map[j] = n;
  codeBuf = codes;
  mapBuf = map;
  return { codes, map, length: j };
}

function grow(codes: Uint16Array, map: Uint32Array, need: number): [Uint16Array, Uint32Array] {
  const size = Math.max(need + 16, codes.length * 2);
  const c2 = new Uint16Array(size);
  c2.set(codes);
  const m2 = new Uint32Array(size + 1);
  m2.set(map);
  return [c2, m2];
}

/** Decodes a run of UTF-16 code units into a string without blowing the argument limit. */
export function codesToString(codes: Uint16Array, start: number, end: number): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = start; i < end; i += CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
  }
  return out;
}

/** Normalises text for matching and returns it with a map back to original offsets. */
export function normaliseWithMap(text: string): Normalised {
  const r = normaliseCodes(text);
  return { text: codesToString(r.codes, 0, r.length), map: r.map.slice(0, r.length + 1) };
}

/** Normalises text for matching (same rules as {@link normaliseWithMap}, no map). */
export function normaliseForMatch(text: string): string {
  const r = normaliseCodes(text);
  return codesToString(r.codes, 0, r.length);
}

// Word characters of scripts that separate words with spaces (Latin, Greek, Cyrillic, Hebrew,
// Arabic, Hangul, …); scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) are
// "dense": a match may start or end anywhere inside them.
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;
const DENSE_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc]/u;
/** Character class: 0 = not part of a word, 1 = word char of a spaced script, 2 = char of a dense script. */
export const enum CharClass { Other = 0, Word = 1, Dense = 2 }
let classTable: Uint8Array | null = null;

/** Classifies a normalised code unit for word-boundary checks (surrogates count as word chars). */
export function charClass(c: number): CharClass {
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ? CharClass.Word : CharClass.Other;
  }
  const table = (classTable ??= new Uint8Array(65536).fill(255));
  let k = table[c]!;
  if (k === 255) {
    const ch = String.fromCharCode(c);
    k = c >= 0xd800 && c <= 0xdfff ? CharClass.Word : DENSE_RE.test(ch) ? CharClass.Dense : WORD_RE.test(ch) ? CharClass.Word : CharClass.Other;
    table[c] = k;
  }
  return k as CharClass;
}
