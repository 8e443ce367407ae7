/**
 * `npm run -s check -- [FILE|-] [options]`: matches every post of a file against the known claims
 * with the same matcher and dataset as the extension, fully offline.
 *
 * Nothing half-written: results are streamed to a private temporary file while the input is read,
 * and copied to stdout only after the whole input has been read without error. A malformed record
 * anywhere (line 99,999 included) ends the run with a message naming the line on stderr, exit code
 * 2, and nothing on stdout. Memory stays bounded by one record and one output buffer, so 100,000
 * rows and more stream through.
 *
 * Exit codes: 0 done, 2 bad usage or bad input, 1 anything else (e.g. the dataset is invalid).
 */
import { accessSync, closeSync, constants, createReadStream, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createPostReader, PostReadError, type PostFormat, type PostRow } from '../lib/batch/read-posts';
import { formatResult, resultCsvHeader, type ResultFormat } from '../lib/batch/write-results';
import { loadDatasetFromDir, DATASET_DIR } from '../lib/dataset/load-node';
import { buildClaimIndex, matchClaims, CLAIM_MATCH_DEFAULT_LIMIT, type TextLang } from '../lib/match/claim-match';

const HELP = `Usage: npm run -s check -- [FILE|-] [options]

Matches each post against the known claims (offline) and prints one result per post, in input order.

Input (FILE, or - / nothing for stdin):
  --input text|csv|jsonl   input format (default: from the file extension .csv/.jsonl/.ndjson,
                           else csv with --column, jsonl with --field, else text: one post per line)
  --column NAME            CSV: the column holding the post (default: "text" or the only column)
  --field NAME             JSON lines: the field holding the post (default: "text")
  --delimiter CHAR         CSV field separator (default ","; use "\\t" for tab)
Output:
  --format jsonl|csv       jsonl (default): {"input": "...", "matches": [{"claimId", "score",
                           "status", "why"}]} per line, empty matches = no known claim;
                           csv: one record per post, formula-safe
  --limit N                matches per post (default ${CLAIM_MATCH_DEFAULT_LIMIT})
  --lang CODE              language of every post (en, es, it, fr, nl, de, pt, zh, ja, ko);
                           default: guessed per post
  --dataset DIR            dataset directory (default: the bundled data/dataset)
  -h, --help               this help

Exit status: 0 done; 2 bad usage or input (message on stderr, nothing on stdout); 1 other errors.`;

class UsageError extends Error {}

interface Options {
  file: string;
  input: PostFormat | undefined;
  column: string | undefined;
  field: string | undefined;
  delimiter: string | undefined;
  format: ResultFormat;
  limit: number;
  lang: TextLang | undefined;
  dataset: string;
}

const LANGS: readonly TextLang[] = ['en', 'es', 'it', 'fr', 'nl', 'de', 'pt', 'zh', 'ja', 'ko'];

