import { describe, expect, it } from 'vitest';
import { parseDataset, type Claim, type Dataset } from '../../lib/dataset/schema';
import { compileClaimIndex } from '../../lib/match/claim-spot-build';
import { prepareClaimSpotter, spotClaims } from '../../lib/match/claim-spot';
import { claimTokens, numbersIn, sentenceSpans, wordSpans } from '../../lib/match/segment';
import { addHanFold, normaliseForMatch } from '../../lib/match/normalise';
import { hanPairsFor } from '../../lib/match/han-table';

const SRC = ['src-test'];
const claim = (id: string, text: string, extra: Partial<Claim>): Claim => ({
  id, text, phrasings: {}, status: 'reported', statusDate: null, context: 'Test.', numbers: [], entities: [], denialIds: [], stationIds: [], sourceIds: SRC, ...extra,
});

/** Claims phrased in every language the product covers; the test sentences below are worded differently. */
function fixture(): Dataset {
  return parseDataset({
    schemaVersion: 1, version: '0.0.1', asOf: '2025-01-01', title: 'Claim spotting fixture', method: 'Written for unit tests.', changelog: [],
    sources: [{ id: 'src-test', publisher: 'Test', title: 'Test', date: null, url: 'https://example.org/', kind: 'news', language: 'en' }],
    reports: [], stations: [], responses: [], denials: [],
    claims: [
      claim('C01', 'China runs more than 100 secret police stations in 53 countries.', {
        numbers: [100, 53],
        phrasings: {
          en: ['Beijing operates over 100 covert police outposts spread across 53 countries.'],
          'zh-Hans': ['中国在53个国家设有100多个秘密警察站。'],
          'zh-Hant': ['中國在53個國家設有100多個祕密警察站。'],
          es: ['China tiene más de 100 comisarías secretas repartidas en 53 países.'],
          it: ['La Cina gestisce oltre 100 stazioni di polizia segrete in 53 paesi.'],
          fr: ['La Chine gère plus de 100 commissariats secrets répartis dans 53 pays.'],
          nl: ['China heeft meer dan 100 geheime politiebureaus verspreid over 53 landen.'],
          de: ['China unterhält mehr als 100 geheime Polizeistationen in 53 Ländern.'],
          pt: ['A China mantém mais de 100 esquadras secretas espalhadas por 53 países.'],
        },
      }),
      claim('C11', 'Ireland shut down a Chinese police station in Dublin.', {
        entities: ['Ireland', 'Dublin', 'Irlanda', 'Irlande', 'Irland', 'Dublino', 'Dublín'],
        phrasings: {
          en: ['The Irish government ordered the Dublin police office to close down.'],
          de: ['Irland hat die chinesische Polizeistation in Dublin schließen lassen.'],
          fr: ["L'Irlande a exigé la fermeture du commissariat chinois de Dublin."],
        },
      }),
      claim('C21', 'Spain has nine Chinese police stations.', {
        numbers: [9],
        entities: ['Spain', 'España', 'Spanien', 'Espagne'],
        phrasings: { es: ['España acoge 9 comisarías chinas según la ONG.'] },
      }),
    ],
    terms: [
      { text: 'police station', lang: 'en', kind: 'generic', refs: [] },
      { text: 'Polizeistation', lang: 'de', kind: 'generic', refs: [] },
      { text: 'comisarías chinas', lang: 'es', kind: 'topic', refs: [] },
    ],
  });
}

const ds = fixture();
addHanFold(hanPairsFor(ds.claims.flatMap((c) => Object.values(c.phrasings).flat())));
const sp = prepareClaimSpotter(compileClaimIndex(ds));
const ids = (text: string) => spotClaims(sp, text).map((c) => c.claimId);

describe('claim spotting', () => {
  it.each([
    ['en', 'Beijing is said to run more than 100 secret police stations in 53 countries.'],
    ['zh-Hans', '报告称，中国在53个国家开设了100多个秘密警察站。'],
    ['zh-Hant', '報告指中國在53個國家開設了100多個祕密警察站。'],
    ['es', 'Según la ONG, China tiene más de 100 comisarías secretas en 53 países.'],
    ['it', 'Secondo la ONG la Cina gestisce più di 100 stazioni di polizia segrete in 53 paesi.'],
    ['fr', "D'après l'ONG, la Chine gère plus de 100 commissariats secrets dans 53 pays."],
    ['nl', 'Volgens de organisatie heeft China meer dan 100 geheime politiebureaus in 53 landen.'],
    ['de', 'Laut der NGO unterhält China über 100 geheime Polizeistationen in 53 Ländern.'],
    ['pt', 'Segundo a ONG, a China mantém mais de 100 esquadras secretas em 53 países.'],
  ])('ties a %s sentence to its claim', (_lang, sentence) => {
    expect(ids(sentence)).toEqual(['C01']);
  });

  it('gives the sentence span in the text and a score between 0 and 1', () => {
    const text = 'Intro line.\nThe weather was fine. The Irish government ordered the police office in Dublin to close down. More later.';
    const spots = spotClaims(sp, text);
    expect(spots).toHaveLength(1);
    const s = spots[0]!;
    expect(s.claimId).toBe('C11');
    expect(text.slice(s.start, s.end)).toBe('The Irish government ordered the police office in Dublin to close down.');
    expect(s.score).toBeGreaterThan(0);
    expect(s.score).toBeLessThanOrEqual(1);
  });

  it('does not tie a sentence with other numbers to a claim about numbers', () => {
    expect(ids('China runs more than 20 secret police stations in 12 countries.')).toEqual([]);
  });

  it("does not tie a sentence about another claim's place to this claim", () => {
    // Same wording as C11, but about Spain, which C21 names.
    expect(ids('The Spanish government in Spain ordered the Madrid police office to close down.')).not.toContain('C11');
  });

  it('reads number words as numbers', () => {
    expect(ids('España acoge nueve comisarías chinas, según la ONG.')).toEqual(['C21']);
    expect(ids('España acoge cuatro comisarías chinas, según la ONG.')).toEqual([]);
  });

  it('does not spot claims in unrelated sentences or from shared story words alone', () => {
    expect(ids('The weather in Dublin was lovely on Sunday.')).toEqual([]);
    expect(ids('A police station opened in the town centre.')).toEqual([]);
    expect(ids('')).toEqual([]);
  });
});

describe('segmentation helpers', () => {
  it('splits sentences with Intl.Segmenter and always at line breaks', () => {
    const text = 'First one. Second one!\nA heading\n\n中国警察站。第二句';
    expect(sentenceSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(['First one.', 'Second one!', 'A heading', '中国警察站。', '第二句']);
  });

  it('finds word-like segments', () => {
    const text = "L'ONG dit: 102 postes.";
    expect(wordSpans(text, 'fr').map((s) => text.slice(s.start, s.end))).toEqual(["L'ONG", 'dit', '102', 'postes']);
  });

  it('makes claim tokens: word stems, CJK bigrams, numbers', () => {
    expect(claimTokens(normaliseForMatch('Stations, 230,000 people; 4.9 million; 11e'))).toEqual(['statio', '#230000', 'people', '#4.9', 'millio']);
    expect(claimTokens(normaliseForMatch('秘密警察站'))).toEqual(['秘密', '密警', '警察', '察站']);
    expect(numbersIn(normaliseForMatch('more than 100 stations in 53 countries'))).toEqual([100, 53]);
  });
});
