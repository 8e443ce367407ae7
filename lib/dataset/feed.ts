/**
 * Signed dataset feed: verification and signing with WebCrypto only (`globalThis.crypto.subtle`),
 * so the same code runs in the background, in Node scripts and in tests.
 *
 * A feed is `dataset.json` (the assembled dataset, exact bytes) plus `dataset.json.sig`, the base64
 * of an ECDSA P-256 / SHA-256 signature over those bytes in WebCrypto's raw (IEEE P1363, r‖s)
 * form. ECDSA P-256 is chosen over Ed25519 because every runtime we ship to (Chromium, Firefox 128+,
 * Node 20) has supported it in WebCrypto for years; Ed25519 only recently became universal.
 *
 * `verifyFeed` never throws for anything a feed host controls: every bad feed comes back as a
 * `FeedRejection` with a sentence a reader understands, and the caller keeps its current data.
 */
import { checkIntegrity } from './integrity';
import { DATASET_SCHEMA_VERSION, DatasetError, parseDataset, type Dataset } from './schema';
import { FEED_KEY_ID, FEED_PUBLIC_KEY_SPKI } from './feed-keys';
import { withoutLoneSurrogates } from '../well-formed';

/** Largest feed body accepted (bytes); bigger bodies are rejected before any parsing. */
export const FEED_MAX_BYTES = 5 * 1024 * 1024;
/** Deepest array/object nesting accepted; a real dataset nests about 5 levels. */
export const FEED_MAX_DEPTH = 32;
/** Longest signature text accepted (characters); a real one is 88 plus a newline. */
export const FEED_SIGNATURE_MAX_CHARS = 1024;
/** Largest feed manifest accepted (bytes). */
export const FEED_MANIFEST_MAX_BYTES = 16 * 1024;
/** Raw ECDSA P-256 signature length (bytes): r and s, 32 bytes each. */
const SIGNATURE_BYTES = 64;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_PARAMS = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Keys that could reach `Object.prototype` if any later code merges parsed objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** With the `u` flag a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const VERSION_RE = /^(\d+)\.(\d+)\.(\d+)$/;
const KEPT = 'the current data was kept.';

export const FEED_REJECTIONS = ['too-large', 'bad-signature', 'malformed-json', 'invalid-schema', 'integrity', 'not-newer'] as const;
export type FeedRejection = (typeof FEED_REJECTIONS)[number];

export type FeedResult = { ok: true; dataset: Dataset } | { ok: false; reason: FeedRejection; message: string };

export interface VerifyFeedInput {
  /** The exact bytes of `dataset.json` as downloaded. */
  body: ArrayBuffer | Uint8Array;
  /** Contents of `dataset.json.sig`: base64, surrounding whitespace allowed. */
  signature: string;
  /** Defaults to the key bundled in `feed-keys.ts`; SPKI as base64 or PEM, or a public JWK. */
  publicKey?: JsonWebKey | string;
  /** Version of the dataset now installed, or null when none is. */
  installedVersion: string | null;
}

/**
 * Checks a downloaded feed: size → signature over the raw bytes → UTF-8 → JSON (no prototype keys,
 * no lone surrogates, bounded nesting) → schema → integrity → version strictly newer than installed.
 * Throws only for caller mistakes (wrong argument types, an unreadable `installedVersion`).
 */
