/**
 * What the always-on content script is made of: `npx tsx bench/content-size.ts [--out DIR]`.
 *
 * Builds the Chromium extension with source maps into a scratch directory (the tree's .output is
 * left alone), then attributes every byte of content-scripts/content.js to the source file it came
 * from (source-map-explorer style) and prints, per source file, its minified bytes, its gzip size
 * on its own, and its share of the script's real gzip size (gzip of each file's bytes alone,
 * scaled so the shares add up to the total).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'wxt';
import { SourceMapConsumer } from 'source-map-js';
import { CONTENT_SCRIPT_GZIP_BUDGET_BYTES } from '../lib/limits';

const ROOT = resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1]!) : mkdtempSync(join(tmpdir(), 'stationwatch-size-'));
  try {
    await build({ root: ROOT, outDir, vite: () => ({ build: { sourcemap: true } }) });
    const dir = join(outDir, 'chrome-mv3', 'content-scripts');
    const js = readFileSync(join(dir, 'content.js'), 'utf8');
    const map = JSON.parse(readFileSync(join(dir, 'content.js.map'), 'utf8')) as ConstructorParameters<typeof SourceMapConsumer>[0];
    const consumer = new SourceMapConsumer(map);
    const mappings: { line: number; column: number; source: string | null }[] = [];
    consumer.eachMapping((m) => mappings.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
    mappings.sort((a, b) => a.line - b.line || a.column - b.column);
    const lines = js.split('\n');
    const bySource = new Map<string, string[]>();
    for (let i = 0; i < mappings.length; i++) {
      const m = mappings[i]!;
      const next = mappings[i + 1];
      const line = lines[m.line - 1] ?? '';
      const end = next && next.line === m.line ? next.column : line.length;
      const name = m.source ? relative(ROOT, resolve(dir, m.source)).replace(/^(\.\.\/)+/, '') : '(unmapped)';
      const list = bySource.get(name) ?? [];
      list.push(line.slice(m.column, end));
      bySource.set(name, list);
    }
    const total = gzipSync(js).length;
    const rows = [...bySource].map(([name, parts]) => {
      const text = parts.join('');
      return { name, bytes: text.length, alone: gzipSync(text).length };
    });
    const sumAlone = rows.reduce((a, r) => a + r.alone, 0);
    rows.sort((a, b) => b.alone - a.alone);
    process.stdout.write(`content.js: ${js.length} bytes, ${total} gzip (target ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES}, ${total > CONTENT_SCRIPT_GZIP_BUDGET_BYTES ? `${total - CONTENT_SCRIPT_GZIP_BUDGET_BYTES} over` : 'met'})\n\n`);
    process.stdout.write('| source | minified bytes | gzip alone | share of gzip |\n|---|---:|---:|---:|\n');
    for (const r of rows) process.stdout.write(`| ${r.name} | ${r.bytes} | ${r.alone} | ${Math.round((r.alone / sumAlone) * total)} |\n`);
  } finally {
    if (outIndex < 0) rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`content-size failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
