/**
 * The extension's database (background and extension pages only: IndexedDB opened from a content
 * script would belong to the website).
 */
import Dexie, { type Table } from 'dexie';
import type { Claim, Dataset, Denial, GovResponse, Report, Source, Station, Term } from './dataset/schema';
import type { Annotation } from './annotation/model';
import { siteOf } from './annotation/page-url';

export const DB_NAME = 'stationwatch';

/** One row per installed dataset document; `slot` is always 'current'. */
export interface DatasetMetaRow {
  slot: 'current';
  version: string;
  asOf: string;
  title: string;
  method: string;
  changelog: Dataset['changelog'];
  installedAt: string;
  origin: 'bundled' | 'feed';
}

/** A copy of rows taken before a schema migration, so an upgrade can never lose work. */
export interface BackupRow {
  id?: number;
  createdAt: string;
  reason: string;
  /** JSON of every table that held user data. */
  payload: string;
}

/** An annotation as stored: the model plus fields indexed for the side panel's filters. */
export interface AnnotationRow extends Annotation {
  site: string;
}

/** Tables that hold the user's own work; each migration backs them up first. */
export const USER_TABLES = ['annotations'] as const;

/** Schema per version. A new version only adds to this list, with an upgrade when rows change shape. */
export const DB_VERSIONS: Record<number, Record<string, string>> = {
  1: {
    datasetMeta: '&slot',
    sources: '&id',
    reports: '&id',
    stations: '&id, countryCode',
    responses: '&id, countryCode, date',
    denials: '&id, date',
    claims: '&id, status',
    terms: '++key, lang, kind',
    backups: '++id, createdAt',
  },
  2: {
    annotations: '&id, pageUrl, site, verdict, *tags, created, modified, claimId',
  },
};

export class StationwatchDb extends Dexie {
  datasetMeta!: Table<DatasetMetaRow, string>;
  sources!: Table<Source, string>;
  reports!: Table<Report, string>;
  stations!: Table<Station, string>;
  responses!: Table<GovResponse, string>;
  denials!: Table<Denial, string>;
  claims!: Table<Claim, string>;
  terms!: Table<Term & { key?: number }, number>;
  backups!: Table<BackupRow, number>;
  annotations!: Table<AnnotationRow, string>;

  constructor(name = DB_NAME, upToVersion = Math.max(...Object.keys(DB_VERSIONS).map(Number))) {
    super(name);
    for (let version = 1; version <= upToVersion; version++) {
      const stores = DB_VERSIONS[version]!;
      const declared = this.version(version).stores(stores);
      // A copy of the user's work is written inside the upgrade transaction, before anything changes.
      if (version > 1) declared.upgrade((tx) => backupUserTables(tx, `before upgrade to schema v${version}`));
    }
  }
}

async function backupUserTables(tx: import('dexie').Transaction, reason: string): Promise<void> {
  const payload: Record<string, unknown[]> = {};
  for (const name of USER_TABLES) {
    const table = tx.db.tables.find((t) => t.name === name);
    if (table) payload[name] = await tx.table(name).toArray();
  }
  await tx.table('backups').add({ createdAt: new Date().toISOString(), reason, payload: JSON.stringify(payload) });
}

/** Adds the indexed fields of a stored annotation. */
export function toAnnotationRow(annotation: Annotation): AnnotationRow {
  return { ...annotation, site: siteOf(annotation.pageUrl) };
}

/** The annotation without storage-only fields. */
export function fromAnnotationRow(row: AnnotationRow): Annotation {
  const { site: _site, ...annotation } = row;
  return annotation;
}

const DATASET_TABLES = ['datasetMeta', 'sources', 'reports', 'stations', 'responses', 'denials', 'claims', 'terms'] as const;

/** Replaces the installed dataset in one transaction: a failure anywhere leaves the previous data intact. */
export async function installDataset(db: StationwatchDb, ds: Dataset, origin: DatasetMetaRow['origin'], now = new Date()): Promise<void> {
  await db.transaction('rw', DATASET_TABLES.map((t) => db.table(t)), async () => {
    await Promise.all(DATASET_TABLES.map((t) => db.table(t).clear()));
    await db.datasetMeta.put({
      slot: 'current',
      version: ds.version,
      asOf: ds.asOf,
      title: ds.title,
      method: ds.method,
      changelog: ds.changelog,
      installedAt: now.toISOString(),
      origin,
    });
    await db.sources.bulkAdd(ds.sources);
    await db.reports.bulkAdd(ds.reports);
    await db.stations.bulkAdd(ds.stations);
    await db.responses.bulkAdd(ds.responses);
    await db.denials.bulkAdd(ds.denials);
    await db.claims.bulkAdd(ds.claims);
    await db.terms.bulkAdd(ds.terms.map((t) => ({ ...t })));
  });
}

/** Reads the installed dataset back as one document, or null when nothing is installed. */
export async function readInstalledDataset(db: StationwatchDb): Promise<{ dataset: Dataset; meta: DatasetMetaRow } | null> {
  return db.transaction('r', DATASET_TABLES.map((t) => db.table(t)), async () => {
    const meta = await db.datasetMeta.get('current');
    if (!meta) return null;
    const [sources, reports, stations, responses, denials, claims, terms] = await Promise.all([
      db.sources.toArray(),
      db.reports.toArray(),
      db.stations.toArray(),
      db.responses.toArray(),
      db.denials.toArray(),
      db.claims.toArray(),
      db.terms.orderBy('key').toArray(),
    ]);
    const dataset: Dataset = {
      schemaVersion: 1,
      version: meta.version,
      asOf: meta.asOf,
      title: meta.title,
      method: meta.method,
      changelog: meta.changelog,
      sources,
      reports,
      stations,
      responses,
      denials,
      claims,
      terms: terms.map(({ key: _key, ...term }) => term),
    };
    return { dataset, meta };
  });
}
