/**
 * Annotations in the extension's database, written only by the background. Every write also keeps
 * `storage.local`'s list of annotated pages current, so a content script knows without a message
 * whether its page has annotations to anchor.
 */
import type { StationwatchDb } from '../db';
import { fromAnnotationRow, toAnnotationRow } from '../db';
import { checkAnnotation, type Annotation } from './model';
import { pageKey } from './page-url';

export interface AnnotationQuery {
  text?: string;
  verdict?: string;
  tag?: string;
  site?: string;
  /** ISO dates, inclusive. */
  from?: string;
  to?: string;
  pageUrl?: string;
}

/** Validates and stores (insert or replace by id). */
export async function saveAnnotation(db: StationwatchDb, input: unknown): Promise<Annotation> {
  const checked = checkAnnotation(input);
  if (!checked.ok) throw new Error(`The annotation was not saved: ${checked.errors.slice(0, 5).join('; ')}`);
  const key = pageKey(checked.annotation.pageUrl);
  if (!key) throw new Error('The annotation was not saved: its page is not an http(s) page.');
  const annotation = { ...checked.annotation, pageUrl: key };
  await db.annotations.put(toAnnotationRow(annotation));
  return annotation;
}

/** Deletes by id; returns what was deleted so the UI can offer undo. */
export async function deleteAnnotation(db: StationwatchDb, id: string): Promise<Annotation | null> {
  return db.transaction('rw', db.annotations, async () => {
    const row = await db.annotations.get(id);
    if (!row) return null;
    await db.annotations.delete(id);
    return fromAnnotationRow(row);
  });
}

/** The annotations of one page, oldest first. */
export async function annotationsForPage(db: StationwatchDb, url: string): Promise<Annotation[]> {
  const key = pageKey(url);
  if (!key) return [];
  const rows = await db.annotations.where('pageUrl').equals(key).sortBy('created');
  return rows.map(fromAnnotationRow);
}

/** Annotations matching every given filter, newest first. */
export async function queryAnnotations(db: StationwatchDb, q: AnnotationQuery): Promise<Annotation[]> {
  const needle = q.text?.trim().toLowerCase() ?? '';
  const rows = await db.annotations.orderBy('modified').reverse().toArray();
  return rows
    .filter((r) => !q.verdict || r.verdict === q.verdict)
    .filter((r) => !q.tag || r.tags.includes(q.tag))
    .filter((r) => !q.site || r.site === q.site)
    .filter((r) => !q.pageUrl || r.pageUrl === pageKey(q.pageUrl))
    .filter((r) => !q.from || r.created.slice(0, 10) >= q.from)
    .filter((r) => !q.to || r.created.slice(0, 10) <= q.to)
    .filter(
      (r) =>
        !needle ||
        [r.note, r.selectors.quote.exact, r.pageTitle, r.pageUrl, ...r.tags].some((s) => s.toLowerCase().includes(needle)),
    )
    .map(fromAnnotationRow);
}

/** Every distinct page that has annotations (the content script's cheap "anything here?" check). */
export async function annotatedPages(db: StationwatchDb): Promise<string[]> {
  return (await db.annotations.orderBy('pageUrl').uniqueKeys()) as string[];
}

/** Adds and replaces annotations in one transaction: all or nothing. */
export async function putAnnotations(db: StationwatchDb, annotations: Annotation[]): Promise<void> {
  await db.transaction('rw', db.annotations, async () => {
    await db.annotations.bulkPut(annotations.map((a) => toAnnotationRow({ ...a, pageUrl: pageKey(a.pageUrl) ?? a.pageUrl })));
  });
}
