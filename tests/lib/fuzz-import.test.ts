/**
 * Property-based fuzzing of annotation import (`previewW3CImport` in lib/export/w3c.ts), through
 * the path the options page takes: read the stored annotations, preview the file against them,
 * and write `toAdd` + `toUpdate` only when the preview is ok. Thousands of malformed or hostile
 * files (broken JSON, wrong shapes, script URLs, bad ids and dates, oversized fields, duplicate
 * ids, prototype keys) must each get a readable error and an empty preview, and the stored
 * annotations must be identical afterwards (row count and a content hash). Valid but odd files
 * (every container form, BOM, JSON lines, unknown and prototype-named keys) must import exactly.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import Dexie from 'dexie';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationwatchDb } from '../../lib/db';
import { putAnnotations, queryAnnotations } from '../../lib/annotation/store';
import { annotationsEqual, checkAnnotation, MAX_QUOTE_CHARS, MAX_TAGS, MAX_TAG_CHARS, VERDICTS, type Annotation } from '../../lib/annotation/model';
import { MAX_NOTE_CHARS } from '../../lib/limits';
import { exportW3C, MAX_IMPORT_ANNOTATIONS, MAX_IMPORT_CHARS, previewW3CImport, toW3CAnnotation, toW3CCollection, type ImportPreview } from '../../lib/export/w3c';

/** Fewer runs when iterating locally: FUZZ_SCALE=0.2 npx vitest run tests/lib/fuzz-import.test.ts */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const MIN_HOSTILE_FILES = 1000;
/** Errors are listed one per line in the options page; none may paste a whole field back. */
const MAX_ERROR_LINE_CHARS = 1000;

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const counts = { hostile: 0, valid: 0 };
const DB_NAME = `sw-fuzz-import-${process.pid}`;
let db: StationwatchDb;
let stored: Annotation[];

afterAll(async () => {
  console.log(`fuzz-import: hostile files ${counts.hostile} rejected with stored data unchanged; valid odd files imported ${counts.valid}`);
  db?.close();
  await Dexie.delete(DB_NAME);
});

