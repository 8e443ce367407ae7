/**
 * The precompiled detector as the background leaves it in `storage.local` for content scripts:
 * reading it there costs a page no background wake-up.
 */
export const DETECTOR_STORAGE_KEY = 'detector';
export const SETTINGS_STORAGE_KEY = 'settings';
/** Page keys (URL without fragment) that have annotations, kept by the background. */
export const ANNOTATED_PAGES_STORAGE_KEY = 'annotatedPages';

export interface StoredDetector {
  datasetVersion: string;
  /** `compileDetector()` output, base64. */
  bytes: string;
  /** Claim status or a station's latest status per record id, for highlight styles. */
  statusByRecord: Record<string, string>;
}

/** Checks what was read from storage before a content script trusts it. */
export function isStoredDetector(value: unknown): value is StoredDetector {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.datasetVersion === 'string' && typeof v.bytes === 'string' && !!v.statusByRecord && typeof v.statusByRecord === 'object';
}
