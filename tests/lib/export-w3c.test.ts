import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../lib/annotation/model';
import { ANNO_CONTEXT, exportW3C, fromW3CAnnotation, previewW3CImport, toW3CAnnotation, toW3CCollection } from '../../lib/export/w3c';

function sample(overrides: Partial<Annotation> = {}): Annotation {
  return {
    id: 'urn:uuid:2f1c7a52-8a4e-4b8e-9a51-6f0f5b7f9b10',
    pageUrl: 'https://news.example.org/story?id=1',
    pageTitle: 'Overseas police stations: what we know',
    created: '2024-05-01T10:00:00.000Z',
    modified: '2024-05-02T11:00:00.000Z',
    verdict: 'missing-context',
    note: 'The figure comes from *Patrol and Persuade*.',
    noteFormat: 'markdown',
    citations: [
      { url: 'https://safeguarddefenders.com/en/blog/patrol-and-persuade', title: 'Patrol and Persuade', sourceId: 'sd-patrol' },
      { url: 'https://example.org/plain' },
    ],
    claimId: 'C07',
    tags: ['figures', 'europe'],
    author: { name: 'Ana Fact', organisation: 'Checkers', url: 'https://checkers.example/' },
    selectors: {
      quote: { exact: '102 stations', prefix: 'raised the count to ', suffix: ' in 53 countries' },
      position: { start: 120, end: 132 },
      rangeHint: { startPath: '/html[1]/body[1]/p[2]/text()[1]', startOffset: 3, endPath: '/html[1]/body[1]/p[2]/text()[1]', endOffset: 15 },
    },
    pageTextHash: 'fnv1a64:0123456789abcdef',
    ...overrides,
  };
}

