/**
 * The page's own annotations: load them from the background, anchor them in the page text (range
 * hint → position → quote → fuzzy, never a wrong passage), paint them, re-anchor when the page
 * changes, and create new ones from the reader's selection.
 */
import { collectText, offsetsForRange, rangeFor, liveRangeFor, type TextIndex } from '@/lib/page/text-index';
import { Highlighter } from '@/lib/page/highlighter';
import { nodeAtPath, nodePath } from '@/lib/page/node-path';
import { createAnchorer, type AnchorResult } from '@/lib/anchoring/anchor';
import { describeRange } from '@/lib/anchoring/describe';
import { hashPageText } from '@/lib/anchoring/text-hash';
import { authorFromProfile, newAnnotationId, type Annotation } from '@/lib/annotation/model';
import { pageKey } from '@/lib/annotation/page-url';
import { sendToBackground } from '@/lib/messaging';
import { loadSettings } from '@/lib/settings-store';
import { MUTATION_BATCH_MS } from '@/lib/limits';
import type { EditorValue } from '@/components/AnnotationEditor';

export type AnchorState = { status: 'anchored'; start: number; end: number; method: string; ranges: StaticRange[] } | { status: 'orphan'; reason: string };

/** A selection turned into selectors, waiting for the editor. */
export interface PendingAnnotation {
  quote: string;
  selectors: Annotation['selectors'];
  pageTextHash: string;
  rect: DOMRect;
}

const root = () => document.body ?? document.documentElement;

