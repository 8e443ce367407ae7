/**
 * Bulk claim checks over a file of posts, shared by the extension's batch worker and the tests:
 * bytes in (a File's stream), checked rows out in slices, with progress and cancel.
 *
 * The runner decodes the bytes itself (TextDecoder in streaming mode) rather than behind a
 * TextDecoderStream, so progress is counted in bytes of the file, exactly, and a file that is not
 * UTF-8 stops with a message naming where, instead of turning into replacement characters.
 * Matching runs in slices of at most BATCH_SLICE_MS; after each slice the rows are handed over and
 * the runner yields, so a cancel message reaches the worker within one slice.
 *
 * Pure: no DOM, no extension APIs, no Node modules.
 */
import type { Dataset } from '../dataset/schema';
import { matchClaims, type ClaimIndex, type ClaimMatch, type TextLang } from '../match/claim-match';
import { createPostReader, PostReadError, type PostFormat, type PostReader, type PostRow } from './read-posts';
import { withoutLoneSurrogates } from '../well-formed';

/** Most posts in one batch; the reader refuses the file past this many. */
export const BATCH_MAX_ROWS = 100_000;
/** Longest stretch of matching before rows are handed over and the runner yields (cancel, progress). */
export const BATCH_SLICE_MS = 50;
/** Bytes read from the start of a file to list its columns and show sample posts. */
export const BATCH_PREVIEW_BYTES = 64 * 1024;
/** Sample posts shown under the column chooser. */
export const BATCH_PREVIEW_SAMPLES = 3;
/** CSV columns looked at when guessing which one holds the posts. */
const PREVIEW_MAX_COLUMNS = 100;
/** JSON lines read when listing the fields of a JSONL file. */
const PREVIEW_MAX_JSON_LINES = 20;

/** What to read from the file and how to match. */
export interface BatchOptions {
  format: PostFormat;
  /** CSV: header name of the column holding the posts. */
  column?: string;
  /** JSON lines: the field holding the posts. */
  field?: string;
  /** CSV field separator; default ",". */
  delimiter?: string;
  /** Default BATCH_MAX_ROWS. */
  maxRows?: number;
  /** Matches kept per post; default the matcher's. */
  limit?: number;
  lang?: TextLang;
}

/** One checked post: the line where its record starts, its text, and its matches (best first). */
export interface BatchRow {
  line: number;
  text: string;
  matches: ClaimMatch[];
}

/** Where a run is. `bytesDone` reaches `totalBytes` only when every post has been checked. */
export interface BatchProgress {
  rows: number;
  /** Posts with at least one known claim. */
  matched: number;
  bytesDone: number;
  totalBytes: number;
}

/** How a run ended. On 'failed' the rows already handed over stay valid: they are the file's first `rows` posts. */
export interface BatchOutcome {
  status: 'done' | 'cancelled' | 'failed';
  rows: number;
  matched: number;
  /** 'failed' only: what is wrong, with the line when known. */
  error?: string;
}

/** Callbacks and controls of {@link runBatch}. */
export interface BatchHooks {
  /** Checked rows of one slice, in file order, and the progress after them. */
  onRows(rows: BatchRow[], progress: BatchProgress): void;
  signal?: AbortSignal;
  /** Called between slices; default: a zero-delay timer, so queued messages (cancel) run. */
  pause?: () => Promise<void>;
  /** Clock in ms; default performance.now. */
  now?: () => number;
}

