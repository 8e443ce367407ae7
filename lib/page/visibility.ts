/**
 * Style-based visibility checks for the text index. Structural checks (tag names, `hidden`,
 * `aria-hidden`, our own UI) live in text-index.ts and cost no style work; these functions answer
 * the remaining question "does the text directly inside this element render?" and are asked at
 * most once per element that directly holds non-blank text.
 *
 * No DOM globals are referenced: the functions reach the window through `el.ownerDocument`, so they
 * also work on a happy-dom Window in Node (eval-pages) that is not installed as the global scope.
 */

/** Answers whether the text directly inside `el` renders (ancestors included). */
export type IsVisible = (el: Element) => boolean;

const INLINE_DISPLAY_NONE = /(?:^|;)\s*display\s*:\s*none\s*(?:!\s*important\s*)?(?:;|$)/i;
const INLINE_VISIBILITY = /(?:^|;)\s*visibility\s*:\s*(hidden|collapse|visible)\s*(?:!\s*important\s*)?(?:;|$)/i;

/**
 * Default check for live pages: `checkVisibility()` covers display:none anywhere up the flat tree,
 * closed <details> and content-visibility:hidden in one native call, without forcing layout.
 */
export function defaultIsVisible(el: Element): boolean {
  const view = el.ownerDocument.defaultView;
  // Detached trees and DOMParser documents have no rendering; checkVisibility() would call all of
  // their text invisible, so fall back to what the markup says.
  if (view === null || !el.isConnected) return inlineVisible(el);
  if (typeof el.checkVisibility === 'function') {
    // Both option names: visibilityProperty is the current one (Chrome 121, Firefox 122),
    // checkVisibilityCSS the older alias that Chrome 105–120 and Firefox 106–121 understand.
    if (el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })) return true;
    // display:contents elements have no box of their own, so checkVisibility() says false even
    // though their text shows; ask their parent instead. Only paid on the (rare) false answers.
    const style = view.getComputedStyle(el);
    if (style.display === 'contents' && style.visibility !== 'hidden' && style.visibility !== 'collapse') {
      const parent = el.parentElement;
      return parent === null ? true : defaultIsVisible(parent);
    }
    return false;
  }
  // Browsers without checkVisibility(): the element's own computed style. visibility is inherited,
  // so this is exact for it; display:none on an ancestor is missed (that text is still indexed).
  const style = view.getComputedStyle(el);
  return style.display !== 'none' && style.visibility !== 'hidden' && style.visibility !== 'collapse';
}

function inlineVisible(el: Element): boolean {
  for (let cur: Element | null = el; cur !== null; cur = parentOrHost(cur)) {
    if (INLINE_DISPLAY_NONE.test(cur.getAttribute('style') ?? '')) return false;
  }
  for (let cur: Element | null = el; cur !== null; cur = parentOrHost(cur)) {
    const m = INLINE_VISIBILITY.exec(cur.getAttribute('style') ?? '');
    if (m) return m[1]!.toLowerCase() === 'visible';
  }
  return true;
}

function parentOrHost(el: Element): Element | null {
  const parent = el.parentNode;
  if (parent === null) return null;
  if (parent.nodeType === 1) return parent as Element;
  // A shadow root's children inherit from the host.
  const host = (parent as Partial<ShadowRoot>).host;
  return host ?? null;
}

/**
 * A memoised check that reads only inline `style` attributes (display:none on the element or any
 * ancestor, inherited visibility:hidden/collapse): for documents without a style engine, such as
 * saved pages parsed in Node. Each element's style attribute is parsed once.
 */
export function inlineStyleVisibility(): IsVisible {
  // Bit 1: display:none here or above. Bit 2: visibility hidden/collapse (inherited).
  const memo = new WeakMap<Element, number>();
  const state = (el: Element): number => {
    const known = memo.get(el);
    if (known !== undefined) return known;
    const parent = parentOrHost(el);
    const inherited = parent === null ? 0 : state(parent);
    const style = el.getAttribute('style');
    let s = inherited;
    if (style !== null && style !== '') {
      if (INLINE_DISPLAY_NONE.test(style)) s |= 1;
      const m = INLINE_VISIBILITY.exec(style);
      if (m) s = m[1]!.toLowerCase() === 'visible' ? s & ~2 : s | 2;
    }
    memo.set(el, s);
    return s;
  };
  return (el) => state(el) === 0;
}
