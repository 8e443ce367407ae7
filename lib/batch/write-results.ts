/**
 * Output of bulk claim checks: JSON lines (`{"input": "...", "matches": [...]}` per post) or CSV
 * (one record per post, best match in columns, formula-safe cells). Pure: used by the `check` CLI
 * and by the extension's batch export.
 */
import { CSV_LINE_BREAK, csvCell } from '../export/csv';
import type { ClaimMatch } from '../match/claim-match';

/** Output formats. */
export type ResultFormat = 'jsonl' | 'csv';

/** One checked post. */
export interface CheckResult {
  input: string;
  matches: ClaimMatch[];
}

/** CSV columns: the post, its best match, and the other matches above the threshold. */
export const RESULT_CSV_COLUMNS = ['input', 'claimId', 'score', 'status', 'negated', 'why', 'otherMatches'] as const;

/** One JSON line (with trailing "\n"); `matches` keeps claimId, score, status, why (and negated when set). */
export function resultJsonLine(result: CheckResult): string {
  return `${JSON.stringify({ input: result.input, matches: result.matches })}\n`;
}

/** The CSV header record (with CRLF). */
export function resultCsvHeader(): string {
  return RESULT_CSV_COLUMNS.map(csvCell).join(',') + CSV_LINE_BREAK;
}

/** One CSV record (with CRLF): empty match columns mean "no known claim". */
export function resultCsvRow(result: CheckResult): string {
  const [best, ...others] = result.matches;
  const cells = [
    result.input,
    best?.claimId ?? '',
    best ? best.score.toFixed(3) : '',
    best?.status ?? '',
    best ? String(best.negated === true) : '',
    best ? best.why.join('; ') : '',
    others.map((m) => `${m.claimId} ${m.score.toFixed(3)}`).join('; '),
  ];
  return cells.map(csvCell).join(',') + CSV_LINE_BREAK;
}

/** Serialises one result in the chosen format. */
export function formatResult(result: CheckResult, format: ResultFormat): string {
  return format === 'csv' ? resultCsvRow(result) : resultJsonLine(result);
}
