import { describe, expect, it } from 'vitest';
import { parseDataset, type Claim, type Dataset } from '../../lib/dataset/schema';
import { buildClaimIndex, type ClaimIndex } from '../../lib/match/claim-match';
import {
  BATCH_SLICE_MS,
  guessDelimiter,
  guessFormat,
  previewPosts,
  runBatch,
  samplePosts,
  streamChunks,
  type BatchOptions,
  type BatchOutcome,
  type BatchProgress,
  type BatchRow,
} from '../../lib/batch/batch-run';

// A small dataset written for this test, so it never depends on data/dataset or ../shared.
function claim(id: string, text: string, extra: Partial<Claim>): Claim {
  return {
    id,
    text,
    phrasings: {},
    status: 'reported',
    statusDate: null,
    context: `Context of ${id}.`,
    numbers: [],
    entities: [],
    denialIds: [],
    stationIds: [],
    sourceIds: ['src-a'],
    ...extra,
  };
}

function dataset(): Dataset {
  return parseDataset({
    schemaVersion: 1,
    version: '0.0.1',
    asOf: '2025-01-01',
    title: 'Batch fixture',
    method: 'Written for the batch runner tests.',
    changelog: [],
    sources: [{ id: 'src-a', publisher: 'Test', title: 'A source', date: null, url: 'https://example.org/', kind: 'news', language: 'en' }],
    reports: [],
    stations: [],
    responses: [],
    denials: [{ id: 'DN-01', speaker: 'Spokesperson', role: 'Foreign ministry', date: null, position: 'Denies it.', claimIds: ['C01'], stationIds: [], sourceIds: ['src-a'] }],
    claims: [
      claim('C01', 'China runs more than 100 secret police stations in 53 countries.', {
        numbers: [100, 53],
        denialIds: ['DN-01'],
        phrasings: { en: ['Beijing operates over 100 covert police outposts across 53 countries.'], 'zh-Hans': ['中国在53个国家设立了100多个秘密警察站。'] },
      }),
      claim('C02', 'Ireland shut down a Chinese police station in Dublin.', {
        status: 'confirmed-by-authorities',
        entities: ['Dublin', 'Ireland'],
        phrasings: { en: ['The Irish government ordered the Chinese police station in Dublin to close.'] },
      }),
    ],
    terms: [],
  });
}

const index: ClaimIndex = buildClaimIndex(dataset());
const encoder = new TextEncoder();

const CLAIM_POST = 'China runs more than 100 secret police stations in 53 countries!';
const DUBLIN_POST = 'Ireland ordered the Chinese police station in Dublin to close.';
const OTHER_POST = 'The bakery on the corner sells the best croissants in town.';