/** The bytes of a file: what `Blob.stream()` gives in browsers, workers and Node. */
export interface BatchFile {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

/** Page → worker. */
export type BatchWorkerRequest =
  | { type: 'start'; file: BatchFile; dataset: Dataset; options: BatchOptions }
  | { type: 'cancel' };

/** Worker → page. */
export type BatchWorkerMessage =
  | { type: 'rows'; rows: BatchRow[]; progress: BatchProgress }
  | { type: 'end'; outcome: BatchOutcome; elapsedMs: number; indexMs: number };

// A BOM is kept as U+FEFF: the post reader strips it at the start of the file.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Length of `bytes` without a trailing, not yet complete UTF-8 sequence (kept for the next chunk). */
function completeLength(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  const stop = Math.max(0, bytes.length - 4);
  while (i > stop && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return 0;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > bytes.length ? i : bytes.length;
}

/** The bytes as text, or, when they are not UTF-8, the text of their valid beginning. */
function decodeUtf8(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: strictDecoder.decode(bytes), valid: true };
  } catch {
    // The first U+FFFD of a lenient decoding that is not a real U+FFFD in the file marks the bad bytes.
    const lenient = lenientDecoder.decode(bytes);
    for (let at = lenient.indexOf('\ufffd'); at >= 0; at = lenient.indexOf('\ufffd', at + 1)) {
      const offset = utf8Encoder.encode(lenient.slice(0, at)).length;
      const real = bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
      if (!real) return { text: lenient.slice(0, at), valid: false };
    }
    return { text: '', valid: false };
  }
}

const LINE_BREAK_RE = /[\r\n]/g;

const defaultPause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Chunks of a byte stream, read one at a time (no whole-file buffering). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.length) yield value;
    }
  } finally {
    // Cancelling an unfinished read releases the file; a finished stream ignores it.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function notUtf8(line: number): string {
  return `line ${line}: the file is not UTF-8 text; save it as UTF-8 (in Excel: "CSV UTF-8") and try again`;
}

/**
 * Checks every post of a byte stream against the claim index, in file order. Bad input ends the
 * run as 'failed' with a message naming the line; the rows handed over until then are kept.
 */
