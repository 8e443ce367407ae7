/**
 * Every message between the extension's contexts, typed and validated in one place.
 *
 * Requests go to the background with `sendToBackground`; the background checks each one against
 * its schema and against who sent it (`MESSAGE_ACCESS`), so a content script running on a hostile
 * page can only ask for what a page view needs, never stored annotations of other pages, exports or
 * settings changes. Commands to a tab's page script go with `sendToTab` (lib/messaging.ts) and are
 * validated there.
 */
import * as v from 'valibot';
import { FIRST_LOOK_MAX_CHARS, MAX_CARD_RECORD_IDS, MAX_MESSAGE_STRING_CHARS, MAX_REPORTED_MENTIONS, MAX_MENTION_TEXT_CHARS } from './limits';

// Marked free of side effects so bundlers drop these schemas from the content script, which only
// needs the tab-command checks below.
/* @__NO_SIDE_EFFECTS__ */
function Str(max = MAX_MESSAGE_STRING_CHARS) {
  return v.pipe(v.string(), v.maxLength(max));
}
const RecordId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/));
const PageUrl = v.pipe(v.string(), v.maxLength(8192), v.regex(/^(https?|file):\/\//i));

export const MentionSummarySchema = v.object({
  /** Index in page order; the side panel's jump uses it. */
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  text: Str(MAX_MENTION_TEXT_CHARS),
  kind: v.picklist(['topic', 'report', 'station', 'person', 'generic', 'claim', 'annotation']),
  refs: v.pipe(v.array(RecordId), v.maxLength(50)),
});
export type MentionSummary = v.InferOutput<typeof MentionSummarySchema>;

export const PageFindingsSchema = v.object({
  url: PageUrl,
  title: Str(500),
  onTopic: v.boolean(),
  score: v.number(),
  reasons: v.pipe(v.array(Str(500)), v.maxLength(20)),
  mentionCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  stationIds: v.pipe(v.array(RecordId), v.maxLength(500)),
  claimIds: v.pipe(v.array(RecordId), v.maxLength(500)),
  mentions: v.pipe(v.array(MentionSummarySchema), v.maxLength(MAX_REPORTED_MENTIONS)),
  /** True when the page is shown nothing (discreet mode); counts still reach the badge. */
  discreet: v.boolean(),
});
export type PageFindings = v.InferOutput<typeof PageFindingsSchema>;

/** What a frame reports when nothing of the story is on it (also before the page scanner loads). */
export function nothingFound(url: string, title: string, discreet: boolean): PageFindings {
  return { url: url.slice(0, 8192), title: title.slice(0, 500), onTopic: false, score: 0, reasons: [], mentionCount: 0, stationIds: [], claimIds: [], mentions: [], discreet };
}

/**
 * What the always-on script hands the background when the background runs it in a page: the page's
 * rendered text (the result of `scripting.executeScript`, so no message and no extension API is
 * touched in the page for it). `overLimit`: too long to hand over; the scanner reads it instead.
 */
export const FirstLookResultSchema = v.object({
  text: v.pipe(v.string(), v.maxLength(FIRST_LOOK_MAX_CHARS)),
  overLimit: v.boolean(),
  url: PageUrl,
  title: Str(500),
});
export type FirstLookResult = v.InferOutput<typeof FirstLookResultSchema>;

/** Checks what a page's first look returned; null when it is not a first look. */
export function validateFirstLookResult(raw: unknown): FirstLookResult | null {
  const parsed = v.safeParse(FirstLookResultSchema, raw);
  return parsed.success ? parsed.output : null;
}

/** Checks findings a page gave in answer to `get-findings`; null when they are not findings. */
export function validatePageFindings(raw: unknown): PageFindings | null {
  const parsed = v.safeParse(PageFindingsSchema, raw);
  return parsed.success ? parsed.output : null;
}

/** The always-on script's global in the extension's isolated world of a page. */
export const PAGE_WATCH_GLOBAL = '__stationwatchWatch';

/** What the background calls on the always-on script (through `scripting.executeScript`). */
export interface PageWatchApi {
  /** Run again in the same document: a new whole-page look while it is still quiet, else null. */
  again(): Promise<FirstLookResult | null>;
  /**
   * Start the awake part: answer tab commands (settings and dataset changes among them), load annotations;
   * with `candidate`, also start the page scanner. The awake part (page-awake.js) must be injected first.
   */
  wake(request: WakeRequest): Promise<void>;
}

/**
 * Why the background wakes a page script: `candidate`, a term was found (the page scanner is already
 * injected); `settings` and `annotated` spare the page its own storage read (validated there).
 */
export interface WakeRequest {
  candidate: boolean;
  /** With `candidate`: the background will take the scanner's first decision itself (`ScannerApi.question`). */
  pull?: boolean;
  settings?: unknown;
  annotated?: boolean;
}

/** Requests to the background: name → [request schema, response type]. */
export const BackgroundRequests = {
  /** Content script: what it found on its page (badge, popup, side panel). */
  'page-findings': v.object({ findings: PageFindingsSchema }),
  /** Content script: records behind a mention, for its card. */
  'card-context': v.object({ ids: v.pipe(v.array(RecordId), v.minLength(1), v.maxLength(MAX_CARD_RECORD_IDS)) }),
  /** Content script: load the card UI into this frame, only once there is something to show. */
  'inject-ui': v.object({}),
  /**
   * Content script: its page's rendered text; is any term in it? (Checked in memory, never stored.)
   * `whole` says the text is the whole page (not only text added since): a page without terms is
   * then reported as "nothing found" for the badge and popup.
   */
  'first-look': v.object({ text: v.pipe(v.string(), v.maxLength(FIRST_LOOK_MAX_CHARS)), whole: v.boolean(), discreet: v.boolean() }),
  /** Page scanner: the whole-page decision (mentions, claims, verdict, claim statuses) over its text index's text; checked in memory, never stored. */
  'detect-page': v.object({ text: v.pipe(v.string(), v.maxLength(FIRST_LOOK_MAX_CHARS)) }),
  /** Content script: load the page scanner into this frame, once the first look found a term. */
  'inject-scanner': v.object({}),
  /**
   * The quiet page script: load its awake part into this frame and wake it (it saw changed text to
   * look at). Not injected (`injected: false`) while paused or on a disabled site.
   */
  'inject-awake': v.object({}),
  /**
   * Content script, awake, back from the back/forward cache: the settings now (with whether its page
   * has annotations), which the background could not tell it while it was away.
   */
  'page-settings': v.object({}),
  /** Popup / side panel: findings for a tab. */
  'tab-findings': v.object({ tabId: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  /** Extension pages: dataset version, as-of date, counts, last update outcome. */
  'dataset-info': v.object({}),
  /** Options: check the configured feed now. */
  'feed-update-now': v.object({}),
  /** Options: settings were saved; re-arm the feed schedule. */
  'settings-changed': v.object({}),
  /** The dataset's claims and sources for the annotation editor's pickers. */
  'editor-pickers': v.object({}),
  /** Content script: the annotations of the sender's own page (the page is taken from the sender, not the body). */
  'page-annotations': v.object({}),
  /** Save (insert or replace) one annotation; a content script only for its own page. */
  'annotation-save': v.object({ annotation: v.unknown() }),
  /** Delete one annotation; a content script only on its own page. Returns the deleted one (undo). */
  'annotation-delete': v.object({ id: v.pipe(v.string(), v.maxLength(500)) }),
  /** Extension pages: search and filter all annotations. */
  'annotations-query': v.object({
    query: v.object({
      text: v.optional(Str(500)),
      verdict: v.optional(Str(40)),
      tag: v.optional(Str(100)),
      site: v.optional(Str(253)),
      from: v.optional(Str(10)),
      to: v.optional(Str(10)),
      pageUrl: v.optional(Str(8192)),
    }),
  }),
  /** Extension pages: add or replace many annotations at once (an import), all or nothing. */
  'annotations-import': v.object({ annotations: v.pipe(v.array(v.unknown()), v.maxLength(100_000)) }),
  /** Options: everything the user made (settings and annotations) as one JSON document. */
  'backup-export': v.object({}),
  /** Options: restore a backup, all or nothing. */
  'backup-import': v.object({ backup: v.unknown() }),
  /** Any context: open one of our pages in a tab (a page cannot link to extension URLs itself). */
  'open-extension-page': v.object({
    page: v.picklist(['about', 'options', 'checker']),
    recordIds: v.optional(v.pipe(v.array(RecordId), v.maxLength(MAX_CARD_RECORD_IDS))),
    text: v.optional(Str()),
  }),
} as const;
export type BackgroundRequestName = keyof typeof BackgroundRequests;
export type BackgroundRequest<N extends BackgroundRequestName> = v.InferOutput<(typeof BackgroundRequests)[N]>;

/** Which senders may make each request: 'content' = a content script in a tab, 'extension' = our own pages. */
export const MESSAGE_ACCESS: Record<BackgroundRequestName, ReadonlyArray<'content' | 'extension'>> = {
  'page-findings': ['content'],
  'card-context': ['content', 'extension'],
  'inject-ui': ['content'],
  'first-look': ['content'],
  'detect-page': ['content'],
  'inject-scanner': ['content'],
  'inject-awake': ['content'],
  'page-settings': ['content'],
  'tab-findings': ['extension'],
  'dataset-info': ['content', 'extension'],
  'feed-update-now': ['extension'],
  'settings-changed': ['extension'],
  'open-extension-page': ['content', 'extension'],
  'editor-pickers': ['content', 'extension'],
  'page-annotations': ['content'],
  'annotation-save': ['content', 'extension'],
  'annotation-delete': ['content', 'extension'],
  'annotations-query': ['extension'],
  'annotations-import': ['extension'],
  'backup-export': ['extension'],
  'backup-import': ['extension'],
};

export interface DatasetInfo {
  version: string;
  asOf: string;
  counts: Record<string, number>;
  countries: number;
  installedAt: string | null;
  lastFeed: { at: string; ok: boolean; message: string } | null;
  lastInstallError: string | null;
}

/** A record for a card with everything linked to it, resolved by the background. */
export type { CardContext } from './dataset/context';

/** The background's decision over a page scanner's text, with what the highlights need to style it. */
export interface PageDecision {
  detection: import('./match/detector').Detection;
  /** Status of each claim the decision refers to (the claim's own status: reported, disputed, denied…). */
  statuses: Record<string, string>;
}

export interface BackgroundResponses {
  'page-findings': { ok: true };
  'card-context': import('./dataset/context').CardContext;
  'inject-ui': { ok: true };
  'first-look': { candidate: boolean };
  'detect-page': PageDecision;
  'inject-scanner': { ok: true };
  'inject-awake': { injected: boolean };
  'page-settings': WakeRequest;
  'tab-findings': PageFindings | null;
  'dataset-info': DatasetInfo;
  'feed-update-now': { ok: boolean; message: string };
  'settings-changed': { ok: true };
  'open-extension-page': { ok: true };
  'editor-pickers': import('../components/AnnotationEditor').EditorOptions;
  'page-annotations': import('./annotation/model').Annotation[];
  'annotation-save': import('./annotation/model').Annotation;
  'annotation-delete': import('./annotation/model').Annotation | null;
  'annotations-query': import('./annotation/model').Annotation[];
  'annotations-import': { added: number; replaced: number };
  'backup-export': import('./annotation/backup').Backup;
  'backup-import': { annotations: number; settings: boolean };
}

/** The envelope on the wire; `error` replaces `data` when the background refused or failed. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: string };

export interface BackgroundEnvelope {
  to: 'background';
  name: BackgroundRequestName;
  body: unknown;
}

/** What a page script takes with `settings-changed`. */
export interface SettingsChange {
  settings?: unknown;
  annotated?: boolean;
  datasetChanged?: boolean;
}

/** A command body that must be a plain object (and carries nothing). */
const emptyBody = (body: unknown): {} | null => (body && typeof body === 'object' && !Array.isArray(body) ? {} : null);

/**
 * Commands a tab's content script accepts (from the background or the side panel), each with the
 * check of its body. Written by hand rather than with valibot: this part ships in the always-on
 * content script, where every kilobyte is paid on every page.
 */
export const TabCommands = {
  /** Scroll to the n-th mention in page order and flash it. */
  jump: (body: unknown): { index: number } | null => {
    const index = emptyBody(body) && (body as { index?: unknown }).index;
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? { index } : null;
  },
  'next-mention': emptyBody,
  'previous-mention': emptyBody,
  'open-card': emptyBody,
  'toggle-highlights': emptyBody,
  /**
   * Settings or the dataset changed: adopt the settings given (checked there with readSettings; read
   * from storage when absent) and rescan or clean up; `datasetChanged`: scan again.
   */
  'settings-changed': (body: unknown): SettingsChange | null => {
    if (!emptyBody(body)) return null;
    const { settings, annotated, datasetChanged } = body as { settings?: unknown; annotated?: unknown; datasetChanged?: unknown };
    if (annotated !== undefined && typeof annotated !== 'boolean') return null;
    if (datasetChanged !== undefined && typeof datasetChanged !== 'boolean') return null;
    return { settings, annotated, datasetChanged };
  },
  /** Return this frame's findings (the side panel asks when it opens). */
  'get-findings': emptyBody,
  /** Open the annotation editor on the current selection (context menu, keyboard command). */
  'annotate-selection': emptyBody,
  /** Annotations of this page changed elsewhere: reload and re-anchor them. */
  'annotations-changed': emptyBody,
  /** Which of this page's annotations are anchored and which are orphans. */
  'annotation-status': emptyBody,
  /** Scroll to an annotation and flash it. */
  'jump-annotation': (body: unknown): { id: string } | null => {
    const id = emptyBody(body) && (body as { id?: unknown }).id;
    return typeof id === 'string' && id.length <= 500 ? { id } : null;
  },
} as const;
export type TabCommandName = keyof typeof TabCommands;

/**
 * The isolated-world function through which a page script takes tab commands (`sendToTab` calls it
 * with `executeScript`): `(envelope) => Promise<Reply>`. Set by the awake part only.
 */
export const TAB_COMMAND_GLOBAL = '__stationwatchCommand';

/** The answer of a frame whose page script does not take commands (quiet, or absent). */
export const NOT_LISTENING = 'Receiving end does not exist';

export interface TabEnvelope {
  to: 'tab';
  name: TabCommandName;
  body: unknown;
}

/** Checks an incoming background request: a known name, a valid body, an allowed sender kind. */
export function validateBackgroundRequest(
  raw: unknown,
  senderKind: 'content' | 'extension' | 'other',
): { ok: true; name: BackgroundRequestName; body: unknown } | { ok: false; error: string } {
  if (!raw || typeof raw !== 'object') return { ok: false, error: 'message is not an object' };
  const { to, name, body } = raw as Partial<BackgroundEnvelope>;
  if (to !== 'background') return { ok: false, error: 'message is not addressed to the background' };
  if (typeof name !== 'string') return { ok: false, error: 'unknown message (its name is not a string)' };
  if (!Object.hasOwn(BackgroundRequests, name)) return { ok: false, error: `unknown message ${JSON.stringify(name.slice(0, 60))}` };
  const allowed = MESSAGE_ACCESS[name as BackgroundRequestName];
  if (senderKind === 'other' || !allowed.includes(senderKind)) {
    return { ok: false, error: `message ${name} is not allowed from this sender` };
  }
  const parsed = v.safeParse(BackgroundRequests[name as BackgroundRequestName], body);
  if (!parsed.success) {
    return { ok: false, error: `message ${name} is invalid: ${parsed.issues.map((i) => `${v.getDotPath(i) ?? '(body)'}: ${i.message}`).join('; ').slice(0, 500)}` };
  }
  return { ok: true, name: name as BackgroundRequestName, body: parsed.output };
}

/** Checks an incoming tab command. */
export function validateTabCommand(raw: unknown): { ok: true; name: TabCommandName; body: unknown } | { ok: false; error: string } {
  if (!raw || typeof raw !== 'object') return { ok: false, error: 'command is not an object' };
  const { to, name, body } = raw as Partial<TabEnvelope>;
  if (to !== 'tab' || typeof name !== 'string' || !Object.hasOwn(TabCommands, name)) {
    return { ok: false, error: 'unknown command' };
  }
  const checked = TabCommands[name as TabCommandName](body);
  if (!checked) return { ok: false, error: `command ${name} is invalid` };
  return { ok: true, name: name as TabCommandName, body: checked };
}
