/**
 * schema.org ClaimReview JSON-LD, one per annotation with a verdict, for fact-check publishing tools
 * and search engines (https://schema.org/ClaimReview).
 *
 * The verdict scale maps to ratingValue 5 (Accurate) … 1 (False), bestRating 5, worstRating 1, with
 * the verdict label as alternateName. "Unproven" is off that scale, so it carries only alternateName:
 * a number would place it between true and false. Pure: no DOM.
 */
import { VERDICT_LABELS, type Annotation, type Verdict } from '../annotation/model';

export const BEST_RATING = 5;
export const WORST_RATING = 1;

/** Numeric rating per verdict; null where the verdict is not a point on the accuracy scale. */
export const VERDICT_RATING: Readonly<Record<Verdict, number | null>> = {
  accurate: 5,
  'mostly-accurate': 4,
  'missing-context': 3,
  misleading: 2,
  false: 1,
  unproven: null,
};

export interface ClaimReviewOptions {
  /** Where the review is published, if it is. */
  reviewUrl?: string;
  /** Wording of a linked dataset claim, used as claimReviewed instead of the page quote. */
  claimText?: (claimId: string) => string | undefined;
}

export type ClaimReviewResult = { ok: true; review: Record<string, unknown> } | { ok: false; reason: string };

/** One annotation as a ClaimReview, or why it cannot be one (no verdict, no author name). */
export function toClaimReview(a: Annotation, options: ClaimReviewOptions = {}): ClaimReviewResult {
  if (!a.verdict) return { ok: false, reason: 'it has no verdict' };
  const { name, organisation, url } = a.author;
  if (!name.trim() && !organisation) return { ok: false, reason: 'no author: set your name in the options' };
  const rating = VERDICT_RATING[a.verdict];
  const reviewRating: Record<string, unknown> = { '@type': 'Rating' };
  if (rating !== null) Object.assign(reviewRating, { ratingValue: rating, bestRating: BEST_RATING, worstRating: WORST_RATING });
  reviewRating.alternateName = VERDICT_LABELS[a.verdict];
  const author: Record<string, unknown> = organisation
    ? { '@type': 'Organization', name: organisation }
    : { '@type': 'Person', name: name.trim() };
  if (url) author.url = url;
  const appearance: Record<string, unknown> = { '@type': 'CreativeWork', url: a.pageUrl };
  if (a.pageTitle) appearance.headline = a.pageTitle;
  const claimed = (a.claimId && options.claimText?.(a.claimId)) || a.selectors.quote.exact.replace(/\s+/g, ' ').trim();
  const review: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    claimReviewed: claimed,
    reviewRating,
    itemReviewed: { '@type': 'Claim', appearance },
    author,
    datePublished: a.created.slice(0, 10),
  };
  if (a.note.trim()) review.reviewBody = a.note;
  if (options.reviewUrl) review.url = options.reviewUrl;
  return { ok: true, review };
}

/** ClaimReviews for every annotation that can be one, and the others with the reason. */
export function toClaimReviews(
  annotations: readonly Annotation[],
  options: ClaimReviewOptions = {},
): { reviews: Record<string, unknown>[]; skipped: { id: string; reason: string }[] } {
  const reviews: Record<string, unknown>[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const a of annotations) {
    const r = toClaimReview(a, options);
    if (r.ok) reviews.push(r.review);
    else skipped.push({ id: a.id, reason: r.reason });
  }
  return { reviews, skipped };
}
