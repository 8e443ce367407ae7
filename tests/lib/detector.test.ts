import { describe, expect, it } from 'vitest';
import { parseDataset, type Claim, type Dataset, type Lang, type Station, type Term, type TermKind } from '../../lib/dataset/schema';
import { compileDetector } from '../../lib/match/detector-build';
import { detect, loadDetector, quickReject, type Detection } from '../../lib/match/detector';

const SRC = ['src-test'];

function station(id: string, city: string, jurisdiction: string | null = null, address: string | null = null): Station {
  return {
    id,
    city,
    country: 'Testland',
    countryCode: 'TL',
    address,
    jurisdiction,
    firstReported: { date: '2022-09', reportId: 'R-110' },
    statusHistory: [{ date: '2022-09', status: 'reported', summary: 'Listed in a test report.', sourceIds: SRC }],
    summary: `Test station in ${city}.`,
    sourceIds: SRC,
  };
}

function claim(id: string, text: string, extra: Partial<Claim>): Claim {
  return { id, text, phrasings: {}, status: 'reported', statusDate: null, context: 'Test.', numbers: [], entities: [], denialIds: [], stationIds: [], sourceIds: SRC, ...extra };
}

const t = (text: string, lang: Lang, kind: TermKind, refs: string[] = []): Term => ({ text, lang, kind, refs });

/** A small dataset written for these tests: a few terms per language, three claims. */
function fixture(): Dataset {
  return parseDataset({
    schemaVersion: 1,
    version: '0.0.7',
    asOf: '2025-01-01',
    title: 'Detector test fixture',
    method: 'Written for unit tests.',
    changelog: [],
    sources: [{ id: 'src-test', publisher: 'Test', title: 'Test source', date: null, url: 'https://example.org/', kind: 'news', language: 'en' }],
    reports: [{ id: 'R-110', title: 'Test report', publisher: 'Test NGO', date: '2022-09', figures: { stations: 54, countries: 21 }, summary: 'A test report.', sourceIds: SRC }],
    stations: [
      station('ST-IE-DUBLIN', 'Dublin', 'Fuzhou', 'Capel Street'),
      station('ST-NL-ROTTERDAM', 'Rotterdam', 'Fuzhou'),
      station('ST-IT-PRATO', 'Prato'),
      station('ST-IT-MILAN', 'Milan', 'Wenzhou; Qingtian'),
      station('ST-IT-ROME', 'Rome'),
      station('ST-ES-MADRID', 'Madrid'),
      station('ST-GB-LONDON', 'London (Croydon)'),
    ],
    responses: [],
    denials: [],
    claims: [
      claim('C01', 'China runs more than 100 secret police stations in 53 countries.', {
        numbers: [100, 53],
        phrasings: {
          en: ['Beijing operates over 100 covert police outposts spread across 53 countries.'],
          'zh-Hans': ['中国在53个国家设有100多个秘密警察站。'],
          de: ['China unterhält mehr als 100 geheime Polizeistationen in 53 Ländern.'],
        },
      }),
      claim('C11', 'Ireland shut down a Chinese police station in Dublin.', {
        entities: ['Ireland', 'Dublin', 'Capel Street', 'Irlanda'],
        stationIds: ['ST-IE-DUBLIN'],
        phrasings: { en: ['The Irish government ordered the office on Capel Street to close down.'] },
      }),
      claim('C21', 'Spain has nine Chinese police stations.', {
        numbers: [9],
        entities: ['Spain', 'España', 'Madrid'],
        phrasings: { es: ['España acoge 9 comisarías chinas según la ONG.'] },
      }),
    ],
    terms: [
      t('overseas police station', 'en', 'topic', ['C01']),
      t('Chinese police station', 'en', 'topic', ['C01']),
      t('Chinese police base', 'en', 'topic', ['C01']),
      t('Safeguard Defenders', 'en', 'report', ['R-110']),
      t('Capel Street', 'en', 'station', ['ST-IE-DUBLIN', 'C11']),
      t('Chen Jinping', 'en', 'person', ['C01']),
      t('police station', 'en', 'generic'),
      t('海外警务服务站', 'zh-Hans', 'topic', ['C01']),
      t('警察站', 'zh-Hans', 'generic'),
      t('海外警察署', 'ja', 'topic', ['C01']),
      t('chinesische Polizeistation', 'de', 'topic', ['C01']),
      t('Polizeistation', 'de', 'generic'),
      t('postes de police chinois', 'fr', 'topic', ['C01']),
      t('poste de police', 'fr', 'generic'),
      t('comisarías chinas', 'es', 'topic', ['C01']),
      t('comisaría', 'es', 'generic'),
      t('stazioni di polizia cinesi', 'it', 'topic', ['C01']),
      t('Chinese politiebureaus', 'nl', 'topic', ['C01']),
      t('esquadras chinesas', 'pt', 'topic', ['C01']),
    ],
  });
}

