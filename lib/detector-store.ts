/**
 * The precompiled detector as the background leaves it in `storage.local`: a restarted background
 * worker loads it instead of compiling the dataset again, and its change tells awake pages that the
 * dataset changed. Pages never read it: every decision about a page's text is the background's.
 */
export const DETECTOR_STORAGE_KEY = 'detector';
export const SETTINGS_STORAGE_KEY = 'settings';
/** Page keys (URL without fragment) that have annotations, kept by the background. */
export const ANNOTATED_PAGES_STORAGE_KEY = 'annotatedPages';

export interface StoredDetector {
  datasetVersion: string;
  /** `compileDetector()` output, base64. */
  bytes: string;
  /** Claim status per claim id, for highlight styles. */
  statusByRecord: Record<string, string>;
}

/** Checks what was read from storage before it is trusted. */
export function isStoredDetector(value: unknown): value is StoredDetector {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.datasetVersion === 'string' && typeof v.bytes === 'string' && !!v.statusByRecord && typeof v.statusByRecord === 'object';
}
