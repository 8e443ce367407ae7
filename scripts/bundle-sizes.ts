/**
 * `npm run size`: raw and gzip size of every JavaScript and CSS file in a build, per entry.
 * Reads .output/chrome-mv3 unless a build folder is given.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = resolve(process.argv[2] ?? '.output/chrome-mv3');
const files: string[] = [];
const walk = (d: string) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(js|css|html|json)$/.test(name) && !p.includes('_locales')) files.push(p);
  }
};
walk(dir);
const rows = files
  .map((f) => {
    const bytes = readFileSync(f);
    return { file: relative(dir, f), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  })
  .sort((a, b) => b.raw - a.raw);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${'file'.padEnd(52)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)}`);
for (const r of rows) console.log(`${r.file.padEnd(52)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)}`);
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
console.log(`${'total'.padEnd(52)} ${kb(total.raw).padStart(10)} ${kb(total.gzip).padStart(10)}`);
