import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildAutomaton, matchKey } from '../../lib/match/automaton-build';
import { loadAutomaton, scanText, type Automaton } from '../../lib/match/automaton';
import { normaliseForMatch } from '../../lib/match/normalise';

const EN = ['s', 'es', "'s"];
const DE = ['e', 'en', 'n', 's'];
const AGGLUTINATIVE = ['*6'];

function automaton(patterns: Array<[string, number?]>): { a: Automaton; texts: string[] } {
  const texts = patterns.map(([p]) => normaliseForMatch(p));
  const bytes = buildAutomaton(texts.map((text, i) => ({ text, suffixSet: patterns[i]![1] ?? 0 })), [EN, DE, AGGLUTINATIVE]);
  return { a: loadAutomaton(bytes), texts };
}

/** What the scan finds, as [original substring, pattern] pairs. */
function found(a: Automaton, texts: string[], text: string): Array<[string, string]> {
  return scanText(a, text).map((h) => [text.slice(h.start, h.end), texts[h.pattern]!]);
}

describe('automaton: matching', () => {
  const { a, texts } = automaton([
    ['overseas police station', 1],
    ['police station', 1],
    ['Safeguard Defenders', 1],
    ['110 Overseas', 1],
    ['Übersee-Polizeistation', 2],
    ['海外警察站'],
    ['警察站'],
    ['비밀경찰서', 3],
    ['สถานีตำรวจจีน'],
    ['China', 1],
  ]);

  it('finds patterns in original text regardless of case, width, diacritics and spacing, with original offsets', () => {
    const text = 'The OVERSEAS  Police\u00a0Stations of ＳＡＦＥＧＵＡＲＤ Defenders’ "110 Overseas"';
    expect(found(a, texts, text)).toEqual([
      ['OVERSEAS  Police\u00a0Stations', 'overseas police station'],
      ['Police\u00a0Stations', 'police station'],
      ['ＳＡＦＥＧＵＡＲＤ Defenders', 'safeguard defenders'],
      ['110 Overseas', '110 overseas'],
    ]);
  });

  it('respects word boundaries in spaced scripts', () => {
    expect(found(a, texts, 'policestation, machinations, Chinatown, chinaware')).toEqual([]);
    expect(found(a, texts, 'the police stationery')).toEqual([]);
    expect(found(a, texts, "China's police station.")).toEqual([
      ['China', 'china'],
      ['police station', 'police station'],
    ]);
  });

  it('allows the inflection endings of the pattern language and nothing else', () => {
    expect(found(a, texts, 'zwei Übersee-Polizeistationen')).toEqual([['Übersee-Polizeistationen', 'ubersee-polizeistation']]);
    expect(found(a, texts, 'Übersee Polizeistation')).toEqual([['Übersee Polizeistation', 'ubersee-polizeistation']]);
    expect(found(a, texts, 'Übersee-Polizeistationsgebäude')).toEqual([]);
    expect(found(a, texts, '중국 비밀경찰서를 폐쇄')).toEqual([['비밀경찰서를', '비밀경찰서']]);
    expect(found(a, texts, '경찰서')).toEqual([]);
  });

  it('matches inside CJK and Thai runs, where there are no word boundaries', () => {
    expect(found(a, texts, '中國海外警察站點')).toEqual([
      ['海外警察站', '海外警察站'],
      ['警察站', '警察站'],
    ]);
    expect(found(a, texts, 'ข่าวสถานีตำรวจจีนในกรุงเทพ')).toEqual([['สถานีตำรวจจีน', normaliseForMatch('สถานีตำรวจจีน')]]);
  });

  it('skips quotes inside a phrase but never crosses a line break', () => {
    expect(found(a, texts, 'overseas "police station" here')).toEqual([
      ['overseas "police station', 'overseas police station'],
      ['police station', 'police station'],
    ]);
    expect(found(a, texts, 'police\nstation')).toEqual([]);
  });

  it('reports the longest pattern at each start', () => {
    const { a: b, texts: t } = automaton([['police'], ['police station', 1], ['police station in']]);
    expect(found(b, t, 'a police station in Dublin; a police car')).toEqual([
      ['police station in', 'police station in'],
      ['police', 'police'],
    ]);
  });

  it('lets agglutinative languages add endings', () => {
    const { a: b, texts: t } = automaton([['rendőrőrs', 3]]);
    expect(found(b, t, 'egy rendőrőrsöt és rendőrőrsökről')).toEqual([
      ['rendőrőrsöt', 'rendorors'],
      ['rendőrőrsökről', 'rendorors'],
    ]);
    expect(found(b, t, 'rendőrőrsbenmegtalálható')).toEqual([]);
  });
});

