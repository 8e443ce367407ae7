import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readingOff } from '../../lib/settings';

describe('settings: where Stationwatch may not read', () => {
  const settings = { ...DEFAULT_SETTINGS, disabledSites: ['example.org'] };

  it('turns a site off with its subdomains, and no other site', () => {
    expect(readingOff(settings, 'https://example.org/news')).toBe(true);
    expect(readingOff(settings, 'https://www.EXAMPLE.org/a#b')).toBe(true);
    expect(readingOff(settings, 'https://notexample.org/')).toBe(false);
    expect(readingOff(settings, 'https://example.com/')).toBe(false);
  });

  it('applies the pause everywhere, also where a URL has no host', () => {
    expect(readingOff({ ...settings, paused: true }, 'https://example.com/')).toBe(true);
    expect(readingOff({ ...settings, paused: true }, '')).toBe(true);
    expect(readingOff(settings, '')).toBe(false);
  });
});
