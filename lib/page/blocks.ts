/**
 * Element lists shared by everything that reads page changes block by block (the page scanner's
 * rescans and the always-on script's looks at changed text).
 */

/**
 * Elements text-index.ts treats as block boundaries (a subset of its list is enough: a missing tag
 * only widens a read to the next listed ancestor). A changed node is read from the nearest of these,
 * so text joined across inline elements ("Safe<b>guard</b>") is read whole.
 */
export const BLOCK_SELECTOR =
  'address,article,aside,blockquote,body,caption,dd,details,dialog,div,dl,dt,fieldset,figcaption,figure,footer,form,h1,h2,h3,h4,h5,h6,header,hgroup,iframe,li,main,nav,ol,p,pre,section,summary,table,tbody,td,tfoot,th,thead,tr,ul';

/**
 * {@link BLOCK_SELECTOR} as a set of tag names. Pure, so a bundle that does not use it does not build
 * it: the always-on script pays for every builtin it first touches in a fresh world (a Set built from
 * a split string there costs about 0.05 ms; bench/page-results.md).
 */
export const BLOCK_TAGS: ReadonlySet<string> = /* @__PURE__ */ new Set(/* @__PURE__ */ BLOCK_SELECTOR.split(','));

let skipTags: ReadonlySet<string> | null = null;
/**
 * Elements never indexed by text-index.ts, nor anything inside them: never page prose. The set is
 * built on first use, not at load: the always-on script rarely needs it.
 */
export function isSkippedTag(localName: string): boolean {
  skipTags ??= new Set('script style noscript template head title svg math textarea select option object canvas video audio rt rp'.split(' '));
  return skipTags.has(localName);
}
