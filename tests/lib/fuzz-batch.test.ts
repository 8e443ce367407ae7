/**
 * Property-based fuzzing of the batch reader (`createPostReader`, `readPosts`) over CSV, JSON lines
 * and plain text: malformed records anywhere in otherwise valid files must fail with a
 * PostReadError that names the line where the bad record starts, the same error however the input
 * is cut into chunks, with every post before the bad record already handed over (nothing lost) and
 * Object.prototype untouched. Valid but odd files (quotes, separators and line breaks inside fields,
 * CRLF, BOM, prototype-named keys and columns) must read back exactly.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostReader, MAX_RECORD_CHARS, PostReadError, readPosts, type PostReaderOptions, type PostRow } from '../../lib/batch/read-posts';
import { runBatch, type BatchRow } from '../../lib/batch/batch-run';
import { buildClaimIndex } from '../../lib/match/claim-match';
import { parseDataset } from '../../lib/dataset/schema';

/** Fewer runs when iterating locally: FUZZ_SCALE=0.2 npx vitest run tests/lib/fuzz-batch.test.ts */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const MIN_HOSTILE_PER_FORMAT = 1000;
/** A readable error names the problem and the line; it never pastes a whole record back. */
const MAX_ERROR_CHARS = 1000;

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const hostile = { csv: 0, jsonl: 0, text: 0 };
const validFiles = { csv: 0, jsonl: 0, text: 0 };

afterAll(() => {
  console.log(
    `fuzz-batch: hostile inputs csv ${hostile.csv}, jsonl ${hostile.jsonl}, text ${hostile.text}; ` +
      `valid odd files read back csv ${validFiles.csv}, jsonl ${validFiles.jsonl}, text ${validFiles.text}`,
  );
});

function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).text).toBeUndefined();
}

/** Feeds `text` cut at `cuts`; returns the rows handed over and the error, if any. */
function readChunked(text: string, cuts: number[], opts: PostReaderOptions): { rows: PostRow[]; error: unknown } {
  const rows: PostRow[] = [];
  try {
    const reader = createPostReader(opts);
    let from = 0;
    for (const cut of [...cuts, text.length].sort((a, b) => a - b)) {
      rows.push(...reader.push(text.slice(from, cut)));
      from = cut;
    }
    rows.push(...reader.end());
    return { rows, error: null };
  } catch (error) {
    return { rows, error };
  }
}

/**
 * Feeds `text` one physical line at a time (cut after every LF, CRLF or lone CR): a caller that
 * does so gets every post before a bad record, because a push that throws hands over nothing.
 */
function readByLine(text: string, opts: PostReaderOptions): { rows: PostRow[]; error: unknown } {
  const cuts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) cuts.push(i + 1);
  }
  return readChunked(text, cuts, opts);
}

function asReadError(error: unknown): PostReadError {
  if (error instanceof PostReadError) return error;
  throw new Error(`expected a PostReadError, got ${error === null ? 'no error' : String(error)}`);
}

/**
 * The check every hostile input gets: read whole, in random chunks and line by line, it fails with
 * the same PostReadError at `line` (0: no line) matching `pattern`, after handing over exactly
 * `before` (the posts preceding the bad record).
 */
function expectRejected(format: keyof typeof hostile, text: string, opts: PostReaderOptions, cuts: number[], line: number, pattern: RegExp, before: PostRow[] | null): void {
  let whole: unknown = null;
  try {
    readPosts(text, opts);
  } catch (error) {
    whole = error;
  }
  const error = asReadError(whole);
  expect(error.line).toBe(line);
  expect(error.message).toMatch(line > 0 ? new RegExp(`^line ${line}: `) : /^(?!line )/);
  expect(error.message).toMatch(pattern);
  expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
  const chunked = readChunked(text, cuts, opts);
  expect(asReadError(chunked.error).message).toBe(error.message);
  if (before) {
    const byLine = readByLine(text, opts);
    expect(asReadError(byLine.error).message).toBe(error.message);
    expect(byLine.rows).toEqual(before);
  }
  expectPrototypesClean();
  hostile[format] += 1;
}

