/**
 * One page's life with Stationwatch: scan, paint, report, react to keyboard, clicks and DOM changes.
 * Everything it registers goes through `signal`, so an invalidated content script leaves nothing behind.
 */
import { browser } from 'wxt/browser';
import { collectText, liveRangeFor, rangeFor, type TextIndex } from '@/lib/page/text-index';
import { Highlighter, highlightsSupported, type HighlightStyle } from '@/lib/page/highlighter';
import { detect, loadDetector, type Detection, type Detector } from '@/lib/match/detector';
import { MAX_HIGHLIGHTS_PER_PAGE, MAX_MENTION_TEXT_CHARS, MAX_REPORTED_MENTIONS, MUTATION_BATCH_MS } from '@/lib/limits';
import { sendToBackground } from '@/lib/messaging';
import type { MentionSummary, PageFindings } from '@/lib/protocol';
import type { Settings } from '@/lib/settings';
import { decodeBase64 } from '@/lib/base64';
import type { StoredDetector } from '@/lib/detector-store';
import type { UiApi } from './ui-api';

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

export class PageSession {
  private detector: Detector | null = null;
  private index: TextIndex | null = null;
  private detection: Detection | null = null;
  mentions: PageMention[] = [];
  private current = -1;
  private readonly highlighter: Highlighter;
  private highlightsOn: boolean;
  private observer: MutationObserver | null = null;
  private rescanTimer: ReturnType<typeof setTimeout> | null = null;
  private listenersArmed = false;
  private uiPromise: Promise<UiApi | null> | null = null;
  private lastUrl = location.href;

  constructor(
    private readonly doc: Document,
    private settings: Settings,
    private readonly stored: StoredDetector,
    private readonly signal: AbortSignal,
  ) {
    this.highlighter = new Highlighter(doc);
    this.highlightsOn = settings.highlights;
    signal.addEventListener('abort', () => this.teardown(), { once: true });
  }

  /** First scan; cheap on pages that never mention the story. */
  start(): void {
    this.detector = loadDetector(decodeBase64(this.stored.bytes));
    this.scan();
    this.observe();
  }