/** Row count and SHA-256 of every stored row, in id order. */
async function fingerprint(): Promise<string> {
  const rows = await db.annotations.orderBy('id').toArray();
  return `${rows.length}|${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
}

function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}

/** What the options page does with a file: preview against what is stored, write only an ok preview. */
async function importAsTheOptionsPageDoes(input: unknown): Promise<ImportPreview> {
  const existing = await queryAnnotations(db, {});
  const given = JSON.stringify(existing);
  const preview = previewW3CImport(input, existing);
  expect(JSON.stringify(existing), 'the preview changed the stored annotations it was given').toBe(given);
  if (preview.ok) await putAnnotations(db, [...preview.toAdd, ...preview.toUpdate]);
  return preview;
}

/** A hostile file: a readable error, nothing to write, stored data byte-for-byte the same. */
async function expectRejected(input: unknown, pattern?: RegExp): Promise<void> {
  const before = await fingerprint();
  const preview = await importAsTheOptionsPageDoes(input);
  if (preview.ok) throw new Error(`hostile file accepted: ${String(typeof input === 'string' ? input : JSON.stringify(input)).slice(0, 300)}`);
  expect(preview.toAdd).toEqual([]);
  expect(preview.toUpdate).toEqual([]);
  expect(preview.errors.length).toBeGreaterThan(0);
  for (const line of preview.errors) {
    expect(typeof line).toBe('string');
    expect(line.trim().length).toBeGreaterThan(5);
    expect(line.length).toBeLessThanOrEqual(MAX_ERROR_LINE_CHARS);
  }
  if (pattern) expect(preview.errors.join('\n')).toMatch(pattern);
  expect(await fingerprint()).toBe(before);
  expectPrototypesClean();
  counts.hostile += 1;
}

// --- valid annotations ------------------------------------------------------------------------

/** http(s) URLs as the store keeps them (what `new URL().href` gives), so a re-import compares equal. */
const httpUrl = fc.webUrl({ withQueryParameters: true }).map((u) => new URL(u).href).filter((u) => u.length <= 300);
const isoTime = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
const trimmed = (min: number, max: number) => fc.string({ minLength: min, maxLength: max }).filter((s) => s.trim() === s && s.length >= min);

const annotationArb: fc.Arbitrary<Annotation> = fc
  .record(
    {
      id: fc.uuid().map((u) => `urn:uuid:${u}`),
      pageUrl: httpUrl,
      pageTitle: fc.string({ maxLength: 40 }),
      created: isoTime,
      modified: isoTime,
      verdict: fc.constantFrom(...VERDICTS, null),
      note: fc.string({ unit: 'binary', maxLength: 60 }),
      noteFormat: fc.constantFrom('text' as const, 'markdown' as const),
      citations: fc.array(
        fc.record({ url: httpUrl, title: fc.string({ maxLength: 30 }), sourceId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/) }, { requiredKeys: ['url'] }),
        { maxLength: 3 },
      ),
      claimId: fc.stringMatching(/^C\d{2,4}$/),
      tags: fc.array(trimmed(1, 20), { maxLength: 4 }),
      author: fc.record({ name: fc.string({ maxLength: 30 }), organisation: trimmed(1, 30), url: httpUrl }, { requiredKeys: ['name'] }),
      selectors: fc.record(
        {
          quote: fc.record({ exact: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), prefix: fc.string({ maxLength: 20 }), suffix: fc.string({ maxLength: 20 }) }),
          position: fc.tuple(fc.nat(1_000_000), fc.integer({ min: 1, max: 1000 })).map(([start, len]) => ({ start, end: start + len })),
          rangeHint: fc.record({ startPath: trimmed(1, 30), startOffset: fc.nat(), endPath: trimmed(1, 30), endOffset: fc.nat() }),
        },
        { requiredKeys: ['quote'] },
      ),
      pageTextHash: fc.option(fc.stringMatching(/^[0-9a-f]{16}$/).map((h) => `fnv1a64:${h}`), { nil: null }),
    },
    { requiredKeys: ['id', 'pageUrl', 'pageTitle', 'created', 'modified', 'verdict', 'note', 'noteFormat', 'citations', 'tags', 'author', 'selectors', 'pageTextHash'] },
  )
  // An empty note has no body to carry its format in the W3C model.
  .map((a) => (a.note === '' ? { ...a, noteFormat: 'text' as const } : a));

const annotations = fc.uniqueArray(annotationArb, { minLength: 1, maxLength: 5, selector: (a) => a.id });

beforeAll(async () => {
  db = new StationwatchDb(DB_NAME);
  stored = fc.sample(annotations, { numRuns: 1, seed: 42 })[0]!;
  for (const a of stored) if (!checkAnnotation(a).ok) throw new Error(`the generator made an invalid annotation: ${JSON.stringify(checkAnnotation(a))}`);
  await putAnnotations(db, stored);
  expect(await db.annotations.count()).toBe(stored.length);
});

// --- hostile files ----------------------------------------------------------------------------

type Json = Record<string, unknown>;
type Mutation = { name: string; apply: (item: Json, all: Json[]) => void; pattern?: RegExp };

const SCRIPT_URLS = ['javascript:alert(document.cookie)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'chrome-extension://abcdefghijklmnop/options.html', 'blob:https://x.example/1', '/relative/page', '//evil.example/', ''];
const hostileUrl = fc.oneof(fc.constantFrom(...SCRIPT_URLS), fc.integer({ min: 2_001, max: 20_000 }).map((n) => `https://x.example/${'p'.repeat(n)}`));

const target = (item: Json) => item.target as Json;
const selectors = (item: Json) => target(item).selector as Json[];
const quoteSel = (item: Json) => selectors(item).find((s) => s.type === 'TextQuoteSelector')!;
const bodies = (item: Json): unknown[] => ((item.body as unknown[] | undefined) ??= []);

const MUTATIONS: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ name: 'no target', apply: (i) => void delete i.target, pattern: /target/ }),
  fc.constantFrom<unknown>('https://x.example/', 42, null, []).map((t): Mutation => ({ name: 'target without selectors', apply: (i) => void (i.target = t), pattern: /target/ })),
  fc.constant<Mutation>({ name: 'no TextQuoteSelector', apply: (i) => void (target(i).selector = selectors(i).filter((s) => s.type !== 'TextQuoteSelector')), pattern: /TextQuoteSelector/ }),
  fc
    .oneof(fc.constant(''), fc.integer({ min: MAX_QUOTE_CHARS + 1, max: MAX_QUOTE_CHARS * 3 }).map((n) => 'q'.repeat(n)), fc.constantFrom<unknown>(42, null, ['x'], { x: 1 }))
    .map((exact): Mutation => ({ name: 'bad quote', apply: (i) => void (quoteSel(i).exact = exact), pattern: /quote|exact/ })),
  hostileUrl.map((u): Mutation => ({ name: `page URL ${u.slice(0, 20)}`, apply: (i) => void (target(i).source = u), pattern: /pageUrl/ })),
  fc
    .oneof(fc.constantFrom<unknown>('', 'javascript:alert(1)', 'urn:uuid:has space', 'plain-id', 42, null, ['urn:x:y'], { id: 'urn:x:y' }), fc.integer({ min: 501, max: 5_000 }).map((n) => `urn:x:${'i'.repeat(n)}`))
    .map((id): Mutation => ({ name: 'bad id', apply: (i) => void (i.id = id), pattern: /\bid\b/ })),
  fc.constant<Mutation>({ name: 'no id', apply: (i) => void delete i.id, pattern: /\bid\b/ }),
  fc
    .constantFrom<unknown>('2024-02-31T10:00:00Z', '2024-01-01', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z', 'yesterday', '2024-01-01T00:00:00', 0, null)
    // A null `modified` falls back to `created` (W3C makes it optional), so only `created` may be null.
    .chain((t) => fc.constantFrom(...(t === null ? ['created'] : ['created', 'modified'])).map((k): Mutation => ({ name: `bad ${k}`, apply: (i) => void (i[k] = t), pattern: new RegExp(k === 'created' ? 'created|modified' : 'modified') }))),
  hostileUrl.chain((u) =>
    fc.constantFrom<Mutation>(
      { name: 'script citation', apply: (i) => void bodies(i).push({ type: 'SpecificResource', purpose: 'linking', source: u }), pattern: /citations|body/ },
      { name: 'script citation as a bare string body', apply: (i) => void bodies(i).push(u), pattern: /citations|body/ },
    ),
  ),
  // An empty homepage is simply no homepage; every other non-http(s) one is refused.
  hostileUrl.filter((u) => u !== '').map((u): Mutation => ({ name: 'script creator homepage', apply: (i) => void (i.creator = { type: 'Person', name: 'x', homepage: u }), pattern: /author/ })),
  fc.oneof(fc.constantFrom('True-ish', 'verified', '', 'ACCURATE!', '__proto__', 'constructor'), fc.string({ maxLength: 12 }))
    .filter((label) => !/^(accurate|mostly[\s_-]*accurate|missing[\s_-]*context|misleading|false|unproven)$/i.test(label.trim().replace(/[\s_]+/g, '-')))
    .map((label): Mutation => ({ name: 'unknown verdict', apply: (i) => void bodies(i).push({ type: 'TextualBody', purpose: 'assessing', value: label }), pattern: /unknown verdict/ })),
  fc.constant<Mutation>({
    name: 'two verdicts',
    apply: (i) => void bodies(i).push({ type: 'TextualBody', purpose: 'assessing', value: 'Accurate' }, { type: 'TextualBody', purpose: 'assessing', value: 'False' }),
    pattern: /verdict/,
  }),
  fc.constant<Mutation>({ name: 'too many tags', apply: (i) => void bodies(i).push(...Array.from({ length: MAX_TAGS + 1 }, (_, k) => ({ type: 'TextualBody', purpose: 'tagging', value: `t${k}` }))), pattern: /tags/ }),
  fc
    .oneof(fc.constantFrom('', '   ', '\t\n'), fc.integer({ min: MAX_TAG_CHARS + 1, max: 5_000 }).map((n) => 't'.repeat(n)))
    .map((tag): Mutation => ({ name: 'bad tag', apply: (i) => void bodies(i).push({ type: 'TextualBody', purpose: 'tagging', value: tag }), pattern: /tags/ })),
  fc.integer({ min: MAX_NOTE_CHARS + 1, max: MAX_NOTE_CHARS * 3 }).map((n): Mutation => ({ name: 'huge note', apply: (i) => void bodies(i).push({ type: 'TextualBody', purpose: 'commenting', value: 'n'.repeat(n) }), pattern: /note/ })),
  fc
    .constantFrom<[unknown, unknown]>([5, 5], [9, 2], [-1, 3], [1.5, 4], ['0', 3], [null, 2], [0, Infinity])
    .map(([start, end]): Mutation => ({
      name: 'bad position',
      apply: (i) => void (target(i).selector = [...selectors(i).filter((x) => x.type !== 'TextPositionSelector'), { type: 'TextPositionSelector', start, end }]),
      pattern: /position/,
    })),
  fc.constant<Mutation>({ name: 'duplicate id', apply: (i, all) => void all.push(structuredClone(i)) }),
  fc.constantFrom<unknown>('Note', 'annotation', ['Highlight'], 42).map((type): Mutation => ({ name: 'not an Annotation', apply: (i) => void (i.type = type), pattern: /type is not "Annotation"/ })),
  fc.constantFrom('X01', 'C1', 'C12345', '__proto__', 'c01').map((claim): Mutation => ({ name: 'bad claim id', apply: (i) => void bodies(i).push({ type: 'SpecificResource', purpose: 'linking', source: `urn:stationwatch:claim:${claim}`, 'sw:claimId': claim }), pattern: /claim/ })),
  fc.constantFrom('../x', '', '-x', 'a b', '<script>').map((sid): Mutation => ({ name: 'bad source id', apply: (i) => void bodies(i).push({ type: 'SpecificResource', purpose: 'linking', source: 'https://ok.example/', 'sw:sourceId': sid }), pattern: /sourceId/ })),
  fc.constantFrom<unknown>(42, null, true).map((b): Mutation => ({ name: 'body that is not an object', apply: (i) => void bodies(i).push(b), pattern: /not a body object/ })),
  fc.constantFrom('fnv1a64:xyz', 'md5:0123456789abcdef', 'fnv1a64:0123456789ABCDEF').map((h): Mutation => ({ name: 'bad page hash', apply: (i) => void (target(i)['sw:pageTextHash'] = h), pattern: /pageTextHash/ })),
);

