/**
 * The always-on content script runs on every page a reader opens, so its size is a budget. The
 * target (CONTENT_SCRIPT_GZIP_BUDGET_BYTES, 12 KB gzip) is not met yet; until it is, this test holds
 * the line at CONTENT_SCRIPT_GZIP_CEILING_BYTES so the script cannot grow, and prints the gap. The card UI (Preact, the card, its styles) is not part of
 * it: the background injects content-ui.js only into pages that have something to show.
 * Runs on the build (tests/e2e/global-setup.ts builds one when none is there).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR } from './harness';
import { CONTENT_SCRIPT_GZIP_BUDGET_BYTES, CONTENT_SCRIPT_GZIP_CEILING_BYTES } from '../../lib/limits';

const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
  content_scripts?: { js?: string[] }[];
  web_accessible_resources?: unknown[];
};
const alwaysOn = (manifest.content_scripts ?? []).flatMap((c) => c.js ?? []);

describe('content script budget', () => {
  it('declares exactly one always-on script, and exposes no file to web pages', () => {
    expect(alwaysOn).toEqual(['content-scripts/content.js']);
    // A web-accessible file lets any page probe whether a reader has the extension.
    expect(manifest.web_accessible_resources ?? []).toEqual([]);
  });

  it(`does not grow past today's ceiling of ${CONTENT_SCRIPT_GZIP_CEILING_BYTES} bytes gzip (target ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES})`, () => {
    const bytes = readFileSync(join(EXTENSION_DIR, alwaysOn[0]!));
    const gzip = gzipSync(bytes).length;
    console.log(`content.js: ${bytes.length} bytes, ${gzip} gzip; target ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES} (${gzip > CONTENT_SCRIPT_GZIP_BUDGET_BYTES ? `${gzip - CONTENT_SCRIPT_GZIP_BUDGET_BYTES} over` : 'met'})`);
    expect(gzip, `content.js is ${bytes.length} bytes, ${gzip} gzip`).toBeLessThanOrEqual(CONTENT_SCRIPT_GZIP_CEILING_BYTES);
  });

  it('leaves the card UI out: no Preact and no card markup in the always-on script', () => {
    const js = readFileSync(join(EXTENSION_DIR, alwaysOn[0]!), 'utf8');
    const ui = readFileSync(join(EXTENSION_DIR, 'content-ui.js'), 'utf8');
    // The card's class names and dialog role live in content-ui.js only.
    for (const marker of ['sw-card', 'aria-labelledby']) {
      expect(ui).toContain(marker);
      expect(js).not.toContain(marker);
    }
  });
});