export async function verifyFeed(input: VerifyFeedInput): Promise<FeedResult> {
  const { body, signature, publicKey, installedVersion } = input;
  if (!(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) throw new TypeError('verifyFeed: body must be an ArrayBuffer or Uint8Array');
  if (typeof signature !== 'string') throw new TypeError('verifyFeed: signature must be a string');
  if (installedVersion !== null) parseVersion(installedVersion, 'installed version');

  if (body.byteLength > FEED_MAX_BYTES) {
    return reject('too-large', `The feed is ${formatMiB(body.byteLength)}, more than the ${formatMiB(FEED_MAX_BYTES)} limit; ${KEPT}`);
  }
  // Copy once so the bytes we verify are the bytes we parse, even if the caller reuses its buffer.
  const bytes = ArrayBuffer.isView(body)
    ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice()
    : new Uint8Array(body).slice();

  const rawSignature = decodeSignature(signature);
  if (!rawSignature) {
    return reject('bad-signature', `The feed's signature file is not a Stationwatch signature (expected base64 of a ${SIGNATURE_BYTES}-byte ECDSA P-256 signature); ${KEPT}`);
  }
  let key: CryptoKey;
  try {
    key = publicKey === undefined ? await bundledPublicKey() : await importPublicKey(publicKey);
  } catch (error) {
    return reject('bad-signature', `The public key used to check the feed could not be read (${errorText(error)}); ${KEPT}`);
  }
  const valid = await crypto.subtle.verify(SIGN_PARAMS, key, rawSignature, bytes);
  if (!valid) return reject('bad-signature', `The feed's signature does not match the Stationwatch public key; ${KEPT}`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return reject('malformed-json', `The feed is not valid UTF-8 text; ${KEPT}`);
  }
  const depth = maxNestingDepth(text);
  if (depth > FEED_MAX_DEPTH) {
    return reject('invalid-schema', `The feed nests data ${depth} levels deep, more than the ${FEED_MAX_DEPTH} a Stationwatch dataset may use; ${KEPT}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return reject('malformed-json', `The feed is not valid JSON (${errorText(error)}); ${KEPT}`);
  }
  const hazard = findJsonHazard(document);
  if (hazard?.kind === 'forbidden-key') {
    return reject('invalid-schema', `The feed contains the forbidden key "${hazard.key}" at ${hazard.path}; ${KEPT}`);
  }
  if (hazard?.kind === 'lone-surrogate') {
    return reject('malformed-json', `The feed contains invalid Unicode text (an unpaired surrogate) at ${hazard.path}; ${KEPT}`);
  }

  const schemaVersion = isPlainObject(document) ? document.schemaVersion : undefined;
  if (typeof schemaVersion === 'number' && schemaVersion > DATASET_SCHEMA_VERSION) {
    return reject('invalid-schema', `The feed uses dataset format ${schemaVersion}, which needs a newer version of Stationwatch (this one reads format ${DATASET_SCHEMA_VERSION}); ${KEPT}`);
  }
  let dataset: Dataset;
  try {
    dataset = parseDataset(document);
  } catch (error) {
    const detail = error instanceof DatasetError ? listProblems(error.problems) : errorText(error);
    return reject('invalid-schema', `The feed does not match the Stationwatch dataset format (${detail}); ${KEPT}`);
  }

  const integrityProblems = runIntegrity(dataset);
  if (integrityProblems.length > 0) {
    return reject('integrity', `The feed's records do not fit together (${listProblems(integrityProblems)}); ${KEPT}`);
  }

  if (installedVersion !== null) {
    const order = compareVersions(dataset.version, installedVersion);
    if (order === 0) return reject('not-newer', `The feed's version ${dataset.version} is already installed; nothing to update.`);
    if (order < 0) return reject('not-newer', `The feed's version ${dataset.version} is older than the installed ${installedVersion}; ${KEPT}`);
  }
  return { ok: true, dataset };
}

/** Compares two MAJOR.MINOR.PATCH versions numerically: negative if a < b, 0 if equal, positive if a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a, 'version');
  const pb = parseVersion(b, 'version');
  for (let i = 0; i < 3; i++) {
    const order = compareDigits(pa[i]!, pb[i]!);
    if (order !== 0) return order;
  }
  return 0;
}

/** Signs the exact bytes of a feed body; returns the base64 raw (r‖s) ECDSA P-256 / SHA-256 signature. */
export async function signFeed(body: Uint8Array, privateKey: CryptoKey): Promise<string> {
  const signature = await crypto.subtle.sign(SIGN_PARAMS, privateKey, new Uint8Array(body).slice());
  return bytesToBase64(new Uint8Array(signature));
}

/** Generates an extractable ECDSA P-256 key pair for signing feeds. */
export async function generateFeedKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

/** Exports a public key as base64 SPKI (DER), the form bundled in `feed-keys.ts`. */
export async function exportPublicKey(key: CryptoKey): Promise<string> {
  return bytesToBase64(new Uint8Array(await crypto.subtle.exportKey('spki', key)));
}

/** Imports a verification key from base64 SPKI, a PEM "PUBLIC KEY" block or an EC P-256 JWK (private parts ignored). */
export async function importPublicKey(key: JsonWebKey | string): Promise<CryptoKey> {
  if (typeof key === 'string') {
    const der = base64ToBytes(stripPem(key, 'PUBLIC KEY'));
    if (!der) throw new Error('the public key is not base64 SPKI or a PEM "PUBLIC KEY" block');
    return crypto.subtle.importKey('spki', der, ALGORITHM, true, ['verify']);
  }
  if (!key || typeof key !== 'object' || key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.x !== 'string' || typeof key.y !== 'string') {
    throw new Error('the public key is not an EC P-256 JWK');
  }
  // Only the public coordinates: a private JWK or one with key_ops for signing would fail to import for 'verify'.
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, ext: true }, ALGORITHM, true, ['verify']);
}

