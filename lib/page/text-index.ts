/**
 * The page as the engine sees it: the visible text of a DOM subtree as one string, plus a map from
 * string offsets back to text nodes, so matches become StaticRanges and selections become offsets.
 *
 * Text coordinate system (annotations store TextPosition selectors in it, so keep it stable):
 * - `text` is the concatenation, in flat-tree order, of the `data` of every indexed Text node;
 *   node data is never altered, so `text.slice(starts[i], starts[i] + nodes[i].length)` is
 *   `nodes[i].data`.
 * - Between content separated by a block boundary (block-level and replaced elements, <br>, table
 *   cells, list items, shadow-root and iframe boundaries) one "\n" is inserted, unless the text
 *   already ends with "\n"; never at the start. Inline elements join without separator, so
 *   "Safe<b>guard</b>" reads "Safeguard".
 * - Whitespace-only text nodes right after a block boundary are not indexed (source indentation).
 * - Not indexed: script, style, noscript, template, head, form fields (input, textarea, select,
 *   option), svg, canvas/video/audio/object fallback, ruby rt/rp, iframe fallback content, elements
 *   with `hidden`, `aria-hidden="true"` or `data-stationwatch-ui`, and text whose parent element
 *   `isVisible` rejects (display:none, visibility:hidden).
 *
 * Cost (STYLE.md): one pass with a TreeWalker that shows only elements and text, filtering inside
 * the loop (an acceptNode callback is 6–8× slower); no per-node allocation beyond the result
 * arrays; no computed style per text node — `isVisible` runs at most once per element, and only for
 * elements that directly hold non-blank text. Ranges are StaticRanges: thousands of live Ranges
 * slow every later page mutation 20–50×.
 *
 * The index is a snapshot: after the page mutates, collect again before mapping offsets.
 */
import { defaultIsVisible, type IsVisible } from './visibility';

/** Attribute that marks Stationwatch's own UI hosts; their subtrees are never indexed. */
export const UI_HOST_ATTRIBUTE = 'data-stationwatch-ui';

/** Visible text of a subtree and the map back to its text nodes. */
export interface TextIndex {
  text: string;
  /** Indexed text nodes in flat-tree order. */
  nodes: Text[];
  /** `starts[i]` is the offset of `nodes[i]` in `text`. */
  starts: Uint32Array;
  root: Node;
  /**
   * `runStarts[k]` is the index in `nodes` where run k begins. A run is a stretch of nodes collected
   * by one uninterrupted walk of one tree (document or shadow root), so its nodes share a root and
   * are in that tree's document order; a range never spans two runs.
   */
  runStarts: Uint32Array;
}

