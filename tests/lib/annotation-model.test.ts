import { describe, expect, it } from 'vitest';
import {
  annotationsEqual,
  authorFromProfile,
  checkAnnotation,
  newAnnotationId,
  parseAnnotation,
  parseVerdict,
  VERDICTS,
  verdictLabel,
  type Annotation,
} from '../../lib/annotation/model';

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
    citations: [{ url: 'https://safeguarddefenders.com/en/blog/patrol-and-persuade', title: 'Patrol and Persuade', sourceId: 'sd-patrol' }],
    claimId: 'C07',
    tags: ['figures'],
    author: { name: 'Ana Fact', organisation: 'Checkers', url: 'https://checkers.example' },
    selectors: {
      quote: { exact: '102 stations', prefix: 'raised the count to ', suffix: ' in 53 countries' },
      position: { start: 120, end: 132 },
    },
    pageTextHash: 'fnv1a64:0123456789abcdef',
    ...overrides,
  };
}

describe('AnnotationSchema', () => {
  it('accepts a complete annotation and returns it unchanged', () => {
    expect(parseAnnotation(sample())).toEqual(sample());
  });

  it.each<[string, Partial<Annotation>, RegExp]>([
    ['an unknown verdict', { verdict: 'pants-on-fire' as never }, /verdict must be one of accurate, mostly-accurate/],
    ['a javascript: citation', { citations: [{ url: 'javascript:alert(1)' }] }, /citations\.0\.url: .*(http|URL)/],
    ['a relative page URL', { pageUrl: '/story' }, /pageUrl/],
    ['a date without time zone', { created: '2024-05-01T10:00:00' }, /created: expected an ISO 8601 date-time with a time zone/],
    ['an impossible date', { modified: '2024-02-31T10:00:00Z' }, /modified: not a real date-time/],
    ['an empty quote', { selectors: { quote: { exact: '', prefix: '', suffix: '' } } }, /selectors\.quote\.exact: the quote is empty/],
    ['a backwards position', { selectors: { quote: { exact: 'x', prefix: '', suffix: '' }, position: { start: 5, end: 2 } } }, /position end must be after start/],
    ['a bad id', { id: 'not an iri' }, /id: annotation ids are urn: or http\(s\) IRIs/],
    ['a bad claim id', { claimId: 'ST-1' }, /claimId: claim ids look like C07/],
    ['a bad hash', { pageTextHash: 'sha1:abc' }, /pageTextHash/],
  ])('rejects %s with a readable message', (_name, overrides, message) => {
    const result = checkAnnotation(sample(overrides));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
    expect(() => parseAnnotation(sample(overrides))).toThrow(/annotation is invalid/);
  });

  it('trims tags and rejects empty ones', () => {
    expect(parseAnnotation(sample({ tags: ['  stations '] })).tags).toEqual(['stations']);
    expect(checkAnnotation(sample({ tags: ['  '] })).ok).toBe(false);
  });
});

describe('helpers', () => {
  it('mints urn:uuid ids that the schema accepts and that differ', () => {
    const a = newAnnotationId();
    expect(a).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(a).not.toBe(newAnnotationId());
    expect(checkAnnotation(sample({ id: a })).ok).toBe(true);
  });

  it('builds the author from the options profile, dropping empty fields', () => {
    expect(authorFromProfile({ name: ' Ana ', organisation: '', url: '' })).toEqual({ name: 'Ana' });
    expect(authorFromProfile({ name: 'Ana', organisation: 'Checkers', url: 'https://c.example' })).toEqual({
      name: 'Ana', organisation: 'Checkers', url: 'https://c.example',
    });
  });

  it('maps verdict ids and labels both ways', () => {
    for (const v of VERDICTS) expect(parseVerdict(verdictLabel(v))).toBe(v);
    expect(verdictLabel('mostly-accurate')).toBe('Mostly accurate');
    expect(verdictLabel(null)).toBe('No verdict');
    expect(parseVerdict('MISSING_CONTEXT')).toBe('missing-context');
    expect(parseVerdict('pants on fire')).toBeNull();
  });

  it('compares annotations by content, not key order', () => {
    const a = sample();
    const reordered = JSON.parse(JSON.stringify({ ...a, selectors: { position: a.selectors.position, quote: a.selectors.quote } })) as Annotation;
    expect(annotationsEqual(a, reordered)).toBe(true);
    expect(annotationsEqual(a, sample({ tags: ['other'] }))).toBe(false);
  });
});
