/**
 * Builds and signs a dataset feed from the authored dataset.
 *
 *   npm run feed:build -- --key PRIVATE_KEY_FILE --out DIR [--data DATASET_DIR] [--allow-unbundled-key]
 *
 * Writes DIR/dataset.json (the assembled dataset, compact JSON), DIR/dataset.json.sig (base64 raw
 * ECDSA P-256 signature over the exact bytes of dataset.json) and DIR/feed.json (an advisory
 * manifest). The result is verified with the same code the extension runs before anything is written.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildFeedManifest,
  FEED_MAX_BYTES,
  feedKeyId,
  importPrivateKeyPem,
  publicKeyOfPrivate,
  signFeed,
  verifyFeed,
  type FeedManifest,
} from '../lib/dataset/feed';
import { FEED_KEY_ID } from '../lib/dataset/feed-keys';
import { checkIntegrity } from '../lib/dataset/integrity';
import { DATASET_DIR, loadDatasetFromDir } from '../lib/dataset/load-node';
import { DatasetError } from '../lib/dataset/schema';

const USAGE = 'usage: npm run feed:build -- --key PRIVATE_KEY_FILE --out DIR [--data DATASET_DIR] [--allow-unbundled-key]';

export interface BuildFeedOptions {
  keyFile: string;
  outDir: string;
  dataDir?: string;
  /** Sign with a key other than the bundled one (staging, tests); installed extensions will reject it. */
  allowUnbundledKey?: boolean;
}

export interface BuildFeedResult {
  files: { dataset: string; signature: string; manifest: string };
  manifest: FeedManifest;
  /** Whether the signing key is the one bundled in `feed-keys.ts`. */
  bundledKey: boolean;
}

/** Assembles, validates, signs, self-verifies and writes a feed; throws with every problem on bad data. */
export async function buildFeed(options: BuildFeedOptions): Promise<BuildFeedResult> {
  const dataset = loadDatasetFromDir(options.dataDir ?? DATASET_DIR);
  // Checked here too so the maintainer sees every problem, not the first few a reader's message shows.
  const problems = checkIntegrity(dataset);
  if (problems.length > 0) throw new DatasetError(problems);
  const body = new TextEncoder().encode(JSON.stringify(dataset));
  if (body.byteLength > FEED_MAX_BYTES) {
    throw new Error(`the dataset is ${body.byteLength} bytes, more than FEED_MAX_BYTES (${FEED_MAX_BYTES}); extensions would reject it`);
  }

  let pem: string;
  try {
    pem = readFileSync(options.keyFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the private key ${options.keyFile}: ${(error as Error).message}`);
  }
  const privateKey = await importPrivateKeyPem(pem);
  const publicKey = await publicKeyOfPrivate(privateKey);
  const keyId = await feedKeyId(publicKey);
  const bundledKey = keyId === FEED_KEY_ID;
  if (!bundledKey && !options.allowUnbundledKey) {
    throw new Error(
      `the private key (id ${keyId}) is not the one bundled in lib/dataset/feed-keys.ts (id ${FEED_KEY_ID}); ` +
        'installed extensions would reject this feed. Use the matching key, or pass --allow-unbundled-key for a test feed.',
    );
  }

  const signature = await signFeed(body, privateKey);
  // Same checks as the extension (signature, schema, integrity), so a feed that builds is a feed that installs.
  const check = await verifyFeed({ body, signature, publicKey, installedVersion: null });
  if (!check.ok) throw new Error(`the signed feed does not verify (${check.reason}): ${check.message}`);

  const manifest = await buildFeedManifest(body, check.dataset, keyId);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const files = {
    dataset: join(outDir, manifest.datasetUrl),
    signature: join(outDir, manifest.signatureUrl),
    manifest: join(outDir, 'feed.json'),
  };
  // Write everything first, then rename, so a folder served as-is never pairs a body with another body's signature for long.
  const contents: [string, string | Uint8Array][] = [
    [files.dataset, body],
    [files.signature, `${signature}\n`],
    [files.manifest, `${JSON.stringify(manifest, null, 2)}\n`],
  ];
  for (const [file, data] of contents) writeFileSync(`${file}.tmp`, data);
  for (const [file] of contents) renameSync(`${file}.tmp`, file);
  return { files, manifest, bundledKey };
}

function parseArgs(argv: string[]): BuildFeedOptions {
  const options: Partial<BuildFeedOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (!v) throw new Error(`${name} needs a value\n${USAGE}`);
      return v;
    };
    if (name === '--key') options.keyFile = value();
    else if (name === '--out') options.outDir = value();
    else if (name === '--data') options.dataDir = value();
    else if (name === '--allow-unbundled-key') options.allowUnbundledKey = true;
    else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!options.keyFile) throw new Error(`--key is required\n${USAGE}`);
  if (!options.outDir) throw new Error(`--out is required\n${USAGE}`);
  return options as BuildFeedOptions;
}

async function main(): Promise<void> {
  const result = await buildFeed(parseArgs(process.argv.slice(2)));
  const { manifest, files } = result;
  console.log(`feed ${manifest.version} (as of ${manifest.asOf}), ${manifest.size} bytes, sha256 ${manifest.sha256}`);
  console.log(`signed with key ${manifest.keyId}${result.bundledKey ? ' (bundled)' : ' (NOT the bundled key: installed extensions will reject this feed)'}`);
  for (const file of Object.values(files)) console.log(`  wrote ${file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    const problems = error instanceof DatasetError ? `\n  ${error.problems.join('\n  ')}` : '';
    console.error(`feed:build: ${error instanceof Error ? error.message : String(error)}${problems}`);
    process.exit(1);
  });
}