export async function runBatch(chunks: AsyncIterable<Uint8Array>, totalBytes: number, index: ClaimIndex, opts: BatchOptions, hooks: BatchHooks): Promise<BatchOutcome> {
  const now = hooks.now ?? (() => performance.now());
  const pause = hooks.pause ?? defaultPause;
  const matchOpts = { ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.lang ? { lang: opts.lang } : {}) };
  const progress: BatchProgress = { rows: 0, matched: 0, bytesDone: 0, totalBytes };
  const outcome = (status: BatchOutcome['status'], error?: string): BatchOutcome =>
    error === undefined ? { status, rows: progress.rows, matched: progress.matched } : { status, rows: progress.rows, matched: progress.matched, error };

  let reader: PostReader;
  try {
    // The row cap is enforced here, not by the reader, so the posts before it are still checked.
    reader = createPostReader({
      format: opts.format,
      ...(opts.column !== undefined ? { column: opts.column } : {}),
      ...(opts.field !== undefined ? { field: opts.field } : {}),
      ...(opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}),
    });
  } catch (error) {
    if (error instanceof PostReadError) return outcome('failed', error.message);
    throw error;
  }
  const maxRows = opts.maxRows ?? BATCH_MAX_ROWS;

  // Matches `rows` slice by slice; `bytesFrom`..`bytesTo` is the part of the file they came from.
  const check = async (rows: PostRow[], bytesFrom: number, bytesTo: number): Promise<boolean> => {
    let i = 0;
    while (i < rows.length) {
      if (hooks.signal?.aborted) return false;
      const sliceEnd = now() + BATCH_SLICE_MS;
      const out: BatchRow[] = [];
      do {
        const row = rows[i++]!;
        const matches = matchClaims(index, row.text, matchOpts);
        if (matches.length) progress.matched += 1;
        out.push({ line: row.line, text: row.text, matches });
      } while (i < rows.length && now() < sliceEnd);
      progress.rows += out.length;
      progress.bytesDone = Math.round(bytesFrom + ((bytesTo - bytesFrom) * i) / rows.length);
      hooks.onRows(out, { ...progress });
      await pause();
    }
    progress.bytesDone = bytesTo;
    return true;
  };

  // Reads `text` into rows line by line, so that a bad record costs nothing before it: the rows
  // read until then are still checked, and the error comes after them.
  const read = (text: string, last: boolean): { rows: PostRow[]; error: string | null } => {
    const rows: PostRow[] = [];
    try {
      // Any line break ends a piece: old Mac exports end lines with CR alone.
      let from = 0;
      for (const m of text.matchAll(LINE_BREAK_RE)) {
        const end = m.index + 1;
        rows.push(...reader.push(text.slice(from, end)));
        from = end;
      }
      if (from < text.length) rows.push(...reader.push(text.slice(from)));
      if (last) rows.push(...reader.end());
    } catch (error) {
      if (!(error instanceof PostReadError)) throw error;
      return { rows, error: error.message };
    }
    const room = maxRows - progress.rows;
    if (rows.length > room) {
      const over = rows[room]!;
      return { rows: rows.slice(0, room), error: `line ${over.line}: more than ${maxRows} posts; the first ${maxRows} were checked, split the file to check the rest` };
    }
    return { rows, error: null };
  };

  const step = async (text: string, last: boolean, bytesTo: number): Promise<BatchOutcome | null> => {
    const { rows, error } = read(text, last);
    if (!(await check(rows, progress.bytesDone, bytesTo))) return outcome('cancelled');
    return error === null ? null : outcome('failed', error);
  };

  let carry = new Uint8Array(0);
  let linesRead = 1;
  for await (const chunk of chunks) {
    if (hooks.signal?.aborted) return outcome('cancelled');
    const bytes = carry.length ? concatBytes(carry, chunk) : chunk;
    const whole = completeLength(bytes);
    carry = bytes.slice(whole);
    const { text, valid } = decodeUtf8(bytes.subarray(0, whole));
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) linesRead += 1;
    // The last byte counts as done only once the last post is checked: the reader holds it until `end`.
    const bytesTo = Math.min(Math.max(0, totalBytes - 1), progress.bytesDone + chunk.length);
    // Posts before invalid bytes are still checked (the record holding them is not); then the run stops.
    const stopped = await step(text, false, bytesTo);
    if (stopped) return stopped;
    if (!valid) return outcome('failed', notUtf8(linesRead));
  }
  // A multi-byte character cut off by the end of the file.
  if (carry.length) return outcome('failed', notUtf8(linesRead));
  const stopped = await step('', true, totalBytes);
  if (stopped) return stopped;
  hooks.onRows([], { ...progress, bytesDone: totalBytes });
  return outcome('done');
}

/** What the column chooser shows before a run: the format, the columns or fields, and sample posts. */
export interface BatchPreview {
  format: PostFormat;
  /** CSV header names, or JSON fields seen in the first lines; empty for plain text. */
  columns: string[];
  /** The column or field most likely to hold the posts. */
  suggested: string | undefined;
  /** CSV only: the separator found in the header. */
  delimiter: string | undefined;
}

/** The input format from the file name, else from the first character of the file. */
export function guessFormat(fileName: string, head: string): PostFormat {
  const name = fileName.toLowerCase();
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (/\.(jsonl|ndjson)$/.test(name)) return 'jsonl';
  if (/\.txt$/.test(name)) return 'text';
  return /^[{[]/.test(head.replace(/^\ufeff/, '').trimStart()) ? 'jsonl' : 'csv';
}

/** The CSV separator: whichever of comma, semicolon and tab occurs most in the header line, outside quotes. */
export function guessDelimiter(head: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let inQuotes = false;
  for (const ch of head) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, n) => sum + n, 0) / values.length : 0;
}

/**
 * Lists the columns (CSV) or fields (JSON lines) at the start of a file and suggests the one that
 * holds the posts: "text" when there is one, else the one with the longest values. `complete`
 * says `head` is the whole file (its last line is then read too). Throws PostReadError when the
 * start of the file cannot be read.
 */
