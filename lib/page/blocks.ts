/**
 * Element lists shared by everything that reads page changes block by block (the page scanner's
 * rescans and the always-on script's looks at changed text).
 */

/**
 * Elements text-index.ts treats as block boundaries (a subset of its list is enough: a missing tag
 * only widens a read to the next listed ancestor). A changed node is read from the nearest of these,
 * so text joined across inline elements ("Safe<b>guard</b>") is read whole.
 */
export const BLOCK_TAGS: ReadonlySet<string> = new Set(
  'address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup iframe li main nav ol p pre section summary table tbody td tfoot th thead tr ul'.split(' '),
);

/** {@link BLOCK_TAGS} as a selector, for `Element.closest`. */
export const BLOCK_SELECTOR = [...BLOCK_TAGS].join(',');

/** Never indexed by text-index.ts, nor is anything inside them: never page prose. */
export const SKIP_TAGS: ReadonlySet<string> = new Set('script style noscript template head title svg math textarea select option object canvas video audio rt rp'.split(' '));
