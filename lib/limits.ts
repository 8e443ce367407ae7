/** Budgets, thresholds and caps in one place; tests and benchmarks import the same constants. */

/** Longest slice of work the content script does before yielding to the page. */
export const SCAN_SLICE_MS = 8;
/** Mutations are batched for this long before changed subtrees are rescanned. */
export const MUTATION_BATCH_MS = 250;
/** Above this many added nodes in one batch, rescan the whole page instead of each subtree. */
export const HUGE_MUTATION_COUNT = 2_000;
/** Highlights painted on one page at most; the rest still count in the badge and side panel. */
export const MAX_HIGHLIGHTS_PER_PAGE = 2_000;
/** Mentions reported to the background per page (badge, popup, side panel). */
export const MAX_REPORTED_MENTIONS = 500;
/** Longest text of a mention sent to the side panel. */
export const MAX_MENTION_TEXT_CHARS = 200;
/** Record ids asked for in one card request. */
export const MAX_CARD_RECORD_IDS = 50;
/** Largest runtime message string field accepted by the background. */
export const MAX_MESSAGE_STRING_CHARS = 20_000;
/** Content-script initial JS target (gzip bytes) from the reader issue; not met yet — `npm run size` reports the gap. */
export const CONTENT_SCRIPT_GZIP_BUDGET_BYTES = 12 * 1024;
/**
 * Ratchet until the target is met: the build test fails when the always-on script grows past what
 * it is today (23 KB gzip on 2026-11-28). Lower it with every reduction; never raise it.
 */
export const CONTENT_SCRIPT_GZIP_CEILING_BYTES = 23.5 * 1024;
/** How often the background looks for a newer signed feed when a feed URL is set. */
export const FEED_CHECK_PERIOD_MINUTES = 24 * 60;
/** Annotation note length cap. */
export const MAX_NOTE_CHARS = 20_000;
