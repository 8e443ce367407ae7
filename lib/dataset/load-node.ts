/** Node-only: reads `data/dataset/*.json` for scripts, the CLI, benchmarks and tests. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleDataset, DATASET_PARTS, type DatasetPart } from './assemble';
import type { Dataset } from './schema';

export const DATASET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/dataset');

/** Reads and validates the authored dataset; throws a DatasetError listing every problem. */
export function loadDatasetFromDir(dir = DATASET_DIR): Dataset {
  const parts = {} as Record<DatasetPart, unknown>;
  for (const part of DATASET_PARTS) {
    const file = join(dir, `${part}.json`);
    try {
      parts[part] = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return assembleDataset(parts);
}
