/**
 * A fact-checker's annotation on a web page: a verdict on a passage, a note, citations, an optional
 * link to a dataset claim, tags, the author, and the selectors that find the passage again.
 *
 * The valibot schema is the single definition; the TypeScript type is derived from it. Pure: no DOM,
 * no extension APIs, so exports, imports and the CLI share it.
 *
 * Offsets in `selectors.position` are into the page's visible text as produced by the DOM adapter;
 * see lib/anchoring/describe.ts for the coordinate system.
 */
import * as v from 'valibot';
import { MAX_NOTE_CHARS } from '../limits';

/** The verdict scale, best to worst, then "unproven" which is off the accuracy scale. */
export const VERDICTS = ['accurate', 'mostly-accurate', 'missing-context', 'misleading', 'false', 'unproven'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What readers see for each verdict; exports use these as the human-readable rating. */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  accurate: 'Accurate',
  'mostly-accurate': 'Mostly accurate',
  'missing-context': 'Missing context',
  misleading: 'Misleading',
  false: 'False',
  unproven: 'Unproven',
};

export const NOTE_FORMATS = ['text', 'markdown'] as const;
export type NoteFormat = (typeof NOTE_FORMATS)[number];

/** Longest quoted passage we store; longer selections are almost always accidental select-alls. */
export const MAX_QUOTE_CHARS = 10_000;
/** Longest prefix or suffix; describe() stops growing context well before this. */
export const MAX_CONTEXT_CHARS = 2_000;
export const MAX_CITATIONS = 50;
export const MAX_TAGS = 50;
export const MAX_TAG_CHARS = 100;
export const MAX_URL_CHARS = 2_000;
/** Longest DOM path string kept in a range hint. */
export const MAX_PATH_CHARS = 4_000;

const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_CHARS, `URLs are at most ${MAX_URL_CHARS} characters`),
  v.url('expected a URL'),
  v.regex(/^https?:\/\//i, 'only http(s) URLs'),
);

/** Our ids are `urn:uuid:…`; ids of annotations imported from other clients are kept as their own IRIs. */
export const AnnotationIdSchema = v.pipe(
  v.string(),
  v.maxLength(500, 'annotation ids are at most 500 characters'),
  v.regex(/^(urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+|https?:\/\/[^\s]+)$/i, 'annotation ids are urn: or http(s) IRIs'),
);

const Timestamp = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/,
    'expected an ISO 8601 date-time with a time zone',
  ),
  v.check((s) => {
    // Date.parse rolls 31 February over into March, so check the day against the month.
    const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
    return d <= new Date(Date.UTC(y, m, 0)).getUTCDate() && !Number.isNaN(Date.parse(s));
  }, 'not a real date-time'),
);

const Offset = v.pipe(v.number(), v.integer('offsets are integers'), v.minValue(0, 'offsets are not negative'));

export const CitationSchema = v.object({
  url: HttpUrl,
  title: v.optional(v.pipe(v.string(), v.maxLength(1_000))),
  /** A dataset source id (fact-sheet slug) when the citation was picked from the dataset. */
  sourceId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'not a dataset source id'))),
});
export type Citation = v.InferOutput<typeof CitationSchema>;

export const AuthorSchema = v.object({
  /** Empty only for annotations imported from clients that did not name their author. */
  name: v.pipe(v.string(), v.maxLength(200)),
  organisation: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  url: v.optional(HttpUrl),
});
export type Author = v.InferOutput<typeof AuthorSchema>;

export const TextQuoteSchema = v.object({
  exact: v.pipe(
    v.string(),
    v.minLength(1, 'the quote is empty'),
    v.maxLength(MAX_QUOTE_CHARS, `quotes are at most ${MAX_QUOTE_CHARS} characters`),
  ),
  prefix: v.pipe(v.string(), v.maxLength(MAX_CONTEXT_CHARS)),
  suffix: v.pipe(v.string(), v.maxLength(MAX_CONTEXT_CHARS)),
});
export type TextQuote = v.InferOutput<typeof TextQuoteSchema>;

export const TextPositionSchema = v.pipe(
  v.object({ start: Offset, end: Offset }),
  v.check((p) => p.end > p.start, 'position end must be after start'),
);
export type TextPosition = v.InferOutput<typeof TextPositionSchema>;

