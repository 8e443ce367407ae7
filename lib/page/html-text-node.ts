/**
 * Node-only: the visible text of a saved HTML page, as the content script would index it, for
 * eval-pages and benchmarks. The page is parsed by happy-dom with scripts, stylesheets, images,
 * iframe loading and navigation all off, so nothing on the page runs and nothing is fetched; only
 * inline `style` attributes and `hidden`/`aria-hidden` decide visibility (no style engine).
 */
import { Window } from 'happy-dom';
import { collectText } from './text-index';
import { inlineStyleVisibility } from './visibility';

/** Visible text of one page plus the counts that describe it. */
export interface PageText {
  text: string;
  textNodes: number;
  /** Encoding the bytes were decoded with. */
  encoding: string;
  parseMs: number;
  collectMs: number;
}

const SNIFF_BYTES = 1024;
const CHARSET_IN_META = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i;

/**
 * Decodes saved page bytes: BOM first; then UTF-8 when the bytes are valid UTF-8 (pages saved by a
 * browser or crawler are re-encoded to UTF-8 but often keep their old <meta charset>, e.g. a
 * gb2312 page that would otherwise turn to mojibake); then <meta charset>; then windows-1252.
 */
export function decodeHtml(bytes: Uint8Array): { html: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { html: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { html: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { html: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { html: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: believe the page's own declaration.
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, SNIFF_BYTES));
  const label = CHARSET_IN_META.exec(head)?.[1]?.toLowerCase();
  if (label !== undefined) {
    try {
      const decoder = new TextDecoder(label);
      return { html: decoder.decode(bytes), encoding: decoder.encoding };
    } catch {
      // Unknown label: fall through to the browsers' default for legacy pages.
    }
  }
  return { html: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
}

/** Elements whose content the HTML tokenizer reads as text; a "<svg" inside them is not a tag. */
const RAW_OR_SVG = /<!--|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b[^>]*>|<svg\b[^>]*>/gi;
const SVG_TAG = /<(\/?)svg\b[^>]*?(\/?)>/gi;

/**
 * Empties the content of every <svg> element. happy-dom 21.0.4 treats a <style> inside <svg> as
 * never closed and swallows the rest of the document (cnet.html in the news corpus lost all its
 * text). SVG is never indexed, so removing its content changes nothing the index sees.
 */
export function emptySvgElements(html: string): string {
  const out: string[] = [];
  let copied = 0;
  RAW_OR_SVG.lastIndex = 0;
  for (let m = RAW_OR_SVG.exec(html); m !== null; m = RAW_OR_SVG.exec(html)) {
    const afterTag = m.index + m[0].length;
    if (m[0] === '<!--') {
      const close = html.indexOf('-->', afterTag);
      RAW_OR_SVG.lastIndex = close < 0 ? html.length : close + 3;
    } else if (m[1] !== undefined) {
      // Not html.toLowerCase(): lower-casing can change the string's length (U+0130).
      const closeTag = new RegExp(`</${m[1]}`, 'gi');
      closeTag.lastIndex = afterTag;
      const close = closeTag.exec(html);
      RAW_OR_SVG.lastIndex = close === null ? html.length : close.index;
    } else if (!m[0].endsWith('/>')) {
      // Find the matching </svg>, counting nested <svg> elements.
      SVG_TAG.lastIndex = afterTag;
      let depth = 1;
      let end = html.length;
      for (let t = SVG_TAG.exec(html); t !== null; t = SVG_TAG.exec(html)) {
        if (t[1] === '/') depth--;
        else if (t[2] !== '/') depth++;
        if (depth === 0) {
          end = t.index;
          break;
        }
      }
      out.push(html.slice(copied, afterTag));
      copied = end;
      RAW_OR_SVG.lastIndex = end;
    }
  }
  out.push(html.slice(copied));
  return out.join('');
}

const SILENT = (): void => undefined;
/** happy-dom reports every refused load on the page console; none of it concerns the evaluation. */
const silentConsole = new Proxy({}, { get: () => SILENT }) as unknown as Console;

/** Parses saved page bytes without running or fetching anything and collects their visible text. */
export async function htmlPageText(bytes: Uint8Array, url = 'https://saved-page.invalid/'): Promise<PageText> {
  const { html, encoding } = decodeHtml(bytes);
  const window = new Window({
    url,
    console: silentConsole,
    settings: {
      enableJavaScriptEvaluation: false,
      disableJavaScriptFileLoading: true,
      enableCSSFileLoading: false,
      enableImageFileLoading: false,
      enableIframePageLoading: false,
      handleDisabledFileLoadingAsSuccess: true,
      navigation: {
        disableMainFrameNavigation: true,
        disableChildFrameNavigation: true,
        disableChildPageNavigation: true,
      },
    },
  });
  try {
    const t0 = performance.now();
    const doc = window.document;
    doc.open();
    doc.write(emptySvgElements(html));
    doc.close();
    const t1 = performance.now();
    // srcdoc frames are part of the saved page (no fetch), so they are read like the top document.
    const index = collectText(doc as unknown as Document, { includeFrames: true, isVisible: inlineStyleVisibility() });
    const t2 = performance.now();
    return { text: index.text, textNodes: index.nodes.length, encoding, parseMs: t1 - t0, collectMs: t2 - t1 };
  } finally {
    await window.happyDOM.close();
  }
}