/** Splits bytes into chunks of `size`, cutting through multi-byte characters and records. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

interface Run {
  rows: BatchRow[];
  progress: BatchProgress[];
  outcome: BatchOutcome;
}

async function run(text: string | Uint8Array, opts: BatchOptions, chunkSize = 7, extra: { abortAfterRows?: number; oneRowPerSlice?: boolean } = {}): Promise<Run> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const rows: BatchRow[] = [];
  const progress: BatchProgress[] = [];
  const controller = new AbortController();
  let clock = 0;
  const outcome = await runBatch(chunked(bytes, chunkSize), bytes.length, index, opts, {
    onRows(batch, p) {
      rows.push(...batch);
      progress.push(p);
      if (extra.abortAfterRows !== undefined && rows.length >= extra.abortAfterRows) controller.abort();
    },
    signal: controller.signal,
    pause: async () => undefined,
    // Each row "takes" a whole slice, so every slice holds one row.
    ...(extra.oneRowPerSlice ? { now: () => (clock += BATCH_SLICE_MS) } : {}),
  });
  return { rows, progress, outcome };
}

const csv = (records: string[][]) => records.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

describe('runBatch', () => {
  it('checks the chosen CSV column in file order, with lines, matches and progress to the last byte', async () => {
    const text = csv([
      ['id', 'author', 'body'],
      ['1', 'a', CLAIM_POST],
      ['2', 'b', `multi-line\n${OTHER_POST} — naïve café 中文`],
      ['3', 'c', DUBLIN_POST],
    ]);
    const { rows, progress, outcome } = await run(text, { format: 'csv', column: 'body' });
    expect(outcome).toEqual({ status: 'done', rows: 3, matched: 2 });
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]);
    // Multi-byte characters cut between chunks arrive whole.
    expect(rows[1]!.text).toBe(`multi-line\n${OTHER_POST} — naïve café 中文`);
    expect(rows[0]!.matches[0]!.claimId).toBe('C01');
    expect(rows[0]!.matches[0]!.why.join(' ')).toMatch(/53/);
    expect(rows[1]!.matches).toEqual([]);
    expect(rows[2]!.matches[0]).toMatchObject({ claimId: 'C02', status: 'confirmed-by-authorities' });
    const bytes = encoder.encode(text).length;
    const done = progress.map((p) => p.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ rows: 3, matched: 2, bytesDone: bytes, totalBytes: bytes });
    // 100% is never reported while a post is still unchecked.
    for (const p of progress) if (p.bytesDone === bytes) expect(p.rows).toBe(3);
  });

  it('reads JSON lines by field, and a final line without a newline', async () => {
    const text = `${JSON.stringify({ id: 1, post: CLAIM_POST })}\n\n${JSON.stringify({ id: 2, post: OTHER_POST })}`;
    const { rows, outcome } = await run(text, { format: 'jsonl', field: 'post' }, 5);
    expect(outcome.status).toBe('done');
    expect(rows.map((r) => [r.line, r.matches[0]?.claimId ?? null])).toEqual([
      [1, 'C01'],
      [3, null],
    ]);
  });

  it('stops on cancel between slices and keeps the rows checked so far', async () => {
    const text = csv([['text'], ...Array.from({ length: 20 }, (_, i) => [`${OTHER_POST} ${i}`])]);
    const { rows, outcome } = await run(text, { format: 'csv' }, 4096, { abortAfterRows: 5, oneRowPerSlice: true });
    expect(outcome.status).toBe('cancelled');
    expect(rows.length).toBe(5);
    expect(outcome.rows).toBe(5);
  });

  it('hands over every post before a malformed record, then fails naming its line', async () => {
    const text = `text,extra\r\n${CLAIM_POST},x\r\nfine,y\r\nbroken,"a"b\r\nnever,z\r\n`;
    const { rows, outcome } = await run(text, { format: 'csv' }, 4096);
    expect(rows.map((r) => r.text)).toEqual([CLAIM_POST, 'fine']);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^line 4: unexpected "b" after a closing quote/);
  });

  it('says a non-UTF-8 file is not UTF-8, naming the line, after checking the posts before it', async () => {
    const good = encoder.encode(`text\n${CLAIM_POST}\nok\n`);
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café\n" in Latin-1
    const bytes = new Uint8Array([...good, ...latin1]);
    const { rows, outcome } = await run(bytes, { format: 'csv' }, 4096);
    expect(rows.map((r) => r.text)).toEqual([CLAIM_POST, 'ok']);
    expect(outcome).toMatchObject({ status: 'failed', rows: 2 });
    expect(outcome.error).toBe('line 4: the file is not UTF-8 text; save it as UTF-8 (in Excel: "CSV UTF-8") and try again');
  });

  it('keeps a real U+FFFD and a BOM, and refuses a character cut off at the end of the file', async () => {
    const text = `\ufefftext\nkeeps \ufffd as text\n`;
    const ok = await run(text, { format: 'csv' }, 2);
    expect(ok.outcome.status).toBe('done');
    expect(ok.rows.map((r) => r.text)).toEqual(['keeps \ufffd as text']);
    const cut = encoder.encode('text\nfine\ncaf\u00e9').slice(0, -1);
    const bad = await run(cut, { format: 'csv' }, 3);
    expect(bad.rows.map((r) => r.text)).toEqual(['fine']);
    expect(bad.outcome.error).toMatch(/^line 3: the file is not UTF-8 text/);
  });

  it('checks the first maxRows posts and then refuses the rest with the line', async () => {
    const text = csv([['text'], ['one'], ['two'], ['three'], ['four'], ['five']]);
    const { rows, outcome } = await run(text, { format: 'csv', maxRows: 3 }, 3);
    expect(rows.map((r) => r.text)).toEqual(['one', 'two', 'three']);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('line 5: more than 3 posts; the first 3 were checked, split the file to check the rest');
  });

  it('names a missing column before reading any post', async () => {
    const { rows, outcome } = await run(csv([['a', 'b'], ['1', '2']]), { format: 'csv', column: 'body' });
    expect(rows).toEqual([]);
    expect(outcome.error).toBe('line 1: no column "body" in the header (columns: "a", "b")');
  });

  it('reads a Blob stream chunk by chunk (what the worker does with a File)', async () => {
    const text = csv([['text'], ...Array.from({ length: 3000 }, (_, i) => [i % 2 ? CLAIM_POST : `${OTHER_POST} ${i}`])]);
    const blob = new Blob([text]);
    const rows: BatchRow[] = [];
    const outcome = await runBatch(streamChunks(blob.stream()), blob.size, index, { format: 'csv' }, { onRows: (r) => rows.push(...r) });
    expect(outcome).toEqual({ status: 'done', rows: 3000, matched: 1500 });
    expect(rows.filter((r) => r.matches[0]?.claimId === 'C01').length).toBe(1500);
  });
});

describe('preview', () => {
  it('lists CSV columns, guesses the separator and suggests the column with the posts', () => {
    const head = 'id;user;message;lang\n1;ann;' + CLAIM_POST + ';en\n2;bob;' + OTHER_POST + ';en\n3;cy;cut in the midd';
    expect(guessDelimiter(head)).toBe(';');
    const preview = previewPosts(head, 'csv', false);
    expect(preview).toEqual({ format: 'csv', columns: ['id', 'user', 'message', 'lang'], suggested: 'message', delimiter: ';' });
    // The record cut by the preview window is not shown.
    expect(samplePosts(head, { format: 'csv', column: 'message', delimiter: ';' }, false, 5).map((r) => r.text)).toEqual([CLAIM_POST, OTHER_POST]);
  });

  it('prefers a column named text, and reads the last line when the head is the whole file', () => {
    const head = 'Text,long_notes\nshort,' + 'x'.repeat(200) + '\nlast,y';
    expect(previewPosts(head, 'csv', true).suggested).toBe('Text');
    expect(samplePosts(head, { format: 'csv', column: 'Text' }, true, 5).map((r) => r.text)).toEqual(['short', 'last']);
  });

  it('lists JSON fields and suggests the longest text field', () => {
    const head = [JSON.stringify({ id: 1, body: CLAIM_POST, lang: 'en' }), JSON.stringify({ id: 2, body: OTHER_POST, extra: true }), '{"id": 3, "bo'].join('\n');
    expect(previewPosts(head, 'jsonl', false)).toEqual({ format: 'jsonl', columns: ['id', 'body', 'lang', 'extra'], suggested: 'body', delimiter: undefined });
    expect(() => previewPosts(head, 'jsonl', true)).toThrow(/^line 3: not valid JSON/);
  });

  it('explains a header that does not fit in the preview window', () => {
    expect(() => previewPosts('a,b,c', 'csv', false)).toThrow(/no complete header row in the first 64 KB/);
  });

  it('guesses the format from the name, else from the first character', () => {
    expect(guessFormat('posts.CSV', '{')).toBe('csv');
    expect(guessFormat('posts.ndjson', 'a,b')).toBe('jsonl');
    expect(guessFormat('export', '\ufeff {"a":1}')).toBe('jsonl');
    expect(guessFormat('export', 'a,b')).toBe('csv');
    expect(guessFormat('notes.txt', 'a,b')).toBe('text');
  });
});