/** Exports a private key as a PKCS#8 PEM block ("PRIVATE KEY"), the file format of `feed:keygen`. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const b64 = bytesToBase64(new Uint8Array(await crypto.subtle.exportKey('pkcs8', key)));
  return `-----BEGIN PRIVATE KEY-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

/** Imports a PKCS#8 PEM ECDSA P-256 private key (extractable, so its public half can be derived). */
export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const der = base64ToBytes(stripPem(pem, 'PRIVATE KEY'));
  if (!der) throw new Error('the private key is not a PEM "PRIVATE KEY" (PKCS#8) block');
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

/** Derives the public key (base64 SPKI) of an extractable ECDSA P-256 private key. */
export async function publicKeyOfPrivate(privateKey: CryptoKey): Promise<string> {
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  return exportPublicKey(await importPublicKey(jwk));
}

/** Short stable id of a public key: the first 16 hex digits of SHA-256 over its SPKI bytes. */
export async function feedKeyId(spkiBase64: string): Promise<string> {
  const der = base64ToBytes(stripPem(spkiBase64, 'PUBLIC KEY'));
  if (!der) throw new Error('the public key is not base64 SPKI');
  return (await sha256Hex(der)).slice(0, 16);
}

/** Lower-case hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes).slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Optional `feed.json` next to a feed: lets a checker skip downloading a feed that is not newer. */
export interface FeedManifest {
  version: string;
  asOf: string;
  /** Bytes of dataset.json. */
  size: number;
  /** Hex SHA-256 of dataset.json. */
  sha256: string;
  /** Id of the key that signed it (`feedKeyId`). */
  keyId: string;
  /** Relative to the manifest's own URL. */
  datasetUrl: string;
  signatureUrl: string;
}

/** Builds the manifest for a signed feed body (advisory only: the signature is what is trusted). */
export async function buildFeedManifest(body: Uint8Array, dataset: Dataset, keyId: string): Promise<FeedManifest> {
  return {
    version: dataset.version,
    asOf: dataset.asOf,
    size: body.byteLength,
    sha256: await sha256Hex(body),
    keyId,
    datasetUrl: 'dataset.json',
    signatureUrl: 'dataset.json.sig',
  };
}

/**
 * Reads a `feed.json` manifest fetched from `manifestUrl` and resolves its URLs. The manifest is not
 * signed, so it only decides whether to download; it may not point to another origin, so a feed URL
 * the user set never makes the extension contact a host the user did not choose.
 */
