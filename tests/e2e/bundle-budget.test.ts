/**
 * The always-on page script (page-watch.js, run by the background in every page the reader lets
 * Stationwatch read) runs on every page a reader opens, so its size is a budget
 * (CONTENT_SCRIPT_GZIP_BUDGET_BYTES, 12 KB gzip). The card UI (Preact, the card, its styles) and the
 * page scanner (text index, detector, highlighter) are not part of it: the background injects
 * content-ui.js and page-scanner.js only into pages that have something to show, and the script's
 * awake part (page-awake.js) only where it has something to do.
 * Runs on the build (tests/e2e/global-setup.ts builds one when none is there).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR } from './harness';
import { CONTENT_SCRIPT_GZIP_BUDGET_BYTES } from '../../lib/limits';

const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
  content_scripts?: { js?: string[] }[];
  web_accessible_resources?: unknown[];
};
const ALWAYS_ON = 'page-watch.js';

describe('content script budget', () => {
  it('declares no content script (the background runs the page script), and exposes no file to web pages', () => {
    expect(manifest.content_scripts ?? []).toEqual([]);
    // A web-accessible file lets any page probe whether a reader has the extension.
    expect(manifest.web_accessible_resources ?? []).toEqual([]);
  });

  it(`stays within ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES} bytes gzip`, () => {
    const bytes = readFileSync(join(EXTENSION_DIR, ALWAYS_ON));
    const gzip = gzipSync(bytes).length;
    console.log(`page-watch.js: ${bytes.length} bytes, ${gzip} gzip; budget ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES}`);
    expect(gzip, `page-watch.js is ${bytes.length} bytes, ${gzip} gzip`).toBeLessThanOrEqual(CONTENT_SCRIPT_GZIP_BUDGET_BYTES);
  });

  it('leaves the card UI and the page scanner out of the always-on script', () => {
    const js = readFileSync(join(EXTENSION_DIR, ALWAYS_ON), 'utf8');
    const ui = readFileSync(join(EXTENSION_DIR, 'content-ui.js'), 'utf8');
    const scanner = readFileSync(join(EXTENSION_DIR, 'page-scanner.js'), 'utf8');
    // The card's class names and dialog role live in content-ui.js only.
    for (const marker of ['sw-card', 'aria-labelledby']) {
      expect(ui).toContain(marker);
      expect(js).not.toContain(marker);
    }
    // The highlight names live in page-scanner.js only.
    expect(scanner).toContain('stationwatch-allegation');
    expect(js).not.toContain('stationwatch-allegation');
  });

  it('keeps the detector out of every script that runs in pages: the background decides', () => {
    const background = readFileSync(join(EXTENSION_DIR, 'background.js'), 'utf8');
    // The detector's format check is in the detector's loader, so it marks where the detector is.
    expect(background).toContain('not a Stationwatch detector');
    for (const file of [ALWAYS_ON, 'page-awake.js', 'page-scanner.js', 'content-ui.js']) {
      expect(readFileSync(join(EXTENSION_DIR, file), 'utf8'), file).not.toContain('not a Stationwatch detector');
    }
  });

  it('leaves the awake part (settings, tab commands) out of the always-on script', () => {
    const js = readFileSync(join(EXTENSION_DIR, ALWAYS_ON), 'utf8');
    const awake = readFileSync(join(EXTENSION_DIR, 'page-awake.js'), 'utf8');
    // Tab command names and the settings' storage read live in page-awake.js only.
    for (const marker of ['get-findings', 'toggle-highlights', 'annotatedPages']) {
      expect(awake).toContain(marker);
      expect(js).not.toContain(marker);
    }
  });

  it('does not bundle webextension-polyfill into the always-on script, nor announce itself to the page', () => {
    const js = readFileSync(join(EXTENSION_DIR, ALWAYS_ON), 'utf8');
    expect(js).not.toMatch(/webextension-polyfill|wrapAPIs/);
    // WXT's content-script wrapper posts these to the page on every start.
    expect(js).not.toContain('content-script-started');
    expect(js).not.toMatch(/\bpostMessage\(/);
  });
});