describe('automaton: bytes', () => {
  it('round-trips and rejects foreign or damaged bytes with clear errors', () => {
    const bytes = buildAutomaton([{ text: 'police station' }]);
    expect(scanText(loadAutomaton(bytes), 'a police station').length).toBe(1);
    expect(() => loadAutomaton(new Uint8Array(8))).toThrow(/truncated header/);
    const wrong = bytes.slice();
    wrong[0] = 0;
    expect(() => loadAutomaton(wrong)).toThrow(/bad magic/);
    expect(() => loadAutomaton(bytes.slice(0, bytes.length - 40))).toThrow(/truncated body/);
    // Unaligned input (a view at an odd offset) still loads.
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);
    expect(scanText(loadAutomaton(padded.subarray(1)), 'police station!').length).toBe(1);
  });

  it('refuses empty and duplicate patterns', () => {
    expect(() => buildAutomaton([{ text: '  ' }])).toThrow(/empty/);
    expect(() => buildAutomaton([{ text: 'police station' }, { text: 'police-station' }])).toThrow(/duplicates pattern 0/);
    expect(() => buildAutomaton([{ text: 'x', suffixSet: 2 }], [['s']])).toThrow(/suffix set 2/);
  });

  it('treats hyphen and space alike and ignores quotes in patterns', () => {
    expect(matchKey('"übersee-polizeistation"')).toBe('übersee polizeistation');
    const a = loadAutomaton(buildAutomaton([{ text: normaliseForMatch('"Übersee-Polizeistation"') }]));
    expect(scanText(a, 'die übersee-polizeistation').map((h) => h.start)).toEqual([4]);
  });
});

describe('automaton: agrees with a plain reference matcher', () => {
  // Reference: at every position where a word may start, the longest pattern that occurs there
  // and ends on a word boundary.
  function reference(patterns: string[], text: string): Array<[number, number, number]> {
    const isWord = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);
    const out: Array<[number, number, number]> = [];
    for (let i = 0; i < text.length; i++) {
      if (isWord(text[i]) && isWord(text[i - 1])) continue;
      let best: [number, number, number] | null = null;
      patterns.forEach((p, k) => {
        if (!text.startsWith(p, i)) return;
        const end = i + p.length;
        if (isWord(p[p.length - 1]) && isWord(text[end])) return;
        if (!best || p.length > best[1] - best[0]) best = [i, end, k];
      });
      if (best) out.push(best);
    }
    return out;
  }

  it('on random patterns and texts', () => {
    const word = fc.stringMatching(/^[abc]{1,4}$/);
    const pattern = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(fc.uniqueArray(pattern, { minLength: 1, maxLength: 25 }), fc.stringMatching(/^[abc .]{0,80}$/).filter((t) => !t.includes('  ')), (patterns, text) => {
        const a = loadAutomaton(buildAutomaton(patterns.map((text) => ({ text }))));
        const got = scanText(a, text).map((h) => [h.start, h.end, h.pattern]);
        expect(got).toEqual(reference(patterns, text));
      }),
      { numRuns: 400 },
    );
  });
});