export class AnnotationLayer {
  annotations: Annotation[] = [];
  readonly anchors = new Map<string, AnchorState>();
  private index: TextIndex | null = null;
  private observer: MutationObserver | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly highlighter: Highlighter,
    private readonly onChange: () => void,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => {
      this.observer?.disconnect();
      if (this.timer) clearTimeout(this.timer);
      this.highlighter.clear();
    });
  }

  /** Loads this page's annotations from the background and anchors them. */
  async reload(): Promise<void> {
    this.annotations = await sendToBackground('page-annotations', {});
    this.anchorAll();
    this.observe();
  }

  /** Anchors every annotation in the current page text and repaints. */
  anchorAll(): void {
    this.index = collectText(root(), { includeShadow: true });
    const anchorer = createAnchorer(this.index.text);
    this.anchors.clear();
    for (const annotation of this.annotations) {
      const hinted = this.fromHint(annotation);
      const result: AnchorResult = hinted ?? anchorer.anchor(annotation.selectors, { pageTextHash: annotation.pageTextHash });
      this.anchors.set(
        annotation.id,
        result.status === 'anchored'
          ? { status: 'anchored', start: result.start, end: result.end, method: hinted ? 'range-hint' : result.method, ranges: rangeFor(this.index, result.start, result.end) }
          : { status: 'orphan', reason: result.reason },
      );
    }
    this.paint();
    this.onChange();
  }

  /** The stored DOM range, when it still points at exactly the quoted text. */
  private fromHint(annotation: Annotation): AnchorResult | null {
    const hint = annotation.selectors.rangeHint;
    if (!hint || !this.index) return null;
    const startNode = nodeAtPath(root(), hint.startPath);
    const endNode = nodeAtPath(root(), hint.endPath);
    if (!startNode || !endNode) return null;
    try {
      const range = new StaticRange({ startContainer: startNode, startOffset: hint.startOffset, endContainer: endNode, endOffset: hint.endOffset });
      const offsets = offsetsForRange(this.index, range);
      if (!offsets || this.index.text.slice(offsets.start, offsets.end) !== annotation.selectors.quote.exact) return null;
      return { status: 'anchored', start: offsets.start, end: offsets.end, method: 'position', score: 1 };
    } catch {
      return null;
    }
  }

  private paint(): void {
    const ranges: StaticRange[] = [];
    for (const state of this.anchors.values()) if (state.status === 'anchored') ranges.push(...state.ranges);
    this.highlighter.set('annotation', ranges);
  }

  /** The annotation whose highlight is under a point, if any. */
  annotationAt(x: number, y: number): Annotation | null {
    if (!this.index) return null;
    for (const annotation of this.annotations) {
      const state = this.anchors.get(annotation.id);
      if (state?.status !== 'anchored') continue;
      const range = liveRangeFor(this.index, state.start, state.end);
      for (const r of range.getClientRects()) {
        if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1) return annotation;
      }
    }
    return null;
  }

  /** Where an annotation is on screen now. */
  rectOf(id: string): DOMRect | null {
    const state = this.anchors.get(id);
    if (state?.status !== 'anchored' || !this.index) return null;
    return liveRangeFor(this.index, state.start, state.end).getBoundingClientRect();
  }

  /** Scrolls to an anchored annotation and flashes it. */
  jump(id: string): boolean {
    const state = this.anchors.get(id);
    if (state?.status !== 'anchored') return false;
    const rect = this.rectOf(id)!;
    window.scrollTo({ top: Math.max(0, rect.top + window.scrollY - window.innerHeight / 3), behavior: 'instant' as ScrollBehavior });
    this.highlighter.set('flash', state.ranges);
    setTimeout(() => this.highlighter.set('flash', []), 1200);
    return true;
  }

  /** Reads the reader's selection as selectors; null (with a reason) when it cannot be annotated. */
  pendingFromSelection(): PendingAnnotation | { error: string } {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return { error: 'noSelection' };
    const range = selection.getRangeAt(0);
    this.index = collectText(root(), { includeShadow: true });
    const offsets = offsetsForRange(this.index, range);
    if (!offsets || offsets.end <= offsets.start) return { error: 'selectionOutsideText' };
    let description;
    try {
      description = describeRange(this.index.text, offsets.start, offsets.end);
    } catch (error) {
      return { error: (error as Error).message };
    }
    const startPath = nodePath(root(), range.startContainer);
    const endPath = nodePath(root(), range.endContainer);
    return {
      quote: description.quote.exact,
      selectors: {
        quote: description.quote,
        position: description.position,
        ...(startPath && endPath ? { rangeHint: { startPath, startOffset: range.startOffset, endPath, endOffset: range.endOffset } } : {}),
      },
      pageTextHash: hashPageText(this.index.text),
      rect: range.getBoundingClientRect(),
    };
  }

  /** Saves a new or edited annotation through the background and re-anchors. */
  async save(value: EditorValue, pending: PendingAnnotation | null, existing: Annotation | null): Promise<Annotation> {
    const now = new Date().toISOString();
    const settings = await loadSettings();
    const url = pageKey(location.href);
    if (!url) throw new Error('Only web pages (http or https) can be annotated.');
    const base = existing ?? {
      id: newAnnotationId(),
      pageUrl: url,
      pageTitle: document.title.slice(0, 1000),
      created: now,
      author: authorFromProfile(settings.author),
      selectors: pending!.selectors,
      pageTextHash: pending!.pageTextHash,
    };
    const annotation = { ...base, ...value, modified: now } as Annotation;
    if (!value.claimId) delete (annotation as Partial<Annotation>).claimId;
    const saved = await sendToBackground('annotation-save', { annotation });
    await this.reload();
    return saved;
  }

  /** Deletes an annotation; resolves to it so the caller can offer undo. */
  async remove(id: string): Promise<Annotation | null> {
    const deleted = await sendToBackground('annotation-delete', { id });
    await this.reload();
    return deleted;
  }

  /** Puts back an annotation deleted a moment ago. */
  async restore(annotation: Annotation): Promise<void> {
    await sendToBackground('annotation-save', { annotation });
    await this.reload();
  }

  /** Anchored or orphaned, per annotation (the side panel lists orphans as "the page changed"). */
  status(): { id: string; status: 'anchored' | 'orphan'; reason?: string }[] {
    return this.annotations.map((a) => {
      const state = this.anchors.get(a.id);
      return state?.status === 'anchored' ? { id: a.id, status: 'anchored' } : { id: a.id, status: 'orphan', reason: state?.status === 'orphan' ? state.reason : 'not-anchored' };
    });
  }

  private observe(): void {
    if (this.observer || this.annotations.length === 0) return;
    this.observer = new MutationObserver((records) => {
      if (records.every((r) => (r.target as Element).closest?.('[data-stationwatch-ui]'))) return;
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.signal.aborted) this.anchorAll();
      }, MUTATION_BATCH_MS);
    });
    this.observer.observe(root(), { childList: true, subtree: true, characterData: true });
  }
}
