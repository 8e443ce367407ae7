import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../lib/annotation/model';
import { toClaimReview, toClaimReviews } from '../../lib/export/claim-review';

function sample(overrides: Partial<Annotation> = {}): Annotation {
  return {
    id: 'urn:uuid:2f1c7a52-8a4e-4b8e-9a51-6f0f5b7f9b10',
    pageUrl: 'https://news.example.org/story?id=1',
    pageTitle: 'Overseas police stations',
    created: '2024-05-01T10:00:00.000Z',
    modified: '2024-05-02T11:00:00.000Z',
    verdict: 'misleading',
    note: 'The report counts sites, not proven police operations.',
    noteFormat: 'text',
    citations: [],
    tags: [],
    author: { name: 'Ana Fact', organisation: 'Checkers', url: 'https://checkers.example/' },
    selectors: { quote: { exact: 'China runs 102\n police stations', prefix: '', suffix: '' } },
    pageTextHash: null,
    ...overrides,
  };
}

describe('toClaimReview', () => {
  it('builds schema.org ClaimReview JSON-LD from an annotation', () => {
    expect(toClaimReview(sample())).toEqual({
      ok: true,
      review: {
        '@context': 'https://schema.org',
        '@type': 'ClaimReview',
        claimReviewed: 'China runs 102 police stations',
        reviewRating: { '@type': 'Rating', ratingValue: 2, bestRating: 5, worstRating: 1, alternateName: 'Misleading' },
        itemReviewed: { '@type': 'Claim', appearance: { '@type': 'CreativeWork', url: 'https://news.example.org/story?id=1', headline: 'Overseas police stations' } },
        author: { '@type': 'Organization', name: 'Checkers', url: 'https://checkers.example/' },
        datePublished: '2024-05-01',
        reviewBody: 'The report counts sites, not proven police operations.',
      },
    });
  });

  it('rates the scale from False (1) to Accurate (5), and Unproven only by name', () => {
    const rating = (verdict: Annotation['verdict']) => {
      const r = toClaimReview(sample({ verdict }));
      return r.ok ? r.review.reviewRating : r.reason;
    };
    expect(rating('accurate')).toMatchObject({ ratingValue: 5, alternateName: 'Accurate' });
    expect(rating('false')).toMatchObject({ ratingValue: 1, alternateName: 'False' });
    expect(rating('unproven')).toEqual({ '@type': 'Rating', alternateName: 'Unproven' });
  });

  it('names a person when there is no organisation, and uses a linked claim’s wording and review URL', () => {
    const r = toClaimReview(sample({ author: { name: 'Ana Fact' }, claimId: 'C07' }), {
      claimText: (id) => (id === 'C07' ? 'Safeguard Defenders counted 102 stations in 53 countries.' : undefined),
      reviewUrl: 'https://checkers.example/reviews/1',
    });
    expect(r.ok && r.review).toMatchObject({
      author: { '@type': 'Person', name: 'Ana Fact' },
      claimReviewed: 'Safeguard Defenders counted 102 stations in 53 countries.',
      url: 'https://checkers.example/reviews/1',
    });
  });

  it('skips annotations without a verdict or an author, saying why', () => {
    const { reviews, skipped } = toClaimReviews([sample(), sample({ id: 'urn:x:2', verdict: null }), sample({ id: 'urn:x:3', author: { name: ' ' } })]);
    expect(reviews).toHaveLength(1);
    expect(skipped).toEqual([
      { id: 'urn:x:2', reason: 'it has no verdict' },
      { id: 'urn:x:3', reason: 'no author: set your name in the options' },
    ]);
  });
});
