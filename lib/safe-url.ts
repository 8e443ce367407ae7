/** Links from the dataset, annotations or imports are followed only when they are http(s). */

/** The URL, normalised, if it is an absolute http(s) URL; otherwise null (show it as text). */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 4096) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
