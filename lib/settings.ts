/** Reader and fact-checker settings, kept in `storage.local` so the content script can read them without waking the background. */
import * as v from 'valibot';
import { siteOf } from './annotation/page-url';

const HttpUrlOrEmpty = v.union([v.literal(''), v.pipe(v.string(), v.maxLength(2000), v.url(), v.regex(/^https?:\/\//i, 'only http(s) URLs'))]);

export const SettingsSchema = v.object({
  /** Global pause: the content script does nothing at all. */
  paused: v.boolean(),
  /** Nothing in the page changes; findings show only in the badge and the side panel. */
  discreet: v.boolean(),
  /** Highlights on or off (keyboard toggle); detection still runs. */
  highlights: v.boolean(),
  /** Fact-checkers: show a small "Annotate" button next to selected text. */
  annotateButton: v.boolean(),
  /** Hostnames where the extension does nothing. */
  disabledSites: v.pipe(v.array(v.pipe(v.string(), v.maxLength(253))), v.maxLength(5000)),
  /** Signed dataset feed; empty means never fetch anything. */
  feedUrl: HttpUrlOrEmpty,
  author: v.object({
    name: v.pipe(v.string(), v.maxLength(200)),
    organisation: v.pipe(v.string(), v.maxLength(200)),
    url: HttpUrlOrEmpty,
  }),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  paused: false,
  discreet: false,
  highlights: true,
  annotateButton: false,
  disabledSites: [],
  feedUrl: '',
  author: { name: '', organisation: '', url: '' },
};

/**
 * Reads stored settings, falling back field by field to defaults so one bad field never resets the
 * rest. Hand-written (no valibot) because the page script's awake part calls it in every page it wakes.
 */
export function readSettings(stored: unknown): Settings {
  // A plain copy, not structuredClone: in a page's fresh world each native call counts.
  const out: Settings = { ...DEFAULT_SETTINGS, disabledSites: [], author: { ...DEFAULT_SETTINGS.author } };
  if (!stored || typeof stored !== 'object') return out;
  const s = stored as Record<string, unknown>;
  const str = (x: unknown, max: number) => typeof x === 'string' && x.length <= max;
  const url = (x: unknown) => x === '' || (str(x, 2000) && /^https?:\/\/[^\s]+$/i.test(x as string));
  for (const key of ['paused', 'discreet', 'highlights', 'annotateButton'] as const) if (typeof s[key] === 'boolean') out[key] = s[key] as boolean;
  if (Array.isArray(s.disabledSites) && s.disabledSites.length <= 5000 && s.disabledSites.every((x) => str(x, 253))) out.disabledSites = [...(s.disabledSites as string[])];
  if (url(s.feedUrl)) out.feedUrl = s.feedUrl as string;
  const a = s.author as Record<string, unknown> | null | undefined;
  if (a && typeof a === 'object' && str(a.name, 200) && str(a.organisation, 200) && url(a.url)) {
    out.author = { name: a.name as string, organisation: a.organisation as string, url: a.url as string };
  }
  return out;
}

/** Validates a full settings object from a UI; throws with a readable message. */
export function parseSettings(input: unknown): Settings {
  const result = v.safeParse(SettingsSchema, input);
  if (result.success) return result.output;
  throw new Error(`settings are invalid: ${result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('; ')}`);
}

/** True when the extension must stay out of this hostname. */
export function isSiteDisabled(settings: Settings, hostname: string): boolean {
  const host = hostname.toLowerCase();
  return settings.disabledSites.some((site) => host === site || host.endsWith(`.${site}`));
}

/** Whether Stationwatch may not read the page at `url`: paused, or its site turned off (a URL without a host: the pause alone). */
export function readingOff(settings: Settings, url: string): boolean {
  return settings.paused || isSiteDisabled(settings, siteOf(url));
}