const cutsOf = (max: number) => fc.array(fc.integer({ min: 0, max }), { maxLength: 6 });

// --- CSV ------------------------------------------------------------------------------------

/** Characters that break naive CSV code, plus ordinary and astral text and spreadsheet formula starts. */
const CSV_UNITS = ['a', 'b', 'Z', '1', ' ', ',', ';', '\t', '"', '\r', '\n', '\r\n', '=', '+', '-', '@', 'é', '中', '𠮷', '\ufeff', '\u2028', '\u0000', '<', '>', '&'];
const csvValue = fc.string({ unit: fc.constantFrom(...CSV_UNITS), maxLength: 12 });
const headerName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,9}$/),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'Text', 'TEXT', 'body', 'id'),
);

interface CsvDoc {
  delimiter: string;
  header: string[];
  rows: string[][];
  column: number;
  newline: string;
  bom: boolean;
  trailingNewline: boolean;
  quoteAll: boolean;
}

const csvDoc: fc.Arbitrary<CsvDoc> = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    header: fc.uniqueArray(headerName, { minLength: 1, maxLength: 5 }),
    nRows: fc.integer({ min: 0, max: 8 }),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailingNewline: fc.boolean(),
    quoteAll: fc.boolean(),
    seed: fc.nat(),
  })
  .chain(({ header, nRows, seed, ...rest }) =>
    fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.array(csvValue, { minLength: header.length, maxLength: header.length }), { minLength: nRows, maxLength: nRows }),
      column: fc.constant(seed % header.length),
      ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, fc.constant(v)])),
    }) as fc.Arbitrary<CsvDoc>,
  );