const bytes = compileDetector(fixture());
const det = loadDetector(bytes);
const run = (text: string) => detect(det, text);
const spans = (d: Detection) => d.mentions.map((m) => [m.text, m.kind, m.refs.join(',')]);

describe('detector: pages without the story', () => {
  it('rules out a page with no term at all, cheaply and with nothing to show', () => {
    const text = 'The council approved a new budget for schools and libraries on Tuesday.\nWeather: sunny.';
    expect(quickReject(det, text)).toBe(true);
    expect(run(text)).toEqual({ mentions: [], claims: [], page: { onTopic: false, score: 0, reasons: [] } });
  });

  it('ignores a generic phrase in an ordinary crime story', () => {
    const text = 'A man was taken to the police station in Dublin after a robbery on Capel Street, police said.';
    expect(quickReject(det, text)).toBe(false);
    const d = run(text);
    expect(d.page.onTopic).toBe(false);
    expect(d.mentions).toEqual([]);
    expect(d.claims).toEqual([]);
  });

  it('does not take a list of station cities in an unrelated story for the story', () => {
    const d = run('Police arrested 33 people in Milan, Prato, Rome and Madrid in a fraud investigation.');
    expect(d.page.onTopic).toBe(false);
    expect(d.mentions).toEqual([]);
  });

  it('does not count "China" in Chinese text as a cue for a generic term', () => {
    expect(run('中国某地派出所的警察站今天开放参观。').page.onTopic).toBe(false);
  });
});

describe('detector: pages about the story', () => {
  it('counts a generic phrase next to a China cue and ties station cities in that sentence', () => {
    const d = run('According to the report, China has set up police stations in Dublin and Rotterdam.');
    expect(d.page.onTopic).toBe(true);
    expect(spans(d)).toEqual([
      ['police stations', 'generic', ''],
      ['Dublin', 'station', 'ST-IE-DUBLIN'],
      ['Rotterdam', 'station', 'ST-NL-ROTTERDAM'],
    ]);
    expect(d.page.reasons.join(' | ')).toMatch(/generic term next to a China cue: "police stations"/);
  });

  it('explains its decision with counted terms', () => {
    const d = run('Safeguard Defenders found an overseas police station in Dublin.\nThe OVERSEAS police stations were closed.');
    expect(d.page.onTopic).toBe(true);
    expect(d.page.score).toBeGreaterThanOrEqual(3);
    expect(d.page.reasons).toContain('1 topic term: "overseas police station" ×2');
    expect(d.page.reasons).toContain('1 report term: "Safeguard Defenders"');
  });

  it('gives mentions in original offsets with the records they refer to', () => {
    const text = 'Lead.\nThe  OVERSEAS Police\u00a0Stations, said Chen Jinping, were run from the Fuzhou office.';
    const d = run(text);
    expect(d.page.onTopic).toBe(true);
    for (const m of d.mentions) expect(text.slice(m.start, m.end)).toBe(m.text);
    expect(spans(d)).toEqual([
      ['OVERSEAS Police\u00a0Stations', 'topic', 'C01'],
      ['Chen Jinping', 'person', 'C01'],
      ['Fuzhou', 'station', 'ST-IE-DUBLIN,ST-NL-ROTTERDAM'],
    ]);
  });

  it('highlights a generic phrase only near topic evidence, even on a page about the story', () => {
    const d = run('An overseas police station opened in 2018.\nSeparately, a local police station got a new roof.');
    expect(d.page.onTopic).toBe(true);
    expect(spans(d)).toEqual([['overseas police station', 'topic', 'C01']]);
  });

  it.each([
    ['de', 'Zwei chinesische Polizeistationen sollen in Frankfurt arbeiten.', 'chinesische Polizeistationen'],
    ['fr', 'Des postes de police chinois ont été signalés en banlieue.', 'postes de police chinois'],
    ['es', 'Las comisarías chinas de Madrid siguen abiertas.', 'comisarías chinas'],
    ['it', 'Le stazioni di polizia cinesi a Prato sono tre.', 'stazioni di polizia cinesi'],
    ['nl', 'De Chinese politiebureaus in Rotterdam moeten sluiten.', 'Chinese politiebureaus'],
    ['pt', 'As esquadras chinesas em Lisboa estão sob investigação.', 'esquadras chinesas'],
    ['zh-Hans', '报道称该组织在多国设立海外警务服务站。', '海外警务服务站'],
    ['zh-Hant', '報導稱該組織在多國設立海外警務服務站。', '海外警務服務站'],
    ['ja', '中国の「海外警察署」が東京にあるという。', '海外警察署'],
  ])('finds the topic term in %s', (_lang, text, term) => {
    const d = run(text);
    expect(d.page.onTopic).toBe(true);
    expect(d.mentions.find((m) => m.kind === 'topic')?.text).toBe(term);
    expect(d.mentions.find((m) => m.kind === 'topic')?.refs).toEqual(['C01']);
  });

  it.each([
    ['de', 'Laut Bericht betreibt Peking auch in Wien eine solche Polizeistation.', 'Polizeistation'],
    ['fr', 'Pékin aurait ouvert un poste de police à Paris.', 'poste de police'],
    ['es', 'Pekín habría abierto una comisaría en Valencia.', 'comisaría'],
    ['zh-Hans', '报道称他们在海外设立了警察站。', '警察站'],
  ])('counts a generic term next to the right cue in %s', (_lang, text, term) => {
    const d = run(text);
    expect(d.page.onTopic).toBe(true);
    expect(d.mentions.map((m) => m.text)).toContain(term);
  });

  it('derives the generic form of China-cued topic terms ("Chinese police base" → "police base")', () => {
    // The dataset lists no generic "police base"; the topic term implies it.
    const d = run('Beijing may have set up "overseas police" bases in Japan.');
    expect(d.page.onTopic).toBe(true);
    expect(d.mentions.map((m) => [m.text, m.kind])).toEqual([['police" bases', 'generic']]);
    expect(run('The army built new police bases in the north.').page.onTopic).toBe(false);
  });
});