/** Where the DOM adapter found the range at creation: a fast path only, never trusted alone. */
export const RangeHintSchema = v.object({
  startPath: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PATH_CHARS)),
  startOffset: Offset,
  endPath: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PATH_CHARS)),
  endOffset: Offset,
});
export type RangeHint = v.InferOutput<typeof RangeHintSchema>;

export const SelectorsSchema = v.object({
  quote: TextQuoteSchema,
  /** Absent only for annotations imported from clients that gave no position. */
  position: v.optional(TextPositionSchema),
  rangeHint: v.optional(RangeHintSchema),
});
export type Selectors = v.InferOutput<typeof SelectorsSchema>;

/** `fnv1a64:` + 16 hex digits; see lib/anchoring/text-hash.ts. */
export const PageTextHashSchema = v.pipe(v.string(), v.regex(/^fnv1a64:[0-9a-f]{16}$/, 'expected fnv1a64:<16 hex digits>'));

export const AnnotationSchema = v.object({
  id: AnnotationIdSchema,
  pageUrl: HttpUrl,
  pageTitle: v.pipe(v.string(), v.maxLength(1_000)),
  created: Timestamp,
  modified: Timestamp,
  /** Null only for annotations imported from clients that have no verdict (plain comments). */
  verdict: v.nullable(v.picklist(VERDICTS, `verdict must be one of ${VERDICTS.join(', ')}`)),
  note: v.pipe(v.string(), v.maxLength(MAX_NOTE_CHARS, `notes are at most ${MAX_NOTE_CHARS} characters`)),
  noteFormat: v.picklist(NOTE_FORMATS),
  citations: v.pipe(v.array(CitationSchema), v.maxLength(MAX_CITATIONS)),
  claimId: v.optional(v.pipe(v.string(), v.regex(/^C\d{2,4}$/, 'claim ids look like C07'))),
  tags: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'tags are not empty'), v.maxLength(MAX_TAG_CHARS))),
    v.maxLength(MAX_TAGS),
  ),
  author: AuthorSchema,
  selectors: SelectorsSchema,
  /** Hash of the page text at creation; null for imports from clients that do not record one. */
  pageTextHash: v.nullable(PageTextHashSchema),
});
export type Annotation = v.InferOutput<typeof AnnotationSchema>;

/** One readable line per problem: `path: message`. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
}

/** Validates an annotation, returning it or the list of readable problems. */
export function checkAnnotation(input: unknown): { ok: true; annotation: Annotation } | { ok: false; errors: string[] } {
  const result = v.safeParse(AnnotationSchema, input);
  return result.success ? { ok: true, annotation: result.output } : { ok: false, errors: formatIssues(result.issues) };
}

/** Validates an annotation; throws an Error listing every problem. */
export function parseAnnotation(input: unknown): Annotation {
  const checked = checkAnnotation(input);
  if (!checked.ok) throw new Error(`annotation is invalid: ${checked.errors.join('; ')}`);
  return checked.annotation;
}

/** A fresh annotation id (`urn:uuid:` + a random v4 UUID). */
export function newAnnotationId(): string {
  return `urn:uuid:${crypto.randomUUID()}`;
}

/** The author block for an annotation from the options profile, dropping empty fields. */
export function authorFromProfile(profile: { name: string; organisation: string; url: string }): Author {
  const author: Author = { name: profile.name.trim() };
  const organisation = profile.organisation.trim();
  const url = profile.url.trim();
  if (organisation) author.organisation = organisation;
  if (url) author.url = url;
  return author;
}

/** Human label for a verdict id ("mostly-accurate" → "Mostly accurate"); "No verdict" for null. */
export function verdictLabel(verdict: Verdict | null): string {
  return verdict === null ? 'No verdict' : VERDICT_LABELS[verdict];
}

/** Verdict id from an id or a display label, case- and spacing-insensitive; null if unknown. */
export function parseVerdict(value: string): Verdict | null {
  const key = value.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return (VERDICTS as readonly string[]).includes(key) ? (key as Verdict) : null;
}

/** Deep equality of two annotations, ignoring key order and absent-vs-undefined optional fields. */
export function annotationsEqual(a: Annotation, b: Annotation): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(val).sort()) {
        const item = (val as Record<string, unknown>)[k];
        if (item !== undefined) sorted[k] = item;
      }
      return sorted;
    }
    return val;
  });
}
