/**
 * One dataset record with what is linked to it: the allegation, China's position beside it, what
 * authorities did, and citations. Shared by the in-page card, the side panel and the claim checker.
 * Every string is rendered as text; links only when http(s).
 */
import type { ComponentChildren } from 'preact';
import type { CardItem } from '@/lib/dataset/context';
import type { Denial, GovResponse, Source } from '@/lib/dataset/schema';
import { safeHttpUrl } from '@/lib/safe-url';
import { t } from '@/lib/i18n';

/** A citation: publisher, title, date and a link when the URL is http(s). */
export function Citation({ source }: { source: Source }) {
  const href = safeHttpUrl(source.url);
  return (
    <li class="sw-citation">
      <span class="sw-publisher">{source.publisher}</span>
      {', '}
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {source.title}
        </a>
      ) : (
        <span>{source.title}</span>
      )}
      {source.date ? <span class="sw-date">{` (${source.date})`}</span> : null}
    </li>
  );
}

/** The list of sources behind some records. */
export function CitationList({ ids, sources }: { ids: readonly string[]; sources: Record<string, Source> }) {
  const unique = [...new Set(ids)].map((id) => sources[id]).filter((s): s is Source => !!s);
  if (unique.length === 0) return null;
  return (
    <details class="sw-sources">
      <summary>{t('sourcesCount', unique.length)}</summary>
      <ul>
        {unique.map((s) => (
          <Citation key={s.id} source={s} />
        ))}
      </ul>
    </details>
  );
}