describe('detector: claims', () => {
  it('ties a sentence stating a claim to it, with the sentence span', () => {
    const text = 'An overseas police station was found in Dublin. China runs over 100 secret police stations in 53 countries, the NGO said.';
    const d = run(text);
    expect(d.page.onTopic).toBe(true);
    expect(d.claims.map((c) => c.claimId)).toEqual(['C01']);
    const c = d.claims[0]!;
    expect(text.slice(c.start, c.end)).toBe('China runs over 100 secret police stations in 53 countries, the NGO said.');
    expect(c.score).toBeGreaterThan(0.5);
    expect(d.page.reasons.join(' | ')).toMatch(/known claim stated: C01/);
  });

  it('lets a stated claim settle a page with a station name but no topic term', () => {
    const d = run('Officials said the Irish government ordered the office on Capel Street to shut down.');
    expect(d.page.onTopic).toBe(true);
    expect(d.claims.map((c) => c.claimId)).toEqual(['C11']);
    expect(spans(d)).toEqual([['Capel Street', 'station', 'C11,ST-IE-DUBLIN']]);
  });

  it('shows no claims on a page that is not about the story', () => {
    const d = run('China runs more than 100 restaurants in 53 countries.');
    expect(d.page.onTopic).toBe(false);
    expect(d.claims).toEqual([]);
  });
});

describe('detector: bytes', () => {
  it('compiles deterministically and carries the dataset version', () => {
    expect(compileDetector(fixture())).toEqual(bytes);
    expect(det.version).toBe('0.0.7');
    expect(det.asOf).toBe('2025-01-01');
  });

  it('rejects bytes that are not a detector with a clear error', () => {
    expect(() => loadDetector(new Uint8Array([1, 2, 3]))).toThrow(/truncated header/);
    expect(() => loadDetector(new Uint8Array(64))).toThrow(/not a Stationwatch detector/);
    expect(() => loadDetector(bytes.slice(0, bytes.length - 10))).toThrow(/truncated/);
  });
});


describe('detector: quickReject agrees with detect', () => {
  const empty = { mentions: [], claims: [], page: { onTopic: false, score: 0, reasons: [] } };
  it.each([
    ['Nothing here but the weather.', true],
    ['China and Beijing are cues only.', true],
    ['Police arrested people in Milan and Rome.', true],
    ['Police arrested people in Milan, Prato and Rome.', false],
    // Station cities on separate lines (a menu, a weather widget) never form a list in one sentence.
    ['Milan\nPrato\nRome', true],
    ['Weather in Milan, Prato\nand in Rome.', true],
    ['Weather in Milan\nPrato, Rome and Prato again.', true],
    ['Weather in Milan\nPrato, Rome and Milan again.', false],
    ['A police station opened.', false],
    ['An overseas police station opened.', false],
  ] as const)('on %j', (text, rejected) => {
    expect(quickReject(det, text)).toBe(rejected);
    // Rejected must mean detect() gives the empty answer (callers skip detect() on it).
    if (rejected) expect(run(text)).toEqual(empty);
  });
});
