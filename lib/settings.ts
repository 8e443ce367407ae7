/** Reader and fact-checker settings, kept in `storage.local` so the content script can read them without waking the background. */
import * as v from 'valibot';

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

/** Reads stored settings, falling back field by field to defaults so one bad field never resets the rest. */
export function readSettings(stored: unknown): Settings {
  if (!stored || typeof stored !== 'object') return structuredClone(DEFAULT_SETTINGS);
  const merged = { ...structuredClone(DEFAULT_SETTINGS), ...(stored as object) } as Record<string, unknown>;
  const result = v.safeParse(SettingsSchema, merged);
  if (result.success) return result.output;
  const out = structuredClone(DEFAULT_SETTINGS) as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    const candidate = { ...out, [key]: merged[key] };
    if (v.safeParse(SettingsSchema, candidate).success) out[key] = merged[key];
  }
  return out as Settings;
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
