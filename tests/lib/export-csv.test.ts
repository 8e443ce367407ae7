import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell, isFormulaLike, toCsv } from '../../lib/export/csv';

function parse(csv: string): string[][] {
  const out = Papa.parse<string[]>(csv, { newline: '\r\n', delimiter: ',', skipEmptyLines: false });
  expect(out.errors).toEqual([]);
  // Papaparse reports the empty line after the final CRLF as a row of one empty cell.
  return out.data.filter((row, i) => !(i === out.data.length - 1 && row.length === 1 && row[0] === ''));
}

describe('csvCell', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('Safeguard Defenders')).toBe('Safeguard Defenders');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('line1\r\nline2')).toBe('"line1\r\nline2"');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', ' =HYPERLINK("http://x")', '  \u00a0+cmd'])(
    'neutralises formula-like %j with a leading apostrophe',
    (value) => {
      expect(isFormulaLike(value)).toBe(true);
      const cell = csvCell(value);
      const [[parsed]] = parse(cell + '\r\n') as [[string]];
      expect(parsed).toBe(`'${value}`);
    },
  );

  it('does not flag text that merely contains trigger characters later', () => {
    expect(isFormulaLike('a=b')).toBe(false);
    expect(isFormulaLike('  word -1')).toBe(false);
    expect(csvCell('2+2')).toBe('2+2');
  });
});

describe('toCsv', () => {
  it('round-trips through a standard CSV parser', () => {
    const rows = [
      ['id', 'quote', 'verdict'],
      ['1', 'He said, "no stations exist"', 'False'],
      ['2', 'multi\nline', 'Missing context'],
      ['3', '=cmd|" /C calc"!A0', ''],
    ];
    const csv = toCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const back = parse(csv);
    expect(back).toEqual([rows[0], rows[1], rows[2], ['3', `'=cmd|" /C calc"!A0`, '']]);
  });

  it('returns an empty document for no rows', () => {
    expect(toCsv([])).toBe('');
  });
});

describe('annotationCsvRows', () => {
  it('writes one row per annotation with labels and joined lists, safe to open in a spreadsheet', async () => {
    const { annotationCsvRows, ANNOTATION_CSV_HEADER } = await import('../../lib/export/csv');
    const rows = annotationCsvRows([
      {
        id: 'urn:uuid:2f1c7a52-8a4e-4b8e-9a51-6f0f5b7f9b10', pageUrl: 'https://news.example.org/a', pageTitle: 'T',
        created: '2024-05-01T10:00:00.000Z', modified: '2024-05-01T10:00:00.000Z', verdict: 'mostly-accurate',
        note: '=HYPERLINK("http://evil.example","click")', noteFormat: 'text',
        citations: [{ url: 'https://a.example/1' }, { url: 'https://b.example/2' }], tags: ['x', 'y'],
        author: { name: 'Ana' }, selectors: { quote: { exact: 'quoted, "text"', prefix: '', suffix: '' } }, pageTextHash: null,
      },
    ]);
    expect(rows[0]).toEqual([...ANNOTATION_CSV_HEADER]);
    const back = parse(toCsv(rows));
    expect(back[1]).toEqual([
      'urn:uuid:2f1c7a52-8a4e-4b8e-9a51-6f0f5b7f9b10', 'https://news.example.org/a', 'T', 'quoted, "text"', 'Mostly accurate',
      `'=HYPERLINK("http://evil.example","click")`, 'text', 'https://a.example/1 | https://b.example/2', '', 'x | y', 'Ana', '', '',
      '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z',
    ]);
  });
});
