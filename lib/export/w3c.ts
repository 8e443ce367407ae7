/**
 * W3C Web Annotation Data Model (JSON-LD) export and import.
 *
 * Export maps one Annotation to: motivation `assessing` (verdict) or `commenting`; bodies with
 * purposes `assessing` (verdict label), `commenting` (note, text/plain or text/markdown), `linking`
 * (citations and the dataset claim) and `tagging` (tags); a target whose source is the page URL and
 * whose selectors are the stored TextQuoteSelector, TextPositionSelector and, if any, a
 * RangeSelector of XPathSelectors refined by TextPositionSelectors. Data the model has no term for
 * (verdict id, citation title and dataset source id, claim id, author organisation, page title,
 * page text hash) travels under the `sw:` prefix declared in the @context, so export → import gives
 * back an equal annotation.
 *
 * Import accepts our own files and other clients' W3C annotations (Hypothesis-style targets with
 * selector arrays, RangeSelector with startContainer/endContainer, bodyValue), as a single
 * annotation, an array, an AnnotationPage, an AnnotationCollection with embedded pages, or JSON
 * lines. It returns a preview; if anything in the file is bad, the preview has errors and nothing to
 * write. Pure: no DOM, no storage.
 */
import {
  AnnotationSchema,
  annotationsEqual,
  formatIssues,
  parseVerdict,
  VERDICT_LABELS,
  type Annotation,
  type Citation,
  type RangeHint,
} from '../annotation/model';
import * as v from 'valibot';
import { withoutLoneSurrogates } from '../well-formed';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** Namespace of our extension terms (compact IRIs `sw:…`). */
export const STATIONWATCH_NS = 'urn:stationwatch:ns:';
/** IRI minted for a dataset claim (claims have no web address of their own). */
export const CLAIM_IRI_PREFIX = 'urn:stationwatch:claim:';
/** Largest import accepted, in characters of JSON. */
export const MAX_IMPORT_CHARS = 50_000_000;
/** Most annotations in one import. */
export const MAX_IMPORT_ANNOTATIONS = 100_000;
/** Deepest nesting of arrays, collections and page chains an import may have. */
export const MAX_IMPORT_NESTING = 64;

const CONTEXT = [ANNO_CONTEXT, { sw: STATIONWATCH_NS }] as const;
const GENERATOR = { id: 'urn:stationwatch:app', type: 'Software', name: 'Stationwatch' } as const;

type Json = Record<string, unknown>;

/** One annotation as W3C Web Annotation JSON-LD (with its own @context). */
export function toW3CAnnotation(a: Annotation): Json {
  const body: Json[] = [];
  if (a.verdict) {
    body.push({ type: 'TextualBody', purpose: 'assessing', value: VERDICT_LABELS[a.verdict], format: 'text/plain', 'sw:verdict': a.verdict });
  }
  if (a.note !== '') {
    body.push({ type: 'TextualBody', purpose: 'commenting', value: a.note, format: a.noteFormat === 'markdown' ? 'text/markdown' : 'text/plain' });
  }
  for (const c of a.citations) {
    const cite: Json = { type: 'SpecificResource', purpose: 'linking', source: c.url };
    if (c.title !== undefined) cite['sw:title'] = c.title;
    if (c.sourceId !== undefined) cite['sw:sourceId'] = c.sourceId;
    body.push(cite);
  }
  if (a.claimId) body.push({ type: 'SpecificResource', purpose: 'linking', source: CLAIM_IRI_PREFIX + a.claimId, 'sw:claimId': a.claimId });
  for (const tag of a.tags) body.push({ type: 'TextualBody', purpose: 'tagging', value: tag });

  const selector: Json[] = [
    { type: 'TextQuoteSelector', exact: a.selectors.quote.exact, prefix: a.selectors.quote.prefix, suffix: a.selectors.quote.suffix },
  ];
  if (a.selectors.position) selector.push({ type: 'TextPositionSelector', start: a.selectors.position.start, end: a.selectors.position.end });
  const hint = a.selectors.rangeHint;
  if (hint) {
    selector.push({
      type: 'RangeSelector',
      startSelector: { type: 'XPathSelector', value: hint.startPath, refinedBy: { type: 'TextPositionSelector', start: hint.startOffset, end: hint.startOffset } },
      endSelector: { type: 'XPathSelector', value: hint.endPath, refinedBy: { type: 'TextPositionSelector', start: hint.endOffset, end: hint.endOffset } },
    });
  }
  const target: Json = { source: a.pageUrl, selector, 'sw:pageTitle': a.pageTitle };
  if (a.pageTextHash) target['sw:pageTextHash'] = a.pageTextHash;

  const out: Json = {
    '@context': CONTEXT,
    id: a.id,
    type: 'Annotation',
    motivation: a.verdict ? 'assessing' : a.note !== '' ? 'commenting' : body.length ? 'linking' : 'highlighting',
    created: a.created,
    modified: a.modified,
  };
  const creator = creatorOf(a);
  if (creator) out.creator = creator;
  out.generator = GENERATOR;
  if (body.length) out.body = body;
  out.target = target;
  return out;
}

