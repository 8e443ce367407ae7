/**
 * Incremental reader of posts to check in bulk: plain text (one post per line), CSV (RFC 4180,
 * one chosen column) or JSON lines (one chosen field). Feed decoded text chunks of any size with
 * `push`, get the complete rows so far; `end` flushes the last one. Memory stays bounded by the
 * longest record, so a 100,000-row export streams through. Pure: used by the `check` CLI in Node
 * and by the extension's batch worker.
 *
 * Errors are PostReadError with the 1-based line where the bad record starts, and the message
 * names it, so a user can open the file at that line.
 */

/** Input formats. */
export type PostFormat = 'text' | 'csv' | 'jsonl';

/** One post: its text and the line where its record starts (1-based). */
export interface PostRow {
  line: number;
  text: string;
}

/** Options of {@link createPostReader}. */
export interface PostReaderOptions {
  format: PostFormat;
  /** CSV: the header name of the text column. Default: a column named "text", or the only column. */
  column?: string;
  /** JSON lines: the field holding the text. Default "text". */
  field?: string;
  /** CSV field separator; default ",". */
  delimiter?: string;
  /** Fail once more rows than this arrive (the extension caps batches); default unlimited. */
  maxRows?: number;
}

/** An incremental reader; `push` and `end` throw PostReadError on bad input. */
export interface PostReader {
  push(chunk: string): PostRow[];
  end(): PostRow[];
  /** CSV: the header as read (empty for other formats or before the header is complete). */
  readonly header: readonly string[];
}

/** A record too long to be a post: almost always an unclosed quote swallowing the rest of the file. */
export const MAX_RECORD_CHARS = 1_000_000;

/** Bad input, with the 1-based line where the offending record starts. */
export class PostReadError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'PostReadError';
  }
}

/** Creates a reader for one input; a reader is used for exactly one input. */
export function createPostReader(opts: PostReaderOptions): PostReader {
  if (opts.format === 'csv') return csvReader(opts);
  return lineReader(opts);
}

/** Reads a whole string at once (tests, small pastes). */
export function readPosts(text: string, opts: PostReaderOptions): PostRow[] {
  const reader = createPostReader(opts);
  return [...reader.push(text), ...reader.end()];
}

function checkCount(count: number, opts: PostReaderOptions, line: number): void {
  if (opts.maxRows !== undefined && count > opts.maxRows) {
    throw new PostReadError(line, `more than ${opts.maxRows} posts; split the file into smaller ones`);
  }
}

