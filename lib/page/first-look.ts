/**
 * The always-on content script's first look at a page: its rendered text, gathered with native calls
 * only, for the background to check for terms before anything else of Stationwatch loads.
 *
 * Why native: a content script runs in a fresh isolated world on every page, so its JavaScript is
 * cold (interpreted) there. Reading the text with `innerText` is done by the browser from its layout
 * and costs less than a bare TreeWalker pass; walking nodes or scanning characters in page JS costs
 * 10–30× that (bench/page-results.md). The exact text index, with visibility checks and offsets
 * for ranges, is built by the page scanner, which loads only on pages this look lets through.
 *
 * The text is a superset for term finding: `innerText` keeps words joined across inline elements,
 * separates blocks with line breaks, leaves out display:none and visibility:hidden text, scripts and
 * styles, like the scanner's index. It may hold a little more (aria-hidden text, SVG text). It
 * misses open shadow roots and same-origin frames, so those are added here: shadow hosts are found
 * among custom elements (one native XPath query; a built-in element with a shadow root is rare and
 * is read by the scanner once it loads for another reason).
 */

import { BLOCK_SELECTOR, isSkippedTag } from './blocks';

/** Frames smaller than this (either side, CSS px) are ads, trackers and widgets, never read. */
export const MIN_READABLE_FRAME_PX = 40;


/** Whether a same-origin frame is big and visible enough to hold article text. */
function readableFrame(frame: Element): boolean {
  const check = (frame as Partial<Element>).checkVisibility;
  if (typeof check === 'function' && !check.call(frame, { visibilityProperty: true })) return false;
  const box = frame.getBoundingClientRect();
  return box.width >= MIN_READABLE_FRAME_PX && box.height >= MIN_READABLE_FRAME_PX;
}

/** What a first look gathered: the text, and the open shadow roots it read (to watch them too). */
export interface FirstLook {
  text: string;
  shadowRoots: ShadowRoot[];
}

/**
 * Whether Stationwatch reads a frame (the first look and the page scanner alike): big and visible
 * enough, with a same-origin `src`. Frames without one (no `src`, about:blank, `srcdoc`) are
 * filled by scripts, and on news pages they are ad slots; reading one sets up the extension's
 * world in it, about 1 ms each: on pages about the story of real size, 4.1 of their 22 ms
 * (bench/page-results.md, session 6).
 */
export function readsFrame(frame: Element): boolean {
  return sameOriginSrc(frame) && readableFrame(frame);
}

/** `scheme://host[:port]` of a URL as the browser serialises it, lower-cased; null for about:, data:, javascript: and the like. */
function originPrefix(url: string): string | null {
  const colon = url.indexOf(':');
  if (colon < 1 || !url.startsWith('//', colon + 1)) return null;
  let end = colon + 3;
  while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++;
  const authority = url.slice(colon + 3, end);
  // user:password@ is not part of the origin.
  return `${url.slice(0, colon + 3)}${authority.slice(authority.lastIndexOf('@') + 1)}`.toLowerCase();
}

/**
 * Whether a frame's `src` is on the page's own origin (scheme and host: file: pages have an opaque
 * origin). The frame's `src` property is its URL as the browser resolved and serialised it (against
 * the base URL, default ports dropped, hosts in ASCII), so the origins compare as strings, without
 * regular expressions, `URL` or `Location`: in the script's fresh world the first of each is set up
 * or compiled for this alone, which costs more than the comparison (a first regular expression,
 * about 0.3 ms: bench/page-results.md).
 */
export function sameOriginSrc(frame: Element): boolean {
  if (!frame.hasAttribute('src') || frame.hasAttribute('srcdoc')) return false;
  const src = (frame as HTMLIFrameElement).src;
  if (typeof src !== 'string') return false;
  const here = originPrefix(frame.ownerDocument.URL);
  return here !== null && originPrefix(src) === here;
}

