// CSV writer: RFC 4180 quoting plus neutralisation of spreadsheet formulas.
//
// A cell that a spreadsheet would read as a formula (starts with = + - @ TAB or CR, also after
// leading whitespace) is prefixed with an apostrophe, as the OWASP CSV injection guidance
// recommends: https://owasp.org/www-community/attacks/CSV_Injection
// Pure: no DOM, no Node modules.
import { VERDICT_LABELS, type Annotation } from '../annotation/model';

/** Record separator; RFC 4180 prescribes CRLF and Excel expects it. */
export const CSV_LINE_BREAK = '\r\n';

/** Characters that make a spreadsheet evaluate a cell (OWASP list). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** True when a spreadsheet could evaluate the value as a formula (first non-space char is a trigger). */
export function isFormulaLike(value: string): boolean {
  // Leading spaces (and other non-tab/CR whitespace) are skipped by spreadsheets before parsing a
  // formula, so " =1+1" is as dangerous as "=1+1". TAB and CR are triggers themselves.
  for (const ch of value) {
    if (FORMULA_TRIGGERS.has(ch)) return true;
    if (/\s/u.test(ch)) continue;
    return false;
  }
  return false;
}

/** One CSV cell: formula-like values get a leading apostrophe, then RFC 4180 quoting if needed. */
export function csvCell(value: string): string {
  const safe = isFormulaLike(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV document (CRLF line breaks, trailing CRLF) from rows of cells. */
export function toCsv(rows: string[][]): string {
  return rows.map((row) => row.map(csvCell).join(',') + CSV_LINE_BREAK).join('');
}

/** Column headers of the annotations CSV, in order. */
export const ANNOTATION_CSV_HEADER = [
  'id', 'page_url', 'page_title', 'quote', 'verdict', 'note', 'note_format', 'citations', 'claim_id', 'tags',
  'author', 'organisation', 'author_url', 'created', 'modified',
] as const;

/** Annotations as CSV rows (header first); lists are joined with " | ", verdicts use their labels. */
export function annotationCsvRows(annotations: readonly Annotation[]): string[][] {
  return [
    [...ANNOTATION_CSV_HEADER],
    ...annotations.map((a) => [
      a.id,
      a.pageUrl,
      a.pageTitle,
      a.selectors.quote.exact,
      a.verdict ? VERDICT_LABELS[a.verdict] : '',
      a.note,
      a.noteFormat,
      a.citations.map((c) => c.url).join(' | '),
      a.claimId ?? '',
      a.tags.join(' | '),
      a.author.name,
      a.author.organisation ?? '',
      a.author.url ?? '',
      a.created,
      a.modified,
    ]),
  ];
}