/** Options for {@link collectText}. */
export interface CollectOptions {
  /** Walk open shadow roots in place of the host's light children (slots followed). Default true. */
  includeShadow?: boolean;
  /**
   * Walk the documents of same-origin iframes. Default false: the content script runs in every
   * frame itself, so the top frame would index frame text twice.
   */
  includeFrames?: boolean;
  /** Style check for elements that hold text; default {@link defaultIsVisible}. Pass `() => true` to skip style work. */
  isVisible?: IsVisible;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
const DOCUMENT_FRAGMENT_NODE = 11;
const SHOW_ELEMENT = 0x1;
const SHOW_TEXT = 0x4;
const DOCUMENT_POSITION_FOLLOWING = 0x4;
const DOCUMENT_POSITION_CONTAINED_BY = 0x10;

/** Subtree is never indexed. */
const SKIP = 1;
/** Entering and leaving the element is a block boundary. */
const BLOCK = 2;
/** Content comes from the element's assigned nodes (shadow DOM <slot>). */
const SLOT = 4;
/** Content comes from the element's nested document. */
const FRAME = 8;

const TAG_FLAGS = new Map<string, number>();
for (const tag of [
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'center', 'col', 'colgroup',
  'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li',
  'listing', 'main', 'marquee', 'menu', 'nav', 'ol', 'p', 'plaintext', 'pre', 'search', 'section',
  'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'xmp',
  // Inline-block controls and media: visually separate boxes, so words on either side never join.
  'button', 'img', 'picture',
]) TAG_FLAGS.set(tag, BLOCK);
// Not rendered as text at all (or rendered as a control whose value is not page prose).
for (const tag of [
  'script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link', 'base', 'noembed',
  'noframes', 'datalist', 'param', 'source', 'track', 'area', 'map',
  // Ruby annotations would split the annotated word ("漢<rt>kan</rt>字").
  'rt', 'rp',
]) TAG_FLAGS.set(tag, SKIP);
// Skipped, but a visible box: a boundary on both sides.
for (const tag of [
  'input', 'textarea', 'select', 'option', 'optgroup', 'svg', 'math', 'canvas', 'video', 'audio',
  'object', 'embed',
]) TAG_FLAGS.set(tag, SKIP | BLOCK);
TAG_FLAGS.set('slot', SLOT);
TAG_FLAGS.set('iframe', FRAME | BLOCK);
TAG_FLAGS.set('frame', FRAME | BLOCK);
TAG_FLAGS.set('frameset', BLOCK);

const UNKNOWN = 0;
const VISIBLE = 1;
const HIDDEN = 2;

interface WalkState {
  text: string;
  nodes: Text[];
  starts: Uint32Array;
  runStarts: number[];
  /** A block boundary was crossed since the last indexed text. */
  pending: boolean;
  /** The last character of `text` is "\n" (kept so `text`, a rope while growing, is never read). */
  endsWithNewline: boolean;
  /** The next indexed node begins a new run. */
  newRun: boolean;
  /** Visibility of the element at each walk depth; shared by nested walks at increasing bases. */
  vis: number[];
  readonly includeShadow: boolean;
  readonly includeFrames: boolean;
  readonly isVisible: IsVisible;
}

/** Collects the visible text under `root` (a document, element, shadow root or text node) with a map back to its text nodes. */
export function collectText(root: Node, opts: CollectOptions = {}): TextIndex {
  const st: WalkState = {
    text: '',
    nodes: [],
    starts: new Uint32Array(256),
    runStarts: [],
    pending: true,
    endsWithNewline: false,
    newRun: true,
    vis: [],
    includeShadow: opts.includeShadow ?? true,
    includeFrames: opts.includeFrames ?? false,
    isVisible: opts.isVisible ?? defaultIsVisible,
  };
  walk(st, root, 0);
  return {
    text: st.text,
    nodes: st.nodes,
    starts: st.starts.slice(0, st.nodes.length),
    root,
    runStarts: Uint32Array.from(st.runStarts),
  };
}

function isBlank(data: string): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    // Space, tab, LF, FF, CR: the characters HTML collapses. NBSP is visible spacing; keep it.
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13 && c !== 12) return false;
  }
  return true;
}

function emit(st: WalkState, node: Text, data: string): void {
  if (st.pending && st.text.length > 0 && !st.endsWithNewline) st.text += '\n';
  st.pending = false;
  const i = st.nodes.length;
  if (i === st.starts.length) {
    const grown = new Uint32Array(i * 2);
    grown.set(st.starts);
    st.starts = grown;
  }
  if (st.newRun) {
    st.runStarts.push(i);
    st.newRun = false;
  }
  st.starts[i] = st.text.length;
  st.nodes.push(node);
  st.text += data;
  st.endsWithNewline = data.charCodeAt(data.length - 1) === 10;
}

/** Indexes one text node whose parent element's visibility slot is `st.vis[visIdx]` (-1: none cached). */
function visitText(st: WalkState, node: Text, parent: Element | null, visIdx: number): void {
  const data = node.data;
  if (data.length === 0) return;
  if (isBlank(data)) {
    // Blank text only separates words: skip it after a boundary, keep it between inline content
    // without a style check (whitespace from a hidden element changes nothing a reader sees).
    if (!st.pending && (visIdx < 0 || st.vis[visIdx] !== HIDDEN)) emit(st, node, data);
    return;
  }
  if (parent !== null) {
    let v = visIdx < 0 ? UNKNOWN : st.vis[visIdx]!;
    if (v === UNKNOWN) {
      v = st.isVisible(parent) ? VISIBLE : HIDDEN;
      if (visIdx >= 0) st.vis[visIdx] = v;
    }
    if (v === HIDDEN) return;
  }
  emit(st, node, data);
}

