/** Budgets, thresholds and caps in one place; tests and benchmarks import the same constants. */

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
/**
 * Longest rendered text the first look sends to the background (characters, about 8 MB as
 * UTF-16). A page with more text loads the page scanner without asking.
 */
export const FIRST_LOOK_MAX_CHARS = 4_000_000;
/** Largest runtime message string field accepted by the background. */
export const MAX_MESSAGE_STRING_CHARS = 20_000;
/** The always-on content script's budget (gzip bytes); the page scanner and card UI load on demand. */
export const CONTENT_SCRIPT_GZIP_BUDGET_BYTES = 12 * 1024;
/** How often the background looks for a newer signed feed when a feed URL is set. */
export const FEED_CHECK_PERIOD_MINUTES = 24 * 60;
/** Annotation note length cap. */
export const MAX_NOTE_CHARS = 20_000;
