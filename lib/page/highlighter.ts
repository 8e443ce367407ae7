/**
 * Paints mentions with the CSS Custom Highlight API: page text is never wrapped or moved, and the
 * ranges are StaticRanges, which cost the page nothing on later DOM changes (live Ranges would make
 * every page mutation 20–50× slower, see STYLE.md).
 */

/** Highlight registry names, one per style; the `::highlight()` rules below must live in the page's stylesheet. */
export const HIGHLIGHT_NAMES = {
  allegation: 'stationwatch-allegation',
  confirmed: 'stationwatch-confirmed',
  denied: 'stationwatch-denied',
  disputed: 'stationwatch-disputed',
  claim: 'stationwatch-claim',
  annotation: 'stationwatch-annotation',
  current: 'stationwatch-current',
  flash: 'stationwatch-flash',
} as const;
export type HighlightStyle = keyof typeof HIGHLIGHT_NAMES;

// Colours chosen so page text keeps WCAG AA contrast: the text colour is not changed, only a light
// tint and an underline are added; on dark pages (prefers-color-scheme or a dark page background)
// the tint is dark and the text stays light.
const LIGHT_CSS = `
::highlight(stationwatch-allegation){background-color:#fff1b8;text-decoration:underline 2px #8a6d00;color:#1a1a1a}
::highlight(stationwatch-confirmed){background-color:#ffd9d2;text-decoration:underline 2px #a4260d;color:#1a1a1a}
::highlight(stationwatch-denied){background-color:#dbe9ff;text-decoration:underline 2px #1d4f9c;color:#1a1a1a}
::highlight(stationwatch-disputed){background-color:#ece1ff;text-decoration:underline dashed 2px #5b3a9b;color:#1a1a1a}
::highlight(stationwatch-claim){text-decoration:underline dotted 2px #5a5a5a}
::highlight(stationwatch-annotation){background-color:#d5f5e3;text-decoration:underline 2px #176b3a;color:#1a1a1a}
::highlight(stationwatch-current){background-color:#ffd166;color:#000;text-decoration:underline 3px #000}
::highlight(stationwatch-flash){background-color:#ffb703;color:#000}`;
const DARK_CSS = `
::highlight(stationwatch-allegation){background-color:#4a3d00;color:#fff;text-decoration-color:#ffd84d}
::highlight(stationwatch-confirmed){background-color:#5a1a10;color:#fff;text-decoration-color:#ff9c87}
::highlight(stationwatch-denied){background-color:#14305c;color:#fff;text-decoration-color:#9cc3ff}
::highlight(stationwatch-disputed){background-color:#38245e;color:#fff;text-decoration-color:#cbb3ff}
::highlight(stationwatch-claim){text-decoration-color:#cfcfcf}
::highlight(stationwatch-annotation){background-color:#0f4427;color:#fff;text-decoration-color:#8ee0b0}`;

/** True when the browser can paint custom highlights. */
export function highlightsSupported(): boolean {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight !== 'undefined';
}

/**
 * The channels of a computed colour as the browser serialises it, `rgb(r, g, b)` or
 * `rgba(r, g, b, a)`; null for any other form. Read by hand: the first regular expression in the
 * scanner's fresh world costs 0.1-0.3 ms to compile there (bench/page-results.md).
 */
export function parseComputedRgb(color: string): { r: number; g: number; b: number; a: number } | null {
  const open = color.indexOf('(');
  const head = open < 0 ? '' : color.slice(0, open);
  if ((head !== 'rgb' && head !== 'rgba') || !color.endsWith(')')) return null;
  const parts = color.slice(open + 1, -1).split(',');
  if (parts.length !== 3 && parts.length !== 4) return null;
  const [r, g, b, a = 1] = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  return [r, g, b, a].every((n) => Number.isFinite(n)) ? { r: r!, g: g!, b: b!, a } : null;
}

function isDarkPage(doc: Document): boolean {
  const rgb = parseComputedRgb(getComputedStyle(doc.body ?? doc.documentElement).backgroundColor);
  if (!rgb || rgb.a === 0) return doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  return 0.2126 * rgb.r + 0.7152 * rgb.g + 0.0722 * rgb.b < 110;
}

type HighlightWindow = Window & { CSS: typeof CSS; Highlight: typeof Highlight };

/**
 * Owns one document's highlight registry entries and stylesheet; `clear()` leaves no trace. Each
 * document (the page, a same-origin frame) has a registry of its own.
 */
export class Highlighter {
  private sheet: CSSStyleSheet | null = null;
  private readonly highlights = new Map<HighlightStyle, Highlight>();

  constructor(private readonly doc: Document) {}

  /** The document's window: its registry and Highlight constructor (the top window's do not paint in a frame). */
  private get view(): HighlightWindow | null {
    const view = (this.doc.defaultView ?? null) as HighlightWindow | null;
    return view && view.CSS && 'highlights' in view.CSS && typeof view.Highlight === 'function' ? view : null;
  }

  /** Whether the document's registry holds `style` (painted by anyone, e.g. the card UI's annotations). */
  has(style: HighlightStyle): boolean {
    return this.view?.CSS.highlights.has(HIGHLIGHT_NAMES[style]) ?? false;
  }

  /** Replaces everything painted with the given ranges per style. */
  paint(rangesByStyle: Partial<Record<HighlightStyle, AbstractRange[]>>): void {
    if (!this.view) return;
    this.ensureSheet();
    for (const [style, ranges] of Object.entries(rangesByStyle) as [HighlightStyle, AbstractRange[]][]) {
      this.set(style, ranges);
    }
  }

  /** Sets one style's ranges (empty removes the entry). */
  set(style: HighlightStyle, ranges: AbstractRange[]): void {
    const view = this.view;
    if (!view) return;
    const name = HIGHLIGHT_NAMES[style];
    if (ranges.length === 0) {
      view.CSS.highlights.delete(name);
      this.highlights.delete(style);
      return;
    }
    this.ensureSheet();
    const highlight = new view.Highlight(...ranges);
    // Current mention and flash draw above the others.
    highlight.priority = style === 'current' || style === 'flash' ? 2 : style === 'annotation' ? 1 : 0;
    view.CSS.highlights.set(name, highlight);
    this.highlights.set(style, highlight);
  }

  /** Removes every registry entry and our stylesheet. */
  clear(): void {
    const view = this.view;
    if (view) for (const name of Object.values(HIGHLIGHT_NAMES)) view.CSS.highlights.delete(name);
    this.highlights.clear();
    if (this.sheet) {
      this.doc.adoptedStyleSheets = this.doc.adoptedStyleSheets.filter((s) => s !== this.sheet);
      this.sheet = null;
    }
  }

  private ensureSheet(): void {
    if (this.sheet) return;
    // A constructed stylesheet adds no element to the page.
    const sheet = new (this.doc.defaultView ?? window).CSSStyleSheet();
    sheet.replaceSync(LIGHT_CSS + (isDarkPage(this.doc) ? DARK_CSS : ''));
    this.doc.adoptedStyleSheets = [...this.doc.adoptedStyleSheets, sheet];
    this.sheet = sheet;
  }
}