/**
 * Handles entering an element. Returns true when the walker should descend into its light
 * children; shadow roots, slots and frames are walked here (recursively) and return false.
 */
function enter(st: WalkState, el: Element, visIdx: number): boolean {
  const flags = TAG_FLAGS.get(el.localName) ?? 0;
  if ((flags & BLOCK) !== 0) st.pending = true;
  if ((flags & SKIP) !== 0) return false;
  if (el.hasAttribute('hidden') || el.hasAttribute(UI_HOST_ATTRIBUTE) || el.getAttribute('aria-hidden') === 'true') return false;
  if ((flags & FRAME) !== 0) {
    if (st.includeFrames) walkFrame(st, el, visIdx);
    return false;
  }
  if (st.includeShadow) {
    const shadow = el.shadowRoot;
    if (shadow !== null && shadow !== undefined) {
      st.pending = true;
      walk(st, shadow, visIdx);
      st.pending = true;
      st.newRun = true;
      return false;
    }
    if ((flags & SLOT) !== 0) {
      const assigned = (el as HTMLSlotElement).assignedNodes();
      if (assigned.length > 0) {
        for (const node of assigned) {
          walk(st, node, visIdx);
          st.newRun = true;
        }
        return false;
      }
      // No assigned nodes: the slot's own children are its fallback content.
    }
  }
  st.vis[visIdx] = UNKNOWN;
  return true;
}

function walkFrame(st: WalkState, frame: Element, visIdx: number): void {
  let doc: Document | null = null;
  try {
    doc = (frame as HTMLIFrameElement).contentDocument;
  } catch {
    // Cross-origin frames return null in browsers, but some wrappers throw instead.
    return;
  }
  if (doc === null || doc === undefined || doc.documentElement === null) return;
  st.pending = true;
  walk(st, doc, visIdx);
  st.pending = true;
  st.newRun = true;
}

/** Walks the subtree at `root`; `base` is the first free slot in `st.vis` (nested walks stack). */
function walk(st: WalkState, root: Node, base: number): void {
  const type = root.nodeType;
  if (type === TEXT_NODE) {
    st.newRun = true;
    visitText(st, root as Text, (root as Text).parentElement, -1);
    st.newRun = true;
    return;
  }
  if (type === DOCUMENT_NODE) {
    const html = (root as Document).documentElement;
    if (html !== null) walk(st, html, base);
    return;
  }
  let rootEl: Element | null;
  if (type === ELEMENT_NODE) {
    rootEl = root as Element;
    if (!enter(st, rootEl, base)) {
      if (((TAG_FLAGS.get(rootEl.localName) ?? 0) & BLOCK) !== 0) st.pending = true;
      return;
    }
  } else if (type === DOCUMENT_FRAGMENT_NODE) {
    // Text directly in a shadow root inherits its style from the host.
    rootEl = (root as Partial<ShadowRoot>).host ?? null;
    st.vis[base] = UNKNOWN;
  } else {
    return;
  }
  st.newRun = true;
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, SHOW_ELEMENT | SHOW_TEXT);
  let depth = 0;
  let node: Node | null = walker.firstChild();
  if (node !== null) depth = 1;
  while (node !== null) {
    if (node.nodeType === TEXT_NODE) {
      visitText(st, node as Text, depth === 1 ? rootEl : (node.parentNode as Element), base + depth - 1);
    } else {
      const el = node as Element;
      if (enter(st, el, base + depth)) {
        const child = walker.firstChild();
        if (child !== null) {
          node = child;
          depth++;
          continue;
        }
      }
      if (((TAG_FLAGS.get(el.localName) ?? 0) & BLOCK) !== 0) st.pending = true;
    }
    // Advance to the next sibling, leaving finished ancestors on the way up.
    node = null;
    for (;;) {
      const sibling = walker.nextSibling();
      if (sibling !== null) {
        node = sibling;
        break;
      }
      const parent = walker.parentNode();
      depth--;
      if (parent === null || parent === root) break;
      if (((TAG_FLAGS.get((parent as Element).localName) ?? 0) & BLOCK) !== 0) st.pending = true;
    }
  }
  if (rootEl !== null && type === ELEMENT_NODE && ((TAG_FLAGS.get(rootEl.localName) ?? 0) & BLOCK) !== 0) st.pending = true;
}

