/**
 * Referential and editorial checks the valibot schema cannot express: ids unique across kinds,
 * every reference resolves to a record of the right kind, every record is sourced, dates are real
 * calendar dates and station histories run forward, quotes stay short and attributed, and claims
 * list exactly the denials that answer them. Pure: runs in Node (check:data, tests) and the extension.
 */
import type { Dataset, RecordKind } from './schema';

/** A quote longer than this is no longer a "short statement" (same cap as the schema's QuoteSchema). */
export const MAX_QUOTE_CHARS = 300;

const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

interface DateRange {
  /** Earliest day the (possibly partial) date can mean, as YYYYMMDD. */
  first: number;
  /** Latest day it can mean, as YYYYMMDD. */
  last: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses YYYY, YYYY-MM or YYYY-MM-DD into the span of days it covers; null when not a real date. */
function dateRange(value: string): DateRange | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  if (m[2] === undefined) return { first: year * 10000 + 101, last: year * 10000 + 1231 };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const maxDay = daysInMonth(year, month);
  const base = year * 10000 + month * 100;
  if (m[3] === undefined) return { first: base + 1, last: base + maxDay };
  const day = Number(m[3]);
  if (day < 1 || day > maxDay) return null;
  return { first: base + day, last: base + day };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Every problem in the dataset as one readable line each; an empty list means the data is consistent. */
export function checkIntegrity(ds: Dataset): string[] {
  const problems: string[] = [];
  const kindsById = new Map<string, RecordKind[]>();

  const register = (kind: RecordKind, id: string) => {
    const kinds = kindsById.get(id);
    if (kinds) kinds.push(kind);
    else kindsById.set(id, [kind]);
  };
  for (const r of ds.sources) register('source', r.id);
  for (const r of ds.reports) register('report', r.id);
  for (const r of ds.stations) register('station', r.id);
  for (const r of ds.responses) register('response', r.id);
  for (const r of ds.denials) register('denial', r.id);
  for (const r of ds.claims) register('claim', r.id);

  for (const [id, kinds] of kindsById) {
    if (kinds.length > 1) problems.push(`duplicate id "${id}" used by ${kinds.length} records (${kinds.join(', ')})`);
  }

  // A reference must name a record of the expected kind, not merely some id.
  const expectKind = (where: string, field: string, ids: readonly string[], kind: RecordKind | 'any') => {
    for (const id of ids) {
      const kinds = kindsById.get(id);
      if (!kinds) problems.push(`${where}: ${field} names unknown ${kind === 'any' ? 'record' : kind} "${id}"`);
      else if (kind !== 'any' && !kinds.includes(kind)) {
        problems.push(`${where}: ${field} names "${id}", which is a ${kinds.join('/')}, not a ${kind}`);
      }
    }
  };
  const expectSources = (where: string, ids: readonly string[]) => {
    if (ids.length === 0) problems.push(`${where}: cites no source`);
    expectKind(where, 'sourceIds', ids, 'source');
  };
  const checkDate = (where: string, field: string, value: string | null) => {
    if (value !== null && !dateRange(value)) {
      problems.push(`${where}: ${field} "${value}" is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)`);
    }
  };
  const checkQuote = (where: string, quote: { text: string; speaker: string } | undefined) => {
    if (!quote) return;
    const length = [...quote.text].length;
    if (length > MAX_QUOTE_CHARS) problems.push(`${where}: quote is ${length} characters; at most ${MAX_QUOTE_CHARS} allowed`);
    if (quote.text.trim() === '') problems.push(`${where}: quote is empty`);
    if (quote.speaker.trim() === '') problems.push(`${where}: quote has no speaker`);
  };
  const findRepeats = (where: string, field: string, ids: readonly string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) problems.push(`${where}: ${field} lists "${id}" twice`);
      seen.add(id);
    }
  };

  checkDate('meta', 'asOf', ds.asOf);
  ds.changelog.forEach((entry, i) => checkDate(`meta changelog[${i}]`, 'date', entry.date));

  for (const s of ds.sources) {
    const where = `source ${s.id}`;
    if (!isHttpUrl(s.url)) problems.push(`${where}: url "${s.url}" is not an http(s) URL`);
    checkDate(where, 'date', s.date);
  }

  for (const r of ds.reports) {
    const where = `report ${r.id}`;
    checkDate(where, 'date', r.date);
    expectSources(where, r.sourceIds);
  }

  for (const st of ds.stations) {
    const where = `station ${st.id}`;
    expectSources(where, st.sourceIds);
    checkDate(where, 'firstReported.date', st.firstReported.date);
    if (st.firstReported.reportId !== null) {
      expectKind(where, 'firstReported.reportId', [st.firstReported.reportId], 'report');
    }
    if (st.statusHistory.length === 0) problems.push(`${where}: statusHistory is empty`);
    // Partial dates overlap ("2023" vs "2023-06-06"); an entry is out of order only if it must
    // lie before the start of an earlier one.
    let latestStart: { first: number; value: string } | null = null;
    for (const [i, entry] of st.statusHistory.entries()) {
      const at = `${where} statusHistory[${i}]`;
      expectSources(at, entry.sourceIds);
      if (entry.date === null) continue;
      const range = dateRange(entry.date);
      if (!range) {
        checkDate(at, 'date', entry.date);
        continue;
      }
      if (latestStart && range.last < latestStart.first) {
        problems.push(`${at}: date ${entry.date} is earlier than a previous entry (${latestStart.value}); keep the history oldest first`);
      }
      if (!latestStart || range.first > latestStart.first) latestStart = { first: range.first, value: entry.date };
    }
  }

  for (const r of ds.responses) {
    const where = `response ${r.id}`;
    checkDate(where, 'date', r.date);
    expectSources(where, r.sourceIds);
    expectKind(where, 'stationIds', r.stationIds, 'station');
    expectKind(where, 'claimIds', r.claimIds, 'claim');
    findRepeats(where, 'stationIds', r.stationIds);
    findRepeats(where, 'claimIds', r.claimIds);
    checkQuote(where, r.quote);
  }

  const denialsByClaim = new Map<string, Set<string>>();
  for (const d of ds.denials) {
    const where = `denial ${d.id}`;
    checkDate(where, 'date', d.date);
    expectSources(where, d.sourceIds);
    expectKind(where, 'stationIds', d.stationIds, 'station');
    expectKind(where, 'claimIds', d.claimIds, 'claim');
    findRepeats(where, 'claimIds', d.claimIds);
    if (d.claimIds.length === 0) problems.push(`${where}: answers no claim (claimIds is empty)`);
    checkQuote(where, d.quote);
    for (const claimId of d.claimIds) {
      const set = denialsByClaim.get(claimId);
      if (set) set.add(d.id);
      else denialsByClaim.set(claimId, new Set([d.id]));
    }
  }

  for (const c of ds.claims) {
    const where = `claim ${c.id}`;
    checkDate(where, 'statusDate', c.statusDate);
    expectSources(where, c.sourceIds);
    expectKind(where, 'stationIds', c.stationIds, 'station');
    expectKind(where, 'denialIds', c.denialIds, 'denial');
    findRepeats(where, 'denialIds', c.denialIds);
    // Both directions are authored by hand and drift apart; the context card reads claim.denialIds.
    const answering = denialsByClaim.get(c.id) ?? new Set<string>();
    const listed = new Set(c.denialIds);
    const missing = [...answering].filter((id) => !listed.has(id));
    const extra = [...listed].filter((id) => !answering.has(id) && kindsById.get(id)?.includes('denial'));
    if (missing.length) problems.push(`${where}: denialIds lacks ${missing.join(', ')}, which name this claim in their claimIds`);
    if (extra.length) problems.push(`${where}: denialIds lists ${extra.join(', ')}, whose claimIds do not name this claim`);
  }

  ds.terms.forEach((t, i) => expectKind(`term[${i}] "${t.text}" (${t.lang})`, 'refs', t.refs, 'any'));

  return problems;
}

export interface DatasetCounts {
  records: Record<RecordKind | 'term', number>;
  /** Countries with at least one station record, by ISO code, with how many records each. */
  stationCountries: Array<{ countryCode: string; country: string; stations: number }>;
  /** ISO codes of the countries (and the EU) with at least one government response. */
  responseCountries: string[];
}

/** Records per kind and the countries the stations and responses cover, for reports and the check script. */
export function datasetCounts(ds: Dataset): DatasetCounts {
  const byCountry = new Map<string, { countryCode: string; country: string; stations: number }>();
  for (const st of ds.stations) {
    const entry = byCountry.get(st.countryCode);
    if (entry) entry.stations += 1;
    else byCountry.set(st.countryCode, { countryCode: st.countryCode, country: st.country, stations: 1 });
  }
  return {
    records: {
      source: ds.sources.length,
      report: ds.reports.length,
      station: ds.stations.length,
      response: ds.responses.length,
      denial: ds.denials.length,
      claim: ds.claims.length,
      term: ds.terms.length,
    },
    stationCountries: [...byCountry.values()].sort((a, b) => a.country.localeCompare(b.country, 'en')),
    responseCountries: [...new Set(ds.responses.map((r) => r.countryCode))].sort(),
  };
}