/** The rendered text of `doc`, its open shadow roots under custom elements, and its readable same-origin frames. */
export function firstLookText(doc: Document): FirstLook {
  const root = doc.body ?? doc.documentElement;
  if (!root) return { text: '', shadowRoots: [] };
  const parts: string[] = [renderedText(root)];
  const shadowRoots: ShadowRoot[] = [];
  collectShadowRoots(doc, root, shadowRoots);
  for (const shadow of shadowRoots) parts.push(shadowText(shadow));
  // `length` counts the window's frames: most pages have none by the time they have loaded, and
  // are spared the query.
  const frames = doc.defaultView?.length ? doc.querySelectorAll('iframe, frame') : [];
  for (const frame of frames) {
    // Checked before touching the frame's document: that sets up the extension's world in it,
    // which costs more than reading it (ad-heavy pages carry twenty pixel-sized frames).
    if (!readsFrame(frame)) continue;
    let inner: Document | null = null;
    try {
      inner = (frame as HTMLIFrameElement).contentDocument;
    } catch {
      continue;
    }
    if (inner?.body) parts.push(renderedText(inner.body));
  }
  return { text: parts.join('\n'), shadowRoots };
}

/**
 * The rendered text of the blocks holding nodes a page added, changed or revealed (each node widened
 * to its nearest block ancestor, nested blocks read once), and the open shadow roots inside them.
 */
export function changedText(nodes: Iterable<Node>): FirstLook {
  const blocks = new Set<Element>();
  for (const node of nodes) {
    if (!node.isConnected) continue;
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    if (!el || isSkippedTag(el.localName)) continue;
    // The whole block is read, so a term completed by an added inline node is read joined.
    blocks.add(el.closest(BLOCK_SELECTOR) ?? el);
  }
  const parts: string[] = [];
  const shadowRoots: ShadowRoot[] = [];
  for (const block of blocks) {
    // A block inside another changed block is read with it.
    let outer = false;
    for (let up = block.parentElement; up && !outer; up = up.parentElement) outer = blocks.has(up);
    if (outer) continue;
    parts.push(renderedText(block));
    const shadows: ShadowRoot[] = [];
    collectShadowRoots(block.ownerDocument, block, shadows);
    for (const shadow of shadows) parts.push(shadowText(shadow));
    shadowRoots.push(...shadows);
  }
  return { text: parts.join('\n'), shadowRoots };
}

function renderedText(el: Element): string {
  const inner = (el as HTMLElement).innerText;
  return typeof inner === 'string' ? inner : (el.textContent ?? '');
}

/** Open shadow roots of custom elements under `scope` (and of the scope itself), nested ones included. */
function collectShadowRoots(doc: Document, scope: Element, out: ShadowRoot[]): void {
  if (scope.shadowRoot) out.push(scope.shadowRoot);
  // One axis step: `.//*` expands to descendant-or-self::node()/child::*, a node-set of every node
  // first, which costs a fresh world about 0.04 ms more (bench/page-results.md).
  const hosts = doc.evaluate('descendant::*[contains(local-name(), "-")]', scope, null, 7 /* ORDERED_NODE_SNAPSHOT_TYPE */, null);
  for (let i = 0; i < hosts.snapshotLength; i++) {
    const shadow = (hosts.snapshotItem(i) as Element).shadowRoot;
    if (shadow) out.push(shadow);
  }
  // Shadow trees are small and XPath does not enter them: look inside with a selector.
  for (let k = 0; k < out.length; k++) {
    for (const el of out[k]!.querySelectorAll('*')) if (el.shadowRoot && !out.includes(el.shadowRoot)) out.push(el.shadowRoot);
  }
}

/** A shadow root has no innerText of its own: read its children one by one. */
function shadowText(shadow: ShadowRoot): string {
  const parts: string[] = [];
  for (const child of shadow.childNodes) {
    if (child.nodeType === 3) parts.push((child as Text).data);
    else if (child.nodeType === 1 && !isSkippedTag((child as Element).localName)) parts.push(renderedText(child as Element));
  }
  return parts.join('\n');
}