/** A status chip; its colour and its words both carry the meaning. */
export function StatusChip({ status, date }: { status: string; date?: string | null }) {
  return (
    <span class={`sw-status sw-status-${status}`}>
      {t(`status_${status.replace(/-/g, '_')}`)}
      {date ? ` · ${date}` : ''}
    </span>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="sw-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function DenialList({ denials }: { denials: Denial[] }) {
  if (denials.length === 0) return <p class="sw-muted">{t('noChinaStatement')}</p>;
  return (
    <ul class="sw-denials">
      {denials.map((d) => (
        <li key={d.id}>
          <div class="sw-meta">
            {d.speaker}, {d.role}
            {d.date ? ` · ${d.date}` : ''}
          </div>
          <p>{d.position}</p>
          {d.quote ? (
            <blockquote lang={d.quote.lang}>
              “{d.quote.text}”{d.quote.translated ? ` ${t('translatedMark')}` : ''}
            </blockquote>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ResponseList({ responses }: { responses: GovResponse[] }) {
  if (responses.length === 0) return <p class="sw-muted">{t('noAuthorityAction')}</p>;
  return (
    <ul class="sw-responses">
      {responses.map((r) => (
        <li key={r.id}>
          <div class="sw-meta">
            {r.country} · {r.actor}
            {r.date ? ` · ${r.date}` : ''} · {t(`action_${r.action.replace(/-/g, '_')}`)}
            {r.unconfirmed ? ` · ${t('unconfirmed')}` : ''}
          </div>
          <p>{r.summary}</p>
          {r.quote ? (
            <blockquote lang={r.quote.lang}>
              “{r.quote.text}” — {r.quote.speaker}
            </blockquote>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** China's position beside what authorities did: the two are never shown apart. */
function SideBySide({ denials, responses }: { denials: Denial[]; responses: GovResponse[] }) {
  return (
    <div class="sw-sides">
      <Section title={t('chinaSays')}>
        <DenialList denials={denials} />
      </Section>
      <Section title={t('authoritiesDid')}>
        <ResponseList responses={responses} />
      </Section>
    </div>
  );
}

/** Sources cited anywhere in an item. */
export function sourceIdsOf(item: CardItem): string[] {
  switch (item.kind) {
    case 'claim':
      return [...item.claim.sourceIds, ...item.denials.flatMap((d) => d.sourceIds), ...item.responses.flatMap((r) => r.sourceIds)];
    case 'station':
      return [
        ...item.station.sourceIds,
        ...item.station.statusHistory.flatMap((s) => s.sourceIds),
        ...item.denials.flatMap((d) => d.sourceIds),
        ...item.responses.flatMap((r) => r.sourceIds),
      ];
    case 'report':
      return item.report.sourceIds;
    case 'response':
      return item.response.sourceIds;
    case 'denial':
      return item.denial.sourceIds;
  }
}

/** The body of a card for one record, with the allegation and China's position side by side. */
export function RecordView({ item, sources, headingId }: { item: CardItem; sources: Record<string, Source>; headingId?: string }) {
  switch (item.kind) {
    case 'claim': {
      const c = item.claim;
      return (
        <article class="sw-record" data-record-id={c.id}>
          <h2 id={headingId}>{t('claimHeading')}</h2>
          <p class="sw-claim-text">{c.text}</p>
          <StatusChip status={c.status} date={c.statusDate} />
          <p class="sw-context">{c.context}</p>
          <SideBySide denials={item.denials} responses={item.responses} />
          <CitationList ids={sourceIdsOf(item)} sources={sources} />
        </article>
      );
    }
    case 'station': {
      const s = item.station;
      const latest = s.statusHistory[s.statusHistory.length - 1]!;
      return (
        <article class="sw-record" data-record-id={s.id}>
          <h2 id={headingId}>{t('stationHeading', s.city, s.country)}</h2>
          <StatusChip status={`station-${latest.status}`} date={latest.date} />
          <p class="sw-context">{s.summary}</p>
          <dl class="sw-facts">
            {s.jurisdiction ? (
              <>
                <dt>{t('jurisdiction')}</dt>
                <dd>{s.jurisdiction}</dd>
              </>
            ) : null}
            <dt>{t('firstReported')}</dt>
            <dd>
              {s.firstReported.date ?? t('unknownDate')}
              {item.report ? ` · ${item.report.title}` : ''}
            </dd>
            {s.address ? (
              <>
                <dt>{t('address')}</dt>
                <dd>{s.address}</dd>
              </>
            ) : null}
          </dl>
          {s.disputed ? <p class="sw-disputed">{t('disputedNote', s.disputed)}</p> : null}
          <Section title={t('statusHistory')}>
            <ol class="sw-timeline">
              {s.statusHistory.map((h, i) => (
                <li key={i}>
                  <span class="sw-meta">{h.date ?? t('unknownDate')}</span> — {h.summary}
                </li>
              ))}
            </ol>
          </Section>
          <SideBySide denials={item.denials} responses={item.responses} />
          <CitationList ids={sourceIdsOf(item)} sources={sources} />
        </article>
      );
    }
    case 'report': {
      const r = item.report;
      return (
        <article class="sw-record" data-record-id={r.id}>
          <h2 id={headingId}>{r.title}</h2>
          <div class="sw-meta">
            {r.publisher}
            {r.date ? ` · ${r.date}` : ''}
          </div>
          <p class="sw-context">{r.summary}</p>
          {r.figures.stations !== null || r.figures.countries !== null ? (
            <p>{t('reportFigures', r.figures.stations ?? '?', r.figures.countries ?? '?')}</p>
          ) : null}
          {r.figures.note ? <p class="sw-muted">{r.figures.note}</p> : null}
          <CitationList ids={sourceIdsOf(item)} sources={sources} />
        </article>
      );
    }
    case 'response': {
      return (
        <article class="sw-record" data-record-id={item.response.id}>
          <h2 id={headingId}>{t('authoritiesDid')}</h2>
          <ResponseList responses={[item.response]} />
          <CitationList ids={sourceIdsOf(item)} sources={sources} />
        </article>
      );
    }
    case 'denial': {
      return (
        <article class="sw-record" data-record-id={item.denial.id}>
          <h2 id={headingId}>{t('chinaSays')}</h2>
          <DenialList denials={[item.denial]} />
          <CitationList ids={sourceIdsOf(item)} sources={sources} />
        </article>
      );
    }
  }
}