const MOTIVATIONS = new Set(['assessing', 'bookmarking', 'classifying', 'commenting', 'describing', 'editing', 'highlighting', 'identifying', 'linking', 'moderating', 'questioning', 'replying', 'tagging']);
const IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** The MUST-level shape of an annotation, checked here without the W3C suite (which the eval step runs). */
function expectW3CShape(anno: Record<string, unknown>) {
  const ctx = anno['@context'];
  expect(ctx === ANNO_CONTEXT || (Array.isArray(ctx) && ctx.includes(ANNO_CONTEXT))).toBe(true);
  expect(anno.id).toMatch(IRI);
  expect(anno.type).toBe('Annotation');
  expect(MOTIVATIONS.has(anno.motivation as string)).toBe(true);
  expect(anno.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  for (const body of (anno.body as Record<string, unknown>[] | undefined) ?? []) {
    expect(MOTIVATIONS.has(body.purpose as string)).toBe(true);
    if (body.type === 'TextualBody') expect(typeof body.value).toBe('string');
    else {
      expect(body.type).toBe('SpecificResource');
      expect(body.source).toMatch(IRI);
    }
  }
  const target = anno.target as Record<string, unknown>;
  expect(target.source).toMatch(/^https?:\/\//);
  for (const sel of target.selector as Record<string, unknown>[]) {
    if (sel.type === 'TextQuoteSelector') expect(typeof sel.exact).toBe('string');
    else if (sel.type === 'TextPositionSelector') expect(Number.isInteger(sel.start) && Number.isInteger(sel.end)).toBe(true);
    else expect(sel.type).toBe('RangeSelector');
  }
}

describe('W3C export', () => {
  it('maps verdict, note, citations, claim and tags to bodies with the right purposes', () => {
    const anno = toW3CAnnotation(sample());
    expectW3CShape(anno);
    expect(anno.motivation).toBe('assessing');
    const body = anno.body as Record<string, unknown>[];
    expect(body.map((b) => [b.purpose, b.value ?? b.source])).toEqual([
      ['assessing', 'Missing context'],
      ['commenting', 'The figure comes from *Patrol and Persuade*.'],
      ['linking', 'https://safeguarddefenders.com/en/blog/patrol-and-persuade'],
      ['linking', 'https://example.org/plain'],
      ['linking', 'urn:stationwatch:claim:C07'],
      ['tagging', 'figures'],
      ['tagging', 'europe'],
    ]);
    expect(body[1]!.format).toBe('text/markdown');
    expect((anno.target as Record<string, unknown>).selector).toEqual([
      { type: 'TextQuoteSelector', exact: '102 stations', prefix: 'raised the count to ', suffix: ' in 53 countries' },
      { type: 'TextPositionSelector', start: 120, end: 132 },
      {
        type: 'RangeSelector',
        startSelector: { type: 'XPathSelector', value: '/html[1]/body[1]/p[2]/text()[1]', refinedBy: { type: 'TextPositionSelector', start: 3, end: 3 } },
        endSelector: { type: 'XPathSelector', value: '/html[1]/body[1]/p[2]/text()[1]', refinedBy: { type: 'TextPositionSelector', start: 15, end: 15 } },
      },
    ]);
    expect(anno.creator).toEqual({ type: 'Person', name: 'Ana Fact', homepage: 'https://checkers.example/', 'sw:organisation': 'Checkers' });
  });

  it('uses commenting / highlighting when there is no verdict', () => {
    expect(toW3CAnnotation(sample({ verdict: null })).motivation).toBe('commenting');
    const bare = toW3CAnnotation(sample({ verdict: null, note: '', citations: [], claimId: undefined, tags: [] }));
    expect(bare.motivation).toBe('highlighting');
    expect(bare.body).toBeUndefined();
    expectW3CShape(bare);
  });

  it('wraps everything in an AnnotationCollection with one embedded page', () => {
    const coll = toW3CCollection([sample(), sample({ id: 'urn:uuid:00000000-0000-4000-8000-000000000002' })], { id: 'urn:uuid:00000000-0000-4000-8000-00000000000c' });
    expect(coll).toMatchObject({ type: 'AnnotationCollection', id: 'urn:uuid:00000000-0000-4000-8000-00000000000c', total: 2 });
    const page = coll.first as Record<string, unknown>;
    expect(page).toMatchObject({ type: 'AnnotationPage', partOf: coll.id, startIndex: 0 });
    (page.items as Record<string, unknown>[]).forEach(expectW3CShape);
  });

  it('round-trips: export then import gives back equal annotations', () => {
    const items = [
      sample(),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-000000000002', verdict: null, note: 'plain\n\ntwo paragraphs', noteFormat: 'text', citations: [], claimId: undefined, tags: [], author: { name: '' }, pageTextHash: null, selectors: { quote: { exact: 'x', prefix: '', suffix: '' } } }),
    ];
    const preview = previewW3CImport(exportW3C(items), []);
    expect(preview.errors).toEqual([]);
    expect(preview.toAdd).toEqual(items.map((a) => JSON.parse(JSON.stringify(a))));
  });
});

describe('W3C import', () => {
  const hypothesisStyle = {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    id: 'https://hypothes.is/a/AbC123',
    created: '2023-01-05T09:30:00.123456+00:00',
    modified: '2023-01-06T09:30:00.123456+00:00',
    creator: 'acct:reader@hypothes.is',
    body: [
      { type: 'TextualBody', value: 'Source? This **number** is disputed.', format: 'text/markdown' },
      { type: 'TextualBody', purpose: 'tagging', value: 'police' },
    ],
    target: [
      {
        source: 'https://news.example.org/story?id=1',
        selector: [
          { type: 'RangeSelector', startContainer: '/div[1]/p[2]', startOffset: 0, endContainer: '/div[1]/p[2]', endOffset: 20 },
          { type: 'TextPositionSelector', start: 300, end: 320 },
          { type: 'TextQuoteSelector', exact: '54 police stations', prefix: 'ran ', suffix: ' in 30' },
        ],
      },
    ],
  };

  it('accepts another client’s annotation with selectors inside target arrays', () => {
    const preview = previewW3CImport(JSON.stringify([hypothesisStyle]), []);
    expect(preview.errors).toEqual([]);
    expect(preview.toAdd).toHaveLength(1);
    const a = preview.toAdd[0]!;
    expect(a).toMatchObject({
      id: 'https://hypothes.is/a/AbC123',
      pageUrl: 'https://news.example.org/story?id=1',
      verdict: null,
      note: 'Source? This **number** is disputed.',
      noteFormat: 'markdown',
      tags: ['police'],
      author: { name: 'reader@hypothes.is' },
      pageTextHash: null,
    });
    expect(a.selectors).toEqual({
      quote: { exact: '54 police stations', prefix: 'ran ', suffix: ' in 30' },
      position: { start: 300, end: 320 },
      rangeHint: { startPath: '/div[1]/p[2]', startOffset: 0, endPath: '/div[1]/p[2]', endOffset: 20 },
    });
  });

  it('accepts the Hypothesis API format (rows with uri, text, tags)', () => {
    const api = {
      rows: [
        {
          id: 'XyZ', uri: 'https://news.example.org/a', text: 'note', tags: ['t'], user: 'acct:bob@hypothes.is',
          created: '2023-01-05T09:30:00+00:00', updated: '2023-01-05T10:00:00+00:00', document: { title: ['A page'] },
          target: [{ source: 'https://news.example.org/a', selector: [{ type: 'TextQuoteSelector', exact: 'quoted', prefix: 'a ', suffix: ' b' }] }],
        },
      ],
    };
    const preview = previewW3CImport(api, []);
    expect(preview.errors).toEqual([]);
    expect(preview.toAdd[0]).toMatchObject({ id: 'https://hypothes.is/a/XyZ', pageTitle: 'A page', note: 'note', tags: ['t'], modified: '2023-01-05T10:00:00+00:00' });
  });

  it('reads JSON lines', () => {
    const lines = [toW3CAnnotation(sample()), toW3CAnnotation(sample({ id: 'urn:uuid:00000000-0000-4000-8000-000000000002' }))].map((x) => JSON.stringify(x)).join('\n');
    expect(previewW3CImport(lines, []).toAdd).toHaveLength(2);
  });

  it('merges by id: new, changed, identical, and older-than-stored', () => {
    const stored = [
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000a' }),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000b' }),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000c', modified: '2025-01-01T00:00:00.000Z' }),
    ];
    const file = exportW3C([
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000a' }),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000b', verdict: 'false', modified: '2024-06-01T00:00:00.000Z' }),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000c', verdict: 'false' }),
      sample({ id: 'urn:uuid:00000000-0000-4000-8000-00000000000d' }),
    ]);
    const p = previewW3CImport(file, stored);
    expect(p.ok).toBe(true);
    expect(p.unchanged.map((a) => a.id.slice(-1))).toEqual(['a']);
    expect(p.toUpdate.map((a) => [a.id.slice(-1), a.verdict])).toEqual([['b', 'false']]);
    expect(p.keptNewer.map((a) => a.id.slice(-1))).toEqual(['c']);
    expect(p.toAdd.map((a) => a.id.slice(-1))).toEqual(['d']);
  });

  it('refuses a partly bad file with a clear error per item and nothing to write', () => {
    const good = toW3CAnnotation(sample());
    const badVerdict = { ...toW3CAnnotation(sample({ id: 'urn:uuid:00000000-0000-4000-8000-000000000002' })), body: [{ type: 'TextualBody', purpose: 'assessing', value: 'Pants on fire' }] };
    const badCitation = { ...toW3CAnnotation(sample({ id: 'urn:uuid:00000000-0000-4000-8000-000000000003' })), body: [{ type: 'SpecificResource', purpose: 'linking', source: 'javascript:alert(1)' }] };
    const noQuote = { ...good, id: 'urn:uuid:00000000-0000-4000-8000-000000000004', target: 'https://news.example.org/x' };
    const p = previewW3CImport([good, badVerdict, badCitation, noQuote, good], []);
    expect(p.ok).toBe(false);
    expect(p.toAdd).toEqual([]);
    expect(p.toUpdate).toEqual([]);
    expect(p.errors).toEqual([
      expect.stringMatching(/^item 2 \(urn:uuid:.*0002\): body\[0\]: unknown verdict "Pants on fire"/),
      expect.stringMatching(/^item 3 .*citations\.0\.url: .*(http|URL)/),
      expect.stringMatching(/^item 4 .*target: no target with a source and selectors/),
      expect.stringMatching(/^item 5 .*the same id as item 1/),
    ]);
  });

  it.each([
    ['not JSON', '{"type": "Annotation",', /^not JSON/],
    ['an empty collection', JSON.stringify({ type: 'AnnotationCollection', total: 0 }), /no annotations/],
    ['a linked first page', JSON.stringify({ type: 'AnnotationCollection', first: 'https://x.example/p1' }), /pages are not in the file/],
    ['a number', '42', /expected an annotation, collection or page, found number/],
  ])('explains a bad file: %s', (_name, input, message) => {
    const p = previewW3CImport(input, [sample()]);
    expect(p.ok).toBe(false);
    expect(p.errors.join('\n')).toMatch(message);
    expect(p.toAdd.length + p.toUpdate.length).toBe(0);
  });

  it('reports what is wrong with a single object', () => {
    expect(fromW3CAnnotation({ type: 'Annotation', id: 'urn:uuid:x' })).toMatchObject({ ok: false, errors: [expect.stringMatching(/target/)] });
  });
});
