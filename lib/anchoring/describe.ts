/**
 * Describe a passage of page text as W3C selectors: a TextQuoteSelector (exact + prefix + suffix)
 * and a TextPositionSelector.
 *
 * Text coordinate system (shared with anchor.ts and the DOM adapter lib/page/text-index.ts):
 * offsets are UTF-16 code-unit offsets into the page's visible text, which is the text of the
 * visible text nodes in document order with "\n" between blocks. Ranges are half-open [start, end).
 * These modules only ever see that text as a string: no DOM.
 *
 * Prefix and suffix are at least CONTEXT_MIN_CHARS long (less only at the ends of the text) and
 * grow until prefix + exact + suffix occurs once in the text, so the quote alone can tell the
 * passage from its duplicates; if no context up to CONTEXT_GROW_MAX_CHARS makes it unique, the
 * result says so (`unique: false`): such an annotation re-anchors by position while the page text
 * is unchanged (same hash) and is an orphan once the page changes.
 */
import type { TextPosition, TextQuote } from '../annotation/model';
import { MAX_QUOTE_CHARS } from '../annotation/model';

/** Context kept on each side even when the quote is already unique (Hypothesis keeps 32; more survives nearby edits better). */
export const CONTEXT_MIN_CHARS = 64;
/** Context stops growing here; beyond it duplicates are treated as indistinguishable. */
export const CONTEXT_GROW_MAX_CHARS = 512;

export interface Description {
  quote: TextQuote;
  position: TextPosition;
  /** True when prefix + exact + suffix occurs exactly once in the text. */
  unique: boolean;
}

/** Selectors for text[start, end): quote with context long enough to be unique, and the position. */
export function describeRange(text: string, start: number, end: number): Description {
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new RangeError(`range offsets must be integers (got ${start}, ${end})`);
  if (start < 0 || end > text.length || start >= end) {
    throw new RangeError(`range [${start}, ${end}) is empty or outside the page text (length ${text.length})`);
  }
  if (end - start > MAX_QUOTE_CHARS) {
    throw new RangeError(`the selection is ${end - start} characters; annotations quote at most ${MAX_QUOTE_CHARS}`);
  }
  const exact = text.slice(start, end);
  if (exact.trim() === '') throw new RangeError('the selection holds only white space');

  let size = CONTEXT_MIN_CHARS;
  for (;;) {
    const prefix = text.slice(safeStart(text, start - size), start);
    const suffix = text.slice(end, safeEnd(text, end + size));
    const unique = occursOnce(text, prefix + exact + suffix);
    const exhausted = (start - size <= 0 && end + size >= text.length) || size >= CONTEXT_GROW_MAX_CHARS;
    if (unique || exhausted) return { quote: { exact, prefix, suffix }, position: { start, end }, unique };
    size = Math.min(size * 2, CONTEXT_GROW_MAX_CHARS);
  }
}

/** True when `needle` occurs exactly once in `text` (overlapping occurrences count). */
export function occursOnce(text: string, needle: string): boolean {
  const first = text.indexOf(needle);
  return first >= 0 && text.indexOf(needle, first + 1) < 0;
}

// Context boundaries never split a surrogate pair, so stored strings are always valid Unicode.
function safeStart(text: string, i: number): number {
  if (i <= 0) return 0;
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

function safeEnd(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i + 1 : i;
}
