/**
 * Loading and scanning the precompiled pattern automaton (the content-script side; building is in
 * `automaton-build.ts` so the builder never ships to pages).
 *
 * The automaton is a trie over a compressed alphabet, walked from every word start of scripts that
 * separate words with spaces and from every character of scripts that do not (Han, kana, Thai…).
 * Because every pattern of a spaced script must start at a word boundary, anchoring walks at word
 * starts gives the same result as Aho–Corasick plus a boundary check, without failure links, and the
 * walk inside a word is skipped with one table lookup per character.
 */
import { charClass, CharClass, foldAstral, foldExpansion, foldUnit, FOLD_DROP, FOLD_MULTI } from './normalise';

export const AUTOMATON_MAGIC = 0x41575331; // "SWA1"
export const AUTOMATON_VERSION = 1;
/** Byte length of the header: 8 little-endian uint32. */
export const AUTOMATON_HEADER_BYTES = 32;
/** Code units that may sit inside a match without being part of the pattern ('"' around quoted words). */
export const IGNORABLE_CODE = 0x22;
/** Suffix-set entry meaning "up to N more letters" (agglutinative languages), written "*N". */
export const ANY_SUFFIX_PREFIX = '*';
/** Pattern flag: the pattern ends in a word character, so the next character must not be one. */
export const FLAG_END_BOUNDARY = 1;

/** A loaded automaton: typed-array views over the serialised bytes plus the alphabet table. */
export interface Automaton {
  /** Alphabet class of each UTF-16 code unit (0 = in no pattern). */
  alpha: Uint16Array;
  /** 1 for code units that begin some pattern: one lookup rules out most positions. */
  starts: Uint8Array;
  /** Double array: from state s, class c leads to t = base[s] + c when check[t] === s (root = 0). */
  base: Int32Array;
  check: Int32Array;
  /** Pattern index ending at each state, or -1. */
  terminal: Int32Array;
  /** Per pattern: bit 0 = FLAG_END_BOUNDARY, bits 1+ = suffix set index (0 = none). */
  patFlags: Uint16Array;
  /** Suffix sets as code-unit arrays; `anyMax[k]` > 0 when set k allows any letters up to that many. */
  suffixSets: Uint16Array[][];
  anyMax: number[];
  patternCount: number;
  /** Longest pattern in code units (for callers that window the text). */
  maxPatternLength: number;
}

/** Raw hits of a scan in original-text coordinates: `hits[3k..3k+2]` = start, end, pattern index. */
export interface ScanResult {
  hits: Int32Array;
  count: number;
}

// ASCII tables: word characters (raw, either case) and the fold (lower case, whitespace → space).
const ASCII_WORD = new Uint8Array(128);
const ASCII_FOLD = new Int32Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ? 1 : 0;
  ASCII_FOLD[c] = foldUnit(c);
}
const RAW_ASCII_WORD = ASCII_WORD;

/** Loads serialised automaton bytes (from `serialiseAutomaton`); views share the buffer where aligned. */
export function loadAutomaton(bytes: Uint8Array): Automaton {
  const buf = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (buf.byteLength < AUTOMATON_HEADER_BYTES) throw new Error('automaton: truncated header');
  const head = new Uint32Array(buf.buffer, buf.byteOffset, 8);
  if (head[0] !== AUTOMATON_MAGIC) throw new Error('automaton: bad magic (not a Stationwatch automaton)');
  if (head[1] !== AUTOMATON_VERSION) throw new Error(`automaton: version ${head[1]} not supported (expected ${AUTOMATON_VERSION})`);
  const [, , size, nClasses, nCodes, nPatterns, suffixChars, maxLen] = head as unknown as number[];
  let off = buf.byteOffset + AUTOMATON_HEADER_BYTES;
  const end = buf.byteOffset + buf.byteLength;
  const take32 = (n: number) => {
    if (off + n * 4 > end) throw new Error('automaton: truncated body');
    const a = new Int32Array(buf.buffer, off, n);
    off += n * 4;
    return a;
  };
  const take16 = (n: number) => {
    if (off + n * 2 > end) throw new Error('automaton: truncated body');
    const a = new Uint16Array(buf.buffer, off, n);
    off += (n * 2 + 3) & ~3;
    return a;
  };
  const base = take32(size!);
  const check = take32(size!);
  const terminal = take32(size!);
  const codeList = take16(nCodes!);
  const codeClass = take16(nCodes!);
  const patFlags = take16(nPatterns!);
  const suffixRaw = take16(suffixChars!);
  for (let i = 0; i < codeClass.length; i++) {
    if (codeClass[i]! > nClasses!) throw new Error('automaton: damaged alphabet');
  }
  const alpha = new Uint16Array(65536);
  const starts = new Uint8Array(65536);
  for (let i = 0; i < codeList.length; i++) {
    const cls = codeClass[i]!;
    alpha[codeList[i]!] = cls;
    if (check[base[0]! + cls] === 0) starts[codeList[i]!] = 1;
  }
  const suffixSets: Uint16Array[][] = [[]];
  const anyMax: number[] = [0];
  if (suffixRaw.length) {
    const text = String.fromCharCode.apply(null, suffixRaw as unknown as number[]);
    for (const set of text.split('\u0001')) {
      let any = 0;
      const list: Uint16Array[] = [];
      for (const sfx of set.split('\u0002')) {
        if (sfx.startsWith(ANY_SUFFIX_PREFIX)) any = Number(sfx.slice(1)) || 0;
        else if (sfx) list.push(Uint16Array.from(sfx, (ch) => ch.charCodeAt(0)));
      }
      // Longest first, so "es" wins over "s" when both fit.
      list.sort((a, b) => b.length - a.length);
      suffixSets.push(list);
      anyMax.push(any);
    }
  }
  return { alpha, starts, base, check, terminal, patFlags, suffixSets, anyMax, patternCount: nPatterns!, maxPatternLength: maxLen! };
}

