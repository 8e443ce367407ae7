/**
 * Batch claim checks for moderators: a CSV, JSON-lines or text file of up to 100,000 posts is
 * streamed through a worker (the page stays responsive), with the column chosen after reading the
 * header, a progress bar and cancel. Results go into a paginated table (never all rows in the DOM)
 * filterable by status and claim, and export as formula-safe CSV or JSON lines.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  BATCH_MAX_ROWS,
  BATCH_PREVIEW_BYTES,
  guessFormat,
  previewPosts,
  samplePosts,
  type BatchOptions,
  type BatchOutcome,
  type BatchPreview,
  type BatchProgress,
  type BatchRow,
  type BatchWorkerMessage,
  type BatchWorkerRequest,
} from '@/lib/batch/batch-run';
import type { PostFormat } from '@/lib/batch/read-posts';
import { resultCsvHeader, resultCsvRow, resultJsonLine } from '@/lib/batch/write-results';
import type { Dataset } from '@/lib/dataset/schema';
import { StatusChip } from './RecordView';
import { download } from './download';
import { t } from '@/lib/i18n';
import './checker-styles.css';

/** Result rows per table page. */
export const BATCH_PAGE_ROWS = 50;
/** Longest post text shown in a table cell (the export keeps the whole post). */
const CELL_TEXT_CHARS = 300;
/** How long a cancelled worker may take to say it stopped before it is ended. */
const CANCEL_GRACE_MS = 2_000;
/** Filter value for posts without a known claim. */
const NO_CLAIM = '__none__';

const DELIMITERS: { value: string; key: string }[] = [
  { value: ',', key: 'batchDelimiterComma' },
  { value: ';', key: 'batchDelimiterSemicolon' },
  { value: '\t', key: 'batchDelimiterTab' },
];

interface Selected {
  file: File;
  head: string;
  complete: boolean;
  format: PostFormat;
  delimiter: string;
  column: string | undefined;
  preview: BatchPreview | null;
  samples: string[];
  /** The start of the file cannot be read as chosen: nothing to run. */
  problem: string;
  /** A malformed record among the first ones: the run will stop there, after the posts before it. */
  warning: string;
}

interface RunState {
  phase: 'running' | 'cancelling' | 'ended';
  progress: BatchProgress;
  outcome: BatchOutcome | null;
  elapsedMs: number;
}

function inspect(file: File, head: string, complete: boolean, format: PostFormat, delimiter: string | undefined, column: string | undefined): Selected {
  const base = { file, head, complete, format, delimiter: delimiter ?? ',', column, preview: null, samples: [], problem: '', warning: '' };
  try {
    const preview = previewPosts(head, format, complete, format === 'csv' ? delimiter : undefined);
    const chosen = column !== undefined && preview.columns.includes(column) ? column : preview.suggested;
    const opts = { format, delimiter: preview.delimiter ?? ',', ...(format === 'csv' ? { column: chosen } : format === 'jsonl' ? { field: chosen } : {}) };
    const sel: Selected = { ...base, delimiter: opts.delimiter, column: chosen, preview };
    try {
      sel.samples = samplePosts(head, opts, complete).map((r) => r.text);
    } catch (e) {
      sel.warning = (e as Error).message;
    }
    return sel;
  } catch (e) {
    return { ...base, problem: (e as Error).message };
  }
}

/** Posts per best-match status and claim, and posts without a known claim. */
interface Tally {
  status: Map<string, number>;
  claim: Map<string, number>;
  none: number;
}

function emptyTally(): Tally {
  return { status: new Map(), claim: new Map(), none: 0 };
}

function count(tally: Tally, row: BatchRow): void {
  const best = row.matches[0];
  if (!best) {
    tally.none += 1;
    return;
  }
  tally.status.set(best.status, (tally.status.get(best.status) ?? 0) + 1);
  tally.claim.set(best.claimId, (tally.claim.get(best.claimId) ?? 0) + 1);
}

