import { describe, expect, it } from 'vitest';
import { buildClaimIndex, checkText, CLAIM_MATCH_THRESHOLD, matchClaims, type ClaimMatch } from '../../lib/match/claim-match';
import { analyseText, claimPhrasings, numbersAgree, toPieces } from '../../lib/match/claim-index';
import { fixtureDataset } from './claim-match-fixture';

const index = buildClaimIndex(fixtureDataset());
const top = (text: string): ClaimMatch | undefined => matchClaims(index, text)[0];
const ids = (text: string): string[] => matchClaims(index, text).map((m) => m.claimId);

describe('matchClaims: a sentence that repeats a known claim', () => {
  it('finds the claim with its status and says which words agreed', () => {
    const m = top('Safeguard Defenders says Beijing runs more than 100 secret police stations in 53 countries');
    expect(m?.claimId).toBe('CA');
    expect(m?.status).toBe('reported');
    expect(m!.score).toBeGreaterThanOrEqual(CLAIM_MATCH_THRESHOLD);
    expect(m!.score).toBeLessThanOrEqual(1);
    expect(m!.why.find((w) => w.startsWith('terms: '))).toMatch(/police stations/);
    expect(m!.why).toContain('numbers agree: 100, 53');
  });

  it('returns matches best first, all above the threshold, at most `limit`', () => {
    const all = matchClaims(index, 'China runs over 100 police stations abroad and denies it', { limit: 5 });
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    for (const m of all) expect(m.score).toBeGreaterThanOrEqual(CLAIM_MATCH_THRESHOLD);
    expect(matchClaims(index, 'China runs over 100 police stations abroad and denies it', { limit: 1 }).length).toBeLessThanOrEqual(1);
    expect(matchClaims(index, 'China runs over 100 police stations abroad', { limit: 0 })).toEqual([]);
  });
});

describe('numbers', () => {
  it('"54 stations" is the first-report claim, not the "more than 100" claim', () => {
    expect(top('The first report counted 54 police stations')?.claimId).toBe('CB');
    expect(ids('China runs 54 secret police stations in 53 countries')).not.toContain('CA');
  });

  it('"more than 100" agrees with 102, and a count far above does not', () => {
    expect(top('Beijing operates 102 covert police outposts across 53 countries')?.claimId).toBe('CA');
    expect(ids('Beijing operates 400 covert police outposts across 53 countries')).not.toContain('CA');
  });

  it('reads "almost a quarter of a million", "230k" and "230.000" as about 230,000, and 23,000 as another count', () => {
    const quarter = top('Almost a quarter of a million people were pressured into returning to China');
    expect(quarter?.claimId).toBe('CH');
    expect(quarter!.why).toContain('numbers agree: quarter of a million');
    expect(top('230k Chinese were persuaded to return home')?.claimId).toBe('CH');
    expect(top('Circa 230.000 persone sono state spinte a tornare in Cina')?.claimId).toBe('CH');
    expect(ids('About 23,000 people were pressured to go back to China')).not.toContain('CH');
  });

  it('understands number words, qualifiers and Chinese and Korean numbers', () => {
    const nums = (text: string) => analyseText(text).numbers.map((n) => [n.value, n.qual]);
    expect(nums('At least thirteen countries opened probes')).toEqual([[13, 'lower']]);
    expect(nums('Hay nueve comisarías chinas en España')).toEqual([[9, 'exact']]);
    expect(nums('中国在53个国家开设了100多个秘密警察站')).toEqual([[53, 'exact'], [100, 'lower']]);
    expect(nums('거의 25만 명이 중국으로 돌아갔다')).toEqual([[250000, 'approx']]);
    expect(numbersAgree({ value: 250000, qual: 'approx' }, { value: 230000, qual: 'exact' })).toBe(true);
    expect(numbersAgree({ value: 54, qual: 'exact' }, { value: 53, qual: 'exact' })).toBe(false);
  });

  it('does not count a year as a contradicting number', () => {
    expect(top('In 2023 Irish authorities shut down the Chinese police station in Dublin')?.claimId).toBe('CC');
  });
});

