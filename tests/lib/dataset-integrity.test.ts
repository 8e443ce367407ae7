import { describe, expect, it } from 'vitest';
import { checkIntegrity, datasetCounts, MAX_QUOTE_CHARS } from '../../lib/dataset/integrity';
import { loadDatasetFromDir } from '../../lib/dataset/load-node';
import { parseDataset, type Dataset } from '../../lib/dataset/schema';

/** A small consistent dataset; each test breaks exactly one thing in a fresh copy. */
function fixture(): Dataset {
  return {
    schemaVersion: 1,
    version: '1.0.0',
    asOf: '2023-06-06',
    title: 'Integrity fixture',
    method: 'Hand-written records for the integrity tests.',
    changelog: [{ version: '1.0.0', date: '2023-06-07', summary: 'Fixture.' }],
    sources: [
      { id: 'src-ngo', publisher: 'Fixture NGO', title: 'Fixture report', date: '2022-09', url: 'https://example.org/report', kind: 'report', language: 'en' },
      { id: 'src-news', publisher: 'Fixture Times', title: 'Ministry orders office shut', date: '2022-10-26', url: 'http://example.com/news', kind: 'news', language: 'en' },
    ],
    reports: [
      { id: 'R-FIX', title: 'Fixture report', publisher: 'Fixture NGO', date: '2022-09-12', figures: { stations: 2, countries: 2 }, summary: 'Lists two sites.', sourceIds: ['src-ngo'] },
    ],
    stations: [
      {
        id: 'ST-IE-DUBLIN',
        city: 'Dublin',
        country: 'Ireland',
        countryCode: 'IE',
        address: null,
        jurisdiction: 'Fuzhou',
        firstReported: { date: '2022-09-12', reportId: 'R-FIX' },
        statusHistory: [
          { date: '2022-09-12', status: 'reported', summary: 'Listed by the NGO.', sourceIds: ['src-ngo'] },
          { date: '2022-10', status: 'ordered-closed', summary: 'Ministry ordered it shut.', sourceIds: ['src-news'] },
          { date: '2022-10-26', status: 'reported-closed', summary: 'Embassy said it stopped.', sourceIds: ['src-news'] },
        ],
        summary: 'An office named in the report.',
        sourceIds: ['src-ngo', 'src-news'],
      },
      {
        id: 'ST-NL-AMSTERDAM',
        city: 'Amsterdam',
        country: 'Netherlands',
        countryCode: 'NL',
        address: null,
        jurisdiction: null,
        firstReported: { date: null, reportId: null },
        statusHistory: [{ date: null, status: 'reported', summary: 'Reported by media.', sourceIds: ['src-news'] }],
        summary: 'A second site.',
        sourceIds: ['src-news'],
      },
    ],
    responses: [
      {
        id: 'GR-IE-20221026',
        country: 'Ireland',
        countryCode: 'IE',
        date: '2022-10-26',
        actor: 'Department of Foreign Affairs',
        action: 'closure',
        summary: 'Told the embassy the office must close.',
        quote: { text: 'The office should close.', speaker: 'Department of Foreign Affairs', lang: 'en' },
        stationIds: ['ST-IE-DUBLIN'],
        claimIds: ['C01'],
        sourceIds: ['src-news'],
      },
    ],
    denials: [
      {
        id: 'DN-01',
        speaker: 'MFA spokesperson',
        role: 'Spokesperson, Ministry of Foreign Affairs of the PRC',
        date: '2022-10-26',
        position: 'Says these are service centres, not police stations.',
        quote: { text: 'The allegation is untrue.', speaker: 'MFA spokesperson', lang: 'en' },
        claimIds: ['C01'],
        stationIds: [],
        sourceIds: ['src-news'],
      },
    ],
    claims: [
      {
        id: 'C01',
        text: 'China runs police stations abroad.',
        phrasings: { en: ['China has secret police stations overseas'] },
        status: 'reported',
        statusDate: null,
        context: 'NGO count; China denies.',
        numbers: [],
        entities: [],
        denialIds: ['DN-01'],
        stationIds: ['ST-IE-DUBLIN'],
        sourceIds: ['src-ngo'],
      },
      {
        id: 'C02',
        text: 'Ireland shut the Dublin station.',
        phrasings: {},
        status: 'confirmed-by-authorities',
        statusDate: '2022-10-26',
        context: 'Order to close; embassy said it stopped.',
        numbers: [],
        entities: ['Dublin'],
        denialIds: [],
        stationIds: ['ST-IE-DUBLIN'],
        sourceIds: ['src-news'],
      },
    ],
    terms: [
      { text: 'overseas police station', lang: 'en', kind: 'topic', refs: ['C01'] },
      { text: 'Capel Street', lang: 'en', kind: 'station', refs: ['ST-IE-DUBLIN'] },
    ],
  };
}

