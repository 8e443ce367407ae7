/**
 * Traditional→Simplified folding beyond the small built-in table of `normalise.ts` (build side and
 * extension pages only: the full table is ~12 KB gzip, too much for the content script).
 */
import { HAN_T2S_PAIRS } from './han-table-data';
import { addHanFold } from './normalise';

let bySimplified: Map<string, string[]> | null = null;
let byTraditional: Map<string, string> | null = null;

function tables(): [Map<string, string>, Map<string, string[]>] {
  if (!byTraditional || !bySimplified) {
    byTraditional = new Map();
    bySimplified = new Map();
    for (let i = 0; i + 1 < HAN_T2S_PAIRS.length; i += 2) {
      const t = HAN_T2S_PAIRS[i]!;
      const s = HAN_T2S_PAIRS[i + 1]!;
      byTraditional.set(t, s);
      bySimplified.set(s, [...(bySimplified.get(s) ?? []), t]);
    }
  }
  return [byTraditional, bySimplified];
}

/**
 * The Traditional→Simplified pairs needed to match these strings in either script: for every Han
 * character in them, its own pair and the pairs of every Traditional form of it. Returned in the
 * "TsTs…" form `addHanFold` takes.
 */
export function hanPairsFor(strings: Iterable<string>): string {
  const [t2s, s2t] = tables();
  const pairs = new Map<string, string>();
  for (const str of strings) {
    for (const ch of str) {
      const s = t2s.get(ch);
      if (s !== undefined) pairs.set(ch, s);
      const simplified = s ?? ch;
      for (const t of s2t.get(simplified) ?? []) pairs.set(t, simplified);
    }
  }
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, s]) => t + s).join('');
}

/** Registers every known Traditional→Simplified pair with the normaliser (background, extension pages, Node). */
export function registerFullHanTable(): void {
  addHanFold(HAN_T2S_PAIRS);
}