/** RFC 4180 quoting, written independently of lib/export/csv.ts (no formula neutralisation here). */
function csvField(value: string, delimiter: string, quoteAll: boolean): string {
  const needs = quoteAll || value === '' || value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvRecord(values: string[], doc: CsvDoc): string {
  return values.map((v) => csvField(v, doc.delimiter, doc.quoteAll)).join(doc.delimiter);
}

/** Physical lines before offset `at` (CRLF, CR and LF each end one line), plus one. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line += 1;
  }
  return line;
}

/** The document's text, the line where each record starts, and the posts a reader must return. */
function renderCsv(doc: CsvDoc, records = [doc.header, ...doc.rows]): { text: string; starts: number[] } {
  let text = doc.bom ? '\ufeff' : '';
  const offsets: number[] = [];
  records.forEach((values, i) => {
    if (i > 0) text += doc.newline;
    offsets.push(text.length);
    text += csvRecord(values, doc);
  });
  if (doc.trailingNewline) text += doc.newline;
  return { text, starts: offsets.map((o) => lineAt(text, o)) };
}

function csvOpts(doc: CsvDoc, extra: Partial<PostReaderOptions> = {}): PostReaderOptions {
  return { format: 'csv', delimiter: doc.delimiter, column: doc.header[doc.column]!, ...extra };
}

function csvExpected(doc: CsvDoc, starts: number[], upTo = doc.rows.length): PostRow[] {
  return doc.rows.slice(0, upTo).map((r, i) => ({ line: starts[i + 1]!, text: r[doc.column]! }));
}

describe('CSV: valid but odd files read back exactly', () => {
  it('quotes, separators, CR/LF inside fields, BOM, formula starts, prototype-named columns; any chunking', () => {
    fc.assert(
      fc.property(csvDoc, cutsOf(400), (doc, cuts) => {
        const { text, starts } = renderCsv(doc);
        const expected = csvExpected(doc, starts);
        expect(readPosts(text, csvOpts(doc))).toEqual(expected);
        const chunked = readChunked(text, cuts.map((c) => Math.min(c, text.length)), csvOpts(doc));
        expect(chunked.error).toBeNull();
        expect(chunked.rows).toEqual(expected);
        expectPrototypesClean();
        validFiles.csv += 1;
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('CSV: line numbers', () => {
  it('stay right after a CR just before a quote (a later LF inside quotes is a new line)', () => {
    // Physical lines: 1 header, 2 `1,"x\r`, 3 `","`, 4 `y"`, 5 `2,z,w`, 6 `3,"bad"!`.
    const csv = 'id,a,b\n1,"x\r","\ny"\n2,z,w\n3,"bad"!,w\n';
    expect(lineAt(csv, csv.indexOf('2,z'))).toBe(5);
    const error = asReadError(readChunked(csv, [], { format: 'csv', column: 'id' }).error);
    expect(error.line).toBe(6);
    expect(readPosts('id,a,b\n1,"x\r","\ny"\n2,z,w\n', { format: 'csv', column: 'id' })).toEqual([
      { line: 2, text: '1' },
      { line: 5, text: '2' },
    ]);
    // Lines: 1 header, 2 `1,"x\r`, 3 `""`, 4 `y"`, 5 `2`.
    expect(readPosts('id,a\n1,"x\r""\ny"\n2,z\n', { format: 'csv', column: 'id' }).map((r) => r.line)).toEqual([2, 5]);
  });
});

describe('CSV: hostile files fail with the line of the bad record, nothing before it lost', () => {
  const withFault = csvDoc.filter((d) => d.rows.length > 0).chain((doc) => fc.record({ doc: fc.constant(doc), at: fc.integer({ min: 0, max: doc.rows.length - 1 }), cuts: cutsOf(400) }));

  it('a record with too many or too few fields', () => {
    fc.assert(
      fc.property(withFault, fc.boolean(), csvValue, ({ doc, at, cuts }, drop, extra) => {
        const bad = drop && doc.header.length > 1 ? doc.rows[at]!.slice(1) : [...doc.rows[at]!, extra];
        const records = [doc.header, ...doc.rows.slice(0, at), bad, ...doc.rows.slice(at + 1)];
        const { text, starts } = renderCsv(doc, records);
        expectRejected('csv', text, csvOpts(doc), cuts, starts[at + 1]!, new RegExp(`expected ${doc.header.length} fields as in the header, found ${bad.length}$`), csvExpected(doc, starts, at));
      }),
      { numRuns: runs(350) },
    );
  });

  it('text after a closing quote', () => {
    fc.assert(
      fc.property(withFault, fc.constantFrom('x', ' ', '\t', 'é', '='), fc.string({ unit: fc.constantFrom('a', ' ', '"'), maxLength: 5 }), ({ doc, at, cuts }, junk, inner) => {
        if (junk === doc.delimiter) return;
        const records = [doc.header, ...doc.rows.slice(0, at)];
        const { text: head, starts } = renderCsv({ ...doc, trailingNewline: true }, records);
        const badFirst = `"${inner.replace(/"/g, '""')}"${junk}`;
        const rest = doc.rows[at]!.slice(1).map((v) => csvField(v, doc.delimiter, doc.quoteAll));
        const tail = [badFirst, ...rest].join(doc.delimiter) + doc.newline + doc.rows.slice(at + 1).map((r) => csvRecord(r, doc)).join(doc.newline);
        const line = lineAt(head, head.length);
        expectRejected('csv', head + tail, csvOpts(doc), cuts, line, /unexpected .* after a closing quote/, csvExpected(doc, starts, at));
      }),
      { numRuns: runs(250) },
    );
  });

  it('a quoted field that is never closed', () => {
    fc.assert(
      fc.property(csvDoc, fc.string({ unit: fc.constantFrom('a', ',', '\n', '\r\n', ' ', '中'), maxLength: 30 }), cutsOf(400), (doc, open, cuts) => {
        const { text: head, starts } = renderCsv({ ...doc, trailingNewline: true });
        const line = lineAt(head, head.length);
        expectRejected('csv', `${head}"${open}`, csvOpts(doc), cuts, line, /a quoted field is never closed$/, csvExpected(doc, starts));
      }),
      { numRuns: runs(200) },
    );
  });

  it('a chosen column that is not in the header, or no choice among several', () => {
    fc.assert(
      fc.property(csvDoc, fc.oneof(fc.stringMatching(/^[A-Z]{3,8}$/), fc.constantFrom('__proto__x', 'text ', 'valueOf', 'missing')), cutsOf(400), (doc, wanted, cuts) => {
        const { text } = renderCsv(doc);
        if (doc.header.some((h) => h.toLowerCase() === wanted.trim().toLowerCase())) return;
        expectRejected('csv', text, csvOpts(doc, { column: wanted }), cuts, 1, /no column ".*" in the header \(columns: /, []);
        if (doc.header.length > 1 && !doc.header.some((h) => h.toLowerCase() === 'text')) {
          expectRejected('csv', text, { format: 'csv', delimiter: doc.delimiter }, cuts, 1, /choose the column holding the posts with --column/, []);
        }
      }),
      { numRuns: runs(150) },
    );
  });

  it('huge column names are not pasted back into the error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2_000, max: 50_000 }), fc.integer({ min: 1, max: 4 }), (n, columns) => {
        const header = Array.from({ length: columns }, (_, i) => `${'c'.repeat(n)}${i}`).join(',');
        expectRejected('csv', `${header}\nx${',y'.repeat(columns - 1)}\n`, { format: 'csv', column: 'missing' }, [], 1, /no column "missing" in the header/, []);
      }),
      { numRuns: runs(30) },
    );
  });

  it('empty files: nothing, blank lines, a lone BOM', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\n', '\r\n', '\r'), { maxLength: 6 }), fc.boolean(), (lines, bom) => {
        const text = (bom ? '\ufeff' : '') + lines.join('');
        expectRejected('csv', text, { format: 'csv' }, [], 0, /^the CSV is empty: expected a header row naming the columns$/, []);
      }),
      { numRuns: runs(40) },
    );
  });

  it('delimiters that cannot be one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('', '"', '\n', '\r', ',,', '\r\n', '𠮷'), fc.string({ minLength: 2, maxLength: 5 })), (delimiter) => {
        expectRejected('csv', 'a\nb\n', { format: 'csv', delimiter }, [], 0, /^CSV delimiter must be one character other than a quote or line break, got /, null);
      }),
      { numRuns: runs(40) },
    );
  });

  it('more rows than allowed: stops at the first row over the cap, after the ones before', () => {
    fc.assert(
      fc.property(csvDoc.filter((d) => d.rows.length > 1), cutsOf(400), (doc, cuts) => {
        const { text, starts } = renderCsv(doc);
        const maxRows = doc.rows.length - 1;
        expectRejected('csv', text, csvOpts(doc, { maxRows }), cuts, starts[doc.rows.length]!, new RegExp(`more than ${maxRows} posts`), csvExpected(doc, starts, maxRows));
      }),
      { numRuns: runs(60) },
    );
  });

  it('a record longer than the cap (an unclosed quote swallowing the file)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('x', '中', '\n'), fc.boolean(), (over, unit, quoted) => {
        const body = unit.repeat(MAX_RECORD_CHARS + over);
        const text = quoted ? `text\r\nok\r\n"${body}` : `text\nok\n${unit === '\n' ? 'y' : ''}${body}`;
        if (!quoted && unit === '\n') return; // newlines outside quotes are records, not one long one
        expectRejected('csv', text, { format: 'csv' }, [], 3, /^line 3: record longer than \d+ characters/, [{ line: 2, text: 'ok' }]);
      }),
      { numRuns: runs(10) },
    );
  });
});

