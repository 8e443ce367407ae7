/**
 * The database: the dataset installs in one transaction (a failure keeps the previous data), every
 * earlier schema version opens under the current one with its data intact and a backup written
 * first, and annotations are stored, filtered and restored as a fact-checker expects.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { DB_VERSIONS, StationwatchDb, installDataset, readInstalledDataset } from '../../lib/db';
import { annotatedPages, annotationsForPage, deleteAnnotation, putAnnotations, queryAnnotations, saveAnnotation } from '../../lib/annotation/store';
import { makeBackup, parseBackup } from '../../lib/annotation/backup';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import type { Annotation } from '../../lib/annotation/model';
import { fixtureDataset } from './feed-fixture';

let names: string[] = [];
const freshName = () => {
  const name = `sw-test-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
};
afterEach(async () => {
  for (const name of names) await Dexie.delete(name);
  names = [];
});

function annotation(over: Partial<Annotation> = {}): Annotation {
  return {
    id: `urn:uuid:${crypto.randomUUID()}`,
    pageUrl: 'https://news.example/story#comments',
    pageTitle: 'A story',
    created: '2025-03-01T10:00:00.000Z',
    modified: '2025-03-01T10:00:00.000Z',
    verdict: 'misleading',
    note: 'The figure is from 2022.',
    noteFormat: 'text',
    citations: [{ url: 'https://example.org/source' }],
    tags: ['figures'],
    author: { name: 'Checker' },
    selectors: { quote: { exact: 'more than 100 stations', prefix: 'runs ', suffix: ' in 53' }, position: { start: 10, end: 32 } },
    pageTextHash: 'fnv1a64:0123456789abcdef',
    ...over,
  };
}

describe('dataset install', () => {
  it('installs a dataset and reads back the same document', async () => {
    const db = new StationwatchDb(freshName());
    const ds = fixtureDataset('1.0.0');
    await installDataset(db, ds, 'bundled');
    const read = await readInstalledDataset(db);
    // Records come back keyed by id (their order carries no meaning); terms keep their order.
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    const normal = (d: typeof ds) => ({ ...d, sources: byId(d.sources), reports: byId(d.reports), stations: byId(d.stations), responses: byId(d.responses), denials: byId(d.denials), claims: byId(d.claims) });
    expect(normal(read!.dataset)).toEqual(normal(ds));
    expect(read?.meta.origin).toBe('bundled');
    db.close();
  });

  it('keeps the previous data when an install fails half-way', async () => {
    const db = new StationwatchDb(freshName());
    const good = fixtureDataset('1.0.0');
    await installDataset(db, good, 'bundled');
    const broken = fixtureDataset('2.0.0');
    // Two claims with one id: the bulk add fails inside the transaction.
    broken.claims = [...broken.claims, { ...broken.claims[0]! }];
    await expect(installDataset(db, broken, 'feed')).rejects.toThrow();
    const read = await readInstalledDataset(db);
    expect(read?.dataset.version).toBe('1.0.0');
    expect(read?.dataset.claims).toEqual(good.claims);
    db.close();
  });
});

describe('schema versions', () => {
  const latest = Math.max(...Object.keys(DB_VERSIONS).map(Number));

  for (let version = 1; version < latest; version++) {
    it(`opens a database written by schema v${version}: data intact, backup written first`, async () => {
      const name = freshName();
      const old = new StationwatchDb(name, version);
      await installDataset(old, fixtureDataset('1.0.0'), 'bundled');
      const oldAnnotations = 'annotations' in old && old.tables.some((t) => t.name === 'annotations') ? [annotation()] : [];
      if (oldAnnotations.length) await old.table('annotations').bulkAdd(oldAnnotations.map((a) => ({ ...a, site: 'news.example' })));
      old.close();

      const db = new StationwatchDb(name);
      const read = await readInstalledDataset(db);
      expect(read?.dataset.version).toBe('1.0.0');
      const backups = await db.backups.toArray();
      expect(backups.length).toBeGreaterThanOrEqual(1);
      expect(backups.at(-1)!.reason).toMatch(/before upgrade to schema v\d+/);
      const payload = JSON.parse(backups.at(-1)!.payload) as Record<string, unknown[]>;
      if (oldAnnotations.length) expect(payload.annotations).toHaveLength(oldAnnotations.length);
      // The upgraded database takes annotations.
      await saveAnnotation(db, annotation());
      expect(await db.annotations.count()).toBe(oldAnnotations.length + 1);
      db.close();
    });
  }
});

describe('annotation store', () => {
  it('stores an annotation under its page without the fragment, and lists the page', async () => {
    const db = new StationwatchDb(freshName());
    const saved = await saveAnnotation(db, annotation());
    expect(saved.pageUrl).toBe('https://news.example/story');
    expect(await annotationsForPage(db, 'https://news.example/story#top')).toEqual([saved]);
    expect(await annotatedPages(db)).toEqual(['https://news.example/story']);
    db.close();
  });

  it('refuses an invalid annotation with a readable reason and stores nothing', async () => {
    const db = new StationwatchDb(freshName());
    await expect(saveAnnotation(db, { ...annotation(), verdict: 'sort-of' })).rejects.toThrow(/verdict/);
    await expect(saveAnnotation(db, { ...annotation(), citations: [{ url: 'javascript:alert(1)' }] })).rejects.toThrow(/http/);
    expect(await db.annotations.count()).toBe(0);
    db.close();
  });

  it('filters by verdict, tag, site, date and text', async () => {
    const db = new StationwatchDb(freshName());
    await saveAnnotation(db, annotation({ verdict: 'false', tags: ['dublin'], note: 'Capel Street was closed' }));
    await saveAnnotation(db, annotation({ pageUrl: 'https://other.example/a', created: '2024-01-05T00:00:00Z', modified: '2024-01-05T00:00:00Z' }));
    expect(await queryAnnotations(db, { verdict: 'false' })).toHaveLength(1);
    expect(await queryAnnotations(db, { tag: 'dublin' })).toHaveLength(1);
    expect(await queryAnnotations(db, { site: 'other.example' })).toHaveLength(1);
    expect(await queryAnnotations(db, { from: '2025-01-01' })).toHaveLength(1);
    expect(await queryAnnotations(db, { text: 'capel' })).toHaveLength(1);
    expect(await queryAnnotations(db, {})).toHaveLength(2);
    db.close();
  });

  it('deletes and gives back the deleted annotation for undo', async () => {
    const db = new StationwatchDb(freshName());
    const saved = await saveAnnotation(db, annotation());
    const deleted = await deleteAnnotation(db, saved.id);
    expect(deleted).toEqual(saved);
    expect(await db.annotations.count()).toBe(0);
    await saveAnnotation(db, deleted);
    expect(await annotationsForPage(db, saved.pageUrl)).toEqual([saved]);
    db.close();
  });

  it('imports many at once, replacing by id', async () => {
    const db = new StationwatchDb(freshName());
    const a = await saveAnnotation(db, annotation());
    await putAnnotations(db, [{ ...a, note: 'updated' }, annotation({ pageUrl: 'https://news.example/b' })]);
    expect(await db.annotations.count()).toBe(2);
    expect((await db.annotations.get(a.id))?.note).toBe('updated');
    db.close();
  });
});

describe('backup', () => {
  it('round-trips settings and annotations', () => {
    const backup = makeBackup({ ...DEFAULT_SETTINGS, discreet: true }, [annotation()]);
    expect(parseBackup(JSON.parse(JSON.stringify(backup)))).toEqual(backup);
  });

  it('rejects a partly bad backup as a whole, naming the problem', () => {
    const backup = makeBackup(DEFAULT_SETTINGS, [annotation(), { ...annotation(), verdict: 'nope' } as never]);
    expect(() => parseBackup(backup)).toThrow(/nothing changed.*annotation 2/);
    expect(() => parseBackup({ format: 'something-else' })).toThrow(/not a Stationwatch backup/);
    expect(() => parseBackup([])).toThrow(/not a Stationwatch backup/);
  });
});