describe('hostile import files are rejected and stored annotations are unchanged', () => {
  it('one broken annotation among good ones: the whole file is refused, the error names the item', async () => {
    await fc.assert(
      fc.asyncProperty(annotations, fc.nat(), MUTATIONS, fc.boolean(), async (list, pick, mutation, asText) => {
        const collection = toW3CCollection(list, { id: 'urn:uuid:00000000-0000-4000-8000-000000000000' }) as { first: { items: Json[] } };
        const items = collection.first.items;
        const at = pick % items.length;
        mutation.apply(items[at]!, items);
        const pattern = mutation.name === 'duplicate id' ? new RegExp(`the same id as item ${at + 1}$`, 'm') : new RegExp(`item ${at + 1}\\b[^\\n]*(${mutation.pattern!.source})`);
        await expectRejected(asText ? JSON.stringify(collection) : collection, pattern);
      }),
      { numRuns: runs(500) },
    );
  }, 240_000);

  it('truncated exports (a download cut short)', async () => {
    await fc.assert(
      fc.asyncProperty(annotations, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (list, f) => {
        const text = exportW3C(list);
        // Dropping only the final newline leaves valid JSON.
        await expectRejected(text.slice(0, Math.floor(f * (text.length - 1))), /not JSON/);
      }),
      { numRuns: runs(150) },
    );
  }, 120_000);

  it('text that is not JSON, and JSON lines with one bad line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom('<html><script>alert(1)</script></html>', "{'id': 'x'}", 'NaN', '\ufeff', '\ufeff\ufeff[]', '{"a":1}{"b":2}', 'undefined'),
          fc.tuple(annotations, fc.string({ maxLength: 30 })).map(([list, junk]) => {
            const lines = list.map((a) => JSON.stringify(toW3CAnnotation(a)));
            lines.splice(lines.length > 1 ? 1 : 0, 0, `{${junk.replace(/[\r\n]/g, '')}`);
            return lines.join('\n');
          }),
        ),
        async (text) => {
          await expectRejected(text);
        },
      ),
      { numRuns: runs(150) },
    );
  }, 120_000);

  it('JSON of any other shape: scalars, arrays of scalars, objects that are not annotations, containers linking elsewhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.constantFrom<unknown>(
            { type: 'AnnotationCollection', first: 'https://x.example/page1' },
            { type: 'AnnotationCollection', total: 3 },
            { type: 'AnnotationPage' },
            { type: 'AnnotationPage', items: [], next: 'https://x.example/page2' },
            { rows: [] },
            { rows: [1, 2] },
            { uri: 'javascript:alert(1)', text: 'hello', target: [{ selector: [{ type: 'TextQuoteSelector', exact: 'x' }] }] },
            { __proto__: { type: 'Annotation' } },
            [],
            [[]],
          ),
        ),
        async (value) => {
          await expectRejected(value);
        },
      ),
      { numRuns: runs(250) },
    );
  }, 120_000);

  it('more annotations than one import may hold, and files over the size cap', async () => {
    await expectRejected(new Array(MAX_IMPORT_ANNOTATIONS + 1).fill({}), /at most 100000 can be imported/);
    await expectRejected({ type: 'AnnotationPage', items: new Array(MAX_IMPORT_ANNOTATIONS + 7).fill(0) }, /at most/);
    await expectRejected(' '.repeat(MAX_IMPORT_CHARS + 1), /larger than/);
  });

  it('deeply nested arrays and page chains get an error, not a stack overflow', async () => {
    // A 40 KB file; the options page would otherwise fail with an uncaught RangeError and no message.
    for (const depth of [20_000, 100_000]) {
      const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      await expectRejected(text);
      let page: Json = { type: 'AnnotationPage', items: [] };
      for (let i = 0; i < depth; i++) page = { type: 'AnnotationPage', items: [], next: page };
      await expectRejected(page);
    }
  });
});

