/**
 * What the always-on page script (page-watch.js), its awake part (page-awake.js) and the on-demand
 * page scanner (page-scanner.js) are made of: `npx tsx bench/content-size.ts [--out DIR]`.
 *
 * Builds the Chromium extension with source maps into a scratch directory (the tree's .output is
 * left alone), then attributes every byte of each script to the source file it came
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
    const dir = join(outDir, 'chrome-mv3');
    for (const script of ['page-watch.js', 'page-awake.js', 'page-scanner.js']) report(dir, script);
  } finally {
    if (outIndex < 0) rmSync(outDir, { recursive: true, force: true });
  }
}

function report(dir: string, script: string): void {
  const js = readFileSync(join(dir, script), 'utf8');
  const map = JSON.parse(readFileSync(join(dir, `${script}.map`), 'utf8')) as ConstructorParameters<typeof SourceMapConsumer>[0];
  const consumer = new SourceMapConsumer(map);
  const mappings: { line: number; column: number; source: string | null }[] = [];
  consumer.eachMapping((m) => mappings.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
  mappings.sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = js.split('\n');
  // The compile hint is put on top after the map is made (wxt.config.ts): the map's line 1 is the next one.
  if (lines[0] === '//# allFunctionsCalledOnLoad') lines.shift();
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
  const budget =
    script === 'page-watch.js'
      ? ` (always-on budget ${CONTENT_SCRIPT_GZIP_BUDGET_BYTES}: ${total > CONTENT_SCRIPT_GZIP_BUDGET_BYTES ? `${total - CONTENT_SCRIPT_GZIP_BUDGET_BYTES} over` : 'met'})`
      : script === 'page-awake.js'
        ? ' (loaded only when a page is woken: a term, annotations, the annotate button, a command, changed text)'
        : ' (loaded only on pages where the first look found a term)';
  process.stdout.write(`${script}: ${js.length} bytes, ${total} gzip${budget}\n\n`);
  process.stdout.write('| source | minified bytes | gzip alone | share of gzip |\n|---|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.name} | ${r.bytes} | ${r.alone} | ${Math.round((r.alone / sumAlone) * total)} |\n`);
  process.stdout.write('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`content-size failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
