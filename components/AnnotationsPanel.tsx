/**
 * The fact-checker's side-panel view: this page's annotations (anchored, or orphaned because the
 * page changed), all annotations with search and filters, edit, delete with undo, and exchange
 * (W3C Web Annotation JSON-LD, ClaimReview, CSV; import with a preview, merging by id).
 */
import { useEffect, useState } from 'preact/hooks';
import { sendToBackground, sendToTab } from '@/lib/messaging';
import { VERDICTS, type Annotation } from '@/lib/annotation/model';
import { exportW3C, previewW3CImport, type ImportPreview } from '@/lib/export/w3c';
import { toClaimReviews } from '@/lib/export/claim-review';
import { annotationCsvRows, toCsv } from '@/lib/export/csv';
import { t } from '@/lib/i18n';
import { AnnotationBody } from './AnnotationCard';
import { AnnotationEditor, type EditorOptions } from './AnnotationEditor';
import { download } from './download';

type Status = Record<string, { status: 'anchored' | 'orphan'; reason?: string }>;
interface Filters {
  text: string;
  verdict: string;
  tag: string;
  site: string;
  from: string;
  to: string;
}

const stamp = () => new Date().toISOString().slice(0, 10);

export function AnnotationsPanel({ tabId, pageUrl }: { tabId: number | null; pageUrl: string | null }) {
  const [pageAnnotations, setPageAnnotations] = useState<Annotation[]>([]);
  const [status, setStatus] = useState<Status>({});
  const [all, setAll] = useState<Annotation[]>([]);
  const [filters, setFilters] = useState<Filters>({ text: '', verdict: '', tag: '', site: '', from: '', to: '' });
  const [editing, setEditing] = useState<Annotation | null>(null);
  const [pickers, setPickers] = useState<EditorOptions | null>(null);
  const [message, setMessage] = useState<{ text: string; undo?: Annotation } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);

  const refresh = async () => {
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Partial<Filters>;
    setAll(await sendToBackground('annotations-query', { query }));
    if (pageUrl) setPageAnnotations(await sendToBackground('annotations-query', { query: { pageUrl } }));
    if (tabId !== null) {
      const list = (await sendToTab<{ id: string; status: 'anchored' | 'orphan'; reason?: string }[]>(tabId, 'annotation-status').catch(() => [])) ?? [];
      setStatus(Object.fromEntries(list.map((s) => [s.id, s])));
    }
  };
  useEffect(() => void refresh(), [tabId, pageUrl, filters]);
  useEffect(() => void sendToBackground('editor-pickers', {}).then(setPickers, () => undefined), []);

  const remove = async (a: Annotation) => {
    const deleted = await sendToBackground('annotation-delete', { id: a.id });
    setMessage(deleted ? { text: t('annotationDeleted'), undo: deleted } : null);
    await refresh();
  };
  const undo = async (a: Annotation) => {
    await sendToBackground('annotation-save', { annotation: a });
    setMessage(null);
    await refresh();
  };

  const onImportFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      setPreview({ ok: false, toAdd: [], toUpdate: [], unchanged: [], keptNewer: [], errors: [`${file.name}: ${(error as Error).message}`] });
      return;
    }
    const existing = await sendToBackground('annotations-query', { query: {} });
    setPreview(previewW3CImport(parsed, existing));
  };
  const confirmImport = async () => {
    if (!preview?.ok) return;
    const result = await sendToBackground('annotations-import', { annotations: [...preview.toAdd, ...preview.toUpdate] });
    setMessage({ text: t('importDone', result.added, result.replaced) });
    setPreview(null);
    await refresh();
  };

  const item = (a: Annotation, showStatus: boolean) => {
    const s = status[a.id];
    return (
      <li key={a.id} class="group" data-annotation-id={a.id}>
        {showStatus ? (
          <p class={s?.status === 'anchored' ? 'muted' : 'error'} data-testid="anchor-status">
            {s?.status === 'anchored' ? t('annotationAnchored') : t('annotationOrphan')}
          </p>
        ) : (
          <p class="muted">{a.pageTitle || a.pageUrl}</p>
        )}
        {editing?.id === a.id ? (
          <AnnotationEditor
            headingId={`edit-${a.id}`}
            quote={a.selectors.quote.exact}
            initial={a}
            options={pickers}
            onCancel={() => setEditing(null)}
            onSave={async (value) => {
              const annotation = { ...a, ...value, modified: new Date().toISOString() } as Annotation;
              if (!value.claimId) delete (annotation as Partial<Annotation>).claimId;
              await sendToBackground('annotation-save', { annotation });
              setEditing(null);
              await refresh();
            }}
          />
        ) : (
          <>
            <AnnotationBody annotation={a} />
            <div class="row">
              {showStatus && s?.status === 'anchored' && tabId !== null ? (
                <button type="button" onClick={() => void sendToTab(tabId, 'jump-annotation', { id: a.id })}>
                  {t('goTo')}
                </button>
              ) : null}
              <button type="button" onClick={() => setEditing(a)}>
                {t('edit')}
              </button>
              <button type="button" onClick={() => void remove(a)}>
                {t('delete')}
              </button>
            </div>
          </>
        )}
      </li>
    );
  };

  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const tags = [...new Set(all.flatMap((a) => a.tags))].sort();
  return (
    <div>
      {message ? (
        <p role="status" class="row">
          {message.text}
          {message.undo ? (
            <button type="button" onClick={() => void undo(message.undo!)}>
              {t('undo')}
            </button>
          ) : null}
        </p>
      ) : null}
      <h2>{t('annotationsOnPage')}</h2>
      {pageAnnotations.length === 0 ? <p class="muted">{t('noAnnotationsOnPage')}</p> : <ul class="plain">{pageAnnotations.map((a) => item(a, true))}</ul>}
      <h2>{t('allAnnotations')}</h2>
      <div class="filters">
        <label>
          {t('search')}
          <input type="search" value={filters.text} onInput={(e) => set({ text: e.currentTarget.value })} />
        </label>
        <label>
          {t('editorVerdict')}
          <select value={filters.verdict} onChange={(e) => set({ verdict: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            {VERDICTS.map((v) => (
              <option key={v} value={v}>
                {t(`verdict_${v.replace(/-/g, '_')}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tag')}
          <select value={filters.tag} onChange={(e) => set({ tag: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            {tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('site')}
          <input type="text" value={filters.site} onInput={(e) => set({ site: e.currentTarget.value.trim() })} />
        </label>
        <label>
          {t('fromDate')}
          <input type="date" value={filters.from} onInput={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('toDate')}
          <input type="date" value={filters.to} onInput={(e) => set({ to: e.currentTarget.value })} />
        </label>
      </div>
      <p class="muted" aria-live="polite" data-testid="all-count">
        {t('annotationCount', all.length)}
      </p>
      <ul class="plain">{all.map((a) => item(a, false))}</ul>
      <h2>{t('exchange')}</h2>
      <div class="row">
        <button type="button" disabled={!all.length} onClick={() => download(`stationwatch-annotations-${stamp()}.jsonld`, exportW3C(all), 'application/ld+json')}>
          {t('exportW3C')}
        </button>
        <button
          type="button"
          disabled={!all.length}
          onClick={() => download(`stationwatch-claimreview-${stamp()}.jsonld`, JSON.stringify(toClaimReviews(all).reviews, null, 2), 'application/ld+json')}
        >
          {t('exportClaimReview')}
        </button>
        <button type="button" disabled={!all.length} onClick={() => download(`stationwatch-annotations-${stamp()}.csv`, toCsv(annotationCsvRows(all)), 'text/csv')}>
          {t('exportCsv')}
        </button>
      </div>
      <label>
        {t('importW3C')}
        <input type="file" accept=".json,.jsonld,application/json,application/ld+json" data-testid="import-file" onChange={(e) => e.currentTarget.files?.[0] && void onImportFile(e.currentTarget.files[0])} />
      </label>
      {preview ? (
        <section class="group" aria-live="polite" data-testid="import-preview">
          {preview.ok ? (
            <>
              <p>{t('importPreview', preview.toAdd.length, preview.toUpdate.length, preview.unchanged.length, preview.keptNewer.length)}</p>
              <div class="row">
                <button type="button" onClick={() => void confirmImport()} disabled={!preview.toAdd.length && !preview.toUpdate.length}>
                  {t('importConfirm')}
                </button>
                <button type="button" onClick={() => setPreview(null)}>
                  {t('cancel')}
                </button>
              </div>
            </>
          ) : (
            <div role="alert" class="error">
              <p>{t('importRejected')}</p>
              <ul>
                {preview.errors.slice(0, 20).map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            </div>
          )}
        </section>
      ) : null}
    </div>
  );
}
