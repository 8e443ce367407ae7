/**
 * A small, valid dataset for the claim-matcher, read-posts and check-CLI tests. Written for the
 * tests (own wording), so they never depend on the real data in data/dataset or on ../shared.
 */
import { parseDataset, type Claim, type Dataset, type Station } from '../../lib/dataset/schema';

const SRC = ['src-test'];

function claim(id: string, text: string, extra: Partial<Claim>): Claim {
  return {
    id,
    text,
    phrasings: {},
    status: 'reported',
    statusDate: null,
    context: `Test context for ${id}.`,
    numbers: [],
    entities: [],
    denialIds: [],
    stationIds: [],
    sourceIds: SRC,
    ...extra,
  };
}

function station(id: string, city: string, country: string, countryCode: string): Station {
  return {
    id,
    city,
    country,
    countryCode,
    address: null,
    jurisdiction: null,
    firstReported: { date: '2022-09', reportId: null },
    statusHistory: [{ date: '2022-09', status: 'reported', summary: 'Listed in a test report.', sourceIds: SRC }],
    summary: `Test station in ${city}.`,
    sourceIds: SRC,
  };
}

/** Claims modelled on the real story's shapes: global counts, places, names, a denial, big numbers. */
export function fixtureDataset(): Dataset {
  return parseDataset({
    schemaVersion: 1,
    version: '0.0.1',
    asOf: '2025-01-01',
    title: 'Claim matcher test fixture',
    method: 'Written for unit tests.',
    changelog: [],
    sources: [{ id: 'src-test', publisher: 'Test', title: 'Test source', date: null, url: 'https://example.org/', kind: 'news', language: 'en' }],
    reports: [],
    stations: [
      station('ST-IE-DUBLIN', 'Dublin', 'Ireland', 'IE'),
      station('ST-CA-TORONTO', 'Toronto', 'Canada', 'CA'),
      station('ST-CA-MONTREAL', 'Montreal', 'Canada', 'CA'),
      station('ST-AU-SYDNEY', 'Sydney', 'Australia', 'AU'),
      station('ST-US-NEW-YORK', 'New York (Manhattan)', 'United States', 'US'),
    ],
    responses: [],
    denials: [
      { id: 'DN-01', speaker: 'Spokesperson', role: 'Foreign ministry', date: null, position: 'Denies the stations exist.', claimIds: ['CA', 'CE'], stationIds: [], sourceIds: SRC },
    ],
    claims: [
      claim('CA', 'China runs more than 100 secret police stations in 53 countries.', {
        numbers: [100, 53],
        denialIds: ['DN-01'],
        phrasings: {
          en: ['Beijing operates over 100 covert police outposts across 53 countries.', 'The CCP has 100+ secret police stations in 53 nations.'],
          'zh-Hans': ['中国在53个国家设立了100多个秘密警察站。'],
          es: ['China tiene más de 100 comisarías secretas en 53 países.'],
          de: ['China betreibt mehr als 100 geheime Polizeistationen in 53 Ländern.'],
        },
      }),
      claim('CB', 'The first report found 54 Chinese police stations worldwide.', {
        numbers: [54],
        phrasings: {
          en: ['An initial investigation counted 54 Chinese police stations around the world.', 'The first study listed 54 overseas police stations.'],
          fr: ['Le premier rapport a recensé 54 postes de police chinois dans le monde.'],
        },
      }),
      claim('CC', 'Ireland shut down a Chinese police station in Dublin.', {
        status: 'confirmed-by-authorities',
        entities: ['Dublin', 'Ireland'],
        phrasings: {
          en: ['The Irish government ordered the Chinese police station in Dublin to close.', 'Dublin\'s Chinese police outpost was shut by Ireland.'],
          fr: ['L\'Irlande a fermé un poste de police chinois à Dublin.'],
          'zh-Hans': ['爱尔兰关闭了都柏林的中国警察站。'],
        },
      }),
      claim('CD', 'Canada\'s RCMP shut down Chinese police stations in Toronto.', {
        status: 'confirmed-by-authorities',
        entities: ['Canada', 'RCMP', 'Toronto'],
        phrasings: {
          en: ['The Mounties closed the Chinese police stations in Toronto.', 'RCMP shut the Chinese police outposts in Toronto.'],
        },
      }),
      claim('CE', 'China denies operating any overseas police stations.', {
        status: 'denied-by-china',
        denialIds: ['DN-01'],
        phrasings: {
          en: ['Beijing says there are no overseas police stations.', 'China rejects claims that it runs police stations abroad.'],
          de: ['China bestreitet, Polizeistationen im Ausland zu betreiben.'],
        },
      }),
      claim('CF', 'There is a Chinese police station in Sydney.', {
        status: 'disputed',
        entities: ['Sydney', 'Australia'],
        phrasings: { en: ['Sydney hosts a Chinese police station.', 'A Chinese police contact point operates in Sydney.'] },
      }),
      claim('CG', 'Chen Jinping was sentenced to prison.', {
        entities: ['Chen Jinping'],
        phrasings: {
          en: ['Chen Jinping got a prison sentence.', 'The man who ran the Manhattan station, Chen Jinping, was jailed.'],
          'zh-Hans': ['陈金平被判入狱。'],
        },
      }),
      claim('CH', 'Almost a quarter of a million people were persuaded to return to China.', {
        numbers: [230000],
        phrasings: {
          en: ['About 230,000 people were pressured to go back to China.', 'Nearly 230k Chinese were persuaded to return home.'],
          it: ['Circa 230.000 persone sono state convinte a tornare in Cina.'],
        },
      }),
    ],
    terms: [
      { text: '110 Overseas', lang: 'en', kind: 'report', refs: [] },
      { text: 'secret police station', lang: 'en', kind: 'topic', refs: ['CA'] },
      { text: 'Chinese police station', lang: 'en', kind: 'topic', refs: ['CA'] },
      { text: '中国警察站', lang: 'zh-Hans', kind: 'topic', refs: ['CA'] },
      { text: '秘密警察站', lang: 'zh-Hans', kind: 'topic', refs: ['CA'] },
      { text: 'Polizeistationen im Ausland', lang: 'de', kind: 'topic', refs: ['CA'] },
      { text: 'Chen Jinping', lang: 'en', kind: 'person', refs: ['CG'] },
      { text: '陈金平', lang: 'zh-Hans', kind: 'person', refs: ['CG'] },
      { text: 'police station', lang: 'en', kind: 'generic', refs: [] },
      { text: 'contact point', lang: 'en', kind: 'generic', refs: [] },
    ],
  });
}

/** The fixture as the per-kind part files that `loadDatasetFromDir` reads (for CLI tests). */
export function fixtureDatasetParts(): Record<string, unknown> {
  const ds = fixtureDataset();
  const { sources, reports, stations, responses, denials, claims, terms, ...meta } = ds;
  return { meta, sources, reports, stations, responses, denials, claims, terms };
}