/** Last node index whose start is at or before `offset`, or -1. */
function lastStartAtOrBefore(starts: Uint32Array, count: number, offset: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function runCount(index: TextIndex): number {
  return index.runStarts.length;
}

/** Last node index of run k. */
function runLast(index: TextIndex, k: number): number {
  return (k + 1 < index.runStarts.length ? index.runStarts[k + 1]! : index.nodes.length) - 1;
}

/** A StaticRange where the realm has the constructor; a plain record with the same fields otherwise (happy-dom, old engines). */
function staticRange(sc: Text, so: number, ec: Text, eo: number): StaticRange {
  const init = { startContainer: sc, startOffset: so, endContainer: ec, endOffset: eo };
  const Ctor =
    typeof StaticRange === 'function'
      ? StaticRange
      : (sc.ownerDocument.defaultView as unknown as { StaticRange?: typeof StaticRange } | null)?.StaticRange;
  if (typeof Ctor === 'function') return new Ctor(init);
  return new PlainStaticRange(sc, so, ec, eo) as unknown as StaticRange;
}

/** The AbstractRange fields of a StaticRange, for environments that lack the constructor. */
class PlainStaticRange {
  constructor(
    readonly startContainer: Node,
    readonly startOffset: number,
    readonly endContainer: Node,
    readonly endOffset: number,
  ) {}

  get collapsed(): boolean {
    return this.startContainer === this.endContainer && this.startOffset === this.endOffset;
  }
}

/**
 * Maps `[start, end)` in `index.text` to StaticRanges: one per run of text nodes within one
 * document or shadow tree (usually exactly one). Ends landing on an inserted "\n" are clamped to
 * the adjacent text node; an empty or out-of-text span gives [].
 */
export function rangeFor(index: TextIndex, start: number, end: number): StaticRange[] {
  const { nodes, starts } = index;
  const n = nodes.length;
  start = Math.max(0, start);
  end = Math.min(index.text.length, end);
  if (n === 0 || !(start < end)) return [];
  let i = lastStartAtOrBefore(starts, n, start);
  let so = 0;
  if (i < 0) {
    i = 0;
  } else {
    so = start - starts[i]!;
    // Past node i's data: the start sits on an inserted "\n"; begin at the next node.
    if (so >= nodes[i]!.length) {
      i++;
      so = 0;
    }
  }
  if (i >= n) return [];
  const j = lastStartAtOrBefore(starts, n, end - 1);
  const eo = Math.min(end - starts[j]!, nodes[j]!.length);
  if (j < i || (j === i && eo <= so)) return [];
  const out: StaticRange[] = [];
  let k = lastStartAtOrBefore(index.runStarts, runCount(index), i);
  let from = i;
  let fromOffset = so;
  for (;;) {
    const last = runLast(index, k);
    if (last >= j) {
      out.push(staticRange(nodes[from]!, fromOffset, nodes[j]!, eo));
      return out;
    }
    out.push(staticRange(nodes[from]!, fromOffset, nodes[last]!, nodes[last]!.length));
    from = last + 1;
    fromOffset = 0;
    k++;
  }
}

/**
 * A live Range over `[start, end)` for selection or scrolling into view. Spans crossing trees give
 * the first tree's part; a span with no indexed text gives a collapsed range where it would be.
 * Keep these few and short-lived: live ranges slow every later page mutation.
 */
export function liveRangeFor(index: TextIndex, start: number, end: number): Range {
  const first = rangeFor(index, start, end)[0];
  const doc = index.root.nodeType === DOCUMENT_NODE ? (index.root as Document) : index.root.ownerDocument!;
  if (first === undefined) {
    const { nodes, starts } = index;
    const i = Math.max(0, lastStartAtOrBefore(starts, nodes.length, start));
    const node = nodes[i];
    if (node === undefined) return doc.createRange();
    const range = node.ownerDocument.createRange();
    const at = Math.min(Math.max(0, start - starts[i]!), node.length);
    range.setStart(node, at);
    range.setEnd(node, at);
    return range;
  }
  const sc = first.startContainer as Text;
  const ec = first.endContainer as Text;
  // Created in the nodes' own document: a Range cannot hold points of another document (iframes).
  const range = sc.ownerDocument.createRange();
  // The page may have shortened the nodes since collection; clamp rather than throw.
  range.setStart(sc, Math.min(first.startOffset, sc.length));
  range.setEnd(ec, Math.min(first.endOffset, ec.length));
  return range;
}

/**
 * First node index at or after a point, searching the runs whose tree root is `root`;
 * `nodes.length` when every such node precedes the point, -1 when no run lives in that tree.
 * With `exact`, only a hit on that very node counts.
 */
function firstAtOrAfter(index: TextIndex, root: Node, atOrAfter: (node: Node) => boolean, exact?: Node): number {
  const { nodes, runStarts } = index;
  let sawTree = false;
  for (let k = 0; k < runStarts.length; k++) {
    const a = runStarts[k]!;
    if (nodes[a]!.getRootNode() !== root) continue;
    sawTree = true;
    let hi = runLast(index, k);
    if (!atOrAfter(nodes[hi]!)) continue;
    let lo = a;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (atOrAfter(nodes[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    // Named slots can render light-DOM nodes out of document order, so one tree's runs are not
    // always in order: when looking for a particular node, keep searching the other runs.
    if (exact === undefined || nodes[lo] === exact) return lo;
  }
  return sawTree ? nodes.length : -1;
}

/** Index of `node` in `index.nodes` by binary search in document order, or -1 when not indexed. */
export function nodeIndex(index: TextIndex, node: Text): number {
  const i = firstAtOrAfter(
    index,
    node.getRootNode(),
    (other) => other === node || (node.compareDocumentPosition(other) & DOCUMENT_POSITION_FOLLOWING) !== 0,
    node,
  );
  return i >= 0 && index.nodes[i] === node ? i : -1;
}

/** Offset of `node` in `index.text`, or -1 when the node is not indexed. */
export function nodeOffset(index: TextIndex, node: Text): number {
  const i = nodeIndex(index, node);
  return i < 0 ? -1 : index.starts[i]!;
}

/** Whether `node` is at or after the DOM boundary point (container, offset). */
function isAtOrAfterPoint(node: Node, container: Node, offset: number): boolean {
  const type = container.nodeType;
  if (type === ELEMENT_NODE || type === DOCUMENT_NODE || type === DOCUMENT_FRAGMENT_NODE) {
    const child = container.childNodes[offset];
    if (child !== undefined) {
      return node === child || (child.compareDocumentPosition(node) & DOCUMENT_POSITION_FOLLOWING) !== 0;
    }
    const pos = container.compareDocumentPosition(node);
    return (pos & DOCUMENT_POSITION_FOLLOWING) !== 0 && (pos & DOCUMENT_POSITION_CONTAINED_BY) === 0;
  }
  // Inside character data that is not indexed (hidden text, a comment): what follows it.
  return node !== container && (container.compareDocumentPosition(node) & DOCUMENT_POSITION_FOLLOWING) !== 0;
}

function pointOffset(index: TextIndex, container: Node, offset: number, isEnd: boolean): number | null {
  const { nodes, starts } = index;
  if (container.nodeType === TEXT_NODE) {
    const i = nodeIndex(index, container as Text);
    if (i >= 0) return starts[i]! + Math.min(Math.max(0, offset), nodes[i]!.length);
  }
  const i = firstAtOrAfter(index, container.getRootNode(), (node) => isAtOrAfterPoint(node, container, offset));
  if (i < 0) return null;
  if (!isEnd) return i < nodes.length ? starts[i]! : index.text.length;
  // An end between nodes stops right after the previous node, excluding an inserted "\n".
  if (i === 0) return 0;
  return starts[i - 1]! + nodes[i - 1]!.length;
}

/**
 * Maps a DOM range (a user selection, a StaticRange) to offsets in `index.text`: the inverse of
 * {@link rangeFor}. Points in unindexed content move to the nearest indexed text inside the range;
 * null when the range lies in a tree the index does not cover.
 */
export function offsetsForRange(index: TextIndex, range: AbstractRange): { start: number; end: number } | null {
  const start = pointOffset(index, range.startContainer, range.startOffset, false);
  if (start === null) return null;
  const end = pointOffset(index, range.endContainer, range.endOffset, true);
  if (end === null) return null;
  return { start, end: Math.max(start, end) };
}
