/**
 * Resolves record ids into what a context card shows: the record, what China says about it, what
 * authorities did, and the sources — so allegations and denials always travel together.
 */
import type { Claim, Dataset, Denial, GovResponse, Report, Source, Station } from './schema';

export type CardItem =
  | { kind: 'claim'; claim: Claim; denials: Denial[]; responses: GovResponse[]; stations: Station[] }
  | { kind: 'station'; station: Station; report: Report | null; denials: Denial[]; responses: GovResponse[]; claims: Claim[] }
  | { kind: 'report'; report: Report; claims: Claim[] }
  | { kind: 'response'; response: GovResponse; claims: Claim[] }
  | { kind: 'denial'; denial: Denial; claims: Claim[] };

export interface CardContext {
  datasetVersion: string;
  asOf: string;
  items: CardItem[];
  /** Every source cited by the items, by id. */
  sources: Record<string, Source>;
}

/** Lookup tables over a dataset, built once per dataset version. */
export interface DatasetIndex {
  ds: Dataset;
  byId: Map<string, { kind: 'claim' | 'station' | 'report' | 'response' | 'denial' | 'source'; record: unknown }>;
  responsesByStation: Map<string, GovResponse[]>;
  responsesByClaim: Map<string, GovResponse[]>;
  denialsByStation: Map<string, Denial[]>;
  claimsByStation: Map<string, Claim[]>;
}

function push<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds the id and link tables. */
export function indexDataset(ds: Dataset): DatasetIndex {
  const byId: DatasetIndex['byId'] = new Map();
  for (const record of ds.sources) byId.set(record.id, { kind: 'source', record });
  for (const record of ds.reports) byId.set(record.id, { kind: 'report', record });
  for (const record of ds.stations) byId.set(record.id, { kind: 'station', record });
  for (const record of ds.responses) byId.set(record.id, { kind: 'response', record });
  for (const record of ds.denials) byId.set(record.id, { kind: 'denial', record });
  for (const record of ds.claims) byId.set(record.id, { kind: 'claim', record });
  const responsesByStation = new Map<string, GovResponse[]>();
  const responsesByClaim = new Map<string, GovResponse[]>();
  for (const r of ds.responses) {
    for (const id of r.stationIds) push(responsesByStation, id, r);
    for (const id of r.claimIds) push(responsesByClaim, id, r);
  }
  const denialsByStation = new Map<string, Denial[]>();
  for (const d of ds.denials) for (const id of d.stationIds) push(denialsByStation, id, d);
  const claimsByStation = new Map<string, Claim[]>();
  for (const c of ds.claims) for (const id of c.stationIds) push(claimsByStation, id, c);
  return { ds, byId, responsesByStation, responsesByClaim, denialsByStation, claimsByStation };
}

function get<T>(index: DatasetIndex, id: string, kind: string): T | null {
  const hit = index.byId.get(id);
  return hit && hit.kind === kind ? (hit.record as T) : null;
}

const byDate = <T extends { date: string | null }>(a: T, b: T) => (a.date ?? '').localeCompare(b.date ?? '');

/** The card content for the given record ids (unknown ids are skipped; sources are collected). */
export function contextFor(index: DatasetIndex, ids: readonly string[]): CardContext {
  const items: CardItem[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const hit = index.byId.get(id);
    if (!hit) continue;
    switch (hit.kind) {
      case 'claim': {
        const claim = hit.record as Claim;
        items.push({
          kind: 'claim',
          claim,
          denials: claim.denialIds.map((d) => get<Denial>(index, d, 'denial')).filter((d): d is Denial => !!d).sort(byDate),
          responses: [...(index.responsesByClaim.get(claim.id) ?? [])].sort(byDate),
          stations: claim.stationIds.map((s) => get<Station>(index, s, 'station')).filter((s): s is Station => !!s),
        });
        break;
      }
      case 'station': {
        const station = hit.record as Station;
        const claims = index.claimsByStation.get(station.id) ?? [];
        const denials = new Map<string, Denial>();
        for (const d of index.denialsByStation.get(station.id) ?? []) denials.set(d.id, d);
        items.push({
          kind: 'station',
          station,
          report: station.firstReported.reportId ? get<Report>(index, station.firstReported.reportId, 'report') : null,
          denials: [...denials.values()].sort(byDate),
          responses: [...(index.responsesByStation.get(station.id) ?? [])].sort(byDate),
          claims,
        });
        break;
      }
      case 'report': {
        const report = hit.record as Report;
        items.push({ kind: 'report', report, claims: [] });
        break;
      }
      case 'response': {
        const response = hit.record as GovResponse;
        items.push({ kind: 'response', response, claims: response.claimIds.map((c) => get<Claim>(index, c, 'claim')).filter((c): c is Claim => !!c) });
        break;
      }
      case 'denial': {
        const denial = hit.record as Denial;
        items.push({ kind: 'denial', denial, claims: denial.claimIds.map((c) => get<Claim>(index, c, 'claim')).filter((c): c is Claim => !!c) });
        break;
      }
      default:
        break;
    }
  }
  const sources: Record<string, Source> = {};
  const cite = (sourceIds: readonly string[]) => {
    for (const sid of sourceIds) {
      const s = get<Source>(index, sid, 'source');
      if (s) sources[sid] = s;
    }
  };
  for (const item of items) {
    switch (item.kind) {
      case 'claim':
        cite(item.claim.sourceIds);
        item.denials.forEach((d) => cite(d.sourceIds));
        item.responses.forEach((r) => cite(r.sourceIds));
        break;
      case 'station':
        cite(item.station.sourceIds);
        item.station.statusHistory.forEach((s) => cite(s.sourceIds));
        item.denials.forEach((d) => cite(d.sourceIds));
        item.responses.forEach((r) => cite(r.sourceIds));
        if (item.report) cite(item.report.sourceIds);
        break;
      case 'report':
        cite(item.report.sourceIds);
        break;
      case 'response':
        cite(item.response.sourceIds);
        break;
      case 'denial':
        cite(item.denial.sourceIds);
        break;
    }
  }
  return { datasetVersion: index.ds.version, asOf: index.ds.asOf, items, sources };
}
