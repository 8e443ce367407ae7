import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { EXTENSION_DIR, ROOT } from './harness';

/** Builds the Chromium extension once unless a build is already there (npm test builds first). */
export default function setup(): void {
  if (process.env.STATIONWATCH_SKIP_BUILD === '1' && existsSync(join(EXTENSION_DIR, 'manifest.json'))) return;
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    execSync('npx wxt build', { cwd: ROOT, stdio: 'inherit' });
  }
}