// A cursor over the ORIGINAL text that yields folded code units (see normalise.ts): dropped units
// are skipped, a whitespace run is one SPACE, a line break ends the stream (no pattern crosses
// blocks), expansions ("ﬁ" → "f", "i") come out one unit at a time.
interface Cursor {
  p: number;
  pend: string;
  pk: number;
}
const END = -1;
const SPACE = 0x20;

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

function nextUnit(text: string, n: number, cur: Cursor): number {
  if (cur.pk < cur.pend.length) return cur.pend.charCodeAt(cur.pk++);
  while (cur.p < n) {
    const c = text.charCodeAt(cur.p++);
    let f = c < 0x80 ? ASCII_FOLD[c]! : foldUnit(c);
    if (f === FOLD_DROP) continue;
    if (f === SPACE) {
      if (isBreak(c)) return END;
      // Swallow the rest of the run; a line break inside it still ends the stream.
      while (cur.p < n) {
        const d = text.charCodeAt(cur.p);
        const g = d < 0x80 ? ASCII_FOLD[d]! : foldUnit(d);
        if (g !== SPACE && g !== FOLD_DROP) break;
        if (isBreak(d)) return END;
        cur.p++;
      }
      return SPACE;
    }
    if (c >= 0xd800 && c <= 0xdbff && cur.p < n && (text.charCodeAt(cur.p) & 0xfc00) === 0xdc00) {
      const s = foldAstral(((c - 0xd800) << 10) + (text.charCodeAt(cur.p++) - 0xdc00) + 0x10000);
      if (!s.length) continue;
      cur.pend = s;
      cur.pk = 1;
      return s.charCodeAt(0);
    }
    if (f === FOLD_MULTI) {
      const s = foldExpansion(c);
      cur.pend = s;
      cur.pk = 1;
      f = s.charCodeAt(0);
    }
    return f;
  }
  return END;
}

function isWordUnit(u: number): boolean {
  return u >= 0 && (u < 128 ? ASCII_WORD[u] === 1 : charClass(u) === CharClass.Word);
}

const peek: Cursor = { p: 0, pend: '', pk: 0 };

/** Where a match ending at cursor `cur` really ends after boundary and suffix rules (original offset), or -1. */
function matchEnd(a: Automaton, pattern: number, text: string, n: number, cur: Cursor): number {
  if (cur.pk < cur.pend.length) return -1; // never end inside an expansion
  const flags = a.patFlags[pattern]!;
  if ((flags & FLAG_END_BOUNDARY) === 0) return cur.p;
  peek.p = cur.p;
  peek.pend = cur.pend;
  peek.pk = cur.pk;
  if (!isWordUnit(nextUnit(text, n, peek))) return cur.p;
  const set = flags >>> 1;
  if (set === 0) return -1;
  for (const sfx of a.suffixSets[set]!) {
    peek.p = cur.p;
    peek.pend = cur.pend;
    peek.pk = cur.pk;
    let k = 0;
    while (k < sfx.length && nextUnit(text, n, peek) === sfx[k]) k++;
    if (k < sfx.length || peek.pk < peek.pend.length) continue;
    const endAt = peek.p;
    if (!isWordUnit(nextUnit(text, n, peek))) return endAt;
  }
  const any = a.anyMax[set]!;
  if (any > 0) {
    peek.p = cur.p;
    peek.pend = cur.pend;
    peek.pk = cur.pk;
    for (let k = 0; k <= any; k++) {
      const endAt = peek.p;
      if (!isWordUnit(nextUnit(text, n, peek))) return peek.pk < peek.pend.length ? -1 : endAt;
    }
  }
  return -1;
}