function shorten(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

/** File input, column chooser, progress with cancel, filterable results and export. */
export function BatchChecker({ createWorker, loadDataset }: { createWorker: () => Worker; loadDataset: () => Promise<Dataset> }) {
  const [selected, setSelected] = useState<Selected | null>(null);
  const [fileError, setFileError] = useState('');
  const [run, setRun] = useState<RunState | null>(null);
  const [claimTexts, setClaimTexts] = useState<Map<string, string>>(new Map());
  const [statusFilter, setStatusFilter] = useState('');
  const [claimFilter, setClaimFilter] = useState('');
  const [page, setPage] = useState(0);
  // Rows live outside state: appending 100,000 of them must not copy an array per message.
  const rows = useRef<BatchRow[]>([]);
  const tally = useRef<Tally>(emptyTally());
  const [version, setVersion] = useState(0);
  const worker = useRef<Worker | null>(null);
  const frame = useRef(0);

  useEffect(() => () => {
    worker.current?.terminate();
    cancelAnimationFrame(frame.current);
  }, []);

  const rerender = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setVersion((v) => v + 1);
    });
  };

  const onFile = async (file: File | undefined) => {
    setFileError('');
    setSelected(null);
    if (!file) return;
    try {
      const bytes = new Uint8Array(await file.slice(0, BATCH_PREVIEW_BYTES).arrayBuffer());
      // Lenient here: the run itself stops at bytes that are not UTF-8, naming the line.
      const head = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true });
      const complete = file.size <= BATCH_PREVIEW_BYTES;
      setSelected(inspect(file, head, complete, guessFormat(file.name, head), undefined, undefined));
    } catch (e) {
      setFileError(t('batchUnreadable', (e as Error).message));
    }
  };

  const finish = (outcome: BatchOutcome, elapsedMs: number) => {
    worker.current?.terminate();
    worker.current = null;
    setRun((r) => (r ? { ...r, phase: 'ended', outcome, elapsedMs } : r));
    rerender();
  };

  const start = async () => {
    if (!selected || selected.problem) return;
    let dataset: Dataset;
    try {
      dataset = await loadDataset();
    } catch (e) {
      setFileError(t('checkerFailed', (e as Error).message));
      return;
    }
    setClaimTexts(new Map(dataset.claims.map((c) => [c.id, c.text])));
    rows.current = [];
    tally.current = emptyTally();
    setStatusFilter('');
    setClaimFilter('');
    setPage(0);
    const progress: BatchProgress = { rows: 0, matched: 0, bytesDone: 0, totalBytes: selected.file.size };
    setRun({ phase: 'running', progress, outcome: null, elapsedMs: 0 });
    let w: Worker;
    try {
      w = createWorker();
    } catch (e) {
      finish({ status: 'failed', rows: 0, matched: 0, error: t('batchWorkerFailed', (e as Error).message) }, 0);
      return;
    }
    worker.current = w;
    w.onmessage = (event: MessageEvent<BatchWorkerMessage>) => {
      if (worker.current !== w) return;
      const message = event.data;
      if (message.type === 'rows') {
        for (const row of message.rows) {
          rows.current.push(row);
          count(tally.current, row);
        }
        setRun((r) => (r ? { ...r, progress: message.progress } : r));
        rerender();
      } else {
        finish({ ...message.outcome, rows: rows.current.length, matched: rows.current.length - tally.current.none }, message.elapsedMs);
      }
    };
    w.onerror = (event) => {
      event.preventDefault();
      if (worker.current !== w) return;
      finish({ status: 'failed', rows: rows.current.length, matched: rows.current.length - tally.current.none, error: t('batchWorkerFailed', event.message || 'error') }, 0);
    };
    const options: BatchOptions = {
      format: selected.format,
      maxRows: BATCH_MAX_ROWS,
      ...(selected.format === 'csv' ? { delimiter: selected.delimiter, ...(selected.column !== undefined ? { column: selected.column } : {}) } : {}),
      ...(selected.format === 'jsonl' && selected.column !== undefined ? { field: selected.column } : {}),
    };
    const request: BatchWorkerRequest = { type: 'start', file: selected.file, dataset, options };
    w.postMessage(request);
  };

  const cancel = () => {
    const w = worker.current;
    if (!w) return;
    const request: BatchWorkerRequest = { type: 'cancel' };
    w.postMessage(request);
    setRun((r) => (r ? { ...r, phase: 'cancelling' } : r));
    setTimeout(() => {
      if (worker.current === w) finish({ status: 'cancelled', rows: rows.current.length, matched: rows.current.length - tally.current.none }, 0);
    }, CANCEL_GRACE_MS);
  };

  // Counts are kept as rows arrive, so a render costs one page of rows, not a pass over 100,000.
  const all = rows.current;
  const counts = tally.current;
  const filtered = useMemo(() => {
    if (!statusFilter && !claimFilter) return all;
    const pass = (filter: string, value: string | undefined) => !filter || (filter === NO_CLAIM ? value === undefined : value === filter);
    return all.filter((row) => pass(statusFilter, row.matches[0]?.status) && pass(claimFilter, row.matches[0]?.claimId));
  }, [version, all, statusFilter, claimFilter]);
  const pages = Math.max(1, Math.ceil(filtered.length / BATCH_PAGE_ROWS));
  const current = Math.min(page, pages - 1);
  const shown = filtered.slice(current * BATCH_PAGE_ROWS, (current + 1) * BATCH_PAGE_ROWS);

  const exportAs = (format: 'csv' | 'jsonl') => {
    if (format === 'csv') {
      // The BOM makes spreadsheet programs read the file as UTF-8 (Chinese text stays legible).
      const parts = ['\ufeff', resultCsvHeader(), ...filtered.map((r) => resultCsvRow({ input: r.text, matches: r.matches }))];
      download(`stationwatch-claims-${stamp()}.csv`, parts.join(''), 'text/csv;charset=utf-8');
    } else {
      download(`stationwatch-claims-${stamp()}.jsonl`, filtered.map((r) => resultJsonLine({ input: r.text, matches: r.matches })).join(''), 'application/x-ndjson;charset=utf-8');
    }
  };

  const running = run?.phase === 'running' || run?.phase === 'cancelling';
  const progress = run?.progress;
  const percent = !progress ? 0 : run.phase === 'ended' && run.outcome?.status === 'done' ? 100 : progress.totalBytes > 0 ? Math.floor((100 * progress.bytesDone) / progress.totalBytes) : 0;
  const outcome = run?.outcome;
  const columnLabel = selected?.format === 'jsonl' ? t('batchField') : t('batchColumn');

  return (
    <div class="batch-checker">
      <label for="batch-file">{t('batchFileLabel', BATCH_MAX_ROWS.toLocaleString())}</label>
      <input
        id="batch-file"
        type="file"
        accept=".csv,.tsv,.jsonl,.ndjson,.txt,text/csv,text/plain,application/x-ndjson"
        disabled={running}
        onChange={(e) => void onFile(e.currentTarget.files?.[0])}
      />
      {fileError ? <p class="error" role="alert">{fileError}</p> : null}
      {selected ? (
        <fieldset class="batch-options" disabled={running}>
          <legend>{t('batchOptionsLegend', selected.file.name)}</legend>
          <div class="row">
            <div>
              <label for="batch-format">{t('batchFormat')}</label>
              <select id="batch-format" value={selected.format} onChange={(e) => setSelected(inspect(selected.file, selected.head, selected.complete, e.currentTarget.value as PostFormat, undefined, undefined))}>
                <option value="csv">{t('batchFormatCsv')}</option>
                <option value="jsonl">{t('batchFormatJsonl')}</option>
                <option value="text">{t('batchFormatText')}</option>
              </select>
            </div>
            {selected.format === 'csv' ? (
              <div>
                <label for="batch-delimiter">{t('batchDelimiter')}</label>
                <select id="batch-delimiter" value={selected.delimiter} onChange={(e) => setSelected(inspect(selected.file, selected.head, selected.complete, 'csv', e.currentTarget.value, undefined))}>
                  {DELIMITERS.map((d) => (
                    <option key={d.key} value={d.value}>{t(d.key)}</option>
                  ))}
                </select>
              </div>
            ) : null}
            {selected.preview && selected.preview.columns.length ? (
              <div>
                <label for="batch-column">{columnLabel}</label>
                <select
                  id="batch-column"
                  data-testid="batch-column"
                  value={selected.column}
                  onChange={(e) => setSelected(inspect(selected.file, selected.head, selected.complete, selected.format, selected.delimiter, e.currentTarget.value))}
                >
                  {selected.preview.columns.map((c) => (
                    <option key={c} value={c}>{c}</option>
                  ))}
                </select>
              </div>
            ) : null}
          </div>
          {selected.problem ? (
            <p class="error" role="alert">{t('batchPreviewProblem', selected.problem)}</p>
          ) : null}
          {selected.warning ? <p class="error" role="alert" data-testid="batch-warning">{t('batchPreviewWarning', selected.warning)}</p> : null}
          {!selected.problem && selected.samples.length ? (
            <div>
              <p class="muted">{t('batchSamples')}</p>
              <ul class="batch-samples">
                {selected.samples.map((s, i) => (
                  <li key={i}>{shorten(s, 160)}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <button type="button" onClick={() => void start()} disabled={!!selected.problem || running}>
            {t('batchStart')}
          </button>
        </fieldset>
      ) : null}

      {run ? (
        <section class="batch-run" aria-label={t('batchProgressLabel')}>
          <div class="row">
            <div
              class="progress"
              role="progressbar"
              aria-label={t('batchProgressLabel')}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-valuetext={t('batchProgressText', (progress?.rows ?? 0).toLocaleString(), percent)}
            >
              <div class="progress-bar" style={{ width: `${percent}%` }} />
            </div>
            <span data-testid="batch-progress-text">{t('batchProgressText', (progress?.rows ?? 0).toLocaleString(), percent)}</span>
            {running ? (
              <button type="button" onClick={cancel} disabled={run.phase === 'cancelling'}>
                {t('batchCancel')}
              </button>
            ) : null}
          </div>
          <p role="status" aria-live="polite" data-testid="batch-status">
            {!outcome
              ? run.phase === 'cancelling'
                ? t('batchCancelling')
                : ''
              : outcome.status === 'done'
                ? t('batchDone', outcome.rows.toLocaleString(), (run.elapsedMs / 1000).toFixed(1), outcome.matched.toLocaleString())
                : outcome.status === 'cancelled'
                  ? t('batchCancelled', outcome.rows.toLocaleString())
                  : ''}
          </p>
          {outcome?.status === 'failed' ? (
            <p class="error" role="alert" data-testid="batch-error">
              {t('batchFailed', outcome.error ?? '', outcome.rows.toLocaleString())}
            </p>
          ) : null}
        </section>
      ) : null}

      {run && all.length > 0 ? (
        <section class="batch-results" aria-labelledby="batch-results-h">
          <h3 id="batch-results-h">{t('batchResults')}</h3>
          <div class="row">
            <div>
              <label for="filter-status">{t('batchFilterStatus')}</label>
              <select
                id="filter-status"
                data-testid="filter-status"
                value={statusFilter}
                onChange={(e) => {
                  setStatusFilter(e.currentTarget.value);
                  setPage(0);
                }}
              >
                <option value="">{t('batchAll', all.length.toLocaleString())}</option>
                <option value={NO_CLAIM}>{t('batchNoClaimOption', counts.none.toLocaleString())}</option>
                {[...counts.status].map(([status, n]) => (
                  <option key={status} value={status}>{`${t(`status_${status.replace(/-/g, '_')}`)} (${n.toLocaleString()})`}</option>
                ))}
              </select>
            </div>
            <div>
              <label for="filter-claim">{t('batchFilterClaim')}</label>
              <select
                id="filter-claim"
                data-testid="filter-claim"
                value={claimFilter}
                onChange={(e) => {
                  setClaimFilter(e.currentTarget.value);
                  setPage(0);
                }}
              >
                <option value="">{t('batchAll', all.length.toLocaleString())}</option>
                <option value={NO_CLAIM}>{t('batchNoClaimOption', counts.none.toLocaleString())}</option>
                {[...counts.claim].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([id, n]) => (
                  <option key={id} value={id}>{`${id} (${n.toLocaleString()}) ${shorten(claimTexts.get(id) ?? '', 60)}`}</option>
                ))}
              </select>
            </div>
          </div>
          <div class="row">
            <button type="button" onClick={() => exportAs('csv')} disabled={running || filtered.length === 0}>
              {t('batchExportCsv', filtered.length.toLocaleString())}
            </button>
            <button type="button" onClick={() => exportAs('jsonl')} disabled={running || filtered.length === 0}>
              {t('batchExportJsonl', filtered.length.toLocaleString())}
            </button>
          </div>
          <table data-testid="batch-table">
            <caption class="visually-hidden">{t('batchResults')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('batchColLine')}</th>
                <th scope="col">{t('batchColPost')}</th>
                <th scope="col">{t('batchColClaim')}</th>
                <th scope="col">{t('batchColScore')}</th>
                <th scope="col">{t('batchColStatus')}</th>
                <th scope="col">{t('batchColWhy')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const best = row.matches[0];
                return (
                  <tr key={row.line}>
                    <td>{row.line}</td>
                    <td>{shorten(row.text, CELL_TEXT_CHARS)}</td>
                    <td>
                      {best ? (
                        <>
                          <strong>{best.claimId}</strong>
                          <div class="muted">{shorten(claimTexts.get(best.claimId) ?? '', 90)}</div>
                          {row.matches.length > 1 ? <div class="muted">{t('batchAlso', row.matches.slice(1).map((m) => m.claimId).join(', '))}</div> : null}
                        </>
                      ) : (
                        <span class="no-claim">{t('checkerNoClaim')}</span>
                      )}
                    </td>
                    <td>{best ? best.score.toFixed(2) : ''}</td>
                    <td>
                      {best ? <StatusChip status={best.status} /> : null}
                      {best?.negated ? <div class="negated">{t('checkerNegated')}</div> : null}
                    </td>
                    <td>{best ? best.why.join('; ') : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <nav class="row" aria-label={t('batchPages')}>
            <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
              {t('batchPrevious')}
            </button>
            <span data-testid="batch-page">
              {filtered.length
                ? t('batchRange', (current * BATCH_PAGE_ROWS + 1).toLocaleString(), Math.min(filtered.length, (current + 1) * BATCH_PAGE_ROWS).toLocaleString(), filtered.length.toLocaleString())
                : t('batchNoRows')}
            </span>
            <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
              {t('batchNext')}
            </button>
          </nav>
        </section>
      ) : null}
    </div>
  );
}