  /** Rescans the whole page and repaints. */
  scan(): void {
    if (!this.detector || this.signal.aborted) return;
    const root = this.doc.body ?? this.doc.documentElement;
    this.index = collectText(root, { includeShadow: true, includeFrames: true });
    this.detection = detect(this.detector, this.index.text);
    this.mentions = this.toMentions(this.index, this.detection);
    if (this.current >= this.mentions.length) this.current = -1;
    this.paint();
    void this.report();
    if (this.mentions.length > 0 && !this.settings.discreet) this.armListeners();
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
      const status = this.stored.statusByRecord[id];
      if (status && STYLE_FOR_STATUS[status]) return STYLE_FOR_STATUS[status];
    }
    return 'allegation';
  }

  private paint(): void {
    if (this.settings.discreet || !this.highlightsOn || !highlightsSupported()) {
      this.highlighter.clear();
      return;
    }
    const byStyle: Partial<Record<HighlightStyle, StaticRange[]>> = {
      allegation: [], confirmed: [], denied: [], disputed: [], claim: [],
    };
    for (const m of this.mentions) (byStyle[m.style] ??= []).push(...m.ranges);
    this.highlighter.paint(byStyle);
    this.highlighter.set('current', this.current >= 0 ? (this.mentions[this.current]?.ranges ?? []) : []);
  }

  /** What this frame found, in the protocol's shape. */
  findings(): PageFindings {
    const d = this.detection;
    const stationIds = new Set<string>();
    const claimIds = new Set<string>();
    for (const m of this.mentions) {
      for (const id of m.refs) {
        if (id.startsWith('ST-')) stationIds.add(id);
        else if (/^C\d+$/.test(id)) claimIds.add(id);
      }
    }
    return {
      url: location.href.slice(0, 8192),
      title: this.doc.title.slice(0, 500),
      onTopic: d?.page.onTopic ?? false,
      score: d?.page.score ?? 0,
      reasons: (d?.page.reasons ?? []).slice(0, 20).map((r) => r.slice(0, 500)),
      mentionCount: this.mentions.length,
      stationIds: [...stationIds].slice(0, 500),
      claimIds: [...claimIds].slice(0, 500),
      mentions: this.mentions.slice(0, MAX_REPORTED_MENTIONS).map((m, index) => ({
        index,
        text: m.text.replace(/\s+/g, ' ').slice(0, MAX_MENTION_TEXT_CHARS),
        kind: m.kind,
        refs: m.refs.slice(0, 50),
      })),
      discreet: this.settings.discreet,
    };
  }

  private async report(): Promise<void> {
    if (window.top !== window) return;
    try {
      await sendToBackground('page-findings', { findings: this.findings() });
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
      this.highlighter.set('flash', this.mentions[index].ranges);
      setTimeout(() => this.highlighter.set('flash', []), 1200);
    }
    return true;
  }

  toggleHighlights(): void {
    this.highlightsOn = !this.highlightsOn;
    this.paint();
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
    if (!m || !this.index) return;
    const range = liveRangeFor(this.index, m.start, m.end);
    const rect = range.getBoundingClientRect();
    range.detach?.();
    const top = rect.top + window.scrollY - window.innerHeight / 3;
    window.scrollTo({ top: Math.max(0, top), behavior: 'instant' as ScrollBehavior });
  }

  /** The mention's rectangle now, for placing the card next to (never over) it. */
  mentionRect(index: number): DOMRect | null {
    const m = this.mentions[index];
    if (!m || !this.index) return null;
    const range = liveRangeFor(this.index, m.start, m.end);
    const rect = range.getBoundingClientRect();
    range.detach?.();
    return rect;
  }

  private async openCard(index: number, fromKeyboard: boolean): Promise<void> {
    const mention = this.mentions[index];
    if (!mention || this.settings.discreet) return;
    // Several mentions of the same record share one card: ids are the card's identity.
    const ui = await this.ui();
    if (!ui) return;
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
      anchor: () => this.mentionRect(index),
      fromKeyboard,
    });
  }

  private ui(): Promise<UiApi | null> {
    if (this.settings.discreet) return Promise.resolve(null);
    this.uiPromise ??= (async () => {
      const g = globalThis as { __stationwatchUi?: UiApi };
      if (!g.__stationwatchUi) {
        await sendToBackground('inject-ui', {});
      }
      return g.__stationwatchUi ?? null;
    })().catch(() => null);
    return this.uiPromise;
  }

  private mentionAtPoint(x: number, y: number): number {
    if (!this.index) return -1;
    const doc = this.doc as Document & { caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null };
    let node: Node | null = null;
    let offset = 0;
    if (doc.caretPositionFromPoint) {
      const pos = doc.caretPositionFromPoint(x, y);
      if (pos) ({ offsetNode: node, offset } = pos);
    } else if (this.doc.caretRangeFromPoint) {
      const r = this.doc.caretRangeFromPoint(x, y);
      if (r) ({ startContainer: node, startOffset: offset } = r);
    }
    if (!node || node.nodeType !== Node.TEXT_NODE) return -1;
    const i = this.index.nodes.indexOf(node as Text);
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

  private armListeners(): void {
    if (this.listenersArmed) return;
    this.listenersArmed = true;
    const opts = { capture: true, signal: this.signal } as const;
    this.doc.addEventListener(
      'click',
      (event) => {
        if (this.settings.discreet || !this.highlightsOn || event.button !== 0) return;
        if (this.doc.getSelection()?.type === 'Range') return;
        const index = this.mentionAtPoint(event.clientX, event.clientY);
        if (index < 0) return;
        this.current = index;
        this.paint();
        void this.openCard(index, false);
      },
      opts,
    );
    // Same chords as the browser commands (manifest `commands`): when the browser has not taken
    // them (e.g. a shortcut reassigned), the page still answers them.
    this.doc.addEventListener(
      'keydown',
      (event) => {
        if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
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
    const target = this.doc.body ?? this.doc.documentElement;
    this.observer = new MutationObserver((records) => {
      // Our own UI host changes are not page changes.
      if (records.every((r) => (r.target as Element).closest?.('[data-stationwatch-ui]'))) return;
      this.scheduleRescan();
    });
    this.observer.observe(target, { childList: true, subtree: true, characterData: true });
    const onNav = () => {
      if (location.href !== this.lastUrl) {
        this.lastUrl = location.href;
        this.current = -1;
        this.scheduleRescan();
      }
    };
    window.addEventListener('popstate', onNav, { signal: this.signal });
    const nav = (window as { navigation?: EventTarget }).navigation;
    nav?.addEventListener('navigatesuccess', onNav, { signal: this.signal });
  }

  private scheduleRescan(): void {
    if (this.rescanTimer !== null) return;
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = null;
      const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
      if (idle) idle(() => this.scan(), { timeout: 1000 });
      else this.scan();
    }, MUTATION_BATCH_MS);
  }

  private teardown(): void {
    this.observer?.disconnect();
    if (this.rescanTimer !== null) clearTimeout(this.rescanTimer);
    this.highlighter.clear();
    void this.uiPromise?.then((ui) => ui?.destroy());
  }

  /** Stops everything and removes every trace from the page. */
  destroy(): void {
    this.teardown();
  }
}
