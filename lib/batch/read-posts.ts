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

import { withoutLoneSurrogates } from '../well-formed';

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

/** Longest name (column, field, key) quoted whole in an error; longer ones are cut with "…". */
const MAX_NAME_IN_ERROR_CHARS = 60;
/** Longest list of names in an error: a header of huge names must not paste the record back. */
const MAX_LIST_IN_ERROR_CHARS = 400;
/** Longest JSON parser message repeated in an error (engines differ in what they quote). */
const MAX_PARSER_MESSAGE_CHARS = 200;

/** Cuts `text` to at most `max` UTF-16 units plus "…", never between the halves of a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `names` formatted one by one and joined with ", ", stopping before the list gets too long to read. */
function nameList(names: readonly string[], format: (name: string) => string, maxItems = Infinity): string {
  const parts: string[] = [];
  let chars = 0;
  for (const name of names) {
    if (parts.length >= maxItems) break;
    const part = format(clip(name, MAX_NAME_IN_ERROR_CHARS));
    if (parts.length > 0 && chars + part.length > MAX_LIST_IN_ERROR_CHARS) break;
    parts.push(part);
    chars += part.length + 2;
  }
  const more = names.length - parts.length;
  return more > 0 ? `${parts.join(', ')}, … ${more} more` : parts.join(', ');
}

function checkCount(count: number, opts: PostReaderOptions, line: number): void {
  if (opts.maxRows !== undefined && count > opts.maxRows) {
    throw new PostReadError(line, `more than ${opts.maxRows} posts; split the file into smaller ones`);
  }
}

function lineReader(opts: PostReaderOptions): PostReader {
  const field = opts.field ?? 'text';
  const fieldName = clip(field, MAX_NAME_IN_ERROR_CHARS);
  let buffer = '';
  let lineNo = 0;
  let count = 0;
  let first = true;

  const tooLong = (at: number) => new PostReadError(at, `line longer than ${MAX_RECORD_CHARS} characters`);

  const take = (raw: string): PostRow | null => {
    lineNo += 1;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    // Checked here as well as on the unfinished remainder in `push`: a long line that arrives
    // whole in one chunk never sits in the remainder, and the cap must not depend on chunking.
    if (line.length > MAX_RECORD_CHARS) throw tooLong(lineNo);
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
      throw new PostReadError(lineNo, `not valid JSON (${clip(withoutLoneSurrogates((error as Error).message), MAX_PARSER_MESSAGE_CHARS)})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new PostReadError(lineNo, 'expected a JSON object per line');
    }
    if (!Object.prototype.hasOwnProperty.call(value, field)) {
      const keys = Object.keys(value);
      throw new PostReadError(lineNo, `no field "${fieldName}" (fields: ${keys.length ? nameList(keys, (k) => k, 10) : 'none'}); choose one with --field`);
    }
    const text = (value as Record<string, unknown>)[field];
    if (typeof text !== 'string' && typeof text !== 'number' && text !== null) {
      throw new PostReadError(lineNo, `field "${fieldName}" is ${Array.isArray(text) ? 'an array' : typeof text}, expected text`);
    }
    count += 1;
    checkCount(count, opts, lineNo);
    return { line: lineNo, text: text === null ? '' : String(text) };
  };

  return {
    header: [],
    push(chunk: string): PostRow[] {
      // The remainder holds no LF, so only the new chunk needs searching (a long line fed in
      // small chunks stays linear).
      const searchFrom = buffer.length;
      buffer += chunk;
      const rows: PostRow[] = [];
      let from = 0;
      for (let nl = buffer.indexOf('\n', searchFrom); nl >= 0; nl = buffer.indexOf('\n', from)) {
        const row = take(buffer.slice(from, nl));
        if (row) rows.push(row);
        from = nl + 1;
      }
      buffer = buffer.slice(from);
      // Measured as `take` will measure the finished line: without the CR of a CRLF that may be
      // cut off from its LF, and without the first line's BOM.
      const pending = buffer.length - (buffer.endsWith('\r') ? 1 : 0) - (first && buffer.charCodeAt(0) === 0xfeff ? 1 : 0);
      if (pending > MAX_RECORD_CHARS) throw tooLong(lineNo + 1);
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
    throw new PostReadError(0, `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(clip(delimiter, MAX_NAME_IN_ERROR_CHARS))}`);
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
        // Only the character right after a CR inside quotes may be the LF of the same CRLF; a
        // closing or doubled quote in between makes a later LF a line break of its own.
        const crBefore = quotedCr;
        quotedCr = false;
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
            if (ch === '\r' || (ch === '\n' && !crBefore)) line += 1;
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
  const list = nameList(header, (h) => JSON.stringify(h));
  if (wanted !== undefined) {
    let index = header.indexOf(wanted);
    if (index < 0) index = header.findIndex((h) => h.toLowerCase() === wanted.trim().toLowerCase());
    if (index < 0) throw new PostReadError(1, `no column "${clip(wanted, MAX_NAME_IN_ERROR_CHARS)}" in the header (columns: ${list})`);
    return index;
  }
  const text = header.findIndex((h) => h.toLowerCase() === 'text');
  if (text >= 0) return text;
  if (header.length === 1) return 0;
  throw new PostReadError(1, `choose the column holding the posts with --column (columns: ${list})`);
}
