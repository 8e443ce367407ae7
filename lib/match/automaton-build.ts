/**
 * Building and serialising the pattern automaton. Runs at build time or in the background, never in
 * a page: building from thousands of strings is a long task (STYLE.md: 84 ms for 10,000 aliases).
 */
import { charClass, CharClass } from './normalise';
import {
  AUTOMATON_HEADER_BYTES,
  AUTOMATON_MAGIC,
  AUTOMATON_VERSION,
  FLAG_END_BOUNDARY,
  IGNORABLE_CODE,
} from './automaton';

/** One pattern: its normalised text and the suffix set (1-based index into `suffixSets`, 0 = none). */
export interface PatternSpec {
  text: string;
  suffixSet?: number;
}

const SPACE = 0x20;
const HYPHEN = 0x2d;

/**
 * The form of a normalised pattern the automaton actually matches: quotes removed (they are
 * skipped in text), hyphen and space equivalent, single spaces, trimmed. Two patterns with the
 * same key are the same pattern.
 */
export function matchKey(normalised: string): string {
  return normalised.replace(/"/g, '').replace(/-/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * Builds the automaton for normalised patterns and returns its compact serialised form.
 * `suffixSets[k-1]` lists inflection endings allowed after patterns with `suffixSet: k`; an entry
 * "*N" allows up to N more letters. Throws on empty or duplicate patterns (by {@link matchKey}).
 */
export function buildAutomaton(patterns: PatternSpec[], suffixSets: string[][] = []): Uint8Array {
  if (patterns.length > 0x7fffffff) throw new Error('automaton: too many patterns');
  for (const set of suffixSets) {
    for (const sfx of set) if (/[\u0001\u0002]/.test(sfx)) throw new Error('automaton: control characters in a suffix');
  }
  // Alphabet: every code unit in a pattern; space and hyphen share a class.
  const classOf = new Map<number, number>();
  let nClasses = 0;
  const keys: string[] = [];
  const seen = new Map<string, number>();
  patterns.forEach((p, index) => {
    const key = matchKey(p.text);
    if (key.length === 0) throw new Error(`automaton: pattern ${index} is empty after normalisation`);
    const prior = seen.get(key);
    if (prior !== undefined) throw new Error(`automaton: pattern ${index} ("${p.text}") duplicates pattern ${prior}`);
    if ((p.suffixSet ?? 0) > suffixSets.length) throw new Error(`automaton: pattern ${index} names suffix set ${p.suffixSet}, only ${suffixSets.length} exist`);
    seen.set(key, index);
    keys.push(key);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      const canonical = c === HYPHEN ? SPACE : c;
      if (!classOf.has(canonical)) classOf.set(canonical, ++nClasses);
    }
  });
  if (classOf.has(SPACE)) classOf.set(HYPHEN, classOf.get(SPACE)!);
  classOf.delete(IGNORABLE_CODE);

  // Trie over classes; children kept in maps while building.
  const children: Array<Map<number, number>> = [new Map()];
  const terminal: number[] = [-1];
  keys.forEach((key, index) => {
    let s = 0;
    for (let i = 0; i < key.length; i++) {
      const cls = classOf.get(key.charCodeAt(i))!;
      let next = children[s]!.get(cls);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        terminal.push(-1);
        children[s]!.set(cls, next);
      }
      s = next;
    }
    terminal[s] = index;
  });

  // Double array: a transition is base[s] + class, valid when check[that] === s, so every step of
  // a walk is two array reads whatever the state's fan-out. States are placed breadth-first.
  const nStates = children.length;
  const index = new Int32Array(nStates).fill(-1);
  index[0] = 0;
  let size = 1;
  let base = new Int32Array(1024);
  let check = new Int32Array(1024).fill(-1);
  // Free cells form a linked list in increasing order, so placing a state visits free cells only
  // (scanning every cell makes building quadratic: minutes for 3,000 patterns).
  let nextFree = new Int32Array(1024);
  let prevFree = new Int32Array(1024);
  const link = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      nextFree[i] = i + 1;
      prevFree[i] = i - 1;
    }
  };
  link(1, 1024);
  let headFree = 1;
  const ensure = (n: number) => {
    if (n <= check.length) return;
    const old = check.length;
    const len = Math.max(n, old * 2);
    const grow = (a: Int32Array, fill: number) => {
      const b = new Int32Array(len).fill(fill);
      b.set(a);
      return b;
    };
    base = grow(base, 0);
    check = grow(check, -1);
    nextFree = grow(nextFree, 0);
    prevFree = grow(prevFree, 0);
    link(old, len);
    prevFree[old] = old - 1;
  };
  const take = (cell: number) => {
    const p = prevFree[cell]!;
    const nx = nextFree[cell]!;
    if (cell === headFree) headFree = nx;
    else nextFree[p] = nx;
    prevFree[nx] = p;
  };
  check[0] = 0x7fffffff; // the root's cell is taken but is nobody's child
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    const at = index[s]!;
    const classes = [...children[s]!.keys()].sort((x, y) => x - y);
    if (classes.length === 0) continue;
    const first = classes[0]!;
    let b = 0;
    for (let f = headFree; ; f = nextFree[f]!) {
      ensure(f + nClasses + 2);
      b = f - first;
      if (b >= 1 && classes.every((c) => check[b + c] === -1)) break;
    }
    base[at] = b;
    for (const c of classes) {
      const t = children[s]!.get(c)!;
      check[b + c] = at;
      take(b + c);
      index[t] = b + c;
      size = Math.max(size, b + c + 1);
      queue.push(t);
    }
  }
  // Room for base + any class without bounds checks in the scanner.
  size += nClasses + 1;
  ensure(size);
  const term = new Int32Array(size).fill(-1);
  for (let s = 0; s < nStates; s++) if (terminal[s]! >= 0) term[index[s]!] = terminal[s]!;
  const baseOut = base.slice(0, size);
  const checkOut = check.slice(0, size);

  const patFlags = new Uint16Array(keys.length);
  let maxLen = 0;
  keys.forEach((key, index) => {
    maxLen = Math.max(maxLen, key.length);
    const last = key.charCodeAt(key.length - 1);
    const endBoundary = charClass(last) === CharClass.Word ? FLAG_END_BOUNDARY : 0;
    patFlags[index] = endBoundary | ((patterns[index]!.suffixSet ?? 0) << 1);
  });

  const codeList = new Uint16Array([...classOf.keys()]);
  const codeClass = new Uint16Array([...classOf.values()]);
  const suffixText = suffixSets.map((set) => set.join('\u0002')).join('\u0001');
  const suffixRaw = new Uint16Array(suffixText.length);
  for (let i = 0; i < suffixText.length; i++) suffixRaw[i] = suffixText.charCodeAt(i);

  const pad16 = (n: number) => (n * 2 + 3) & ~3;
  const bytes =
    AUTOMATON_HEADER_BYTES + 4 * 3 * size +
    pad16(codeList.length) * 2 + pad16(patFlags.length) + pad16(suffixRaw.length);
  const out = new Uint8Array(bytes);
  const head = new Uint32Array(out.buffer, 0, 8);
  head.set([AUTOMATON_MAGIC, AUTOMATON_VERSION, size, nClasses, codeList.length, keys.length, suffixRaw.length, maxLen]);
  let off = AUTOMATON_HEADER_BYTES;
  const put32 = (a: Uint32Array | Int32Array) => {
    new Uint8Array(out.buffer, off, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    off += a.byteLength;
  };
  const put16 = (a: Uint16Array) => {
    new Uint8Array(out.buffer, off, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    off += pad16(a.length);
  };
  put32(baseOut);
  put32(checkOut);
  put32(term);
  put16(codeList);
  put16(codeClass);
  put16(patFlags);
  put16(suffixRaw);
  return out;
}