export function previewPosts(head: string, format: PostFormat, complete: boolean, delimiter?: string): BatchPreview {
  if (format === 'text') return { format, columns: [], suggested: undefined, delimiter: undefined };
  if (format === 'jsonl') {
    const columns: string[] = [];
    const lengths = new Map<string, number[]>();
    const lines = head.replace(/^\ufeff/, '').split('\n');
    // The last line may be cut by the preview window.
    if (!complete) lines.pop();
    let seen = 0;
    for (let i = 0; i < lines.length && seen < PREVIEW_MAX_JSON_LINES; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      seen += 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new PostReadError(i + 1, `not valid JSON (${withoutLoneSurrogates((error as Error).message)})`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PostReadError(i + 1, 'expected a JSON object per line');
      for (const [key, v] of Object.entries(value)) {
        if (!lengths.has(key)) {
          columns.push(key);
          lengths.set(key, []);
        }
        if (typeof v === 'string') lengths.get(key)!.push(v.length);
      }
    }
    if (columns.length === 0) throw new PostReadError(0, `no JSON object in the first ${Math.round(BATCH_PREVIEW_BYTES / 1024)} KB of the file`);
    const text = columns.find((c) => c.toLowerCase() === 'text');
    const longest = columns
      .filter((c) => lengths.get(c)!.length > 0)
      .sort((a, b) => mean(lengths.get(b)!) - mean(lengths.get(a)!))[0];
    return { format, columns, suggested: text ?? longest ?? columns[0], delimiter: undefined };
  }
  const sep = delimiter ?? guessDelimiter(head);
  // read-posts settles the column as soon as the header is complete and refuses when it cannot
  // choose; the header is known by then, so a refusal for want of a column still lists the columns.
  const probe = createPostReader({ format: 'csv', delimiter: sep });
  try {
    probe.push(head);
    if (complete) probe.end();
  } catch (error) {
    if (!(error instanceof PostReadError) || probe.header.length === 0) throw error;
  }
  const columns = [...probe.header];
  if (columns.length === 0) throw new PostReadError(1, `no complete header row in the first ${Math.round(BATCH_PREVIEW_BYTES / 1024)} KB of the file`);
  const text = columns.find((c) => c.toLowerCase() === 'text');
  if (text !== undefined) return { format, columns, suggested: text, delimiter: sep };
  let suggested = columns[0];
  let best = -1;
  for (const column of columns.slice(0, PREVIEW_MAX_COLUMNS)) {
    let length = 0;
    try {
      length = mean(samplePosts(head, { format, column, delimiter: sep }, complete, 20).map((r) => r.text.length));
    } catch (error) {
      if (!(error instanceof PostReadError)) throw error;
    }
    if (length > best) {
      best = length;
      suggested = column;
    }
  }
  return { format, columns, suggested, delimiter: sep };
}

/**
 * The first complete posts at the start of a file for the chosen column or field; throws
 * PostReadError when those first records are malformed (the error the run would stop on).
 */
export function samplePosts(
  head: string,
  opts: Pick<BatchOptions, 'format' | 'column' | 'field' | 'delimiter'>,
  complete: boolean,
  count = BATCH_PREVIEW_SAMPLES,
): PostRow[] {
  const reader = createPostReader({
    format: opts.format,
    ...(opts.column !== undefined ? { column: opts.column } : {}),
    ...(opts.field !== undefined ? { field: opts.field } : {}),
    ...(opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}),
  });
  // Rows come only when complete, so a record cut by the preview window is never shown.
  const rows: PostRow[] = [];
  let from = 0;
  while (from < head.length && rows.length < count) {
    const nl = head.indexOf('\n', from);
    const to = nl < 0 ? head.length : nl + 1;
    rows.push(...reader.push(head.slice(from, to)));
    from = to;
  }
  if (complete && rows.length < count) rows.push(...reader.end());
  return rows.slice(0, count);
}
