/**
 * The `check` CLI as a user runs it: a child process, files in a temp dir, the fixture dataset
 * passed with --dataset so the tests never depend on the real data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDatasetParts } from './claim-match-fixture';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/check-claims.ts');
let dir = '';
let datasetDir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-cli-test-'));
  datasetDir = join(dir, 'dataset');
  spawnSync('mkdir', [datasetDir]);
  for (const [part, value] of Object.entries(fixtureDatasetParts())) writeFileSync(join(datasetDir, `${part}.json`), JSON.stringify(value));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string | Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args, '--dataset', datasetDir], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const DUBLIN = 'Irish authorities shut down the Chinese police station in Dublin';
const UNRELATED = 'The football match was delayed by heavy rain';

describe('check CLI: good input', () => {
  it('plain text on stdin: one JSON line per input line, in order, empty matches for no known claim', () => {
    const r = run(['-'], `${DUBLIN}\n\n${UNRELATED}\nChen Jinping has been jailed\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.input)).toEqual([DUBLIN, '', UNRELATED, 'Chen Jinping has been jailed']);
    expect(lines[0].matches[0]).toMatchObject({ claimId: 'CC', status: 'confirmed-by-authorities' });
    expect(lines[0].matches[0].score).toBeGreaterThan(0.5);
    expect(lines[0].matches[0].why).toContain('place agrees: Dublin');
    expect(lines[1].matches).toEqual([]);
    expect(lines[2].matches).toEqual([]);
    expect(lines[3].matches[0].claimId).toBe('CG');
  });

  it('CSV with --column and --format csv: a header, one formula-safe record per post', () => {
    const path = file('posts.csv', `id,message\r\n1,"${DUBLIN}"\r\n2,"=HYPERLINK(""http://x"",""click"")"\r\n3,"line one\nline two"\r\n`);
    const r = run([path, '--column', 'message', '--format', 'csv']);
    expect(r.code).toBe(0);
    const records = r.stdout.split('\r\n');
    expect(records[0]).toBe('input,claimId,score,status,negated,why,otherMatches');
    expect(records[1]).toMatch(/^Irish authorities .*,CC,0\.\d{3},confirmed-by-authorities,false,"terms: /);
    expect(records[2]).toBe(`"'=HYPERLINK(""http://x"",""click"")",,,,,,`);
    expect(records[3]).toBe('"line one\nline two",,,,,,');
    expect(records[4]).toBe('');
    expect(records).toHaveLength(5);
  });

  it('JSON lines with --field (format from the extension)', () => {
    const path = file('posts.jsonl', `{"id":1,"body":${JSON.stringify(DUBLIN)}}\n{"id":2,"body":${JSON.stringify(UNRELATED)}}\n`);
    const r = run([path, '--field', 'body']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.matches[0]?.claimId)).toEqual(['CC', undefined]);
  });

  it('prints help', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run -s check -- \[FILE\|-\]/);
  });
});

describe('check CLI: bad input gives a clear message, a non-zero exit and nothing on stdout', () => {
  it('a malformed record after many good ones', () => {
    const good = Array.from({ length: 3000 }, (_, i) => `${i},"${i % 2 ? DUBLIN : UNRELATED}"`).join('\n');
    const path = file('late-error.csv', `id,text\n${good}\n3000,"broken",extra\n`);
    const r = run([path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`check: ${path}: line 3002: expected 2 fields as in the header, found 3\n`);
  });

  it('a missing column, listing the columns', () => {
    const path = file('cols.csv', 'id,body\n1,hello\n');
    const r = run([path, '--column', 'text']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`check: ${path}: line 1: no column "text" in the header (columns: "id", "body")\n`);
  });

  it('invalid JSON on a line', () => {
    const r = run(['--input', 'jsonl'], '{"text":"ok"}\n{"text": nope}\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^check: stdin: line 2: not valid JSON/);
  });

  it('a file that does not exist, or is not UTF-8', () => {
    const missing = run([join(dir, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`check: cannot read ${join(dir, 'nope.txt')}: no such file\n`);
    const latin1 = file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = run([latin1]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is not UTF-8 text/);
  });

  it('bad options', () => {
    for (const [args, message] of [
      [['--format', 'xml'], 'check: --format must be jsonl or csv, got "xml"\n'],
      [['--bogus'], 'check: unknown option --bogus (see --help)\n'],
      [['--column', 'text', '--input', 'jsonl'], 'check: --column applies to CSV input, but the input is jsonl\n'],
      [['--limit', '0'], 'check: --limit must be a whole number from 1 to 50, got "0"\n'],
    ] as const) {
      const r = run([...args], 'x\n');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(message);
    }
  });
});
