/** A full backup of what the user made: settings and annotations, restorable all or nothing. */
import { checkAnnotation, type Annotation } from './model';
import { parseSettings, type Settings } from '../settings';

export const BACKUP_FORMAT = 'stationwatch-backup';
export const BACKUP_VERSION = 1;

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  settings: Settings;
  annotations: Annotation[];
}

/** Builds a backup document. */
export function makeBackup(settings: Settings, annotations: Annotation[], now = new Date()): Backup {
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: now.toISOString(), settings, annotations };
}

/** Validates a backup completely before anything is restored; throws with every problem (first 10). */
export function parseBackup(input: unknown): Backup {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('This is not a Stationwatch backup (expected a JSON object).');
  const doc = input as Record<string, unknown>;
  if (doc.format !== BACKUP_FORMAT) throw new Error('This is not a Stationwatch backup (format is missing or different).');
  if (doc.version !== BACKUP_VERSION) throw new Error(`This backup has version ${String(doc.version)}; this Stationwatch reads version ${BACKUP_VERSION}.`);
  if (!Array.isArray(doc.annotations)) throw new Error('The backup has no list of annotations.');
  const problems: string[] = [];
  const annotations: Annotation[] = [];
  const ids = new Set<string>();
  doc.annotations.forEach((raw, i) => {
    const checked = checkAnnotation(raw);
    if (!checked.ok) problems.push(`annotation ${i + 1}: ${checked.errors[0]}`);
    else if (ids.has(checked.annotation.id)) problems.push(`annotation ${i + 1}: duplicate id ${checked.annotation.id}`);
    else {
      ids.add(checked.annotation.id);
      annotations.push(checked.annotation);
    }
  });
  let settings: Settings;
  try {
    settings = parseSettings(doc.settings);
  } catch (error) {
    problems.push((error as Error).message);
    settings = undefined as never;
  }
  if (problems.length) {
    throw new Error(`The backup was not restored (nothing changed): ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}`);
  }
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: String(doc.createdAt ?? ''), settings, annotations };
}
