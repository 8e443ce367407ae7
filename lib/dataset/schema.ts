/**
 * The Stationwatch dataset: one JSON document validated at load with valibot.
 * TypeScript types are derived from the schema, so the schema is the single definition.
 *
 * Ids are stable across versions and unique across all record kinds, so a bare id is enough to
 * refer to a record: claims `C01`…, reports `R-…`, stations `ST-…`, responses `GR-…`,
 * denials and official statements `DN-…`; sources keep the fact sheet's slugs.
 */
import * as v from 'valibot';

/** Bump when the document shape changes in a way older readers cannot handle. */
export const DATASET_SCHEMA_VERSION = 1;

export const LANGS = [
  'en', 'zh-Hans', 'zh-Hant', 'es', 'it', 'fr', 'nl', 'de', 'pt', 'ja', 'ko', 'sv', 'cs', 'ro',
  'hu', 'pl', 'he', 'id', 'sw', 'th', 'ru', 'et', 'hr', 'sr', 'el', 'fi', 'da', 'no', 'sk', 'sl',
  'bg', 'uk', 'tr', 'ar', 'vi',
] as const;
export type Lang = (typeof LANGS)[number];

export const CLAIM_STATUSES = [
  'reported',
  'disputed',
  'denied-by-china',
  'confirmed-by-court',
  'confirmed-by-authorities',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const STATION_STATUSES = [
  'reported',
  'under-investigation',
  'no-evidence-found',
  'ordered-closed',
  'closed',
  'reported-closed',
  'charged',
  'prosecuted',
  'convicted',
] as const;

export const SOURCE_KINDS = ['report', 'news', 'official-statement', 'court-record', 'testimony', 'reference'] as const;

export const RESPONSE_ACTIONS = [
  'investigation',
  'search',
  'closure',
  'arrest',
  'charge',
  'plea',
  'conviction',
  'sentence',
  'statement',
  'diplomatic-protest',
  'no-concern-found',
  'investigation-closed',
] as const;

export const TERM_KINDS = [
  /** Names the story itself: "overseas police station", "110 Overseas", "海外警务服务站". */
  'topic',
  /** A report or the NGO behind it: "Safeguard Defenders", "Patrol and Persuade". */
  'report',
  /** A station's name, host organisation or address. */
  'station',
  /** A named person in the story (defendants, spokespeople). */
  'person',
  /** A phrase common outside the story ("police station", "contact point"): counts only near topic evidence. */
  'generic',
] as const;

/** ISO 8601 date, possibly partial (YYYY, YYYY-MM, YYYY-MM-DD). */
const IsoDate = v.pipe(v.string(), v.regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)'));
const HttpUrl = v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//i, 'only http(s) URLs'));
const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'ids are 1–80 characters of A–Z, 0–9, . _ -'));
const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const LangSchema = v.picklist(LANGS);
const IdList = v.pipe(v.array(Id), v.maxLength(200));
const SourceIds = v.pipe(v.array(Id), v.minLength(1, 'every record cites at least one source'), v.maxLength(50));

/** A short verbatim statement by a named speaker; everything else is summarised in our own words. */
export const QuoteSchema = v.object({
  text: Text(300),
  speaker: Text(200),
  lang: LangSchema,
  /** Set when the quote is our or a newspaper's translation of the original words. */
  translated: v.optional(v.boolean()),
});

export const SourceSchema = v.object({
  id: Id,
  publisher: Text(200),
  title: Text(400),
  date: v.nullable(IsoDate),
  url: HttpUrl,
  kind: v.picklist(SOURCE_KINDS),
  language: LangSchema,
  /** Why this source is weaker or how it was read (mirror, translation, aggregator). */
  note: v.optional(Text(600)),
});

export const ReportSchema = v.object({
  id: Id,
  title: Text(300),
  publisher: Text(200),
  date: v.nullable(IsoDate),
  figures: v.object({
    stations: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
    countries: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
    note: v.optional(Text(600)),
  }),
  summary: Text(1200),
  sourceIds: SourceIds,
});

export const StationStatusEntrySchema = v.object({
  date: v.nullable(IsoDate),
  status: v.picklist(STATION_STATUSES),
  summary: Text(600),
  sourceIds: SourceIds,
});

export const StationSchema = v.object({
  id: Id,
  city: Text(120),
  country: Text(80),
  /** ISO 3166-1 alpha-2. */
  countryCode: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
  address: v.nullable(Text(200)),
  /** PRC police jurisdiction said to run it (Fuzhou, Qingtian, Nantong, Wenzhou, Lishui…), null if unknown. */
  jurisdiction: v.nullable(Text(80)),
  firstReported: v.object({ date: v.nullable(IsoDate), reportId: v.nullable(Id) }),
  /** Oldest first; the last entry is the current status. */
  statusHistory: v.pipe(v.array(StationStatusEntrySchema), v.minLength(1)),
  summary: Text(1200),
  /** Where sources disagree or a point is unconfirmed, said here in plain words. */
  disputed: v.optional(Text(600)),
  sourceIds: SourceIds,
});

