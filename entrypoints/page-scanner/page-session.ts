/**
 * One page's life with Stationwatch: scan, paint, report, react to keyboard, clicks and DOM changes.
 * Everything it registers goes through its own AbortController (tied to `signal`), so an invalidated
 * content script or a destroyed session leaves nothing behind.
 *
 * Work is cut into short tasks: the first scan runs when the page is idle (styles computed, so
 * visibility checks are cheap). Decisions, known claims included, come from the background.
 *
 * Dynamic pages: mutations are batched (MUTATION_BATCH_MS) and only the changed subtrees are walked
 * again. Each changed node is widened to its nearest block ancestor (so words joined across inline
 * elements stay joined), the block's fresh text index is spliced into the page index in place of its
 * old nodes, and nodes that left the page are dropped. The page-level decision still sees the whole
 * text: when terms came or went (the background checks the changed blocks' text; lost mentions),
 * the background decides again over the spliced page text (no DOM walk); otherwise the findings
 * stand, and on a page about the story the background reads the page again for known claims. SPA
 * navigations (Navigation API, popstate, hashchange, and a URL check on every batch) rescan the
 * whole page.
 *
 * The page holds no detector: every decision is the background's, whose detector is loaded once
 * and warm. A page's JavaScript starts cold, and the detector would cost every page about it a
 * 324 KB read from storage, 17 KB more script to compile and, on its first rescan, a decode of
 * tens of milliseconds.
 * */
import { collectText, liveRangeFor, nodeIndex, rangeFor, UI_HOST_ATTRIBUTE, type TextIndex } from '@/lib/page/text-index';
import { collapseWhitespace } from '@/lib/page/whitespace';
import { Highlighter, highlightsSupported, type HighlightStyle } from '@/lib/page/highlighter';
import type { Detection } from '@/lib/match/detector';
import { FIRST_LOOK_MAX_CHARS, HUGE_MUTATION_COUNT, MAX_HIGHLIGHTS_PER_PAGE, MAX_MENTION_TEXT_CHARS, MAX_REPORTED_MENTIONS, MUTATION_BATCH_MS } from '@/lib/limits';
import { sendToBackground } from '@/lib/messaging';
import type { PulledDecision } from './pulled-decision';
import type { MentionSummary, PageDecision, PageFindings } from '@/lib/protocol';
import type { Settings } from '@/lib/settings';
import type { UiApi } from '../page-awake/ui-api';
import { readsFrame } from '@/lib/page/first-look';
import { BLOCK_TAGS, isSkippedTag } from '@/lib/page/blocks';
import { withoutHash } from '@/lib/annotation/page-url';
import { recordScan, scanStats, type ScanTiming } from '@/lib/page/scan-stats';

/** A painted mention: a span of page text and the records it refers to. */
export interface PageMention {
  start: number;
  end: number;
  text: string;
  kind: MentionSummary['kind'];
  refs: string[];
  style: HighlightStyle;
  ranges: StaticRange[];
}

const STYLE_FOR_STATUS: Record<string, HighlightStyle> = {
  reported: 'allegation',
  disputed: 'disputed',
  'denied-by-china': 'denied',
  'confirmed-by-court': 'confirmed',
  'confirmed-by-authorities': 'confirmed',
};

/** What a decision's timing record carries from the scan that asked for it. */
type DecisionTiming = Pick<ScanTiming, 'kind' | 'at' | 'collectMs' | 'walkedNodes'>;

/** The page text as the background takes it: its first FIRST_LOOK_MAX_CHARS characters. */
const upToBackgroundLimit = (text: string) => (text.length > FIRST_LOOK_MAX_CHARS ? text.slice(0, FIRST_LOOK_MAX_CHARS) : text);

const WITHOUT_FRAMES = { includeShadow: true, includeFrames: false } as const;
const WITH_FRAMES = { includeShadow: true, includeFrames: true } as const;
/** Work deferred to an idle moment still runs within this long. */
const IDLE_TIMEOUT_MS = 500;

/** Styles this session paints (annotations belong to the card UI). */
const MENTION_STYLES: HighlightStyle[] = ['allegation', 'confirmed', 'denied', 'disputed', 'claim', 'current', 'flash'];

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
const DOCUMENT_FRAGMENT_NODE = 11;
const DOCUMENT_POSITION_FOLLOWING = 4;
const DOCUMENT_POSITION_CONTAINED_BY = 16;

/**
 * Where a change at `node` must be read again: its nearest block ancestor (or shadow root), `null`
 * when nothing there is indexed (hidden, our UI, script…), 'page' when only a whole-page scan is
 * right (light DOM assigned to a shadow root's slots, whose rendered order is not document order).
 */
export function rescanRoot(node: Node): Element | ShadowRoot | 'page' | null {
  let block: Element | ShadowRoot | null = null;
  let fromShadow = false;
  for (let cur: Node | null = node; cur !== null; ) {
    const type = cur.nodeType;
    if (type === ELEMENT_NODE) {
      const el = cur as Element;
      if (isSkippedTag(el.localName) || el.hasAttribute('hidden') || el.hasAttribute(UI_HOST_ATTRIBUTE) || el.getAttribute('aria-hidden') === 'true') return null;
      if (cur !== node && !fromShadow && el.shadowRoot) return 'page';
      if (block === null && BLOCK_TAGS.has(el.localName)) block = el;
      fromShadow = false;
      cur = el.parentNode;
    } else if (type === DOCUMENT_FRAGMENT_NODE) {
      const host: Element | null = (cur as ShadowRoot).host ?? null;
      if (host === null) return null;
      block ??= cur as ShadowRoot;
      fromShadow = true;
      cur = host;
    } else if (type === DOCUMENT_NODE) {
      return block;
    } else {
      cur = cur.parentNode;
    }
  }
  // Detached: nothing of it is on the page any more.
  return null;
}