function creatorOf(a: Annotation): Json | undefined {
  const { name, organisation, url } = a.author;
  if (!name && !organisation && !url) return undefined;
  const creator: Json = { type: 'Person' };
  if (name) creator.name = name;
  if (url) creator.homepage = url;
  if (organisation) creator['sw:organisation'] = organisation;
  return creator;
}

/** All annotations as one AnnotationCollection with a single embedded AnnotationPage (the backup format). */
export function toW3CCollection(
  annotations: readonly Annotation[],
  options: { id?: string; label?: string } = {},
): Json {
  const id = options.id ?? `urn:uuid:${crypto.randomUUID()}`;
  return {
    '@context': CONTEXT,
    id,
    type: 'AnnotationCollection',
    label: options.label ?? 'Stationwatch annotations',
    total: annotations.length,
    first: {
      id: `${id}#page-1`,
      type: 'AnnotationPage',
      partOf: id,
      startIndex: 0,
      items: annotations.map(toW3CAnnotation),
    },
    last: `${id}#page-1`,
  };
}

/** The collection as pretty-printed JSON text, ready to save as a .jsonld file. */
export function exportW3C(annotations: readonly Annotation[], options: { id?: string; label?: string } = {}): string {
  return JSON.stringify(toW3CCollection(annotations, options), null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Import

export interface ImportPreview {
  /** True when the whole file is good; only then do toAdd/toUpdate hold anything. */
  ok: boolean;
  /** Annotations whose id is new. */
  toAdd: Annotation[];
  /** Annotations that replace a stored one with the same id (the file's copy is as new or newer). */
  toUpdate: Annotation[];
  /** Annotations identical to the stored ones. */
  unchanged: Annotation[];
  /** Annotations older than the stored copy with the same id: the stored copy is kept. */
  keptNewer: Annotation[];
  /** Every problem, one readable line each ("item 3 (urn:uuid:…): target: …"). */
  errors: string[];
}

type Converted = { ok: true; annotation: Annotation } | { ok: false; errors: string[] };

/** Preview of importing `input` (JSON text or parsed JSON) against the stored annotations, merging by id. */
export function previewW3CImport(input: unknown, existing: readonly Annotation[]): ImportPreview {
  const empty = (errors: string[]): ImportPreview => ({ ok: false, toAdd: [], toUpdate: [], unchanged: [], keptNewer: [], errors });
  const items = collectItems(input);
  if (!items.ok) return empty(items.errors);
  if (items.items.length === 0) return empty(['the file holds no annotations']);
  if (items.items.length > MAX_IMPORT_ANNOTATIONS) {
    return empty([`the file holds ${items.items.length} annotations; at most ${MAX_IMPORT_ANNOTATIONS} can be imported at once`]);
  }
  const errors: string[] = [];
  const incoming: Annotation[] = [];
  const seen = new Map<string, number>();
  items.items.forEach((item, i) => {
    const label = `item ${i + 1}${typeof (item as Json)?.id === 'string' ? ` (${String((item as Json).id).slice(0, 120)})` : ''}`;
    const converted = fromW3CAnnotation(item);
    if (!converted.ok) {
      for (const e of converted.errors) errors.push(`${label}: ${e}`);
      return;
    }
    const first = seen.get(converted.annotation.id);
    if (first !== undefined) {
      errors.push(`${label}: the same id as item ${first + 1}`);
      return;
    }
    seen.set(converted.annotation.id, i);
    incoming.push(converted.annotation);
  });
  if (errors.length) return empty(errors);

  const stored = new Map(existing.map((a) => [a.id, a]));
  const preview: ImportPreview = { ok: true, toAdd: [], toUpdate: [], unchanged: [], keptNewer: [], errors: [] };
  for (const a of incoming) {
    const old = stored.get(a.id);
    if (!old) preview.toAdd.push(a);
    else if (annotationsEqual(old, a)) preview.unchanged.push(a);
    else if (Date.parse(a.modified) < Date.parse(old.modified)) preview.keptNewer.push(a);
    else preview.toUpdate.push(a);
  }
  return preview;
}

function collectItems(input: unknown): { ok: true; items: unknown[] } | { ok: false; errors: string[] } {
  let data = input;
  if (typeof input === 'string') {
    if (input.length > MAX_IMPORT_CHARS) return { ok: false, errors: [`the file is larger than ${MAX_IMPORT_CHARS / 1_000_000} million characters`] };
    const text = input.replace(/^\uFEFF/, '');
    try {
      data = JSON.parse(text);
    } catch (error) {
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      if (lines.length < 2) return { ok: false, errors: [`not JSON: ${withoutLoneSurrogates((error as Error).message)}`] };
      const parsed: unknown[] = [];
      for (const [i, line] of lines.entries()) {
        try {
          parsed.push(JSON.parse(line));
        } catch (lineError) {
          return { ok: false, errors: [`not JSON or JSON lines: line ${i + 1}: ${(lineError as Error).message}`] };
        }
      }
      data = parsed;
    }
  }
  const items: unknown[] = [];
  const errors: string[] = [];
  // Hostile files nest arrays or page chains thousands deep: refuse them instead of overflowing the stack.
  const visit = (node: unknown, where: string, depth = 0): void => {
    if (depth > MAX_IMPORT_NESTING) {
      if (!errors.some((e) => e.includes('nested more than'))) errors.push(`${where.slice(0, 80)}…: the file is nested more than ${MAX_IMPORT_NESTING} levels deep`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((x, i) => visit(x, `${where}[${i}]`, depth + 1));
      return;
    }
    if (!node || typeof node !== 'object') {
      errors.push(`${where}: expected an annotation, collection or page, found ${node === null ? 'null' : typeof node}`);
      return;
    }
    const obj = node as Json;
    if (hasType(obj, 'AnnotationCollection')) {
      if (Array.isArray(obj.items)) visit(obj.items, `${where}.items`, depth + 1);
      else if (obj.first && typeof obj.first === 'object') visit(obj.first, `${where}.first`, depth + 1);
      else if (typeof obj.first === 'string') errors.push(`${where}: the collection's pages are not in the file (first is a link); export them embedded`);
      else if (obj.total !== 0) errors.push(`${where}: the collection holds no items`);
      return;
    }
    if (hasType(obj, 'AnnotationPage')) {
      if (!Array.isArray(obj.items)) errors.push(`${where}: the page has no items array`);
      else for (const item of obj.items) items.push(item);
      if (obj.next && typeof obj.next === 'object') visit(obj.next, `${where}.next`, depth + 1);
      else if (typeof obj.next === 'string') errors.push(`${where}: further pages are not in the file (next is a link); export them embedded`);
      return;
    }
    if (Array.isArray(obj.rows)) {
      // Hypothesis API search results.
      for (const row of obj.rows) items.push(row);
      return;
    }
    items.push(obj);
  };
  visit(data, 'file');
  return errors.length ? { ok: false, errors } : { ok: true, items };
}

function hasType(obj: Json, type: string): boolean {
  const t = obj.type ?? obj['@type'];
  const matches = (x: unknown) => x === type || x === `oa:${type}` || x === `as:${type.replace('Annotation', 'Ordered')}`;
  return Array.isArray(t) ? t.some(matches) : matches(t);
}

const asArray = (x: unknown): unknown[] => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const iriOf = (x: unknown): string | undefined => str(x) ?? (x && typeof x === 'object' ? str((x as Json).id) ?? str((x as Json)['@id']) : undefined);

/** Converts one W3C (or Hypothesis API) annotation to ours, or lists what is wrong with it. */
export function fromW3CAnnotation(input: unknown): Converted {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: ['not an annotation object'] };
  const item = input as Json;
  const errors: string[] = [];
  // The Hypothesis API's own format (not W3C): uri, text, tags, user, document.title.
  const hypothesisApi = typeof item.uri === 'string' && !('type' in item) && !('@context' in item);
  if (!hypothesisApi && !hasType(item, 'Annotation')) errors.push('type is not "Annotation"');

  // Target: the first one that quotes text.
  const targets = asArray(item.target).filter((t): t is Json => !!t && typeof t === 'object');
  const target = targets.find((t) => asArray(t.selector).some((s) => isSelector(s, 'TextQuoteSelector'))) ?? targets[0];
  if (!target) errors.push('target: no target with a source and selectors (a bare page IRI cannot be anchored)');
  const selectors = target ? asArray(target.selector).filter((s): s is Json => !!s && typeof s === 'object') : [];
  const quote = selectors.find((s) => isSelector(s, 'TextQuoteSelector'));
  if (target && !quote) errors.push('target: no TextQuoteSelector (only text quotes can be anchored)');
  const positionSel = selectors.find((s) => isSelector(s, 'TextPositionSelector'));
  const rangeSel = selectors.find((s) => isSelector(s, 'RangeSelector'));
  const pageUrl = (target && iriOf(target.source)) ?? str(item.uri);

  const note: string[] = [];
  let noteFormat: 'text' | 'markdown' = 'text';
  let verdict: Annotation['verdict'] = null;
  const citations: Citation[] = [];
  let claimId: string | undefined;
  const tags: string[] = [];

  if (hypothesisApi) {
    if (typeof item.text === 'string' && item.text !== '') {
      note.push(item.text);
      noteFormat = 'markdown';
    }
    for (const t of asArray(item.tags)) if (typeof t === 'string') tags.push(t);
  }
  if (typeof item.bodyValue === 'string') note.push(item.bodyValue);
  for (const [i, raw] of asArray(item.body).entries()) {
    const where = `body[${i}]`;
    if (typeof raw === 'string') {
      citations.push({ url: raw });
      continue;
    }
    if (!raw || typeof raw !== 'object') {
      errors.push(`${where}: not a body object`);
      continue;
    }
    const body = raw as Json;
    const purposes = asArray(body.purpose).filter((p): p is string => typeof p === 'string').map((p) => p.replace(/^oa:/, ''));
    const purpose = purposes[0];
    const isText = hasType(body, 'TextualBody') || (typeof body.value === 'string' && !body.source);
    if (isText) {
      const value = str(body.value) ?? '';
      if (purpose === 'assessing') {
        const parsed = parseVerdict(str(body['sw:verdict']) ?? value);
        if (!parsed) errors.push(`${where}: unknown verdict "${value.slice(0, 60)}" (expected one of: ${Object.values(VERDICT_LABELS).join(', ')})`);
        else if (verdict && verdict !== parsed) errors.push(`${where}: a second, different verdict`);
        else verdict = parsed;
      } else if (purpose === 'tagging') {
        tags.push(value);
      } else {
        note.push(value);
        if (body.format === 'text/markdown') noteFormat = 'markdown';
      }
      continue;
    }
    const iri = iriOf(body.source) ?? iriOf(body);
    if (!iri) {
      errors.push(`${where}: a body with neither text nor a source`);
      continue;
    }
    const claim = str(body['sw:claimId']) ?? (iri.startsWith(CLAIM_IRI_PREFIX) ? iri.slice(CLAIM_IRI_PREFIX.length) : undefined);
    if (claim !== undefined) {
      if (claimId && claimId !== claim) errors.push(`${where}: a second dataset claim`);
      claimId = claim;
      continue;
    }
    const citation: Citation = { url: iri };
    const title = str(body['sw:title']);
    const sourceId = str(body['sw:sourceId']);
    if (title !== undefined) citation.title = title;
    if (sourceId !== undefined) citation.sourceId = sourceId;
    citations.push(citation);
  }

  const creator = hypothesisApi ? item.user : item.creator;
  const creatorObj = Array.isArray(creator) ? creator[0] : creator;
  const author: Annotation['author'] = { name: '' };
  if (typeof creatorObj === 'string') author.name = creatorObj.replace(/^acct:/, '');
  else if (creatorObj && typeof creatorObj === 'object') {
    const c = creatorObj as Json;
    author.name = str(c.name) ?? str(c.nickname) ?? '';
    const homepage = iriOf(c.homepage);
    if (homepage) author.url = homepage;
    const organisation = str(c['sw:organisation']);
    if (organisation) author.organisation = organisation;
  }

  const documentTitle = hypothesisApi ? asArray((item.document as Json | undefined)?.title)[0] : undefined;
  const candidate: Record<string, unknown> = {
    id: str(item.id) ?? str(item['@id']),
    pageUrl,
    pageTitle: (target && str(target['sw:pageTitle'])) ?? str(documentTitle) ?? '',
    created: item.created,
    modified: item.modified ?? item.updated ?? item.created,
    verdict,
    note: note.join('\n\n'),
    noteFormat,
    citations,
    tags,
    author,
    selectors: {
      quote: quote ? { exact: quote.exact, prefix: quote.prefix ?? '', suffix: quote.suffix ?? '' } : undefined,
      ...(positionSel ? { position: { start: positionSel.start, end: positionSel.end } } : {}),
      ...(rangeSel ? rangeHintOf(rangeSel) : {}),
    },
    pageTextHash: (target && str(target['sw:pageTextHash'])) ?? null,
  };
  if (claimId !== undefined) candidate.claimId = claimId;
  if (hypothesisApi && typeof item.id === 'string' && !/^(urn:|https?:)/i.test(item.id)) {
    // The Hypothesis API gives bare ids; its W3C export names them by this IRI.
    candidate.id = `https://hypothes.is/a/${item.id}`;
  }
  if (errors.length) return { ok: false, errors };
  const result = v.safeParse(AnnotationSchema, candidate);
  return result.success ? { ok: true, annotation: result.output } : { ok: false, errors: formatIssues(result.issues) };
}

function isSelector(s: unknown, type: string): s is Json {
  return !!s && typeof s === 'object' && hasType(s as Json, type);
}

/** Our RangeSelector (XPathSelector refined by TextPositionSelector) or Hypothesis' container form. */
function rangeHintOf(sel: Json): { rangeHint?: RangeHint } {
  const start = sel.startSelector as Json | undefined;
  const end = sel.endSelector as Json | undefined;
  if (start && end) {
    const so = (start.refinedBy as Json | undefined)?.start;
    const eo = (end.refinedBy as Json | undefined)?.start;
    if (isPath(start.value) && isPath(end.value) && isOffset(so) && isOffset(eo)) {
      return { rangeHint: { startPath: start.value, startOffset: so, endPath: end.value, endOffset: eo } };
    }
    return {};
  }
  // A hint only: one we cannot use is dropped rather than failing the import.
  if (isPath(sel.startContainer) && isPath(sel.endContainer) && isOffset(sel.startOffset) && isOffset(sel.endOffset)) {
    return { rangeHint: { startPath: sel.startContainer, startOffset: sel.startOffset, endPath: sel.endContainer, endOffset: sel.endOffset } };
  }
  return {};
}

const isPath = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 4_000;
const isOffset = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