// --- JSON lines -------------------------------------------------------------------------------

const jsonText = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: fc.constantFrom(...CSV_UNITS, '\\', '}', '{'), maxLength: 12 }));
const textValue = fc.oneof({ weight: 6, arbitrary: jsonText }, fc.double(), fc.integer(), fc.constant(null));
const otherKey = fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'polluted'));
const FIELD_NAMES = ['text', 'body', 'message', '__proto__', 'constructor', 'toString', 'valueOf'];

interface JsonlDoc {
  field: string;
  posts: { value: unknown; extra: [string, unknown][] }[];
  newline: string;
  blankEvery: number;
  bom: boolean;
  trailingNewline: boolean;
}

const jsonlDoc: fc.Arbitrary<JsonlDoc> = fc.record({
  field: fc.constantFrom(...FIELD_NAMES),
  posts: fc.array(fc.record({ value: textValue, extra: fc.array(fc.tuple(otherKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }) }), { maxLength: 8 }),
  newline: fc.constantFrom('\n', '\r\n'),
  blankEvery: fc.integer({ min: 0, max: 3 }),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
});

/** One JSON object per line; extra keys (even "__proto__") are written as own keys, as any JSON file can. */
function jsonLine(field: string, value: unknown, extra: [string, unknown][]): string {
  const parts = extra.filter(([k]) => k !== field).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  parts.push(`${JSON.stringify(field)}:${JSON.stringify(value)}`);
  return `{${parts.join(',')}}`;
}