function parseArgs(argv: string[]): Options | 'help' {
  const opts: Options = {
    file: '-',
    input: undefined,
    column: undefined,
    field: undefined,
    delimiter: undefined,
    format: 'jsonl',
    limit: CLAIM_MATCH_DEFAULT_LIMIT,
    lang: undefined,
    dataset: DATASET_DIR,
  };
  let fileSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '-h':
      case '--help':
        return 'help';
      case '--input': {
        const v = value();
        if (v !== 'text' && v !== 'csv' && v !== 'jsonl') throw new UsageError(`--input must be text, csv or jsonl, got "${v}"`);
        opts.input = v;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'jsonl' && v !== 'csv') throw new UsageError(`--format must be jsonl or csv, got "${v}"`);
        opts.format = v;
        break;
      }
      case '--column':
        opts.column = value();
        break;
      case '--field':
        opts.field = value();
        break;
      case '--delimiter': {
        const v = value();
        opts.delimiter = v === '\\t' || v === 'tab' ? '\t' : v;
        break;
      }
      case '--limit': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 50) throw new UsageError(`--limit must be a whole number from 1 to 50, got "${v}"`);
        opts.limit = n;
        break;
      }
      case '--lang': {
        const v = value();
        const lang = LANGS.find((l) => l === v.split('-')[0]);
        if (!lang) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, got "${v}"`);
        opts.lang = lang;
        break;
      }
      case '--dataset':
        opts.dataset = value();
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (see --help)`);
        if (fileSeen) throw new UsageError(`only one input file, got "${opts.file}" and "${arg}"`);
        opts.file = arg;
        fileSeen = true;
    }
  }
  if (!opts.input) {
    const ext = opts.file === '-' ? '' : extname(opts.file).toLowerCase();
    if (ext === '.csv' || ext === '.tsv') opts.input = 'csv';
    else if (ext === '.jsonl' || ext === '.ndjson') opts.input = 'jsonl';
    else if (opts.column !== undefined) opts.input = 'csv';
    else if (opts.field !== undefined) opts.input = 'jsonl';
    else opts.input = 'text';
    if (ext === '.tsv' && opts.delimiter === undefined) opts.delimiter = '\t';
  }
  if (opts.column !== undefined && opts.input !== 'csv') throw new UsageError(`--column applies to CSV input, but the input is ${opts.input}`);
  if (opts.field !== undefined && opts.input !== 'jsonl') throw new UsageError(`--field applies to JSON lines input, but the input is ${opts.input}`);
  if (opts.delimiter !== undefined && opts.input !== 'csv') throw new UsageError(`--delimiter applies to CSV input, but the input is ${opts.input}`);
  return opts;
}

/** Buffered writes to a file descriptor, synchronous so memory stays bounded whatever the input size. */
class FileSink {
  private buffer = '';
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
}

function copyToStdout(path: string): void {
  const fd = openSync(path, 'r');
  const chunk = Buffer.allocUnsafe(1 << 16);
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      let off = 0;
      while (off < n) {
        try {
          off += writeSync(1, chunk, off, n - off);
        } catch (error) {
          // stdout is a non-blocking pipe that is momentarily full: try again.
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

async function run(opts: Options): Promise<void> {
  // Everything that can be checked before reading is checked before anything is written.
  if (opts.file !== '-') {
    let isFile = false;
    try {
      isFile = statSync(opts.file).isFile();
    } catch (error) {
      throw new UsageError(`cannot read ${opts.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    if (!isFile) throw new UsageError(`cannot read ${opts.file}: not a file`);
    try {
      accessSync(opts.file, constants.R_OK);
    } catch {
      throw new UsageError(`cannot read ${opts.file}: permission denied`);
    }
  }
  const index = buildClaimIndex(loadDatasetFromDir(opts.dataset));
  const reader = createPostReader({ format: opts.input!, column: opts.column, field: opts.field, delimiter: opts.delimiter });

  const dir = mkdtempSync(join(tmpdir(), 'stationwatch-check-'));
  const outPath = join(dir, 'results');
  const fd = openSync(outPath, 'w', 0o600);
  const sink = new FileSink(fd);
  let closed = false;
  try {
    if (opts.format === 'csv') sink.write(resultCsvHeader());
    const emit = (rows: PostRow[]): void => {
      for (const row of rows) {
        sink.write(formatResult({ input: row.text, matches: matchClaims(index, row.text, { limit: opts.limit, lang: opts.lang }) }, opts.format));
      }
    };
    // Bytes are decoded here, strictly: a file in another encoding is refused rather than
    // silently matched as mojibake.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const decode = (bytes?: Uint8Array): string => {
      try {
        return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
      } catch {
        throw new UsageError(`${opts.file === '-' ? 'stdin' : opts.file} is not UTF-8 text; convert it to UTF-8 first`);
      }
    };
    const stream = opts.file === '-' ? process.stdin : createReadStream(opts.file);
    for await (const chunk of stream) emit(reader.push(decode(chunk as Buffer)));
    emit(reader.push(decode()));
    emit(reader.end());
    sink.flush();
    closeSync(fd);
    closed = true;
    copyToStdout(outPath);
  } finally {
    if (!closed) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`check: ${(error as Error).message}\n`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    await run(opts);
    return 0;
  } catch (error) {
    const where = opts.file === '-' ? 'stdin' : opts.file;
    if (error instanceof PostReadError) {
      process.stderr.write(`check: ${where}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`check: ${error.message}\n`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`check: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
