/**
 * The fact-checker's editor: verdict on the fixed scale, a note (plain text or safe markdown),
 * citations (dataset sources or pasted URLs), an optional dataset claim, tags.
 * Used in the page (new annotations) and in the side panel (edits).
 */
import { useMemo, useState } from 'preact/hooks';
import { VERDICTS, type Annotation, type Citation, type NoteFormat, type Verdict } from '@/lib/annotation/model';
import { safeHttpUrl } from '@/lib/safe-url';
import { MAX_NOTE_CHARS } from '@/lib/limits';
import { t } from '@/lib/i18n';

export interface EditorOptions {
  sources: { id: string; publisher: string; title: string; date: string | null; url: string }[];
  claims: { id: string; text: string }[];
}

export interface EditorValue {
  verdict: Verdict | null;
  note: string;
  noteFormat: NoteFormat;
  citations: Citation[];
  claimId?: string;
  tags: string[];
}

/** Turns the editor's raw fields into a value, or a list of problems to show. */
export function readEditorFields(fields: {
  verdict: string;
  note: string;
  noteFormat: NoteFormat;
  sourceIds: string[];
  urls: string;
  claimId: string;
  tags: string;
  sources: EditorOptions['sources'];
}): { ok: true; value: EditorValue } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const verdict = (VERDICTS as readonly string[]).includes(fields.verdict) ? (fields.verdict as Verdict) : null;
  if (!verdict) problems.push(t('editorNeedVerdict'));
  if (fields.note.length > MAX_NOTE_CHARS) problems.push(t('editorNoteTooLong', MAX_NOTE_CHARS));
  const citations: Citation[] = [];
  for (const id of fields.sourceIds) {
    const s = fields.sources.find((x) => x.id === id);
    if (s) citations.push({ url: s.url, title: `${s.publisher}: ${s.title}`, sourceId: s.id });
  }
  for (const line of fields.urls.split(/\s+/).map((l) => l.trim()).filter(Boolean)) {
    const url = safeHttpUrl(line);
    if (!url) problems.push(t('editorBadUrl', line.slice(0, 80)));
    else if (!citations.some((c) => c.url === url)) citations.push({ url });
  }
  const tags = [...new Set(fields.tags.split(',').map((x) => x.trim()).filter(Boolean))];
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { verdict, note: fields.note, noteFormat: fields.noteFormat, citations, ...(fields.claimId ? { claimId: fields.claimId } : {}), tags } };
}

export function AnnotationEditor({
  quote,
  initial,
  options,
  onSave,
  onCancel,
  headingId,
}: {
  quote: string;
  initial?: Partial<Annotation>;
  options: EditorOptions | null;
  onSave: (value: EditorValue) => Promise<void> | void;
  onCancel: () => void;
  headingId: string;
}) {
  const [verdict, setVerdict] = useState<string>(initial?.verdict ?? '');
  const [note, setNote] = useState(initial?.note ?? '');
  const [noteFormat, setNoteFormat] = useState<NoteFormat>(initial?.noteFormat ?? 'text');
  const [sourceIds, setSourceIds] = useState<string[]>(initial?.citations?.flatMap((c) => (c.sourceId ? [c.sourceId] : [])) ?? []);
  const [urls, setUrls] = useState(initial?.citations?.filter((c) => !c.sourceId).map((c) => c.url).join('\n') ?? '');
  const [claimId, setClaimId] = useState(initial?.claimId ?? '');
  const [tags, setTags] = useState(initial?.tags?.join(', ') ?? '');
  const [sourceFilter, setSourceFilter] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  const shownSources = useMemo(() => {
    const q = sourceFilter.trim().toLowerCase();
    const all = options?.sources ?? [];
    return (q ? all.filter((s) => `${s.publisher} ${s.title}`.toLowerCase().includes(q)) : all).slice(0, 30);
  }, [options, sourceFilter]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const read = readEditorFields({ verdict, note, noteFormat, sourceIds, urls, claimId, tags, sources: options?.sources ?? [] });
    if (!read.ok) return setProblems(read.problems);
    setSaving(true);
    try {
      await onSave(read.value);
    } catch (error) {
      setProblems([(error as Error).message]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="sw-editor" onSubmit={submit} aria-labelledby={headingId}>
      <h2 id={headingId}>{initial?.id ? t('editorEditHeading') : t('editorNewHeading')}</h2>
      <blockquote class="sw-quote">{quote.length > 300 ? `${quote.slice(0, 300)}…` : quote}</blockquote>
      <fieldset class="sw-verdicts">
        <legend>{t('editorVerdict')}</legend>
        {VERDICTS.map((v) => (
          <label key={v} class="sw-verdict-option">
            <input type="radio" name="verdict" value={v} checked={verdict === v} onChange={() => setVerdict(v)} /> {t(`verdict_${v.replace(/-/g, '_')}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('editorNote')}
        <textarea name="note" rows={4} maxLength={MAX_NOTE_CHARS} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <label class="sw-inline">
        <input type="checkbox" checked={noteFormat === 'markdown'} onChange={(e) => setNoteFormat(e.currentTarget.checked ? 'markdown' : 'text')} /> {t('editorMarkdown')}
      </label>
      <fieldset>
        <legend>{t('editorCitations')}</legend>
        <label>
          {t('editorFindSource')}
          <input type="search" value={sourceFilter} onInput={(e) => setSourceFilter(e.currentTarget.value)} />
        </label>
        <div class="sw-source-picks" role="group" aria-label={t('editorDatasetSources')}>
          {shownSources.map((s) => (
            <label key={s.id} class="sw-inline">
              <input
                type="checkbox"
                checked={sourceIds.includes(s.id)}
                onChange={(e) => setSourceIds(e.currentTarget.checked ? [...sourceIds, s.id] : sourceIds.filter((x) => x !== s.id))}
              />{' '}
              {s.publisher}: {s.title}
              {s.date ? ` (${s.date})` : ''}
            </label>
          ))}
        </div>
        <label>
          {t('editorUrls')}
          <textarea name="urls" rows={2} value={urls} onInput={(e) => setUrls(e.currentTarget.value)} placeholder="https://…" />
        </label>
      </fieldset>
      <label>
        {t('editorClaim')}
        <select name="claim" value={claimId} onChange={(e) => setClaimId(e.currentTarget.value)}>
          <option value="">{t('editorNoClaim')}</option>
          {(options?.claims ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.id}: {c.text.length > 90 ? `${c.text.slice(0, 90)}…` : c.text}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('editorTags')}
        <input type="text" name="tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
      </label>
      {problems.length ? (
        <ul class="sw-error" role="alert">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div class="sw-row">
        <button type="submit" class="sw-primary" disabled={saving}>
          {t('save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