/** Lines of the document (blank separators included) and the posts a reader must return. */
function renderJsonl(doc: JsonlDoc, bad?: { at: number; line: string }): { text: string; expected: PostRow[]; badLine: number } {
  const lines: string[] = [];
  const expected: PostRow[] = [];
  let badLine = -1;
  const posts = doc.posts.map((p) => jsonLine(doc.field, p.value, p.extra));
  if (bad) posts.splice(bad.at, 0, bad.line);
  posts.forEach((line, i) => {
    if (doc.blankEvery && i % (doc.blankEvery + 1) === 1) lines.push(i % 2 ? '' : '   ');
    lines.push(line);
    if (bad && i === bad.at) badLine = lines.length;
    else if (!bad || i < bad.at) {
      const value = JSON.parse(line)[doc.field];
      expected.push({ line: lines.length, text: value === null ? '' : String(value) });
    }
  });
  const text = (doc.bom ? '\ufeff' : '') + lines.join(doc.newline) + (doc.trailingNewline ? doc.newline : '');
  return { text, expected, badLine };
}

describe('JSON lines: valid but odd files read back exactly', () => {
  it('any text, numbers, null, blank lines, CRLF, BOM, prototype-named keys and fields; any chunking', () => {
    fc.assert(
      fc.property(jsonlDoc, cutsOf(600), (doc, cuts) => {
        const { text, expected } = renderJsonl(doc);
        expect(readPosts(text, { format: 'jsonl', field: doc.field })).toEqual(expected);
        const chunked = readChunked(text, cuts.map((c) => Math.min(c, text.length)), { format: 'jsonl', field: doc.field });
        expect(chunked.error).toBeNull();
        expect(chunked.rows).toEqual(expected);
        expectPrototypesClean();
        validFiles.jsonl += 1;
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('JSON lines: hostile lines fail with their line number, nothing before them lost', () => {
  const doc = jsonlDoc.chain((d) => fc.record({ doc: fc.constant(d), at: fc.integer({ min: 0, max: d.posts.length }), cuts: cutsOf(600) }));

  function check(d: JsonlDoc, at: number, cuts: number[], line: string, pattern: RegExp, opts: Partial<PostReaderOptions> = {}): void {
    const { text, expected, badLine } = renderJsonl(d, { at, line });
    expectRejected('jsonl', text, { format: 'jsonl', field: d.field, ...opts }, cuts, badLine, pattern, expected);
  }

  it('truncated objects and garbage that is not JSON', () => {
    const garbage = fc.oneof(
      fc.tuple(fc.record({ value: textValue, extra: fc.array(fc.tuple(otherKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }) }), fc.double({ min: 0, max: 1, maxExcluded: true })).map(([p, f]) => ({ p, f })),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.constantFrom("{'text': 'single quotes'}", '{text: "unquoted key"}', '{"text": "x",}', '{"text": "x"} trailing', '{"text": "\\x41"}', '{"text": "a\u0000"}', 'NaN', 'undefined', '{"text": 01}', '[1,'),
    );
    fc.assert(
      fc.property(doc, garbage, ({ doc: d, at, cuts }, g) => {
        let line: string;
        if (typeof g === 'string') line = g;
        else {
          const full = jsonLine(d.field, g.p.value, g.p.extra);
          line = full.slice(0, Math.max(1, Math.floor(g.f * full.length)));
        }
        line = line.replace(/[\r\n]/g, ' ');
        // Blank lines are separators and a leading BOM is dropped: neither is a bad record.
        if (!line.trim() || line.startsWith('\ufeff')) return;
        try {
          JSON.parse(line);
          return; // valid JSON by chance: the other properties cover those
        } catch {
          // not JSON: the case under test
        }
        check(d, at, cuts, line, /: not valid JSON \(/);
      }),
      { numRuns: runs(400) },
    );
  });

  it('JSON that is not an object per line: arrays, strings, numbers, true, null', () => {
    fc.assert(
      fc.property(doc, fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.string({ maxLength: 10 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), ({ doc: d, at, cuts }, value) => {
        check(d, at, cuts, JSON.stringify(value), /: expected a JSON object per line$/);
      }),
      { numRuns: runs(250) },
    );
  });

  it('objects without the field, including one that only inherits it through "__proto__"', () => {
    const missing = fc.oneof(
      fc.array(fc.tuple(otherKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`),
      fc.jsonValue({ maxDepth: 1 }).map((v) => `{"__proto__":{"text":${JSON.stringify(v)},"body":1,"message":1,"polluted":true}}`),
    );
    fc.assert(
      fc.property(doc, missing, ({ doc: d, at, cuts }, line) => {
        if (Object.hasOwn(JSON.parse(line) as object, d.field)) return;
        check(d, at, cuts, line, new RegExp(`: no field "${d.field.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}" \\(fields: .*\\); choose one with --field$`));
      }),
      { numRuns: runs(200) },
    );
  });

  it('the field holding an object, an array or a boolean', () => {
    const wrong = fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.boolean());
    fc.assert(
      fc.property(doc, wrong, ({ doc: d, at, cuts }, value) => {
        const kind = Array.isArray(value) ? 'an array' : typeof value;
        check(d, at, cuts, jsonLine(d.field, value, []), new RegExp(`is ${kind}, expected text$`));
      }),
      { numRuns: runs(150) },
    );
  });

  it('huge keys and values in a bad line are not pasted back into the error', () => {
    fc.assert(
      fc.property(doc, fc.integer({ min: 2_000, max: 50_000 }), fc.constantFrom('key', 'value', 'garbage'), ({ doc: d, at, cuts }, n, where) => {
        const big = 'k'.repeat(n);
        const line = where === 'key' ? `{${JSON.stringify(big)}:1}` : where === 'value' ? `{${JSON.stringify(d.field)}:{"x":"${big}"}}` : `{"${big}`;
        const pattern = where === 'key' ? /no field/ : where === 'value' ? /is object, expected text$/ : /not valid JSON/;
        check(d, at, cuts, line, pattern);
      }),
      { numRuns: runs(60) },
    );
  });

  it('more rows than allowed', () => {
    fc.assert(
      fc.property(jsonlDoc.filter((d) => d.posts.length > 1), (d) => {
        const { text, expected } = renderJsonl(d);
        const maxRows = d.posts.length - 1;
        expectRejected('jsonl', text, { format: 'jsonl', field: d.field, maxRows }, [], expected[maxRows]!.line, new RegExp(`more than ${maxRows} posts`), expected.slice(0, maxRows));
      }),
      { numRuns: runs(60) },
    );
  });

  it('a line longer than the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('jsonl' as const, 'text' as const), (over, format) => {
        const text = `{"text":"ok"}\n{"text":"${'x'.repeat(MAX_RECORD_CHARS + over)}"}\n`;
        expectRejected(format === 'jsonl' ? 'jsonl' : 'text', text, { format }, [], 2, /^line 2: line longer than \d+ characters$/, [{ line: 1, text: format === 'jsonl' ? 'ok' : '{"text":"ok"}' }]);
      }),
      { numRuns: runs(10) },
    );
  });
});

// --- plain text -------------------------------------------------------------------------------

describe('plain text', () => {
  it('every line is a post, whatever it contains; any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '\r', '"', ',', '{', '中', '𠮷', '\ufeff', '\u2028'), maxLength: 10 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), cutsOf(100), (lines, nl, cuts) => {
        const clean = lines.map((l) => l.replace(/\r+$/, ''));
        const text = clean.join(nl);
        const expected = clean.map((l, i) => ({ line: i + 1, text: i === 0 ? l.replace(/^\ufeff/, '') : l }));
        // What follows the last line break is a post only when it is not empty.
        if (clean.at(-1) === '') expected.pop();
        expect(readPosts(text, { format: 'text' })).toEqual(expected);
        const chunked = readChunked(text, cuts.map((c) => Math.min(c, text.length)), { format: 'text' });
        expect(chunked.rows).toEqual(expected);
        validFiles.text += 1;
      }),
      { numRuns: runs(200) },
    );
  });

  it('more lines than allowed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 }), (maxRows, extra) => {
        const lines = Array.from({ length: maxRows + extra }, (_, i) => `post ${i}`);
        const before = lines.slice(0, maxRows).map((text, i) => ({ line: i + 1, text }));
        expectRejected('text', `${lines.join('\n')}\n`, { format: 'text', maxRows }, [], maxRows + 1, new RegExp(`more than ${maxRows} posts`), before);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe('batch runner over hostile files', () => {
  // A one-claim dataset written for this test: the runner needs an index, not the real data.
  const index = buildClaimIndex(
    parseDataset({
      schemaVersion: 1, version: '0.0.1', asOf: '2025-01-01', title: 'Fuzz fixture', method: 'Written for this test.', changelog: [],
      sources: [{ id: 'src-a', publisher: 'Test', title: 'A source', date: null, url: 'https://example.org/', kind: 'news', language: 'en' }],
      reports: [], stations: [], responses: [], denials: [], terms: [],
      claims: [{ id: 'C01', text: 'Ireland shut down a Chinese police station in Dublin.', phrasings: {}, status: 'reported', statusDate: null, context: 'Fixture.', numbers: [], entities: [], denialIds: [], stationIds: [], sourceIds: ['src-a'] }],
    }),
  );

  it('checks every post before a bad record, whatever the line ends (LF, CRLF or old-Mac CR)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('\n', '\r\n', '\r'), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 64 }), async (nl, good, chunkSize) => {
        const posts = Array.from({ length: good }, (_, i) => `post ${i} about Dublin`);
        const text = ['text', ...posts, '"bad"x', 'after'].join(nl) + nl;
        const bytes = new TextEncoder().encode(text);
        async function* chunks(): AsyncGenerator<Uint8Array> {
          for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.slice(i, i + chunkSize);
        }
        const rows: BatchRow[] = [];
        const outcome = await runBatch(chunks(), bytes.length, index, { format: 'csv' }, { onRows: (r) => rows.push(...r), pause: async () => undefined });
        expect(outcome.status).toBe('failed');
        expect(outcome.error).toMatch(new RegExp(`^line ${good + 2}: unexpected "x" after a closing quote`));
        expect(rows.map((r) => [r.line, r.text])).toEqual(posts.map((p, i) => [i + 2, p]));
        expect(outcome.rows).toBe(good);
        expectPrototypesClean();
      }),
      { numRuns: runs(60) },
    );
  });
});

describe('counts', () => {
  it(`CSV and JSON lines each saw at least ${MIN_HOSTILE_PER_FORMAT} hostile inputs`, () => {
    if (SCALE < 1) return;
    expect(hostile.csv).toBeGreaterThanOrEqual(MIN_HOSTILE_PER_FORMAT);
    expect(hostile.jsonl).toBeGreaterThanOrEqual(MIN_HOSTILE_PER_FORMAT);
  });
});