function lineReader(opts: PostReaderOptions): PostReader {
  const field = opts.field ?? 'text';
  let buffer = '';
  let lineNo = 0;
  let count = 0;
  let first = true;

  const take = (raw: string): PostRow | null => {
    lineNo += 1;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (opts.format === 'text') {
      count += 1;
      checkCount(count, opts, lineNo);
      return { line: lineNo, text: line };
    }
    // JSON lines: blank lines are separators, not records.
    if (!line.trim()) return null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new PostReadError(lineNo, `not valid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new PostReadError(lineNo, 'expected a JSON object per line');
    }
    if (!Object.prototype.hasOwnProperty.call(value, field)) {
      throw new PostReadError(lineNo, `no field "${field}" (fields: ${Object.keys(value).slice(0, 10).join(', ') || 'none'}); choose one with --field`);
    }
    const text = (value as Record<string, unknown>)[field];
    if (typeof text !== 'string' && typeof text !== 'number' && text !== null) {
      throw new PostReadError(lineNo, `field "${field}" is ${Array.isArray(text) ? 'an array' : typeof text}, expected text`);
    }
    count += 1;
    checkCount(count, opts, lineNo);
    return { line: lineNo, text: text === null ? '' : String(text) };
  };

  return {
    header: [],
    push(chunk: string): PostRow[] {
      buffer += chunk;
      const rows: PostRow[] = [];
      let from = 0;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n', from)) {
        const row = take(buffer.slice(from, nl));
        if (row) rows.push(row);
        from = nl + 1;
      }
      buffer = buffer.slice(from);
      if (buffer.length > MAX_RECORD_CHARS) throw new PostReadError(lineNo + 1, `line longer than ${MAX_RECORD_CHARS} characters`);
      return rows;
    },
    end(): PostRow[] {
      // A final line without a newline is a record; an empty remainder after the last newline is not.
      if (!buffer) return [];
      const row = take(buffer);
      buffer = '';
      return row ? [row] : [];
    },
  };
}

function csvReader(opts: PostReaderOptions): PostReader {
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new PostReadError(0, `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  let header: string[] = [];
  let columnIndex = -1;
  let count = 0;
  let first = true;

  // Parser state, kept across chunks.
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteClosed = false; // just saw the closing quote of a quoted field
  let afterCr = false; // previous char was CR ending a record; skip one LF
  let line = 1; // current physical line
  let recordLine = 1; // line where the current record started
  let recordChars = 0;
  let fieldStarted = false; // something (even "") was read into the current record
  let quotedCr = false; // previous char inside quotes was CR

  const emitRecord = (rows: PostRow[]): void => {
    fields.push(field);
    const record = fields;
    fields = [];
    field = '';
    quoteClosed = false;
    recordChars = 0;
    const startedAt = recordLine;
    const blank = !fieldStarted && record.length === 1 && record[0] === '';
    fieldStarted = false;
    if (blank) return; // empty lines separate nothing in CSV exports; skip them
    if (header.length === 0) {
      header = record.map((h) => h.trim());
      columnIndex = chooseColumn(header, opts.column);
      return;
    }
    if (record.length !== header.length) {
      throw new PostReadError(startedAt, `expected ${header.length} fields as in the header, found ${record.length}`);
    }
    count += 1;
    checkCount(count, opts, startedAt);
    rows.push({ line: startedAt, text: record[columnIndex]! });
  };

  const reader: PostReader = {
    get header() {
      return header;
    },
    push(chunk: string): PostRow[] {
      const rows: PostRow[] = [];
      let i = 0;
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) i = 1;
      }
      for (; i < chunk.length; i++) {
        const ch = chunk[i]!;
        if (afterCr) {
          afterCr = false;
          if (ch === '\n') continue;
        }
        if (++recordChars > MAX_RECORD_CHARS) {
          throw new PostReadError(recordLine, `record longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`);
        }
        if (inQuotes) {
          if (ch === '"') {
            inQuotes = false;
            quoteClosed = true;
          } else {
            // CRLF inside a quoted field is one line break, even when a chunk ends between them.
            if (ch === '\r' || (ch === '\n' && !quotedCr)) line += 1;
            quotedCr = ch === '\r';
            field += ch;
          }
          continue;
        }
        if (quoteClosed && ch === '"') {
          // "" inside a quoted field is one quote.
          field += '"';
          inQuotes = true;
          quoteClosed = false;
          continue;
        }
        if (ch === delimiter) {
          fields.push(field);
          field = '';
          quoteClosed = false;
          fieldStarted = true;
          continue;
        }
        if (ch === '\n' || ch === '\r') {
          emitRecord(rows);
          line += 1;
          recordLine = line;
          afterCr = ch === '\r';
          continue;
        }
        if (quoteClosed) {
          throw new PostReadError(line, `unexpected ${JSON.stringify(ch)} after a closing quote (quotes inside a quoted field are written "")`);
        }
        if (ch === '"' && field === '') {
          inQuotes = true;
          fieldStarted = true;
          continue;
        }
        // A quote inside an unquoted field (5" screen) is kept as text, as spreadsheets do.
        field += ch;
        fieldStarted = true;
      }
      return rows;
    },
    end(): PostRow[] {
      if (inQuotes) throw new PostReadError(recordLine, 'a quoted field is never closed');
      const rows: PostRow[] = [];
      if (field !== '' || fields.length > 0 || fieldStarted) emitRecord(rows);
      if (header.length === 0) throw new PostReadError(0, 'the CSV is empty: expected a header row naming the columns');
      return rows;
    },
  };
  return reader;
}

function chooseColumn(header: string[], wanted: string | undefined): number {
  const list = header.map((h) => JSON.stringify(h)).join(', ');
  if (wanted !== undefined) {
    let index = header.indexOf(wanted);
    if (index < 0) index = header.findIndex((h) => h.toLowerCase() === wanted.trim().toLowerCase());
    if (index < 0) throw new PostReadError(1, `no column "${wanted}" in the header (columns: ${list})`);
    return index;
  }
  const text = header.findIndex((h) => h.toLowerCase() === 'text');
  if (text >= 0) return text;
  if (header.length === 1) return 0;
  throw new PostReadError(1, `choose the column holding the posts with --column (columns: ${list})`);
}
