/**
 * `npm test`: every check a change must pass, in order, with one summary line at the end.
 * Steps that need ../shared run only when it is there (CI has it; a fresh clone may not).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const SHARED_PAGES = resolve(import.meta.dirname, '../../shared/corpus/news-pages');

interface Step {
  name: string;
  command: string;
  when?: () => boolean;
  /** Vitest JSON report to count tests from. */
  report?: string;
}

const steps: Step[] = [
  { name: 'typecheck', command: 'npx tsc --noEmit' },
  { name: 'dataset checks', command: 'npx tsx scripts/check-data.ts' },
  { name: 'unit tests', command: 'npx vitest run --reporter=default --reporter=json --outputFile.json=tmp/vitest-unit.json', report: 'tmp/vitest-unit.json' },
  { name: 'build (chrome-mv3, firefox-mv3, firefox-mv2)', command: 'npm run -s build:all' },
  { name: 'firefox lint', command: 'npm run -s lint:firefox' },
  {
    name: 'e2e (real Chromium)',
    command: 'npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=tmp/vitest-e2e.json',
    report: 'tmp/vitest-e2e.json',
  },
  {
    name: 'e2e corpus (saved news pages)',
    command: `npx tsx scripts/e2e-corpus.ts ${JSON.stringify(SHARED_PAGES)}`,
    when: () => existsSync(SHARED_PAGES) && existsSync(resolve(import.meta.dirname, 'e2e-corpus.ts')),
  },
];

let tests = { passed: 0, failed: 0, skipped: 0 };
let passed = 0;
let failed = 0;
let skipped = 0;
const started = Date.now();
for (const step of steps) {
  if (step.when && !step.when()) {
    console.log(`\n=== ${step.name}: skipped`);
    skipped++;
    continue;
  }
  console.log(`\n=== ${step.name}: ${step.command}`);
  const t0 = Date.now();
  const env = { ...process.env, STATIONWATCH_SKIP_BUILD: '1', ...(existsSync(SHARED_PAGES) ? { STATIONWATCH_CORPUS_DIR: SHARED_PAGES } : {}) };
  const result = spawnSync(step.command, { shell: true, stdio: 'inherit', env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (step.report && existsSync(step.report)) {
    const r = JSON.parse(readFileSync(step.report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    tests = { passed: tests.passed + r.numPassedTests, failed: tests.failed + r.numFailedTests, skipped: tests.skipped + r.numPendingTests + r.numTodoTests };
    rmSync(step.report);
  }
  if (result.status === 0) {
    passed++;
    console.log(`=== ${step.name}: ok (${seconds}s)`);
  } else {
    failed++;
    console.log(`=== ${step.name}: FAILED (${seconds}s)`);
    break;
  }
}
console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`steps: ${passed} ok, ${failed} failed, ${skipped} skipped`);
console.log(`tests: ${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