/**
 * Finds every pattern occurrence in `text` (the ORIGINAL page text: folding happens on the fly, so
 * offsets are original offsets and no normalised copy is made). At each start, the longest pattern
 * that ends on a boundary is reported; hits with different starts may overlap.
 */
export function scan(a: Automaton, text: string, out?: ScanResult): ScanResult {
  const res = out ?? { hits: new Int32Array(96), count: 0 };
  res.count = 0;
  const n = text.length;
  const { alpha, starts, base, check, terminal } = a;
  const rootBase = base[0]!;
  const cur: Cursor = { p: 0, pend: '', pk: 0 };
  let prevWord = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let f: number;
    let pend = '';
    let next = i + 1;
    if (c < 0x80) {
      // Hot path: inside an ASCII word no pattern can start.
      if (RAW_ASCII_WORD[c] === 1) {
        if (prevWord) continue;
        prevWord = true;
      } else {
        prevWord = false;
      }
      f = ASCII_FOLD[c]!;
      if (f < 0) continue; // control characters vanish
    } else {
      f = foldUnit(c);
      if (f === FOLD_DROP) continue; // invisible: does not split a word
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        pend = foldAstral(((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000);
        next = i + 2;
        if (!pend.length) continue;
        f = pend.charCodeAt(0);
      } else if (f === FOLD_MULTI) {
        pend = foldExpansion(c);
        f = pend.charCodeAt(0);
      }
      if (isWordUnit(f)) {
        if (prevWord) {
          i = next - 1;
          continue;
        }
        prevWord = true;
      } else prevWord = false;
    }
    if (starts[f] !== 1) {
      i = next - 1;
      continue;
    }
    let s = rootBase + alpha[f]!;
    cur.p = next;
    cur.pend = pend;
    cur.pk = pend ? 1 : 0;
    let best = -1;
    let bestEnd = -1;
    for (;;) {
      const p = terminal[s]!;
      if (p >= 0) {
        const e = matchEnd(a, p, text, n, cur);
        if (e >= 0) {
          best = p;
          bestEnd = e;
        }
      }
      let u: number;
      // Fast path: a visible ASCII character with no expansion pending.
      const cp = cur.p;
      const d = cp < n && cur.pk >= cur.pend.length ? text.charCodeAt(cp) : 0x80;
      if (d < 0x80 && ASCII_FOLD[d]! > SPACE && d !== IGNORABLE_CODE) {
        u = ASCII_FOLD[d]!;
        cur.p = cp + 1;
      } else {
        u = nextUnit(text, n, cur);
        // Quotes inside a phrase ('overseas police "service stations"') do not break it.
        if (u === IGNORABLE_CODE) u = nextUnit(text, n, cur);
      }
      if (u < 0) break;
      const t = base[s]! + alpha[u]!;
      if (alpha[u] === 0 || check[t] !== s) break;
      s = t;
    }
    if (best >= 0) {
      if (res.count * 3 + 3 > res.hits.length) {
        const grown = new Int32Array(res.hits.length * 2);
        grown.set(res.hits);
        res.hits = grown;
      }
      res.hits[res.count * 3] = i;
      res.hits[res.count * 3 + 1] = bestEnd;
      res.hits[res.count * 3 + 2] = best;
      res.count++;
    }
    i = next - 1;
  }
  return res;
}

/** Convenience for tests and tools: every hit as an object, offsets in `text`. */
export function scanText(a: Automaton, text: string): Array<{ start: number; end: number; pattern: number }> {
  const r = scan(a, text);
  const out: Array<{ start: number; end: number; pattern: number }> = [];
  for (let k = 0; k < r.count; k++) out.push({ start: r.hits[3 * k]!, end: r.hits[3 * k + 1]!, pattern: r.hits[3 * k + 2]! });
  return out;
}