describe('places and names', () => {
  it('a Dublin sentence matches the Dublin claim and says so', () => {
    const m = top('Irish authorities shut down the Chinese police station in Dublin');
    expect(m?.claimId).toBe('CC');
    expect(m!.why).toContain('place agrees: Dublin');
  });

  it('the same sentence about Montreal or Toronto does not match the Dublin claim', () => {
    expect(ids('Authorities shut down the Chinese police station in Montreal')).not.toContain('CC');
    expect(ids('Authorities shut down the Chinese police station in Toronto')).not.toContain('CC');
  });

  it('another Canadian city does not match the Toronto claim, the country alone does', () => {
    expect(ids('The Mounties closed the Chinese police stations in Montreal')).not.toContain('CD');
    expect(top('The Mounties closed the Chinese police stations in Canada')?.claimId).toBe('CD');
  });

  it('a country name in another language agrees with the claim\'s country', () => {
    const m = top('爱尔兰政府关闭了一个中国警察站');
    expect(m?.claimId).toBe('CC');
    expect(m!.why.some((w) => w.startsWith('place agrees: 爱尔兰'))).toBe(true);
  });

  it('a person named in the claim agrees, in Latin or Chinese script', () => {
    expect(top('Chen Jinping has been jailed')?.why).toContain('name agrees: Chen Jinping');
    expect(top('陈金平已经被判刑了')?.claimId).toBe('CG');
  });
});

describe('negation', () => {
  it('a sentence denying a claim still matches it, marked as negated', () => {
    const m = top('There is no Chinese police station in Sydney');
    expect(m?.claimId).toBe('CF');
    expect(m?.negated).toBe(true);
    expect(m!.why.some((w) => w.startsWith('negated'))).toBe(true);
  });

  it('a denial matches the denial claim without being flagged', () => {
    const m = top('China denies running any police stations abroad');
    expect(m?.claimId).toBe('CE');
    expect(m?.negated).toBeUndefined();
  });
});

describe('other languages', () => {
  it.each([
    ['zh', '中国在53个国家开设了超过100个秘密警察站', 'CA'],
    ['es', 'China tiene más de cien comisarías secretas en 53 países', 'CA'],
    ['de', 'Peking bestreitet, dass es Polizeistationen im Ausland betreibt', 'CE'],
    ['fr', 'Le premier rapport recensait déjà 54 postes de police chinois', 'CB'],
  ])('%s', (_lang, text, expected) => {
    expect(top(text)?.claimId).toBe(expected);
  });
});

describe('no known claim', () => {
  it.each([
    'The football match was delayed by heavy rain.',
    'Les prix de l\'énergie ont augmenté cet hiver.',
    '今天天气很好，我们去公园散步。',
    'Chinese students celebrated the new year at the embassy.',
    '',
    '   ',
    '!!! ???',
  ])('%j', (text) => {
    expect(matchClaims(index, text)).toEqual([]);
  });

  it('treats markup in the input as text', () => {
    const m = top('<b>Irish</b> authorities shut down the Chinese police station in <i>Dublin</i>');
    expect(m?.claimId).toBe('CC');
    expect(m!.why.join(' ')).not.toMatch(/<b>|<i>/);
  });
});

describe('checkText', () => {
  it('splits pasted text into sentences with offsets and matches each', () => {
    const text = 'Irish authorities shut down the Chinese police station in Dublin. The weather is nice today!\n  Chen Jinping has been jailed';
    const out = checkText(index, text);
    expect(out.map((s) => s.sentence)).toEqual([
      'Irish authorities shut down the Chinese police station in Dublin.',
      'The weather is nice today!',
      'Chen Jinping has been jailed',
    ]);
    for (const s of out) expect(text.slice(s.start, s.end)).toBe(s.sentence);
    expect(out.map((s) => s.matches[0]?.claimId)).toEqual(['CC', undefined, 'CG']);
  });

  it('returns nothing for blank text', () => {
    expect(checkText(index, ' \n\n ')).toEqual([]);
  });
});

describe('tokenisation', () => {
  it('splits spaced scripts exactly as Intl.Segmenter does (the fast path is not a different tokeniser)', () => {
    const texts = [
      ...fixtureDataset().claims.flatMap((c) => claimPhrasings(c).map((p) => p.text)),
      "U.S. officials, e.g. the FBI, counted 1,000 or 2.5 million; 230k isn't l'Irlande's 100+ ~50 a,b co-op x_y",
      'Ελληνικά: η αστυνομία — «Полиция» закрыла 2 участка!',
      'Hello!! (really?) — yes… “quoted” ‘single’ 12:30 3.14.15',
    ];
    for (const text of texts) expect(toPieces(text).pieces).toEqual(toPieces(text, 'und', true).pieces);
  });

  it('makes CJK bigrams and keeps spans in the original text', () => {
    const text = '陳金平被判刑';
    const a = analyseText(text);
    expect(a.terms).toEqual(['陈金', '金平', '平被', '被判', '判刑']);
    expect(a.termStart.map((s, i) => text.slice(s, a.termEnd[i]))).toEqual(['陳金', '金平', '平被', '被判', '判刑']);
  });
});
