/**
 * Generates the ECDSA P-256 key pair that signs dataset feeds.
 *
 *   npm run feed:keygen -- --out DIR
 *
 * Writes DIR/feed-private-<keyId>.pem (PKCS#8, mode 0600) and DIR/feed-public-<keyId>.txt, and prints
 * the `feed-keys.ts` constants to paste. DIR must be outside this repository or inside its
 * git-ignored `keys/` folder, so a private key cannot be committed by accident. Never overwrites.
 */
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportPrivateKeyPem, exportPublicKey, feedKeyId, generateFeedKeyPair } from '../lib/dataset/feed';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run feed:keygen -- --out DIR   (DIR outside the repository, or under keys/)';

export interface KeygenResult {
  keyId: string;
  publicKeySpki: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

/** Refuses an output folder inside the repository unless it is under the git-ignored `keys/`. */
export function checkKeyDir(outDir: string, repoRoot = REPO_ROOT): void {
  const real = (p: string) => {
    // The folder may not exist yet: resolve symlinks on the nearest existing ancestor.
    let head = resolve(p);
    const tail: string[] = [];
    while (!existsSync(head)) {
      tail.unshift(basename(head));
      head = dirname(head);
    }
    return join(realpathSync(head), ...tail);
  };
  const rel = relative(real(repoRoot), real(outDir));
  const inside = rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  if (inside && !(rel === 'keys' || rel.startsWith(`keys${sep}`))) {
    throw new Error(`refusing to write a private key inside the repository (${outDir}); use a folder outside it or under keys/ (git-ignored)`);
  }
}

/** Generates a key pair and writes it to `outDir`; never overwrites an existing file. */
export async function generateKeyFiles(outDir: string, repoRoot = REPO_ROOT): Promise<KeygenResult> {
  checkKeyDir(outDir, repoRoot);
  const pair = await generateFeedKeyPair();
  const publicKeySpki = await exportPublicKey(pair.publicKey);
  const keyId = await feedKeyId(publicKeySpki);
  const privateKeyFile = join(resolve(outDir), `feed-private-${keyId}.pem`);
  const publicKeyFile = join(resolve(outDir), `feed-public-${keyId}.txt`);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (existsSync(file)) throw new Error(`${file} already exists; not overwriting a key`);
  }
  mkdirSync(resolve(outDir), { recursive: true, mode: 0o700 });
  writeFileSync(privateKeyFile, await exportPrivateKeyPem(pair.privateKey), { mode: 0o600, flag: 'wx' });
  writeFileSync(publicKeyFile, `${publicKeySpki}\n`, { flag: 'wx' });
  return { keyId, publicKeySpki, privateKeyFile, publicKeyFile };
}

/** The `feed-keys.ts` body for a public key. */
export function feedKeysSource(keyId: string, publicKeySpki: string, created: string): string {
  return [
    `/** Id of the bundled feed key (first 16 hex digits of SHA-256 over the SPKI bytes); generated ${created}. */`,
    `export const FEED_KEY_ID = '${keyId}';`,
    '/** Public half of the feed signing key (ECDSA P-256, SPKI DER, base64). */',
    `export const FEED_PUBLIC_KEY_SPKI = '${publicKeySpki}';`,
  ].join('\n');
}

function parseArgs(argv: string[]): { out: string } {
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') out = argv[++i];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!out) throw new Error(`--out is required\n${USAGE}`);
  return { out };
}

async function main(): Promise<void> {
  const { out } = parseArgs(process.argv.slice(2));
  const result = await generateKeyFiles(out);
  const created = new Date().toISOString().slice(0, 10);
  console.log(`private key: ${result.privateKeyFile}  (keep it secret and backed up; never commit it)`);
  console.log(`public key:  ${result.publicKeyFile}`);
  console.log(`key id:      ${result.keyId}\n`);
  console.log('Paste into lib/dataset/feed-keys.ts:\n');
  console.log(feedKeysSource(result.keyId, result.publicKeySpki, created));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`feed:keygen: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
