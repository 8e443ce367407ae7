/**
 * The moderators' claim checker: pasted text is split into sentences, and each sentence shows the
 * known claims it repeats (score, status, why it matched, then the claim's context, China's
 * position and sources) or "No known claim" below the calibrated threshold. Runs on this device;
 * the text goes nowhere. Used by the checker page and the side panel's "Check claims" tab.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { StationwatchDb, readInstalledDataset } from '@/lib/db';
import { buildClaimIndex, checkText, CLAIM_MATCH_THRESHOLD, type ClaimIndex, type ClaimMatch, type SentenceCheck } from '@/lib/match/claim-match';
import { contextFor, indexDataset, type DatasetIndex } from '@/lib/dataset/context';
import type { Dataset } from '@/lib/dataset/schema';
import { sendToBackground } from '@/lib/messaging';
import { RecordView, StatusChip } from './RecordView';
import { t } from '@/lib/i18n';
import './checker-styles.css';

/** Longest text checked at once; longer text belongs in a file for the batch checker. */
export const CHECKER_MAX_CHARS = 100_000;

/** The installed dataset with the lookups the checkers need; the claim index is built on first use. */
export interface CheckerData {
  dataset: Dataset;
  records: DatasetIndex;
  claimIndex(): ClaimIndex;
}

let loading: Promise<CheckerData> | null = null;

/** Reads the installed dataset once per page (asking the background to install it if it is not there yet). */
export function loadCheckerData(): Promise<CheckerData> {
  loading ??= (async () => {
    const db = new StationwatchDb();
    try {
      let installed = await readInstalledDataset(db);
      if (!installed) {
        // First run: the background installs the bundled dataset before it answers.
        await sendToBackground('dataset-info', {});
        installed = await readInstalledDataset(db);
      }
      if (!installed) throw new Error(t('checkerNoDataset'));
      const dataset = installed.dataset;
      let index: ClaimIndex | null = null;
      return { dataset, records: indexDataset(dataset), claimIndex: () => (index ??= buildClaimIndex(dataset)) };
    } finally {
      db.close();
    }
  })().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

function MatchView({ match, data, open }: { match: ClaimMatch; data: CheckerData; open: boolean }) {
  const context = useMemo(() => contextFor(data.records, [match.claimId]), [data, match.claimId]);
  const item = context.items[0];
  return (
    <li class="match" data-claim-id={match.claimId}>
      <div class="row match-head">
        <strong class="claim-id">{match.claimId}</strong>
        <StatusChip status={match.status} />
        <span class="score">{t('checkerScore', match.score.toFixed(2))}</span>
        {match.negated ? <span class="negated">{t('checkerNegated')}</span> : null}
      </div>
      {item?.kind === 'claim' ? <p class="claim-text">{item.claim.text}</p> : null}
      {match.why.length ? (
        <div class="why">
          <span class="why-label">{t('checkerWhy')}</span>
          <ul>
            {match.why.map((reason, i) => (
              <li key={i}>{reason}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {item ? (
        <details class="match-context" open={open}>
          <summary>{t('checkerContext')}</summary>
          <RecordView item={item} sources={context.sources} />
        </details>
      ) : null}
    </li>
  );
}

function SentenceView({ check, data, position }: { check: SentenceCheck; data: CheckerData; position: number }) {
  return (
    <li class="sentence" data-testid="sentence" aria-label={t('checkerSentenceLabel', position)}>
      <blockquote class="sentence-text">{check.sentence}</blockquote>
      {check.matches.length === 0 ? (
        <p class="no-claim">{t('checkerNoClaim')}</p>
      ) : (
        <ul class="matches">
          {check.matches.map((m, i) => (
            <MatchView key={m.claimId} match={m} data={data} open={i === 0} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Paste box and per-sentence results; `initialText` is checked as soon as the dataset is loaded. */
export function ClaimChecker({ initialText = '' }: { initialText?: string }) {
  const [text, setText] = useState(initialText);
  const [data, setData] = useState<CheckerData | null>(null);
  const [results, setResults] = useState<SentenceCheck[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const check = async (value: string) => {
    setError('');
    if (!value.trim()) {
      setResults(null);
      setError(t('checkerEmpty'));
      return;
    }
    if (value.length > CHECKER_MAX_CHARS) {
      setError(t('checkerTooLong', value.length, CHECKER_MAX_CHARS));
      return;
    }
    setBusy(true);
    try {
      const loaded = await loadCheckerData();
      setData(loaded);
      setResults(checkText(loaded.claimIndex(), value));
    } catch (e) {
      setError(t('checkerFailed', e instanceof Error ? e.message : String(e)));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (initialText.trim()) void check(initialText);
    else void loadCheckerData().then(setData, (e: Error) => setError(t('checkerFailed', e.message)));
  }, []);

  const matched = results ? results.filter((r) => r.matches.length > 0).length : 0;
  return (
    <div class="claim-checker">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void check(text);
        }}
      >
        <label for="checker-text">{t('checkerTextLabel')}</label>
        <textarea
          id="checker-text"
          rows={6}
          value={text}
          aria-describedby="checker-hint"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void check(e.currentTarget.value);
            }
          }}
        />
        <p id="checker-hint" class="muted">{t('checkerHint', CLAIM_MATCH_THRESHOLD.toFixed(2))}</p>
        <div class="row">
          <button type="submit" disabled={busy}>{t('checkerCheck')}</button>
          {data ? <span class="muted" data-testid="checker-dataset">{t('datasetVersion', data.dataset.version, data.dataset.asOf)}</span> : null}
        </div>
      </form>
      <p role="status" aria-live="polite" data-testid="check-summary">
        {busy ? t('loading') : results ? t('checkerSummary', results.length, matched) : ''}
      </p>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {results && data ? (
        <ol class="sentences">
          {results.map((r, i) => (
            <SentenceView key={`${r.start}:${r.sentence}`} check={r} data={data} position={i + 1} />
          ))}
        </ol>
      ) : null}
    </div>
  );
}