/**
 * The visible text under `root` (the page's body, or a changed block), with the frames Stationwatch
 * reads (readsFrame: a same-origin `src`, big and visible enough). Opening a frame's document from
 * this extension costs 0.5–1 ms each (the browser sets up the extension's world in that frame), and
 * news pages carry many script-filled ad frames.
 */
export function collectPageText(root: Element | ShadowRoot): TextIndex {
  let index = collectText(root, WITHOUT_FRAMES);
  const name = root.nodeType === ELEMENT_NODE ? (root as Element).localName : '';
  // Compared as strings: a first regular expression costs a fresh world more than this whole check.
  const frames = name === 'iframe' || name === 'frame' ? [root as Element] : [...root.querySelectorAll('iframe, frame')];
  for (const frame of frames) {
    if (!readsFrame(frame)) continue;
    const sub = collectText(frame, WITH_FRAMES);
    if (sub.nodes.length === 0) continue;
    const spliced = frame === root ? { index: sub } : spliceIndex(index, frame, sub);
    if (spliced !== null) index = spliced.index;
  }
  return index;
}


/** First k in [lo, hi) with `test(nodes[k])`, for a predicate that is false then true along the run. */
function lowerBound(nodes: Text[], lo: number, hi: number, test: (n: Text) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(nodes[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The element in `rootTree` that hosts `tree` (a shadow root's host, a frame document's frame), climbing nested trees; null if none. */
function anchorIn(tree: Node, rootTree: Node): Element | null {
  for (let t: Node = tree, depth = 0; depth < 32; depth++) {
    let host: Element | null = null;
    try {
      host = t.nodeType === DOCUMENT_FRAGMENT_NODE ? (t as ShadowRoot).host : ((t as Document).defaultView?.frameElement ?? null);
    } catch {
      // A frame whose parent is cross-origin; not part of this page's index.
    }
    if (!host) return null;
    const up = host.getRootNode();
    if (up === rootTree) return host;
    t = up;
  }
  return null;
}

/**
 * The nodes of `index` inside `root` (nested shadow roots and frames included), as [first, end);
 * first === end is where text inside `root` would go. Null when `root`'s tree has no run in the
 * index (the caller rescans the page). Every node must be connected: drop removed ones first, as
 * detached nodes have no document order.
 */
function spanOf(index: TextIndex, root: Element | ShadowRoot): [number, number] | null {
  const { nodes, runStarts } = index;
  const tree = root.getRootNode();
  let first = -1;
  let end = -1;
  /** First node after root, in the first run of root's tree that has one. */
  let following = -1;
  /** End of the last run of root's tree whose nodes all precede root. */
  let after = -1;
  for (let k = 0; k < runStarts.length; k++) {
    const a = runStarts[k]!;
    const b = k + 1 < runStarts.length ? runStarts[k + 1]! : nodes.length;
    if (a >= b) continue;
    const runTree = nodes[a]!.getRootNode();
    if (runTree !== tree) {
      // A nested tree (shadow root, frame) sits where the element hosting it sits.
      const host = anchorIn(runTree, tree);
      if (host === null) continue;
      const pos = host === root ? DOCUMENT_POSITION_CONTAINED_BY : root.compareDocumentPosition(host);
      if ((pos & DOCUMENT_POSITION_CONTAINED_BY) !== 0) {
        if (first < 0) first = a;
        end = b;
      } else if ((pos & DOCUMENT_POSITION_FOLLOWING) !== 0) {
        if (following < 0) following = a;
      } else if (following < 0) {
        after = b;
      }
      continue;
    }
    const s = lowerBound(nodes, a, b, (n) => (root.compareDocumentPosition(n) & DOCUMENT_POSITION_FOLLOWING) !== 0);
    const e = lowerBound(nodes, s, b, (n) => {
      const pos = root.compareDocumentPosition(n);
      return (pos & DOCUMENT_POSITION_FOLLOWING) !== 0 && (pos & DOCUMENT_POSITION_CONTAINED_BY) === 0;
    });
    if (s < e) {
      if (first < 0) first = s;
      end = e;
    } else if (s < b) {
      if (following < 0) following = s;
    } else if (following < 0) {
      after = b;
    }
  }
  if (first >= 0) return [first, end];
  if (following >= 0) return [following, following];
  if (after >= 0) return [after, after];
  return null;
}

/** `left` and `right` joined as text-index.ts joins content on either side of a block boundary. */
function joinBlocks(left: string, right: string): string {
  return left.length > 0 && right.length > 0 && left.charCodeAt(left.length - 1) !== 10 ? `${left}\n${right}` : left + right;
}

/**
 * Replaces what `index` holds for the block `root` with `sub` (collectText of `root` now), keeping
 * the rest of the page's nodes and text as they are. Returns the new index and the nodes that left
 * it, or null when `root` cannot be placed (rescan the page instead).
 */
export function spliceIndex(index: TextIndex, root: Element | ShadowRoot, sub: TextIndex): { index: TextIndex; removed: Text[] } | null {
  return spliceBlocks(index, [{ root, sub }]);
}

/**
 * {@link spliceIndex} for several disjoint blocks at once, in one pass over the page index: a batch
 * that touched two thousand paragraphs costs one copy of the index, not two thousand.
 */
export function spliceBlocks(index: TextIndex, blocks: { root: Element | ShadowRoot; sub: TextIndex }[]): { index: TextIndex; removed: Text[] } | null {
  const placed: { root: Element | ShadowRoot; sub: TextIndex; i: number; j: number }[] = [];
  for (const { root, sub } of blocks) {
    const span = spanOf(index, root);
    if (span === null) return null;
    placed.push({ root, sub, i: span[0], j: span[1] });
  }
  // Page order; blocks inserted at the same place go in document order.
  placed.sort((a, b) => a.i - b.i || a.j - b.j || ((a.root.compareDocumentPosition(b.root) & DOCUMENT_POSITION_FOLLOWING) !== 0 ? -1 : 1));
  for (let k = 1; k < placed.length; k++) if (placed[k]!.i < placed[k - 1]!.j) return null;
  const { nodes, starts, text, runStarts } = index;
  const n = nodes.length;
  const startOf = (k: number) => (k < n ? starts[k]! : text.length);
  const outNodes: Text[] = [];
  const outStarts: number[] = [];
  const runs: number[] = [];
  const removed: Text[] = [];
  const pushRun = (r: number) => {
    if (runs.length === 0 || runs[runs.length - 1]! < r) runs.push(r);
  };
  let out = '';
  let run = 0;
  /**
   * Copies old nodes [a, b) with their text up to node b (the separator before it included). The
   * first piece starts the text; later ones follow a block, so they join as after a block boundary
   * and begin a new run (the walk that made them was interrupted by that block).
   */
  const copy = (a: number, b: number, first: boolean) => {
    const from = first ? 0 : startOf(a);
    const piece = text.slice(from, startOf(b));
    out = first ? piece : joinBlocks(out, piece);
    const delta = out.length - piece.length - from;
    if (!first && a < b) pushRun(outNodes.length);
    while (run < runStarts.length && runStarts[run]! < b) {
      if (runStarts[run]! >= a) pushRun(runStarts[run]! - a + outNodes.length);
      run++;
    }
    for (let k = a; k < b; k++) {
      outStarts.push(starts[k]! + delta);
      outNodes.push(nodes[k]!);
    }
  };
  let cursor = 0;
  let first = true;
  for (const { sub, i, j } of placed) {
    copy(cursor, i, first);
    first = false;
    out = joinBlocks(out, sub.text);
    const subAt = out.length - sub.text.length;
    for (const r of sub.runStarts) pushRun(outNodes.length + r);
    for (let k = 0; k < sub.nodes.length; k++) {
      outStarts.push(sub.starts[k]! + subAt);
      outNodes.push(sub.nodes[k]!);
    }
    for (let k = i; k < j; k++) removed.push(nodes[k]!);
    while (run < runStarts.length && runStarts[run]! < j) run++;
    cursor = j;
  }
  copy(cursor, n, first);
  return { index: { text: out, nodes: outNodes, starts: Uint32Array.from(outStarts), root: index.root, runStarts: Uint32Array.from(runs) }, removed };
}

/** `index` without the nodes `keep` rejects (their text and the separator after each go too). */
export function filterIndex(index: TextIndex, keep: (node: Text) => boolean): { index: TextIndex; removed: Text[] } {
  const { nodes, starts, text, runStarts } = index;
  const n = nodes.length;
  const kept: Text[] = [];
  const removed: Text[] = [];
  const nextStarts = new Uint32Array(n);
  const runs: number[] = [];
  let out = '';
  let run = 0;
  let runBroken = true;
  for (let k = 0; k < n; k++) {
    while (run < runStarts.length && runStarts[run]! <= k) {
      if (runStarts[run] === k) runBroken = true;
      run++;
    }
    const node = nodes[k]!;
    if (!keep(node)) {
      removed.push(node);
      // A gap inside a run: keep the rest a separate run so no range spans the hole's old content.
      runBroken = true;
      continue;
    }
    if (runBroken) {
      runs.push(kept.length);
      runBroken = false;
    }
    nextStarts[kept.length] = out.length;
    kept.push(node);
    out += text.slice(starts[k]!, k + 1 < n ? starts[k + 1]! : text.length);
  }
  if (removed.length === 0) return { index, removed };
  return { index: { text: out, nodes: kept, starts: nextStarts.slice(0, kept.length), root: index.root, runStarts: Uint32Array.from(runs) }, removed };
}

/** What {@link reindexChanged} did: the new page index, nodes that left it, and each changed block with its fresh index. */
export interface Reindexed {
  index: TextIndex;
  removed: Set<Text>;
  subs: { root: Element | ShadowRoot; sub: TextIndex }[];
}

/**
 * Brings a page index up to date after DOM changes at `changed` nodes (text changed, nodes added,
 * parents that lost inline content), walking only their blocks; with `removals`, nodes that left the
 * page are dropped first. Null when only a whole-page collect is right.
 */
export function reindexChanged(start: TextIndex, changed: Iterable<Node>, removals: boolean): Reindexed | null {
  let index = start;
  const removed = new Set<Text>();
  if (removals) {
    const filtered = filterIndex(index, (node) => node.isConnected);
    index = filtered.index;
    for (const node of filtered.removed) removed.add(node);
  }
  // Widen each change to its block; keep only outermost blocks.
  const roots = new Set<Element | ShadowRoot>();
  for (const node of changed) {
    const root = rescanRoot(node);
    if (root === 'page') return null;
    if (root !== null) roots.add(root);
  }
  const subs: Reindexed['subs'] = [];
  for (const root of roots) {
    let inner = false;
    for (let up = parentOrHost(root); up !== null && !inner; up = parentOrHost(up)) inner = roots.has(up as Element | ShadowRoot);
    if (!inner) subs.push({ root, sub: collectPageText(root) });
  }
  if (subs.length > 0) {
    const spliced = spliceBlocks(index, subs);
    if (spliced === null) return null;
    index = spliced.index;
    for (const node of spliced.removed) removed.add(node);
  }
  for (const { sub } of subs) for (const node of sub.nodes) removed.delete(node);
  return { index, removed, subs };
}

/** Mutations seen since the last rescan. */
interface Batch {
  /** Changed nodes (targets of text changes, added nodes, parents that lost inline content). */
  changed: Set<Node>;
  added: number;
  /** Nodes taken out of the page; any still connected at flush time was moved. */
  removed: Node[];
  /** Only a whole-page scan is right (moved nodes, shadow-slot content, too many changes). */
  full: boolean;
}

const newBatch = (): Batch => ({ changed: new Set(), added: 0, removed: [], full: false });

export class PageSession {
  /** start() was called: scans may run. */
  private started = false;
  private index: TextIndex | null = null;
  private detection: Detection | null = null;
  mentions: PageMention[] = [];
  private current = -1;
  /** One per document painted in: the page, and same-origin frames (each has its own registry). */
  private readonly highlighters = new Map<Document, Highlighter>();
  private highlightsOn: boolean;
  private readonly life = new AbortController();
  private readonly observer: MutationObserver;
  /** Shadow roots and frame documents already observed (the page observer cannot see into them). */
  private readonly observed = new WeakSet<Node>();
  private batch: Batch = newBatch();
  private rescanTimer: ReturnType<typeof setTimeout> | null = null;
  /** Documents whose click and keyboard listeners are set (the page, frames with mentions). */
  private readonly armed = new WeakSet<Document>();
  private uiPromise: Promise<UiApi | null> | null = null;
  private lastUrl: string;
  /** Whether the badge shows something from this session (cleared on destroy). */
  private reportedSomething = false;
  /** Claim statuses of the records in the current decision (for highlight styles), from the background. */
  private statuses: Record<string, string> = {};
  /** A decision is in flight; `decisionWanted`: one was asked for meanwhile (see decideInBackground). */
  private deciding = false;
  private decisionWanted: DecisionTiming | null = null;
  /** Requests in a row the background did not answer, and answers in a row that came for text the page no longer had. */
  private unanswered = 0;
  private staleAnswers = 0;

  constructor(
    private readonly doc: Document,
    private settings: Settings,
    signal: AbortSignal,
    /** The background takes the first decision itself (see PulledDecision); null: asked by message. */
    private pulled: PulledDecision | null = null,
  ) {
    this.highlightsOn = settings.highlights;
    // The document's URL is location.href; the document is bound already, Location is not.
    this.lastUrl = doc.URL;
    this.observer = new MutationObserver((records) => this.onMutations(records));
    if (signal.aborted) this.life.abort();
    else signal.addEventListener('abort', () => this.destroy(), { once: true, signal: this.life.signal });
  }

  private get signal(): AbortSignal {
    return this.life.signal;
  }

  /** Scans at once where the background has just read the page, else in an idle moment after a frame: styles are computed by then. */
  start(): void {
    if (this.signal.aborted) return;
    this.started = true;
    const first = () =>
      this.later(() => {
        this.scan();
        this.observe();
      });
    // Woken by the background's first look, which has just read the laid-out page: scan now.
    if (this.pulled) {
      this.scan();
      this.observe();
      return;
    }
    // After the next frame the page's styles are computed: the visibility checks of the walk then
    // read them instead of forcing a style recalculation inside our task. Hidden tabs have no
    // frames; they scan when idle.
    if (this.doc.visibilityState === 'visible' && typeof requestAnimationFrame === 'function') requestAnimationFrame(first);
    else first();
  }

  /** Rescans the whole page: walks it here, has the background decide over its text, and paints. */
  scan(): void {
    if (!this.started || this.signal.aborted) return;
    const t0 = performance.now();
    const root = this.doc.body ?? this.doc.documentElement;
    const index = collectPageText(root);
    this.index = index;
    this.watchNestedTrees(index, this.doc);
    const timing = { kind: 'full' as const, at: t0, collectMs: performance.now() - t0, walkedNodes: index.nodes.length };
    this.decideInBackground(timing);
  }

  /**
   * Has the background take the whole-page decision, claims included, over the page text as it is
   * (`this.index`; in memory, never stored; a text longer than the background takes is cut there).
   * One request at a time: asked for while one is in flight, it follows that one, over the newest
   * text, so a page that keeps changing costs one request per answer, not one per change.
   */
  private decideInBackground(timing: DecisionTiming): void {
    if (this.deciding) this.decisionWanted = timing;
    else void this.askForDecision(timing);
  }

  private async askForDecision(timing: DecisionTiming): Promise<void> {
    const index = this.index;
    if (!index || this.signal.aborted) return;
    this.deciding = true;
    this.decisionWanted = null;
    // The first decision may be the background's to take (PulledDecision); any later one is asked for.
    const pulled = this.pulled;
    this.pulled = null;
    let decision: PageDecision | null = null;
    try {
      const text = upToBackgroundLimit(index.text);
      decision = pulled ? await pulled.decide(text) : await sendToBackground('detect-page', { text });
    } catch {
      // Not answered: see below.
    } finally {
      this.deciding = false;
    }
    // Painted from this answer or not, the background's pull ends here, whatever happens on the way
    // (it must not wait on a paint that failed); the page reports any later decision by message.
    const painted = (findings: PageFindings | null) => pulled?.settle(findings);
    try {
      if (this.signal.aborted) return;
      const next = this.decisionWanted ?? timing;
      this.decisionWanted = null;
      if (!decision) {
        // The background is restarting or has no dataset yet: asked once more when the page is idle;
        // after that, at the page's next change (any change, while nothing was decided: see
        // rescanPartly), or when the dataset is installed (the background tells the page: a rescan).
        this.unanswered++;
        if (this.unanswered === 1) this.later(() => this.decideInBackground(next));
        return;
      }
      this.unanswered = 0;
      if (this.index !== index) {
        // The page changed while the background decided: ask again about the text as it is now, at
        // once the first time, then when the page is idle (the highlights meanwhile follow the page).
        this.staleAnswers++;
        if (this.staleAnswers === 1) this.decideInBackground(next);
        else this.later(() => this.decideInBackground(next));
        return;
      }
      this.staleAnswers = 0;
      const answered = performance.now();
      this.detection = decision.detection;
      this.statuses = decision.statuses;
      this.mentions = this.toMentions(index, decision.detection);
      if (this.current >= this.mentions.length) this.current = -1;
      this.paint();
      const done = performance.now();
      // The wait for the background is not page work: the timing counts the walk, the mapping and the paint.
      this.record({ ...timing, totalMs: timing.collectMs + (done - answered), paintMs: done - answered, pageChars: index.text.length, mentions: this.mentions.length });
      if (scanStats.firstScanDoneMs < 0) scanStats.firstScanDoneMs = done;
      // Pulled, the findings go back with the answer: the background puts them on the badge.
      if (pulled && window.top === window) {
        const findings = this.findings();
        this.reportedSomething = findings.mentionCount > 0 || findings.onTopic;
        painted(findings);
      } else void this.report();
      if (this.mentions.length > 0 && !this.settings.discreet) this.armListeners();
    } finally {
      painted(null);
    }
  }

  /** Runs `fn` in a task of its own when the page is idle (soon in any case). */
  private later(fn: () => void): void {
    const run = () => {
      if (!this.signal.aborted) fn();
    };
    const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    if (idle) idle(run, { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(run, 0);
  }

  private record(timing: ScanTiming): void {
    recordScan(timing);
  }

  private toMentions(index: TextIndex, detection: Detection): PageMention[] {
    const out: PageMention[] = [];
    for (const m of detection.mentions) {
      out.push({ start: m.start, end: m.end, text: m.text, kind: m.kind, refs: m.refs, style: this.styleFor(m.refs), ranges: [] });
    }
    for (const c of detection.claims) {
      // A claim sentence that already contains term mentions still gets its own underline.
      out.push({
        start: c.start,
        end: c.end,
        text: index.text.slice(c.start, c.end),
        kind: 'claim',
        refs: [c.claimId],
        style: 'claim',
        ranges: [],
      });
    }
    out.sort((a, b) => a.start - b.start || b.end - a.end);
    const limited = out.slice(0, MAX_HIGHLIGHTS_PER_PAGE);
    for (const m of limited) m.ranges = rangeFor(index, m.start, m.end);
    return limited;
  }

  private styleFor(refs: string[]): HighlightStyle {
    for (const id of refs) {
      const status = this.statuses[id];
      if (status && STYLE_FOR_STATUS[status]) return STYLE_FOR_STATUS[status];
    }
    return 'allegation';
  }

  private highlighterFor(doc: Document): Highlighter {
    let h = this.highlighters.get(doc);
    if (!h) this.highlighters.set(doc, (h = new Highlighter(doc)));
    return h;
  }

  /** Sets one style in every document, each getting the ranges that lie in it. */
  private setStyle(style: HighlightStyle, ranges: readonly StaticRange[]): void {
    // A frame that navigated or went away leaves a document without a window: forget it (its
    // registry went with it).
    for (const doc of this.highlighters.keys()) if (doc !== this.doc && !doc.defaultView) this.highlighters.delete(doc);
    const byDoc = groupByDocument(ranges, this.doc);
    for (const doc of this.highlighters.keys()) if (!byDoc.has(doc)) byDoc.set(doc, []);
    for (const [doc, list] of byDoc) this.highlighterFor(doc).set(style, list);
  }

  private clearHighlights(): void {
    for (const h of this.highlighters.values()) h.clear();
  }

  private paint(): void {
    if (this.signal.aborted || this.settings.discreet || !this.highlightsOn || !highlightsSupported()) {
      this.clearHighlights();
      return;
    }
    if (this.mentions.length === 0) {
      // Nothing to show: take our mention styles out of each registry, and our stylesheet too
      // unless the reader's annotations (painted by the card UI) still use it.
      for (const h of this.highlighters.values()) {
        for (const style of MENTION_STYLES) h.set(style, []);
        if (!h.has('annotation')) h.clear();
      }
      return;
    }
    const byStyle = new Map<HighlightStyle, StaticRange[]>((['allegation', 'confirmed', 'denied', 'disputed', 'claim'] as const).map((style) => [style, []]));
    for (const m of this.mentions) byStyle.get(m.style)!.push(...m.ranges);
    for (const [style, ranges] of byStyle) this.setStyle(style, ranges);
    this.setStyle('current', this.current >= 0 ? (this.mentions[this.current]?.ranges ?? []) : []);
    // Mentions can arrive in a frame with any rescan: its document answers clicks from then on.
    this.armListeners();
  }

  /** The background has decided this page at least once (findings before that would say "nothing found"). */
  decided(): boolean {
    return this.detection !== null;
  }

  /** What this frame found, in the protocol's shape. */
  findings(): PageFindings {
    const d = this.detection;
    // "Mentions N stations, M claims" counts what the page names, not everything a term is linked
    // to: a station when a station mention points at exactly one, a claim when a sentence states it.
    const stationIds = new Set<string>();
    const claimIds = new Set<string>();
    for (const m of this.mentions) {
      if (m.kind === 'claim') m.refs.forEach((id) => claimIds.add(id));
      const stations = m.refs.filter((id) => id.startsWith('ST-'));
      if (m.kind === 'station' && stations.length === 1) stationIds.add(stations[0]!);
    }
    return {
      // The document's URL is location.href; the document is bound already, Location is not.
      url: this.doc.URL.slice(0, 8192),
      title: this.doc.title.slice(0, 500),
      onTopic: d?.page.onTopic ?? false,
      score: d?.page.score ?? 0,
      reasons: (d?.page.reasons ?? []).slice(0, 20).map((r) => r.slice(0, 500)),
      mentionCount: this.mentions.length,
      stationIds: [...stationIds].slice(0, 500),
      claimIds: [...claimIds].slice(0, 500),
      mentions: this.mentions.slice(0, MAX_REPORTED_MENTIONS).map((m, index) => ({
        index,
        text: collapseWhitespace(m.text).slice(0, MAX_MENTION_TEXT_CHARS),
        kind: m.kind,
        refs: m.refs.slice(0, 50),
      })),
      discreet: this.settings.discreet,
    };
  }

  private async report(findings: PageFindings = this.findings()): Promise<void> {
    if (window.top !== window) return;
    this.reportedSomething = findings.mentionCount > 0 || findings.onTopic;
    try {
      await sendToBackground('page-findings', { findings });
    } catch {
      // The background may be restarting; the popup asks again when opened.
    }
  }

  // --- reader interaction -------------------------------------------------------------------

  /** Moves the keyboard focus ring to the next (+1) or previous (−1) mention and announces it. */
  async step(direction: 1 | -1): Promise<void> {
    if (this.mentions.length === 0) return;
    this.current = (this.current + direction + this.mentions.length) % this.mentions.length;
    this.paint();
    this.scrollTo(this.current);
    const ui = await this.ui();
    ui?.announce(this.current, this.mentions.length, this.mentions[this.current]!.text);
  }

  /** Opens the card for the current mention (or the first one). */
  async openCurrent(): Promise<void> {
    if (this.mentions.length === 0) return;
    if (this.current < 0) this.current = 0;
    this.paint();
    await this.openCard(this.current, true);
  }

  /** Scrolls to a mention and flashes it (side panel jump). */
  async jump(index: number): Promise<boolean> {
    if (!this.mentions[index]) return false;
    this.current = index;
    this.paint();
    this.scrollTo(index);
    if (!this.settings.discreet && this.highlightsOn) {
      this.setStyle('flash', this.mentions[index].ranges);
      setTimeout(() => !this.signal.aborted && this.setStyle('flash', []), 1200);
    }
    return true;
  }

  /** Shows or hides highlights on this page (detection and the badge are unaffected). */
  toggleHighlights(): void {
    this.highlightsOn = !this.highlightsOn;
    this.paint();
  }

  /**
   * Takes new settings in place (no rescan, no moment without highlights); false when the caller
   * needs a new session.
   */
  adopt(next: Settings): boolean {
    if (this.signal.aborted) return false;
    this.applySettings(next);
    return true;
  }

  /** Settings changed elsewhere: adopt them without reloading the page. */
  applySettings(next: Settings): void {
    this.settings = next;
    this.highlightsOn = next.highlights;
    if (next.discreet) void this.uiPromise?.then((ui) => ui?.destroy());
    if (next.discreet) this.uiPromise = null;
    this.paint();
    void this.report();
    if (!next.discreet && this.mentions.length > 0) this.armListeners();
  }

  private scrollTo(index: number): void {
    const m = this.mentions[index];
    const node = m?.ranges[0]?.startContainer;
    if (node && node.ownerDocument !== this.doc) {
      // In a frame: scroll the frame's own document and the page around it.
      node.parentElement?.scrollIntoView({ block: 'center', behavior: 'instant' as ScrollBehavior });
      return;
    }
    const rect = this.mentionRect(index);
    if (!rect) return;
    const top = rect.top + window.scrollY - window.innerHeight / 3;
    window.scrollTo({ top: Math.max(0, top), behavior: 'instant' as ScrollBehavior });
  }

  /** The mention's rectangle now, in the top page's viewport, for placing the card next to (never over) it. */
  mentionRect(index: number): DOMRect | null {
    const m = this.mentions[index];
    if (!m || !this.index) return null;
    const range = liveRangeFor(this.index, m.start, m.end);
    const rect = range.getBoundingClientRect();
    const doc = range.startContainer.ownerDocument;
    range.detach?.();
    if (!doc || doc === this.doc) return rect;
    const { x, y } = frameOffset(doc, this.doc);
    return new DOMRect(rect.x + x, rect.y + y, rect.width, rect.height);
  }

  private async openCard(index: number, fromKeyboard: boolean): Promise<void> {
    const mention = this.mentions[index];
    if (!mention || this.settings.discreet) return;
    // Several mentions of the same record share one card: ids are the card's identity.
    const ui = await this.ui();
    if (!ui || this.signal.aborted) return;
    let context;
    try {
      context = await sendToBackground('card-context', { ids: mention.refs.slice(0, 50) });
    } catch (error) {
      context = { error: (error as Error).message };
    }
    ui.openCard({
      key: [...mention.refs].sort().join(' '),
      mentionText: mention.text,
      context,
      anchor: () => this.mentionRect(this.mentions.indexOf(mention)),
      fromKeyboard,
    });
  }

  private ui(): Promise<UiApi | null> {
    if (this.settings.discreet || this.signal.aborted) return Promise.resolve(null);
    this.uiPromise ??= (async () => {
      const g = globalThis as { __stationwatchUi?: UiApi };
      if (!g.__stationwatchUi) {
        await sendToBackground('inject-ui', {});
      }
      return g.__stationwatchUi ?? null;
    })().catch(() => null);
    return this.uiPromise;
  }

  /** The mention under a point of `where` (the page or a frame's document, in its own viewport), or -1. */
  private mentionAtPoint(where: Document, x: number, y: number): number {
    if (!this.index) return -1;
    const doc = where as Document & { caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null };
    let node: Node | null = null;
    let offset = 0;
    if (doc.caretPositionFromPoint) {
      const pos = doc.caretPositionFromPoint(x, y);
      if (pos) ({ offsetNode: node, offset } = pos);
    } else if (where.caretRangeFromPoint) {
      const r = where.caretRangeFromPoint(x, y);
      if (r) ({ startContainer: node, startOffset: offset } = r);
    }
    if (!node || node.nodeType !== TEXT_NODE) return -1;
    const i = nodeIndex(this.index, node as Text);
    if (i < 0) return -1;
    const at = this.index.starts[i]! + offset;
    // Prefer the narrowest mention containing the point (a term inside a claim sentence).
    let best = -1;
    for (let k = 0; k < this.mentions.length; k++) {
      const m = this.mentions[k]!;
      if (m.start > at) break;
      if (at >= m.start && at <= m.end && (best < 0 || m.end - m.start < this.mentions[best]!.end - this.mentions[best]!.start)) best = k;
    }
    if (best >= 0) {
      // caret positions snap to the nearest character boundary; confirm the click is on the text.
      const rects = this.mentions[best]!.ranges.length ? liveRangeFor(this.index, this.mentions[best]!.start, this.mentions[best]!.end).getClientRects() : [];
      for (const r of rects) if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1) return best;
      return -1;
    }
    return best;
  }

  /**
   * Click and keyboard listeners on every document that shows mentions: the page, and same-origin
   * frames (their events do not reach the page's document).
   */
  private armListeners(): void {
    const docs = new Set<Document>([this.doc]);
    for (const m of this.mentions) {
      const doc = m.ranges[0]?.startContainer.ownerDocument;
      if (doc) docs.add(doc);
    }
    for (const doc of docs) this.armDocument(doc);
  }

  private armDocument(doc: Document): void {
    if (this.armed.has(doc)) return;
    this.armed.add(doc);
    const opts = { capture: true, signal: this.signal } as const;
    doc.addEventListener(
      'click',
      (event) => {
        // Only a reader's own input counts: a page script's synthetic events must not drive us.
        if (!event.isTrusted || this.settings.discreet || !this.highlightsOn || event.button !== 0) return;
        if (doc.getSelection()?.type === 'Range') return;
        const index = this.mentionAtPoint(doc, event.clientX, event.clientY);
        if (index < 0) return;
        this.current = index;
        this.paint();
        void this.openCard(index, false);
      },
      opts,
    );
    if (doc !== this.doc) {
      // The card lives in the page, which hears neither Escape nor an outside click made in a
      // frame: pass them on, as the card would take them in the page.
      const close = () => void this.uiPromise?.then((ui) => ui?.closeCard());
      doc.addEventListener('pointerdown', (event) => event.isTrusted && close(), opts);
      doc.addEventListener('keydown', (event) => event.isTrusted && event.key === 'Escape' && close(), opts);
    }
    // Same chords as the browser commands (manifest `commands`): when the browser has not taken
    // them (e.g. a shortcut reassigned), the page still answers them.
    doc.addEventListener(
      'keydown',
      (event) => {
        if (!event.isTrusted || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
        const key = event.code;
        if (key === 'KeyN') void this.step(1);
        else if (key === 'KeyP') void this.step(-1);
        else if (key === 'KeyO') void this.openCurrent();
        else if (key === 'KeyH') this.toggleHighlights();
        else return;
        event.preventDefault();
        event.stopPropagation();
      },
      opts,
    );
  }

  // --- dynamic pages --------------------------------------------------------------------------

  private observe(): void {
    if (this.signal.aborted) return;
    this.observeTree(this.doc.body ?? this.doc.documentElement);
    const onNav = () => {
      if (location.href !== this.lastUrl) this.schedule(withoutHash(location.href) !== withoutHash(this.lastUrl));
    };
    window.addEventListener('popstate', onNav, { signal: this.signal });
    window.addEventListener('hashchange', onNav, { signal: this.signal });
    // pushState/replaceState from page scripts cannot be hooked from this isolated world; the
    // Navigation API reports them where it exists, and every mutation batch checks the URL too.
    const nav = (window as { navigation?: EventTarget }).navigation;
    nav?.addEventListener('currententrychange', onNav, { signal: this.signal });
  }

  private observeTree(target: Node): void {
    if (this.observed.has(target)) return;
    this.observed.add(target);
    this.observer.observe(target, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'aria-hidden', 'open'] });
  }

  /** Shadow roots and same-origin frame documents in the index get their own observation (and frames still loading, a rescan once loaded). */
  private watchNestedTrees(index: TextIndex, scope: ParentNode): void {
    for (const r of index.runStarts) {
      const tree = index.nodes[r]?.getRootNode();
      if (tree && tree !== this.doc && (tree.nodeType === DOCUMENT_FRAGMENT_NODE || tree.nodeType === DOCUMENT_NODE)) {
        this.observeTree(tree.nodeType === DOCUMENT_NODE ? ((tree as Document).body ?? (tree as Document).documentElement) : tree);
      }
    }
    for (const frame of scope.querySelectorAll('iframe, frame')) {
      if (this.observed.has(frame)) continue;
      this.observed.add(frame);
      // A frame that loads (or navigates) after the scan brings a new document; the old one's nodes
      // still look connected, so only a whole-page scan drops them.
      frame.addEventListener('load', () => readsFrame(frame) && this.schedule(true), { signal: this.signal });
    }
  }

  private onMutations(records: MutationRecord[]): void {
    const batch = this.batch;
    for (const r of records) {
      const target = r.target;
      // Our own UI host changes are not page changes.
      if (target.nodeType === ELEMENT_NODE && (target as Element).closest(`[${UI_HOST_ATTRIBUTE}]`)) continue;
      if (r.type === 'characterData') {
        batch.changed.add(target);
        continue;
      }
      if (r.type === 'attributes') {
        // The element itself may now be hidden: read its surroundings, which no longer include it.
        const parent = target.parentNode;
        if (parent) batch.changed.add(parent);
        continue;
      }
      for (const node of r.addedNodes) {
        if (node.nodeType === ELEMENT_NODE && (node as Element).hasAttribute(UI_HOST_ATTRIBUTE)) continue;
        batch.changed.add(node);
        batch.added++;
      }
      for (const node of r.removedNodes) {
        if (node.nodeType === ELEMENT_NODE && (node as Element).hasAttribute(UI_HOST_ATTRIBUTE)) continue;
        batch.removed.push(node);
        // Removing inline content can join the words on either side of it: read the block again.
        if (node.nodeType === TEXT_NODE || (node.nodeType === ELEMENT_NODE && !BLOCK_TAGS.has((node as Element).localName))) batch.changed.add(target);
      }
    }
    if (batch.changed.size > 0 || batch.removed.length > 0) this.schedule(false);
  }

  private schedule(full: boolean): void {
    if (full) this.batch.full = true;
    if (this.rescanTimer !== null || this.signal.aborted) return;
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = null;
      const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
      if (idle) idle(() => this.flush(), { timeout: 1000 });
      else this.flush();
    }, MUTATION_BATCH_MS);
  }

  /** Applies the mutations batched so far: a partial rescan when possible, else a full one. */
  private flush(): void {
    const batch = this.batch;
    this.batch = newBatch();
    if (!this.started || this.signal.aborted) return;
    if (withoutHash(location.href) !== withoutHash(this.lastUrl)) {
      // An SPA navigation: a new page as far as the reader is concerned.
      this.lastUrl = location.href;
      this.current = -1;
      this.scan();
      return;
    }
    if (location.href !== this.lastUrl) {
      // Only the fragment moved (an in-page link, or a hash router whose new content arrives as
      // mutations): the findings keep their page, under the new address.
      this.lastUrl = location.href;
      void this.report();
    }
    // A node taken out and put back elsewhere (a move) keeps its old place in the index: scan afresh.
    const moved = batch.removed.some((node) => node.isConnected);
    if (batch.full || moved || !this.index || batch.added > HUGE_MUTATION_COUNT || !this.rescanPartly(batch)) this.scan();
  }

  /** Rescans only the changed blocks; false when a whole-page scan is needed instead. */
  private rescanPartly(batch: Batch): boolean {
    const t0 = performance.now();
    const result = reindexChanged(this.index!, batch.changed, batch.removed.length > 0);
    if (result === null) return false;
    const { index, removed, subs } = result;
    let walked = 0;
    const added: string[] = [];
    for (const { root, sub } of subs) {
      walked += sub.nodes.length;
      if (sub.text.trim().length > 0) added.push(sub.text);
      this.watchNestedTrees(sub, root);
    }
    const t1 = performance.now();
    this.index = index;
    const timing = { kind: 'partial' as const, at: t0, collectMs: t1 - t0, walkedNodes: walked };
    // Offsets after the changes moved; the findings stand until a decision says otherwise.
    this.moveMentions(index);
    // Highlights whose text left the page go, even when nothing else changes.
    const lostMention = removed.size > 0 && this.mentions.some((m) => m.ranges.some((r) => removed.has(r.startContainer as Text) || removed.has(r.endContainer as Text)));
    // Nothing decided yet (the background did not answer): any new text has the page decided. New
    // text on a page about the story may state a known claim without naming a term: the
    // background, which holds the claim index, reads the page again (while it takes the whole text).
    const undecided = this.detection === null;
    const onTopic = this.detection?.page.onTopic ?? false;
    if (lostMention || (added.length > 0 && (undecided || (onTopic && index.text.length <= FIRST_LOOK_MAX_CHARS)))) {
      this.decideInBackground(timing);
      return true;
    }
    this.record({ ...timing, kind: 'skipped', totalMs: performance.now() - t0, paintMs: 0, pageChars: index.text.length, mentions: this.mentions.length });
    if (added.length > 0) void this.decideIfTermIn(added.join('\n'), timing);
    return true;
  }

  /** Has the background decide the page again when `text` (changed blocks) holds a term; unanswered, asks once more when idle. */
  private async decideIfTermIn(text: string, timing: DecisionTiming, attempt = 1): Promise<void> {
    let candidate = false;
    try {
      candidate = (await sendToBackground('first-look', { text: upToBackgroundLimit(text), whole: false, discreet: this.settings.discreet })).candidate;
    } catch {
      if (attempt === 1 && !this.signal.aborted) this.later(() => void this.decideIfTermIn(text, timing, 2));
      return;
    }
    // Decided over the page as it is now, later changes included.
    if (candidate && !this.signal.aborted) this.decideInBackground(timing);
  }

  /** After a splice that kept every mention's nodes: recompute their offsets from their ranges. */
  private moveMentions(index: TextIndex): void {
    for (const m of this.mentions) {
      const r = m.ranges[0];
      const k = r ? nodeIndex(index, r.startContainer as Text) : -1;
      if (k >= 0) {
        const start = index.starts[k]! + r!.startOffset;
        m.end += start - m.start;
        m.start = start;
      }
    }
  }

  /** Stops everything and removes every trace from the page; with `clearReport`, the badge forgets this page's findings too. */
  destroy(clearReport = false): void {
    if (clearReport && this.reportedSomething) {
      const empty = this.findings();
      void this.report({ ...empty, onTopic: false, score: 0, reasons: [], mentionCount: 0, stationIds: [], claimIds: [], mentions: [] });
    }
    this.life.abort();
    this.pulled?.close();
    this.pulled = null;
    this.observer.disconnect();
    if (this.rescanTimer !== null) clearTimeout(this.rescanTimer);
    this.rescanTimer = null;
    this.clearHighlights();
    void this.uiPromise?.then((ui) => ui?.destroy());
    this.uiPromise = null;
    this.mentions = [];
    this.index = null;
  }
}

/** Where a frame document's viewport sits in the top page's viewport (frames nested in frames add up). */
function frameOffset(doc: Document, top: Document): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let d: Document | null = doc; d && d !== top; ) {
    const frame: Element | null = d.defaultView?.frameElement ?? null;
    if (!frame) break;
    const box = frame.getBoundingClientRect();
    x += box.left + frame.clientLeft;
    y += box.top + frame.clientTop;
    d = frame.ownerDocument;
  }
  return { x, y };
}

/** Ranges by the document they lie in (frames have registries of their own); `top` always has an entry. */
function groupByDocument(ranges: readonly StaticRange[], top: Document): Map<Document, StaticRange[]> {
  const out = new Map<Document, StaticRange[]>([[top, []]]);
  for (const r of ranges) {
    const doc = r.startContainer.ownerDocument ?? top;
    const list = out.get(doc);
    if (list) list.push(r);
    else out.set(doc, [r]);
  }
  return out;
}

function parentOrHost(node: Node): Node | null {
  if (node.nodeType === DOCUMENT_FRAGMENT_NODE) return (node as ShadowRoot).host ?? null;
  return node.parentNode;
}
