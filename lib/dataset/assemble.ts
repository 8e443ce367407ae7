/**
 * The dataset is authored as one JSON file per record kind under `data/dataset/` (small diffs,
 * easy review) and assembled into the single document that ships in the extension.
 */
import { parseDataset, type Dataset } from './schema';

export const DATASET_PARTS = ['meta', 'sources', 'reports', 'stations', 'responses', 'denials', 'claims', 'terms'] as const;
export type DatasetPart = (typeof DATASET_PARTS)[number];

/** Combines parsed part files (meta is an object, the others arrays) and validates the result. */
export function assembleDataset(parts: Record<DatasetPart, unknown>): Dataset {
  const meta = (parts.meta ?? {}) as Record<string, unknown>;
  return parseDataset({
    ...meta,
    sources: parts.sources,
    reports: parts.reports,
    stations: parts.stations,
    responses: parts.responses,
    denials: parts.denials,
    claims: parts.claims,
    terms: parts.terms,
  });
}
