/** A fact-checker's annotation as readers see it: verdict, note, citations, linked claim, author and date. */
import type { Annotation } from '@/lib/annotation/model';
import { safeHttpUrl } from '@/lib/safe-url';
import { t } from '@/lib/i18n';
import { NoteView } from './NoteView';

export function VerdictChip({ verdict }: { verdict: Annotation['verdict'] }) {
  const key = verdict ?? 'none';
  return <span class={`sw-status sw-verdict-${key}`}>{verdict ? t(`verdict_${verdict.replace(/-/g, '_')}`) : t('verdict_none')}</span>;
}

export function AnnotationBody({ annotation }: { annotation: Annotation }) {
  return (
    <>
      <VerdictChip verdict={annotation.verdict} />
      <blockquote class="sw-quote">{annotation.selectors.quote.exact}</blockquote>
      {annotation.note ? <NoteView note={annotation.note} format={annotation.noteFormat} /> : null}
      {annotation.claimId ? <p class="sw-meta">{t('annotationClaim', annotation.claimId)}</p> : null}
      {annotation.citations.length ? (
        <ul class="sw-citations">
          {annotation.citations.map((c, i) => {
            const href = safeHttpUrl(c.url);
            return (
              <li key={i}>
                {href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                    {c.title || c.url}
                  </a>
                ) : (
                  <span>{c.title || c.url}</span>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {annotation.tags.length ? <p class="sw-meta">{t('annotationTags', annotation.tags.join(', '))}</p> : null}
      <p class="sw-meta">
        {annotation.author.name || t('annotationNoAuthor')}
        {annotation.author.organisation ? ` · ${annotation.author.organisation}` : ''} · {annotation.modified.slice(0, 10)}
      </p>
    </>
  );
}
