import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPostReader, PostReadError, readPosts, type PostReaderOptions, type PostRow } from '../../lib/batch/read-posts';
import { toCsv } from '../../lib/export/csv';

function readInChunks(text: string, cuts: number[], opts: PostReaderOptions): PostRow[] {
  const reader = createPostReader(opts);
  const rows: PostRow[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    rows.push(...reader.push(text.slice(from, cut)));
    from = cut;
  }
  rows.push(...reader.push(text.slice(from)), ...reader.end());
  return rows;
}

function errorOf(fn: () => unknown): PostReadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PostReadError) return error;
    throw error;
  }
  throw new Error('expected a PostReadError');
}

describe('plain text: one post per line', () => {
  it('keeps every line, blank ones included, in order, with line numbers; CRLF and a BOM are not text', () => {
    expect(readPosts('\ufefffirst\r\n\r\nthird\nlast without newline', { format: 'text' })).toEqual([
      { line: 1, text: 'first' },
      { line: 2, text: '' },
      { line: 3, text: 'third' },
      { line: 4, text: 'last without newline' },
    ]);
  });

  it('does not invent a post after the final newline', () => {
    expect(readPosts('a\nb\n', { format: 'text' }).map((r) => r.text)).toEqual(['a', 'b']);
  });

  it('gives the same rows however the input is cut into chunks', () => {
    const text = 'α line\r\nsecond\n\nfourth 中文\r\nfifth';
    const whole = readPosts(text, { format: 'text' });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        expect(readInChunks(text, cuts, { format: 'text' })).toEqual(whole);
      }),
    );
  });

  it('stops at maxRows with a clear message', () => {
    expect(errorOf(() => readPosts('a\nb\nc\n', { format: 'text', maxRows: 2 })).message).toBe('line 3: more than 2 posts; split the file into smaller ones');
  });
});

describe('CSV with a chosen column', () => {
  const csv = 'id,body,author\r\n1,"Hello, world",ann\r\n2,"a ""quoted"" word",bob\r\n3,"two\r\nlines",cy\r\n4,plain,dee\r\n';

  it('reads quoted fields with commas, doubled quotes and line breaks; lines are where records start', () => {
    expect(readPosts(csv, { format: 'csv', column: 'body' })).toEqual([
      { line: 2, text: 'Hello, world' },
      { line: 3, text: 'a "quoted" word' },
      { line: 4, text: 'two\r\nlines' },
      { line: 6, text: 'plain' },
    ]);
  });

  it('finds the column case-insensitively, defaults to "text" or the only column', () => {
    expect(readPosts('ID,Body\n1,x\n', { format: 'csv', column: 'body' })[0]?.text).toBe('x');
    expect(readPosts('id,Text\n1,y\n', { format: 'csv' })[0]?.text).toBe('y');
    expect(readPosts('post\nz\n', { format: 'csv' })[0]?.text).toBe('z');
  });

  it('names the columns when the chosen one is missing or none was chosen', () => {
    expect(errorOf(() => readPosts(csv, { format: 'csv', column: 'message' })).message).toBe('line 1: no column "message" in the header (columns: "id", "body", "author")');
    expect(errorOf(() => readPosts(csv, { format: 'csv' })).message).toMatch(/choose the column .* \(columns: "id", "body", "author"\)/);
  });

  it('rejects a record with the wrong number of fields, naming its line', () => {
    const e = errorOf(() => readPosts('id,text\n1,ok\n2,"multi\nline"\n3,too,many\n', { format: 'csv' }));
    expect(e.line).toBe(5);
    expect(e.message).toBe('line 5: expected 2 fields as in the header, found 3');
  });

  it('rejects an unclosed quote and text after a closing quote', () => {
    expect(errorOf(() => readPosts('id,text\n1,"never closed\n2,x\n', { format: 'csv' })).message).toBe('line 2: a quoted field is never closed');
    expect(errorOf(() => readPosts('id,text\n1,"closed"x\n', { format: 'csv' })).message).toMatch(/^line 2: unexpected "x" after a closing quote/);
  });

  it('rejects an empty file', () => {
    expect(errorOf(() => readPosts('', { format: 'csv' })).message).toMatch(/empty/);
  });

  it('reads other delimiters, a BOM, blank lines and a last record without newline', () => {
    expect(readPosts('\ufeffid;text\n\n1;a,b\n2;"c;d"', { format: 'csv', delimiter: ';' }).map((r) => r.text)).toEqual(['a,b', 'c;d']);
  });

  it('round-trips any table written by the CSV writer, however the text is chunked', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '中', '=') , maxLength: 12 });
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 6 }), (texts, cuts) => {
        const doc = toCsv([['id', 'text'], ...texts.map((t, i) => [String(i), t])]);
        const rows = readInChunks(doc, cuts.map((c) => Math.min(c, doc.length)), { format: 'csv', column: 'text' });
        // The writer neutralises formula-like cells with a leading apostrophe; that is what it reads back.
        expect(rows.map((r) => r.text)).toEqual(texts.map((t) => (/^\s*[=+\-@\t\r]/.test(t) ? `'${t}` : t)));
      }),
    );
  });
});

describe('JSON lines with a chosen field', () => {
  it('reads the field, skipping blank lines; numbers become text, null empty text', () => {
    const text = '{"id":1,"body":"first"}\n\n{"id":2,"body":42}\r\n{"id":3,"body":null}';
    expect(readPosts(text, { format: 'jsonl', field: 'body' })).toEqual([
      { line: 1, text: 'first' },
      { line: 3, text: '42' },
      { line: 4, text: '' },
    ]);
  });

  it('defaults to the "text" field', () => {
    expect(readPosts('{"text":"t"}\n', { format: 'jsonl' })).toEqual([{ line: 1, text: 't' }]);
  });

  it('names the line of invalid JSON, non-objects, missing and non-text fields', () => {
    expect(errorOf(() => readPosts('{"text":"ok"}\n{"text":\n', { format: 'jsonl' })).message).toMatch(/^line 2: not valid JSON/);
    expect(errorOf(() => readPosts('["text"]\n', { format: 'jsonl' })).message).toBe('line 1: expected a JSON object per line');
    expect(errorOf(() => readPosts('{"text":"a"}\n{"body":"b"}\n', { format: 'jsonl' })).message).toBe('line 2: no field "text" (fields: body); choose one with --field');
    expect(errorOf(() => readPosts('{"text":{"a":1}}\n', { format: 'jsonl' })).message).toBe('line 1: field "text" is object, expected text');
  });
});