export function parseFeedManifest(text: string, manifestUrl: string): { ok: true; manifest: FeedManifest } | { ok: false; message: string } {
  const fail = (why: string) => ({ ok: false as const, message: `The feed manifest ${why}; the current data was kept.` });
  if (typeof text !== 'string') return fail('is not text');
  if (text.length > FEED_MANIFEST_MAX_BYTES) return fail(`is larger than ${FEED_MANIFEST_MAX_BYTES / 1024} KiB`);
  if (maxNestingDepth(text) > 2) return fail('is nested deeper than a manifest can be');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${errorText(error)})`);
  }
  if (!isPlainObject(raw)) return fail('is not a JSON object');
  const { version, asOf, size, sha256, keyId, datasetUrl, signatureUrl } = raw;
  if (typeof version !== 'string' || !VERSION_RE.test(version)) return fail('has no MAJOR.MINOR.PATCH "version"');
  if (typeof asOf !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(asOf)) return fail('has no ISO date "asOf"');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return fail('has no byte count "size"');
  if (size > FEED_MAX_BYTES) return fail(`announces ${formatMiB(size)}, more than the ${formatMiB(FEED_MAX_BYTES)} limit`);
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return fail('has no hex "sha256"');
  if (typeof keyId !== 'string' || !/^[0-9a-f]{16}$/.test(keyId)) return fail('has no "keyId"');
  let base: URL;
  try {
    base = new URL(manifestUrl);
  } catch {
    return fail('was fetched from an invalid URL');
  }
  const resolve = (value: unknown): string | null => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
    try {
      const url = new URL(value, base);
      return url.origin === base.origin && /^https?:$/.test(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  };
  const dataset = resolve(datasetUrl);
  const sig = resolve(signatureUrl);
  if (!dataset) return fail('has a "datasetUrl" that is missing or on another site');
  if (!sig) return fail('has a "signatureUrl" that is missing or on another site');
  return { ok: true, manifest: { version, asOf, size, sha256, keyId, datasetUrl: dataset, signatureUrl: sig } };
}

/** Where the signature of a feed lives when no manifest names it: next to the body, with `.sig` appended. */
export function feedSignatureUrl(datasetUrl: string): string {
  const url = new URL(datasetUrl);
  url.pathname += '.sig';
  return url.href;
}

// --- internals ---

let bundledKey: Promise<CryptoKey> | null = null;

function bundledPublicKey(): Promise<CryptoKey> {
  bundledKey ??= importPublicKey(FEED_PUBLIC_KEY_SPKI).catch((error: unknown) => {
    bundledKey = null;
    throw new Error(`bundled key ${FEED_KEY_ID}: ${errorText(error)}`);
  });
  return bundledKey;
}

function reject(reason: FeedRejection, message: string): FeedResult {
  return { ok: false, reason, message };
}

function runIntegrity(dataset: Dataset): string[] {
  try {
    return checkIntegrity(dataset);
  } catch (error) {
    return error instanceof DatasetError ? error.problems : [errorText(error)];
  }
}

function parseVersion(version: string, what: string): [string, string, string] {
  const m = typeof version === 'string' ? VERSION_RE.exec(version) : null;
  if (!m) throw new TypeError(`${what} ${JSON.stringify(String(version)).slice(0, 60)} is not MAJOR.MINOR.PATCH`);
  return [m[1]!, m[2]!, m[3]!];
}

/** Compares decimal digit strings of any length without converting to numbers (no precision loss). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Deepest `[`/`{` nesting outside strings; a linear scan so hostile nesting is refused before JSON.parse builds it. */
function maxNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

type JsonHazard = { kind: 'forbidden-key'; key: string; path: string } | { kind: 'lone-surrogate'; path: string };

/** Walks a parsed document iteratively (no recursion, so nesting cannot overflow the stack). */
function findJsonHazard(root: unknown): JsonHazard | null {
  interface Frame { value: unknown; parent: Frame | null; key: string }
  const pathOf = (frame: Frame): string => {
    const parts: string[] = [];
    for (let f: Frame | null = frame; f?.parent; f = f.parent) parts.push(f.key);
    return parts.length ? parts.reverse().join('.') : '(root)';
  };
  const stack: Frame[] = [{ value: root, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return { kind: 'lone-surrogate', path: pathOf(frame) };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: frame, key: String(i) });
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        const child: Frame = { value: (value as Record<string, unknown>)[key], parent: frame, key: safeKey(key) };
        if (FORBIDDEN_KEYS.has(key)) return { kind: 'forbidden-key', key, path: pathOf(child) };
        if (LONE_SURROGATE.test(key)) return { kind: 'lone-surrogate', path: pathOf(child) };
        stack.push(child);
      }
    }
  }
  return null;
}

/** Keys go into messages shown to people: keep them short and printable. */
function safeKey(key: string): string {
  return truncate(key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').replace(/[\uD800-\uDFFF]/gu, '\uFFFD'), 40);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, 3).map((p) => truncate(p, 160));
  const more = problems.length > 3 ? ` and ${problems.length - 3} more` : '';
  return `${shown.join('; ')}${more}`;
}

function errorText(error: unknown): string {
  return truncate(withoutLoneSurrogates(error instanceof Error ? error.message : String(error)), 200);
}

/** Shortens text for a message without splitting a surrogate pair (which would show as a broken character). */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

function stripPem(text: string, label: string): string {
  return text
    .replace(new RegExp(`-----(BEGIN|END) ${label}-----`, 'g'), '')
    .replace(/\s+/g, '');
}

/** Strict base64 (standard alphabet, padded); null for anything else. */
function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function decodeSignature(signature: string): Uint8Array<ArrayBuffer> | null {
  if (signature.length > FEED_SIGNATURE_MAX_CHARS) return null;
  const bytes = base64ToBytes(signature.trim());
  return bytes && bytes.length === SIGNATURE_BYTES ? bytes : null;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}