function problemsAfter(mutate: (ds: Dataset) => void): string[] {
  const ds = fixture();
  mutate(ds);
  return checkIntegrity(ds);
}

// Non-null access for fixture records we know exist.
function at<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`fixture has no item ${index}`);
  return item;
}

describe('checkIntegrity', () => {
  it('finds nothing wrong in a consistent dataset that also passes the schema', () => {
    const ds = fixture();
    expect(() => parseDataset(ds)).not.toThrow();
    expect(checkIntegrity(ds)).toEqual([]);
  });

  it('reports an id used by two records of different kinds', () => {
    const problems = problemsAfter((ds) => {
      at(ds.stations, 1).id = 'C02';
    });
    expect(problems).toContainEqual(expect.stringMatching(/duplicate id "C02".*(station, claim|claim, station)/));
  });

  it('reports an id used twice within one kind', () => {
    const problems = problemsAfter((ds) => {
      ds.sources.push({ ...at(ds.sources, 0) });
    });
    expect(problems).toEqual(['duplicate id "src-ngo" used by 2 records (source, source)']);
  });

  it('reports a source id that does not exist, wherever it is cited', () => {
    const problems = problemsAfter((ds) => {
      at(at(ds.stations, 0).statusHistory, 1).sourceIds = ['src-missing'];
      at(ds.responses, 0).sourceIds.push('src-gone');
    });
    expect(problems).toEqual([
      'station ST-IE-DUBLIN statusHistory[1]: sourceIds names unknown source "src-missing"',
      'response GR-IE-20221026: sourceIds names unknown source "src-gone"',
    ]);
  });

  it('reports dangling report, station, claim, denial and term references', () => {
    const problems = problemsAfter((ds) => {
      at(ds.stations, 1).firstReported.reportId = 'R-NONE';
      at(ds.responses, 0).stationIds = ['ST-XX-NOWHERE'];
      at(ds.denials, 0).stationIds = ['ST-YY-NOWHERE'];
      at(ds.claims, 1).stationIds.push('ST-ZZ-NOWHERE');
      at(ds.terms, 1).refs = ['ST-GONE'];
    });
    expect(problems).toEqual([
      'station ST-NL-AMSTERDAM: firstReported.reportId names unknown report "R-NONE"',
      'response GR-IE-20221026: stationIds names unknown station "ST-XX-NOWHERE"',
      'denial DN-01: stationIds names unknown station "ST-YY-NOWHERE"',
      'claim C02: stationIds names unknown station "ST-ZZ-NOWHERE"',
      'term[1] "Capel Street" (en): refs names unknown record "ST-GONE"',
    ]);
  });

  it('reports a reference to a record of the wrong kind', () => {
    const problems = problemsAfter((ds) => {
      at(ds.responses, 0).claimIds = ['ST-IE-DUBLIN'];
    });
    expect(problems).toEqual(['response GR-IE-20221026: claimIds names "ST-IE-DUBLIN", which is a station, not a claim']);
  });

  it('reports a record or status entry that cites no source', () => {
    const problems = problemsAfter((ds) => {
      at(ds.reports, 0).sourceIds = [];
      at(at(ds.stations, 1).statusHistory, 0).sourceIds = [];
    });
    expect(problems).toEqual([
      'report R-FIX: cites no source',
      'station ST-NL-AMSTERDAM statusHistory[0]: cites no source',
    ]);
  });

  it('rejects source URLs that are not http(s)', () => {
    const problems = problemsAfter((ds) => {
      at(ds.sources, 0).url = 'javascript:alert(1)';
      at(ds.sources, 1).url = 'ftp://example.com/file';
    });
    expect(problems).toEqual([
      'source src-ngo: url "javascript:alert(1)" is not an http(s) URL',
      'source src-news: url "ftp://example.com/file" is not an http(s) URL',
    ]);
  });

  it('rejects dates that are not real calendar dates but accepts partial ones', () => {
    const problems = problemsAfter((ds) => {
      at(ds.sources, 0).date = '2023-02-29';
      at(ds.reports, 0).date = '2022-13';
      at(ds.claims, 1).statusDate = '26/10/2022';
      at(ds.responses, 0).date = '2024-02-29';
      at(ds.denials, 0).date = '2022';
      ds.asOf = '2023-04-31';
    });
    expect(problems).toEqual([
      'meta: asOf "2023-04-31" is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)',
      'source src-ngo: date "2023-02-29" is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)',
      'report R-FIX: date "2022-13" is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)',
      'claim C02: statusDate "26/10/2022" is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)',
    ]);
  });

  it('reports a denial that answers no claim', () => {
    const problems = problemsAfter((ds) => {
      at(ds.denials, 0).claimIds = [];
      at(ds.claims, 0).denialIds = [];
    });
    expect(problems).toEqual(['denial DN-01: answers no claim (claimIds is empty)']);
  });

  it('reports claim.denialIds that disagree with the denials naming the claim, both ways', () => {
    const missing = problemsAfter((ds) => {
      at(ds.claims, 0).denialIds = [];
    });
    expect(missing).toEqual(['claim C01: denialIds lacks DN-01, which name this claim in their claimIds']);

    const extra = problemsAfter((ds) => {
      at(ds.claims, 1).denialIds = ['DN-01'];
    });
    expect(extra).toEqual(['claim C02: denialIds lists DN-01, whose claimIds do not name this claim']);
  });

  it('reports a status history that is not oldest first', () => {
    const problems = problemsAfter((ds) => {
      at(ds.stations, 0).statusHistory.reverse();
    });
    // "2022-10" overlaps 2022-10-26, so only the September entry is certainly out of order.
    expect(problems).toEqual([
      'station ST-IE-DUBLIN statusHistory[2]: date 2022-09-12 is earlier than a previous entry (2022-10-26); keep the history oldest first',
    ]);
  });

  it('accepts a year-only entry after a full date in the same year', () => {
    const problems = problemsAfter((ds) => {
      at(ds.stations, 0).statusHistory.push({ date: '2022', status: 'no-evidence-found', summary: 'Later finding.', sourceIds: ['src-news'] });
    });
    expect(problems).toEqual([]);
  });

  it('reports quotes that are too long or have no speaker', () => {
    const problems = problemsAfter((ds) => {
      const response = at(ds.responses, 0);
      response.quote = { text: 'x'.repeat(MAX_QUOTE_CHARS + 1), speaker: 'DFA', lang: 'en' };
      const denial = at(ds.denials, 0);
      denial.quote = { text: 'Untrue.', speaker: '  ', lang: 'en' };
    });
    expect(problems).toEqual([
      `response GR-IE-20221026: quote is ${MAX_QUOTE_CHARS + 1} characters; at most ${MAX_QUOTE_CHARS} allowed`,
      'denial DN-01: quote has no speaker',
    ]);
  });

  it('counts a quote of exactly the limit in characters, not UTF-16 units, as fine', () => {
    const problems = problemsAfter((ds) => {
      at(ds.responses, 0).quote = { text: '𠮷'.repeat(MAX_QUOTE_CHARS), speaker: 'DFA', lang: 'zh-Hans' };
    });
    expect(problems).toEqual([]);
  });
});

describe('datasetCounts', () => {
  it('counts records per kind and the countries with stations and responses', () => {
    const ds = fixture();
    ds.stations.push({ ...at(ds.stations, 0), id: 'ST-IE-DUBLIN-2' });
    const counts = datasetCounts(ds);
    expect(counts.records).toEqual({ source: 2, report: 1, station: 3, response: 1, denial: 1, claim: 2, term: 2 });
    expect(counts.stationCountries).toEqual([
      { countryCode: 'IE', country: 'Ireland', stations: 2 },
      { countryCode: 'NL', country: 'Netherlands', stations: 1 },
    ]);
    expect(counts.responseCountries).toEqual(['IE']);
  });
});

describe('the authored dataset in data/dataset', () => {
  it('passes the schema and every integrity check', () => {
    const ds = loadDatasetFromDir();
    expect(checkIntegrity(ds)).toEqual([]);
    expect(ds.stations.length).toBeGreaterThan(0);
  });
});
