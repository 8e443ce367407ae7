import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addHanFold, charClass, CharClass, normaliseCodes, normaliseForMatch, normaliseWithMap } from '../../lib/match/normalise';
import { hanPairsFor } from '../../lib/match/han-table';

/** The original text behind normalised [s, e). */
function back(text: string, s: number, e: number): string {
  const { map } = normaliseWithMap(text);
  return text.slice(map[s]!, map[e]!);
}

describe('normaliseForMatch', () => {
  it('folds case, including characters whose lower case changes length', () => {
    expect(normaliseForMatch('Overseas POLICE Station')).toBe('overseas police station');
    expect(normaliseForMatch('İstanbul')).toBe('istanbul');
    expect(normaliseForMatch('Straße')).toBe('strasse');
    expect(normaliseForMatch('ΟΔΟΣ')).toBe('οδοσ');
  });

  it('applies NFKC: full and half width, ligatures, circled digits', () => {
    expect(normaliseForMatch('ＰＯＬＩＣＥ　ＳＴＡＴＩＯＮ')).toBe('police station');
    expect(normaliseForMatch('ﬁrst ①')).toBe('first 1');
    expect(normaliseForMatch('ｶﾞｲｺｸ')).toBe('ガイコク');
  });

  it('strips diacritics in Latin, Greek, Cyrillic and Hebrew but keeps kana voicing and Hangul', () => {
    expect(normaliseForMatch('Übersee-Polizeistation Kőbánya São Paulo')).toBe('ubersee-polizeistation kobanya sao paulo');
    expect(normaliseForMatch('Κίνα')).toBe('κινα');
    expect(normaliseForMatch('שָׁלוֹם')).toBe('שלום');
    expect(normaliseForMatch('がぎ パ')).toBe('がぎ パ');
    expect(normaliseForMatch('비밀경찰서')).toBe('비밀경찰서');
  });

  it('folds Traditional to Simplified Chinese for known characters', () => {
    expect(normaliseForMatch('中國海外警察站')).toBe('中国海外警察站');
    addHanFold(hanPairsFor(['警僑事務海外服務站']));
    expect(normaliseForMatch('警僑事務海外服務站')).toBe(normaliseForMatch('警侨事务海外服务站'));
  });

  it('unifies whitespace, dashes and quotes, and drops invisible characters', () => {
    expect(normaliseForMatch('  a \t\n b\u00a0\u2003c  ')).toBe('a b c');
    expect(normaliseForMatch('Übersee–Polizei—station ‐ x')).toBe('ubersee-polizei-station - x');
    expect(normaliseForMatch('“police” ‘stations’ «x» „y“')).toBe('"police" \'stations\' "x" "y"');
    expect(normaliseForMatch('Polizei\u00adstation\u200b')).toBe('polizeistation');
  });

  it('gives an empty result for empty or blank text', () => {
    expect(normaliseForMatch('')).toBe('');
    expect(normaliseForMatch(' \n\t ')).toBe('');
    expect(normaliseWithMap('').map).toEqual(new Uint32Array([0]));
  });
});

describe('normaliseWithMap', () => {
  it('maps normalised spans back to the original text', () => {
    const text = 'The İstanbul  Straße: ＰＯＬＩＣＥ';
    const { text: norm } = normaliseWithMap(text);
    expect(norm).toBe('the istanbul strasse: police');
    const s = norm.indexOf('strasse');
    expect(back(text, s, s + 'strasse'.length)).toBe('Straße');
    const p = norm.indexOf('police');
    expect(back(text, p, p + 6)).toBe('ＰＯＬＩＣＥ');
    const i = norm.indexOf('istanbul');
    expect(back(text, i, i + 8)).toBe('İstanbul');
  });

  it('keeps line breaks only when asked', () => {
    const r = normaliseCodes('a\n\n b  c', { keepLineBreaks: true });
    expect(String.fromCharCode(...r.codes.subarray(0, r.length))).toBe('a\nb c');
  });

  it('has a monotone map that ends at the original length, and spans that re-normalise to themselves', () => {
    const alphabet = fc.constantFrom(...'aZ éİßﬁ①ＰｶﾞΣς國\u00ad\u200b  \n-–“”\'’😀𝐀'.split(''), 'e\u0301', '😀', '𝐀');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), fc.nat(), fc.nat(), (parts, x, y) => {
        const text = parts.join('');
        const { text: norm, map } = normaliseWithMap(text);
        expect(map.length).toBe(norm.length + 1);
        expect(map[norm.length]).toBe(text.length);
        for (let i = 1; i < map.length; i++) expect(map[i]!).toBeGreaterThanOrEqual(map[i - 1]!);
        // A span that starts and ends on whole original characters re-normalises to itself.
        const starts = [...Array(norm.length + 1).keys()].filter((i) => i === 0 || i === norm.length || map[i] !== map[i - 1]);
        const s = starts[x % starts.length]!;
        const e = starts[y % starts.length]!;
        const [a, b] = s <= e ? [s, e] : [e, s];
        expect(normaliseForMatch(text.slice(map[a]!, map[b]!))).toBe(norm.slice(a, b).trim());
      }),
      { numRuns: 300 },
    );
  });
});

describe('charClass', () => {
  it('tells spaced scripts from dense ones', () => {
    expect(charClass('a'.charCodeAt(0))).toBe(CharClass.Word);
    expect(charClass('é'.charCodeAt(0))).toBe(CharClass.Word);
    expect(charClass('경'.charCodeAt(0))).toBe(CharClass.Word);
    expect(charClass('ש'.charCodeAt(0))).toBe(CharClass.Word);
    expect(charClass('警'.charCodeAt(0))).toBe(CharClass.Dense);
    expect(charClass('カ'.charCodeAt(0))).toBe(CharClass.Dense);
    expect(charClass('ต'.charCodeAt(0))).toBe(CharClass.Dense);
    expect(charClass(' '.charCodeAt(0))).toBe(CharClass.Other);
    expect(charClass('，'.charCodeAt(0))).toBe(CharClass.Other);
  });
});
