/** A small, valid and internally consistent dataset for the feed tests (never the real data). */
import type { Dataset } from '../../lib/dataset/schema';

/** Returns a fresh copy each call, so a test can mutate it freely. */
export function fixtureDataset(version = '1.2.0'): Dataset {
  return {
    schemaVersion: 1,
    version,
    asOf: '2024-05-01',
    title: 'Stationwatch test dataset',
    method: 'Hand-written fixture for unit tests; every record cites a fixture source.',
    changelog: [{ version, date: '2024-05-01', summary: 'Fixture release.' }],
    sources: [
      {
        id: 'fixture-ngo-report',
        publisher: 'Fixture NGO',
        title: 'A fixture report on overseas stations',
        date: '2022-09',
        url: 'https://example.org/report',
        kind: 'report',
        language: 'en',
      },
      {
        id: 'fixture-news',
        publisher: 'Fixture Times',
        title: 'Ministry answers questions about a station',
        date: '2022-10-12',
        url: 'https://example.com/news/1',
        kind: 'news',
        language: 'en',
      },
    ],
    reports: [
      {
        id: 'R-fixture',
        title: 'A fixture report on overseas stations',
        publisher: 'Fixture NGO',
        date: '2022-09',
        figures: { stations: 3, countries: 2 },
        summary: 'The fixture report lists three stations in two countries.',
        sourceIds: ['fixture-ngo-report'],
      },
    ],
    stations: [
      {
        id: 'ST-testville',
        city: 'Testville',
        country: 'Netherlands',
        countryCode: 'NL',
        address: null,
        jurisdiction: 'Fuzhou',
        firstReported: { date: '2022-09', reportId: 'R-fixture' },
        statusHistory: [
          { date: '2022-09', status: 'reported', summary: 'Listed in the fixture report.', sourceIds: ['fixture-ngo-report'] },
          { date: '2022-10-12', status: 'under-investigation', summary: 'The ministry said it was looking into it.', sourceIds: ['fixture-news'] },
        ],
        summary: 'A station in the fixture report.',
        sourceIds: ['fixture-ngo-report', 'fixture-news'],
      },
    ],
    responses: [
      {
        id: 'GR-nl-fixture',
        country: 'Netherlands',
        countryCode: 'NL',
        date: '2022-10-12',
        actor: 'Fixture ministry',
        action: 'investigation',
        summary: 'The ministry opened an inquiry.',
        stationIds: ['ST-testville'],
        claimIds: ['C01'],
        sourceIds: ['fixture-news'],
      },
    ],
    denials: [
      {
        id: 'DN-fixture',
        speaker: 'Fixture spokesperson',
        role: 'Foreign ministry spokesperson',
        date: '2022-10-13',
        position: 'Said the sites only help citizens renew documents.',
        claimIds: ['C01'],
        stationIds: [],
        sourceIds: ['fixture-news'],
      },
    ],
    claims: [
      {
        id: 'C01',
        text: 'The fixture report lists three overseas police stations.',
        phrasings: { en: ['three overseas police stations'] },
        status: 'denied-by-china',
        statusDate: '2022-10-13',
        context: 'The count comes from the fixture report; the ministry denied the sites are police stations.',
        numbers: [3],
        entities: ['Testville'],
        denialIds: ['DN-fixture'],
        stationIds: ['ST-testville'],
        sourceIds: ['fixture-ngo-report'],
      },
    ],
    terms: [
      { text: 'overseas police station', lang: 'en', kind: 'topic', refs: [] },
      { text: 'Fixture NGO', lang: 'en', kind: 'report', refs: ['R-fixture'] },
    ],
  };
}

/** The feed body for a dataset: the exact bytes a host would serve. */
export function feedBytes(dataset: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(dataset));
}
