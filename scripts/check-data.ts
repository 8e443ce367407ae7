/**
 * `npm run check:data [dir]`: validates the authored dataset (schema, then integrity) and prints
 * what it holds. Exits 1 listing every problem, so a maintainer can fix them all in one pass.
 */
import { datasetCounts, checkIntegrity } from '../lib/dataset/integrity';
import { DATASET_DIR, loadDatasetFromDir } from '../lib/dataset/load-node';
import { DatasetError, type Dataset } from '../lib/dataset/schema';

function fail(header: string, problems: string[]): never {
  console.error(`check:data: ${header} (${problems.length})`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}

const dir = process.argv[2] ?? DATASET_DIR;
let ds: Dataset;
try {
  ds = loadDatasetFromDir(dir);
} catch (error) {
  if (error instanceof DatasetError) fail(`schema problems in ${dir}`, error.problems);
  fail(`cannot load ${dir}`, [(error as Error).message]);
}

const counts = datasetCounts(ds);
console.log(`dataset ${ds.version} (as of ${ds.asOf}) from ${dir}`);
console.log(
  `records: ${Object.entries(counts.records)
    .map(([kind, n]) => `${kind}s ${n}`)
    .join(', ')}`,
);
console.log(
  `countries with stations: ${counts.stationCountries.length} — ${counts.stationCountries
    .map((c) => `${c.country} (${c.stations})`)
    .join(', ')}`,
);
console.log(`countries with responses: ${counts.responseCountries.length} — ${counts.responseCountries.join(', ')}`);

const problems = checkIntegrity(ds);
if (problems.length > 0) fail('integrity problems', problems);
console.log('check:data: OK');