export const ResponseSchema = v.object({
  id: Id,
  country: Text(80),
  countryCode: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
  date: v.nullable(IsoDate),
  actor: Text(200),
  action: v.picklist(RESPONSE_ACTIONS),
  summary: Text(1200),
  quote: v.optional(QuoteSchema),
  unconfirmed: v.optional(v.boolean()),
  stationIds: IdList,
  claimIds: IdList,
  sourceIds: SourceIds,
});

export const DenialSchema = v.object({
  id: Id,
  speaker: Text(200),
  role: Text(200),
  date: v.nullable(IsoDate),
  /** The position in our own words. */
  position: Text(1200),
  quote: v.optional(QuoteSchema),
  /** The claims this statement answers: at least one. */
  claimIds: v.pipe(v.array(Id), v.minLength(1, 'every denial answers at least one claim')),
  stationIds: IdList,
  sourceIds: SourceIds,
});

export const ClaimSchema = v.object({
  id: Id,
  /** Canonical English wording. */
  text: Text(400),
  /** The same claim as people say it, per language; the claim matcher and claim spotter read these. */
  phrasings: v.pipe(
    v.record(LangSchema, v.pipe(v.array(Text(400)), v.maxLength(40))),
    // valibot's record() also accepts arrays; phrasings are keyed by language.
    v.check((value) => !Array.isArray(value), 'phrasings is an object keyed by language'),
  ),
  status: v.picklist(CLAIM_STATUSES),
  statusDate: v.nullable(IsoDate),
  context: Text(1500),
  /** Numbers the claim asserts (stations, countries, people); a sentence with other numbers is not this claim. */
  numbers: v.array(v.number()),
  /** Places and names the claim is about; a sentence about another place is not this claim. */
  entities: v.array(Text(120)),
  /** Denials and official statements answering this claim; must equal the denials whose claimIds name it. */
  denialIds: IdList,
  stationIds: IdList,
  sourceIds: SourceIds,
});

/** What the detector looks for, tied to the records a mention refers to. */
export const TermSchema = v.object({
  text: Text(120),
  lang: LangSchema,
  kind: v.picklist(TERM_KINDS),
  refs: IdList,
});

export const ChangelogEntrySchema = v.object({ version: Text(40), date: IsoDate, summary: Text(1000) });

export const DatasetSchema = v.object({
  schemaVersion: v.literal(DATASET_SCHEMA_VERSION),
  /** Semantic version of the content; a feed is installed only when newer than what is installed. */
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, 'version is MAJOR.MINOR.PATCH')),
  asOf: IsoDate,
  title: Text(200),
  method: Text(4000),
  changelog: v.array(ChangelogEntrySchema),
  sources: v.array(SourceSchema),
  reports: v.array(ReportSchema),
  stations: v.array(StationSchema),
  responses: v.array(ResponseSchema),
  denials: v.array(DenialSchema),
  claims: v.array(ClaimSchema),
  terms: v.array(TermSchema),
});

export type Quote = v.InferOutput<typeof QuoteSchema>;
export type Source = v.InferOutput<typeof SourceSchema>;
export type Report = v.InferOutput<typeof ReportSchema>;
export type Station = v.InferOutput<typeof StationSchema>;
export type StationStatusEntry = v.InferOutput<typeof StationStatusEntrySchema>;
export type GovResponse = v.InferOutput<typeof ResponseSchema>;
export type Denial = v.InferOutput<typeof DenialSchema>;
export type Claim = v.InferOutput<typeof ClaimSchema>;
export type Term = v.InferOutput<typeof TermSchema>;
export type Dataset = v.InferOutput<typeof DatasetSchema>;
export type TermKind = (typeof TERM_KINDS)[number];
export type RecordKind = 'source' | 'report' | 'station' | 'response' | 'denial' | 'claim';

/** Thrown with every problem found, each as `path: message`, so a maintainer sees all at once. */
export class DatasetError extends Error {
  constructor(readonly problems: string[]) {
    super(`dataset is invalid: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
    this.name = 'DatasetError';
  }
}

/** Validates the shape of a parsed dataset document. Referential checks are in `integrity.ts`. */
export function parseDataset(input: unknown): Dataset {
  const result = v.safeParse(DatasetSchema, input);
  if (result.success) return result.output;
  throw new DatasetError(
    result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
  );
}
