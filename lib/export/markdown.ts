/**
 * Safe rendering of annotation notes: markdown (a tiny subset) or plain text → a tree of plain nodes
 * that the UI turns into text nodes and a few fixed elements. No HTML strings are produced or
 * interpreted: `<b>` in a note stays the four characters `<b>`.
 *
 * Subset: paragraphs (blank-line separated, single newlines are line breaks), *emphasis* / _emphasis_,
 * **strong** / __strong__, `code`, fenced ``` code blocks, "- " / "* " / "+ " and "1. " lists
 * (one level), [links](https://…) with http(s) targets only (anything else stays literal text), and
 * backslash escapes. Pure: no DOM.
 */

export type MdInline =
  | { type: 'text'; text: string }
  | { type: 'emphasis'; children: MdInline[] }
  | { type: 'strong'; children: MdInline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: MdInline[] }
  | { type: 'break' };

export type MdBlock =
  | { type: 'paragraph'; children: MdInline[] }
  | { type: 'list'; ordered: boolean; start: number; items: MdInline[][] }
  | { type: 'codeBlock'; text: string };

/** Nesting deeper than this is left as literal text (bounds recursion on hostile input). */
export const MAX_INLINE_DEPTH = 8;

/** A note as render nodes: markdown parsed with the safe subset, plain text as paragraphs and breaks. */
export function renderNote(note: string, format: 'text' | 'markdown'): MdBlock[] {
  return format === 'markdown' ? parseMarkdown(note) : plainTextBlocks(note);
}

/** Plain text → paragraphs (blank lines) with line breaks; nothing is interpreted. */
export function plainTextBlocks(text: string): MdBlock[] {
  return splitParagraphs(text).map((lines) => ({ type: 'paragraph', children: withBreaks(lines.map((l) => [{ type: 'text', text: l }])) }));
}

/** Markdown (the subset above) → blocks of plain nodes. */
export function parseMarkdown(source: string): MdBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MdBlock[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; start: number; items: string[][] } | null = null;
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: withBreaks(paragraph.map((l) => parseInline(l.trim(), 0))) });
    paragraph = [];
    if (list) blocks.push({ type: 'list', ordered: list.ordered, start: list.start, items: list.items.map((item) => withBreaks(item.map((l) => parseInline(l.trim(), 0)))) });
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      const marker = fence[1]!;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker); i++) body.push(lines[i]!);
      blocks.push({ type: 'codeBlock', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const bullet = /^ {0,3}([-*+])\s+(.*)$/.exec(line);
    const numbered = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const ordered = !!numbered;
      if (paragraph.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, start: numbered ? Number(numbered[1]) : 1, items: [] };
      list.items.push([(bullet ?? numbered)![2]!]);
      continue;
    }
    if (list) list.items[list.items.length - 1]!.push(line);
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

function splitParagraphs(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.length) out.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length) out.push(current);
  return out;
}

function withBreaks(lines: MdInline[][]): MdInline[] {
  const out: MdInline[] = [];
  lines.forEach((nodes, i) => {
    if (i > 0) out.push({ type: 'break' });
    out.push(...nodes);
  });
  return mergeText(out);
}

function mergeText(nodes: MdInline[]): MdInline[] {
  const out: MdInline[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.type === 'text' && last?.type === 'text') last.text += n.text;
    else if (n.type !== 'text' || n.text !== '') out.push(n.type === 'text' ? { ...n } : n);
  }
  return out;
}

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>|~]/;

/** Parses one line (or a link's label) of inline markdown. */
function parseInline(s: string, depth: number, inLink = false): MdInline[] {
  const out: MdInline[] = [];
  let text = '';
  const push = (node: MdInline) => {
    if (text) out.push({ type: 'text', text });
    text = '';
    out.push(node);
  };
  // Closers known to be absent from a position on: each opener looks ahead at most once per kind.
  const noCloserFrom = new Map<string, number>();
  const findCloser = (marker: string, from: number): number => {
    const known = noCloserFrom.get(marker);
    if (known !== undefined && from >= known) return -1;
    for (let j = s.indexOf(marker, from); j >= 0; j = s.indexOf(marker, j + 1)) {
      if (s[j - 1] === '\\' || /\s/.test(s[j - 1] ?? ' ')) continue;
      if (marker.length === 1 && s[j + 1] === marker) {
        j++;
        continue;
      }
      if (marker[0] === '_' && /[\p{L}\p{N}]/u.test(s[j + marker.length] ?? '')) continue;
      return j;
    }
    noCloserFrom.set(marker, Math.min(from, known ?? from));
    return -1;
  };

  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length && ESCAPABLE.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (s[i + run] === '`') run++;
      const fence = '`'.repeat(run);
      const close = s.indexOf(fence, i + run);
      if (close >= 0) {
        let code = s.slice(i + run, close);
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        push({ type: 'code', text: code });
        i = close + run;
        continue;
      }
      text += fence;
      i += run;
      continue;
    }
    if (ch === '[' && !inLink && depth < MAX_INLINE_DEPTH) {
      const link = matchLink(s, i);
      if (link) {
        push({ type: 'link', href: link.href, children: mergeText(parseInline(link.label, depth + 1, true)) });
        i = link.end;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_INLINE_DEPTH) {
      const double = s[i + 1] === ch;
      const marker = double ? ch + ch : ch;
      const next = s[i + marker.length];
      const intraword = ch === '_' && /[\p{L}\p{N}]/u.test(s[i - 1] ?? '');
      if (next !== undefined && !/\s/.test(next) && !intraword) {
        const close = findCloser(marker, i + marker.length + 1);
        if (close > i + marker.length - 1) {
          const inner = parseInline(s.slice(i + marker.length, close), depth + 1, inLink);
          push({ type: double ? 'strong' : 'emphasis', children: mergeText(inner) });
          i = close + marker.length;
          continue;
        }
      }
      text += marker;
      i += marker.length;
      continue;
    }
    text += ch;
    i++;
  }
  if (text) out.push({ type: 'text', text });
  return mergeText(out);
}

/** `[label](url)` at `at` with an http(s) URL; anything else is not a link. */
function matchLink(s: string, at: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = at;
  for (; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) break;
  }
  if (j >= s.length || s[j + 1] !== '(') return null;
  const close = s.indexOf(')', j + 2);
  if (close < 0) return null;
  const raw = s.slice(j + 2, close).trim().replace(/^<(.*)>$/, '$1');
  const href = safeHref(raw);
  if (!href) return null;
  return { label: s.slice(at + 1, j), href, end: close + 1 };
}

/** The URL if it is an absolute http(s) URL, normalised; otherwise null (javascript:, data:, relative…). */
export function safeHref(raw: string): string | null {
  if (!/^https?:\/\//i.test(raw)) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The text a reader sees, without markup (for CSV, ClaimReview reviewBody or search). */
export function blocksToPlainText(blocks: readonly MdBlock[]): string {
  const inline = (nodes: readonly MdInline[]): string =>
    nodes.map((n) => (n.type === 'text' || n.type === 'code' ? n.text : n.type === 'break' ? '\n' : inline(n.children))).join('');
  return blocks
    .map((b) =>
      b.type === 'paragraph'
        ? inline(b.children)
        : b.type === 'codeBlock'
          ? b.text
          : b.items.map((item, i) => `${b.ordered ? `${b.start + i}.` : '-'} ${inline(item)}`).join('\n'),
    )
    .join('\n\n');
}