// --- valid but odd files ------------------------------------------------------------------------

/** Adds `key: value` as an own property, the way JSON.parse does for "__proto__". */
function withOwnKey(obj: Json, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
}

let validRun = 0;

describe('valid but odd files import exactly', () => {
  const container = fc.constantFrom('collection', 'page', 'array', 'single', 'jsonl', 'bom-text', 'oa-types', 'pretty-text');

  function render(list: Annotation[], how: string): unknown {
    const items = list.map((a) => toW3CAnnotation(a));
    switch (how) {
      case 'collection': return toW3CCollection(list);
      case 'page': return { type: 'AnnotationPage', items };
      case 'array': return items;
      case 'single': return items[0];
      case 'jsonl': return items.map((i) => JSON.stringify(i)).join('\r\n') + '\n';
      case 'bom-text': return `\ufeff${JSON.stringify(items)}`;
      case 'oa-types': return { '@type': 'oa:AnnotationPage', items: items.map((i) => ({ ...i, type: 'oa:Annotation' })) };
      default: return exportW3C(list);
    }
  }

  it('every container form, unknown and prototype-named keys: new annotations are added exactly, once', async () => {
    await fc.assert(
      fc.asyncProperty(annotations, container, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'sw:unknown', 'polluted'), async (list0, how, key) => {
        // Fresh ids per run: generated ids repeat across runs, and this property is about new ones.
        const run = (validRun += 1);
        const list = (how === 'single' ? list0.slice(0, 1) : list0).map((a, k) => ({ ...a, id: `urn:x-fuzz:${run}-${k}` }));
        let file = render(list, how);
        if (typeof file !== 'string') {
          // Unknown keys on the annotation, its target and a body: ignored, never copied, never polluting.
          const parsed = JSON.parse(JSON.stringify(file)) as Json;
          const first = (Array.isArray(parsed) ? parsed[0] : (parsed.items as Json[] | undefined)?.[0] ?? ((parsed.first as Json | undefined)?.items as Json[] | undefined)?.[0] ?? parsed) as Json;
          withOwnKey(first, key, { polluted: true, isAdmin: true, type: 'Annotation' });
          withOwnKey(first.target as Json, key, { polluted: true });
          file = JSON.parse(JSON.stringify(parsed));
        }
        const before = await db.annotations.count();
        const preview = await importAsTheOptionsPageDoes(file);
        if (!preview.ok) throw new Error(`valid file (${how}) refused: ${preview.errors.slice(0, 3).join(' | ')}`);
        expect(preview.errors).toEqual([]);
        expect(preview.toAdd.length).toBe(list.length);
        for (const [i, a] of preview.toAdd.entries()) {
          expect(annotationsEqual(a, list[i]!), `item ${i + 1} changed on the way in`).toBe(true);
          expect(Object.hasOwn(a, key)).toBe(false);
        }
        expect(await db.annotations.count()).toBe(before + list.length);
        // The same file again changes nothing.
        const again = await fingerprint();
        const second = await importAsTheOptionsPageDoes(file);
        expect(second.ok).toBe(true);
        expect(second.unchanged.length).toBe(list.length);
        expect(second.toAdd.length + second.toUpdate.length).toBe(0);
        expect(await fingerprint()).toBe(again);
        expectPrototypesClean();
        counts.valid += 1;
      }),
      { numRuns: runs(150) },
    );
  }, 120_000);

  it('a stored annotation is replaced only by a copy at least as new; an older copy keeps the stored one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...stored.map((_, i) => i)), fc.boolean(), fc.string({ minLength: 1, maxLength: 20 }), async (i, newer, note) => {
        const current = (await queryAnnotations(db, {})).find((a) => a.id === stored[i]!.id)!;
        const shift = (newer ? 1 : -1) * 60_000;
        const copy: Annotation = { ...current, note: `${current.note}${note}`, noteFormat: 'text', modified: new Date(Date.parse(current.modified) + shift).toISOString() };
        const before = await fingerprint();
        const preview = await importAsTheOptionsPageDoes(toW3CCollection([copy]));
        expect(preview.ok).toBe(true);
        if (newer) {
          expect(preview.toUpdate.map((a) => a.id)).toEqual([copy.id]);
          expect((await db.annotations.get(copy.id))!.note).toBe(copy.note);
        } else {
          expect(preview.keptNewer.map((a) => a.id)).toEqual([copy.id]);
          expect(await fingerprint()).toBe(before);
        }
        counts.valid += 1;
      }),
      { numRuns: runs(40) },
    );
  });
});

describe('counts', () => {
  it(`at least ${MIN_HOSTILE_FILES} hostile files were tried`, () => {
    if (SCALE < 1) return;
    expect(counts.hostile).toBeGreaterThanOrEqual(MIN_HOSTILE_FILES);
  });
});
