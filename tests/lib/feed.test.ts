import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFeedManifest,
  compareVersions,
  exportPrivateKeyPem,
  exportPublicKey,
  FEED_MAX_BYTES,
  FEED_MAX_DEPTH,
  feedKeyId,
  feedSignatureUrl,
  generateFeedKeyPair,
  importPrivateKeyPem,
  importPublicKey,
  parseFeedManifest,
  publicKeyOfPrivate,
  sha256Hex,
  signFeed,
  verifyFeed,
  type FeedResult,
} from '../../lib/dataset/feed';
import { FEED_KEY_ID, FEED_PUBLIC_KEY_SPKI } from '../../lib/dataset/feed-keys';
import { checkKeyDir, generateKeyFiles } from '../../scripts/feed-keygen';
import { buildFeed } from '../../scripts/feed-build';
import { feedBytes, fixtureDataset } from './feed-fixture';

const REPO_ROOT = resolve(__dirname, '../..');
let keys: CryptoKeyPair;
let publicKey: string;

beforeAll(async () => {
  keys = await generateFeedKeyPair();
  publicKey = await exportPublicKey(keys.publicKey);
});

/** Signs `body` with the test key and verifies it the way the background does. */
async function signAndVerify(body: Uint8Array, installedVersion: string | null = null): Promise<FeedResult> {
  return verifyFeed({ body, signature: await signFeed(body, keys.privateKey), publicKey, installedVersion });
}

function rejection(result: FeedResult): { reason: string; message: string } {
  if (result.ok) throw new Error('expected the feed to be rejected, but it was accepted');
  return result;
}

describe('verifyFeed: accepted feeds', () => {
  it('accepts a signed, valid, newer feed and returns its dataset', async () => {
    const result = await signAndVerify(feedBytes(fixtureDataset('1.2.0')), '1.1.9');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.dataset).toEqual(fixtureDataset('1.2.0'));
  });

  it('accepts any valid feed when nothing is installed yet', async () => {
    expect((await signAndVerify(feedBytes(fixtureDataset('0.0.1')), null)).ok).toBe(true);
  });

  it('compares versions numerically, not as text (1.10.0 is newer than 1.9.0)', async () => {
    expect((await signAndVerify(feedBytes(fixtureDataset('1.10.0')), '1.9.0')).ok).toBe(true);
  });

  it('accepts a signature file with a trailing newline and a body given as a view into a larger buffer', async () => {
    const body = feedBytes(fixtureDataset());
    const signature = `${await signFeed(body, keys.privateKey)}\n`;
    const big = new Uint8Array(body.length + 20);
    big.fill(0x7b);
    big.set(body, 10);
    const result = await verifyFeed({ body: big.subarray(10, 10 + body.length), signature, publicKey, installedVersion: null });
    expect(result.ok).toBe(true);
    const asArrayBuffer = await verifyFeed({ body: body.slice().buffer, signature, publicKey, installedVersion: null });
    expect(asArrayBuffer.ok).toBe(true);
  });

  it('accepts the public key as a JWK and as a PEM block', async () => {
    const body = feedBytes(fixtureDataset());
    const signature = await signFeed(body, keys.privateKey);
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const pem = `-----BEGIN PUBLIC KEY-----\n${publicKey.replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
    expect((await verifyFeed({ body, signature, publicKey: jwk, installedVersion: null })).ok).toBe(true);
    expect((await verifyFeed({ body, signature, publicKey: pem, installedVersion: null })).ok).toBe(true);
  });

  it('returns trimmed text the way the schema defines it, and drops unknown fields', async () => {
    const ds = fixtureDataset() as unknown as Record<string, unknown>;
    ds.title = '  Stationwatch test dataset  ';
    ds.extra = 'ignored';
    const result = await signAndVerify(feedBytes(ds));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.dataset.title).toBe('Stationwatch test dataset');
      expect('extra' in result.dataset).toBe(false);
    }
  });
});

describe('verifyFeed: signature', () => {
  it('rejects a body with one flipped byte (start, middle, end) as bad-signature', async () => {
    const body = feedBytes(fixtureDataset());
    const signature = await signFeed(body, keys.privateKey);
    for (const at of [0, Math.floor(body.length / 2), body.length - 1]) {
      const tampered = body.slice();
      tampered[at] = tampered[at]! ^ 0x01;
      const r = rejection(await verifyFeed({ body: tampered, signature, publicKey, installedVersion: null }));
      expect(r.reason).toBe('bad-signature');
      expect(r.message).toBe("The feed's signature does not match the Stationwatch public key; the current data was kept.");
    }
  });

  it('rejects a valid signature made for another body', async () => {
    const other = await signFeed(feedBytes(fixtureDataset('9.9.9')), keys.privateKey);
    const r = rejection(await verifyFeed({ body: feedBytes(fixtureDataset()), signature: other, publicKey, installedVersion: null }));
    expect(r.reason).toBe('bad-signature');
  });

  it('rejects a feed signed by another key, including against the bundled key by default', async () => {
    const body = feedBytes(fixtureDataset());
    const stranger = await generateFeedKeyPair();
    const signature = await signFeed(body, stranger.privateKey);
    expect(rejection(await verifyFeed({ body, signature, publicKey, installedVersion: null })).reason).toBe('bad-signature');
    expect(rejection(await verifyFeed({ body, signature, installedVersion: null })).reason).toBe('bad-signature');
  });

  it('rejects signatures that are not base64 of 64 bytes, with a message that says so', async () => {
    const body = feedBytes(fixtureDataset());
    const good = await signFeed(body, keys.privateKey);
    for (const signature of ['', 'not base64!', good.slice(0, -4), `${good}AAAA`, good.replace(/=+$/, ''), 'A'.repeat(100_000), '-'.repeat(86) + '==']) {
      const r = rejection(await verifyFeed({ body, signature, publicKey, installedVersion: null }));
      expect(r.reason).toBe('bad-signature');
      expect(r.message).toMatch(/^The feed's signature file is not a Stationwatch signature \(.+\); the current data was kept\.$/);
    }
    const zeros = rejection(await verifyFeed({ body, signature: btoa('\0'.repeat(64)), publicKey, installedVersion: null }));
    expect(zeros.reason).toBe('bad-signature');
    expect(zeros.message).toMatch(/does not match the Stationwatch public key/);
  });

  it('rejects with a clear message when the given public key is unreadable', async () => {
    const body = feedBytes(fixtureDataset());
    const signature = await signFeed(body, keys.privateKey);
    const r = rejection(await verifyFeed({ body, signature, publicKey: 'bm90IGEga2V5', installedVersion: null }));
    expect(r.reason).toBe('bad-signature');
    expect(r.message).toMatch(/public key .* could not be read/);
  });
});

describe('verifyFeed: size, encoding, JSON, schema, integrity, version', () => {
  it('rejects a body over FEED_MAX_BYTES as too-large before checking anything else', async () => {
    const body = new Uint8Array(FEED_MAX_BYTES + 1);
    const r = rejection(await verifyFeed({ body, signature: 'garbage', publicKey: 'garbage', installedVersion: null }));
    expect(r.reason).toBe('too-large');
    expect(r.message).toMatch(/more than the 5 MiB limit; the current data was kept\./);
  });

  it('does not call a body of exactly FEED_MAX_BYTES too large', async () => {
    const body = new Uint8Array(FEED_MAX_BYTES).fill(0x20);
    const r = rejection(await signAndVerify(body));
    expect(r.reason).toBe('malformed-json');
  });

  it('rejects truncated JSON (signed) as malformed-json', async () => {
    const body = feedBytes(fixtureDataset());
    for (const cut of [1, 100, body.length - 1]) {
      const r = rejection(await signAndVerify(body.slice(0, cut)));
      expect(r.reason).toBe('malformed-json');
      expect(r.message).toMatch(/^The feed is not valid JSON \(.+\); the current data was kept\.$/);
    }
  });

  it('rejects invalid UTF-8 (signed) as malformed-json', async () => {
    const body = feedBytes(fixtureDataset());
    const at = new TextDecoder().decode(body).indexOf('Testville') + 2;
    for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const broken = new Uint8Array([...body.subarray(0, at), ...bad, ...body.subarray(at)]);
      const r = rejection(await signAndVerify(broken));
      expect(r.reason).toBe('malformed-json');
      expect(r.message).toBe('The feed is not valid UTF-8 text; the current data was kept.');
    }
  });

  it('rejects JSON-escaped unpaired surrogates as invalid Unicode, but keeps real astral characters', async () => {
    const text = JSON.stringify(fixtureDataset()).replace('"Testville"', '"Test\\ud800ville"');
    const r = rejection(await signAndVerify(new TextEncoder().encode(text)));
    expect(r.reason).toBe('malformed-json');
    expect(r.message).toMatch(/unpaired surrogate\) at stations\.0\.city/);
    const ds = fixtureDataset();
    ds.stations[0]!.city = 'Test 𠮷 ville';
    expect((await signAndVerify(feedBytes(ds))).ok).toBe(true);
  });

  it('rejects a schema violation (signed) as invalid-schema and names the field', async () => {
    const ds = fixtureDataset() as unknown as { claims: { status: string }[] };
    ds.claims[0]!.status = 'proven';
    const r = rejection(await signAndVerify(feedBytes(ds)));
    expect(r.reason).toBe('invalid-schema');
    expect(r.message).toMatch(/^The feed does not match the Stationwatch dataset format \(claims\.0\.status: .+\); the current data was kept\.$/);
  });

  it('rejects non-object documents and wrong top-level types as invalid-schema', async () => {
    for (const doc of [null, 42, 'dataset', [], { ...fixtureDataset(), claims: {} }, { ...fixtureDataset(), version: 120 }]) {
      expect(rejection(await signAndVerify(feedBytes(doc))).reason).toBe('invalid-schema');
    }
  });

  it('tells the user to update the extension when the feed uses a newer dataset format', async () => {
    const r = rejection(await signAndVerify(feedBytes({ ...fixtureDataset(), schemaVersion: 2 })));
    expect(r.reason).toBe('invalid-schema');
    expect(r.message).toMatch(/needs a newer version of Stationwatch/);
  });

  it('rejects records that cite a source the feed does not contain as integrity', async () => {
    const ds = fixtureDataset();
    ds.claims[0]!.sourceIds = ['no-such-source'];
    const r = rejection(await signAndVerify(feedBytes(ds)));
    expect(r.reason).toBe('integrity');
    expect(r.message).toMatch(/no-such-source/);
    expect(r.message).toMatch(/the current data was kept\.$/);
  });

  it('rejects an equal or older version as not-newer, with different wording', async () => {
    const body = feedBytes(fixtureDataset('1.2.0'));
    const same = rejection(await signAndVerify(body, '1.2.0'));
    expect(same.reason).toBe('not-newer');
    expect(same.message).toBe("The feed's version 1.2.0 is already installed; nothing to update.");
    const older = rejection(await signAndVerify(body, '1.10.0'));
    expect(older.reason).toBe('not-newer');
    expect(older.message).toBe("The feed's version 1.2.0 is older than the installed 1.10.0; the current data was kept.");
  });

  it('rejects __proto__, constructor and prototype keys without polluting Object.prototype', async () => {
    const base = JSON.stringify(fixtureDataset());
    const hostile = [
      base.replace('{"schemaVersion"', '{"__proto__":{"polluted":"yes","isAdmin":true},"schemaVersion"'),
      base.replace('"city":"Testville"', '"city":"Testville","constructor":{"prototype":{"polluted":"yes"}}'),
      base.replace('"figures":{', '"figures":{"prototype":{"polluted":"yes"},'),
    ];
    for (const text of hostile) {
      const r = rejection(await signAndVerify(new TextEncoder().encode(text)));
      expect(r.reason).toBe('invalid-schema');
      expect(r.message).toMatch(/forbidden key "(__proto__|constructor|prototype)"/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    }
  });

  it(`rejects nesting deeper than FEED_MAX_DEPTH (${FEED_MAX_DEPTH}) before parsing, even inside an ignored field`, async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = JSON.stringify(fixtureDataset()).replace('{"schemaVersion"', `{"extra":${deep},"schemaVersion"`);
    const r = rejection(await signAndVerify(new TextEncoder().encode(text)));
    expect(r.reason).toBe('invalid-schema');
    expect(r.message).toMatch(/nests data 100001 levels deep/);
    // Brackets inside strings are text, not nesting.
    const ds = fixtureDataset();
    ds.method = `${'[{'.repeat(500)} ${'"'} \\ ${'}]'.repeat(500)}`;
    expect((await signAndVerify(feedBytes(ds))).ok).toBe(true);
  });

  it('does not modify the caller\'s buffer', async () => {
    const body = feedBytes(fixtureDataset());
    const copy = body.slice();
    const signature = await signFeed(body, keys.privateKey);
    await verifyFeed({ body, signature, publicKey, installedVersion: '1.0.0' });
    await verifyFeed({ body, signature, publicKey, installedVersion: '9.0.0' });
    expect(body).toEqual(copy);
  });

  it('throws a TypeError for caller mistakes rather than blaming the feed', async () => {
    const body = feedBytes(fixtureDataset());
    await expect(verifyFeed({ body, signature: 'x', publicKey, installedVersion: 'latest' })).rejects.toThrow(/installed version "latest" is not MAJOR\.MINOR\.PATCH/);
    await expect(verifyFeed({ body: 'text' as unknown as Uint8Array, signature: 'x', installedVersion: null })).rejects.toThrow(TypeError);
  });
});

describe('compareVersions', () => {
  it('orders MAJOR.MINOR.PATCH numerically, part by part', () => {
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.10', '1.2.9')).toBeGreaterThan(0);
    expect(compareVersions('1.9.9', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('0.10.0', '0.9.99')).toBeGreaterThan(0);
    expect(compareVersions('01.002.3', '1.2.3')).toBe(0);
    expect(compareVersions('9007199254740993.0.0', '9007199254740992.0.0')).toBeGreaterThan(0);
  });

  it('throws a clear error for anything that is not MAJOR.MINOR.PATCH', () => {
    for (const bad of ['1.2', '1.2.3-beta', 'v1.2.3', '', '1.2.3 ']) {
      expect(() => compareVersions(bad, '1.0.0')).toThrow(/is not MAJOR\.MINOR\.PATCH/);
    }
  });
});

describe('keys', () => {
  it('the bundled public key is a readable P-256 key whose id is FEED_KEY_ID', async () => {
    const key = await importPublicKey(FEED_PUBLIC_KEY_SPKI);
    expect(key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(await feedKeyId(FEED_PUBLIC_KEY_SPKI)).toBe(FEED_KEY_ID);
  });

  it('a private key survives the PEM round trip and still signs feeds the public key accepts', async () => {
    const pem = await exportPrivateKeyPem(keys.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----\n$/);
    const restored = await importPrivateKeyPem(pem);
    expect(await publicKeyOfPrivate(restored)).toBe(publicKey);
    const body = feedBytes(fixtureDataset());
    expect((await verifyFeed({ body, signature: await signFeed(body, restored), publicKey, installedVersion: null })).ok).toBe(true);
  });

  it('refuses to import text that is not a key', async () => {
    await expect(importPrivateKeyPem('hello')).rejects.toThrow(/not a PEM "PRIVATE KEY"/);
    await expect(importPublicKey({ kty: 'RSA' })).rejects.toThrow(/not an EC P-256 JWK/);
  });
});

describe('feed manifest', () => {
  it('round-trips and resolves its URLs against the manifest URL', async () => {
    const body = feedBytes(fixtureDataset());
    const manifest = await buildFeedManifest(body, fixtureDataset(), 'abcdef0123456789');
    expect(manifest).toMatchObject({ version: '1.2.0', asOf: '2024-05-01', size: body.length, sha256: await sha256Hex(body) });
    const parsed = parseFeedManifest(JSON.stringify(manifest), 'https://feeds.example.org/stationwatch/feed.json');
    expect(parsed).toEqual({
      ok: true,
      manifest: {
        ...manifest,
        datasetUrl: 'https://feeds.example.org/stationwatch/dataset.json',
        signatureUrl: 'https://feeds.example.org/stationwatch/dataset.json.sig',
      },
    });
  });

  it('rejects manifests that point to another site, announce an oversized feed, or are not manifests', async () => {
    const manifest = await buildFeedManifest(feedBytes(fixtureDataset()), fixtureDataset(), 'abcdef0123456789');
    const at = 'https://feeds.example.org/feed.json';
    const cases: [unknown, RegExp][] = [
      [{ ...manifest, datasetUrl: 'https://tracker.example.net/dataset.json' }, /datasetUrl" that is missing or on another site/],
      [{ ...manifest, signatureUrl: 'javascript:alert(1)' }, /signatureUrl" that is missing or on another site/],
      [{ ...manifest, size: FEED_MAX_BYTES + 1 }, /more than the 5 MiB limit/],
      [{ ...manifest, version: 'latest' }, /MAJOR\.MINOR\.PATCH "version"/],
      [[manifest], /not a JSON object/],
    ];
    for (const [doc, message] of cases) {
      const r = parseFeedManifest(JSON.stringify(doc), at);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
    const truncated = parseFeedManifest(JSON.stringify(manifest).slice(0, 20), at);
    expect(truncated.ok === false && truncated.message).toMatch(/not valid JSON/);
  });

  it('puts the signature next to the dataset when there is no manifest', () => {
    expect(feedSignatureUrl('https://example.org/sw/dataset.json?x=1')).toBe('https://example.org/sw/dataset.json.sig?x=1');
  });
});

describe('maintainer scripts', () => {
  const work = mkdtempSync(join(tmpdir(), 'stationwatch-feed-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function writeParts(dir: string, dataset: Record<string, unknown>): void {
    mkdirSync(dir, { recursive: true });
    const { sources, reports, stations, responses, denials, claims, terms, ...meta } = dataset;
    const parts: Record<string, unknown> = { meta, sources, reports, stations, responses, denials, claims, terms };
    for (const [name, value] of Object.entries(parts)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(value, null, 2));
  }

  it('keygen refuses folders inside the repository except under keys/', () => {
    expect(() => checkKeyDir(join(REPO_ROOT, 'lib'))).toThrow(/refusing to write a private key inside the repository/);
    expect(() => checkKeyDir(REPO_ROOT)).toThrow(/inside the repository/);
    expect(() => checkKeyDir(join(REPO_ROOT, 'keys-not-ignored'))).toThrow(/inside the repository/);
    expect(() => checkKeyDir(join(REPO_ROOT, 'keys', 'staging'))).not.toThrow();
    expect(() => checkKeyDir(join(work, 'anywhere'))).not.toThrow();
  });

  it('keygen writes a private PEM (mode 0600) and the public key, and never overwrites', async () => {
    const out = join(work, 'keys');
    const result = await generateKeyFiles(out);
    expect(readFileSync(result.privateKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(result.privateKeyFile).mode & 0o077).toBe(0);
    expect(readFileSync(result.publicKeyFile, 'utf8').trim()).toBe(result.publicKeySpki);
    expect(await feedKeyId(result.publicKeySpki)).toBe(result.keyId);
    const again = await generateKeyFiles(out);
    expect(again.keyId).not.toBe(result.keyId);
    expect(readdirSync(out)).toHaveLength(4);
  });

  it('build writes a feed that verifies, whose manifest matches its bytes', async () => {
    const { privateKeyFile, publicKeySpki } = await generateKeyFiles(join(work, 'build-keys'));
    const data = join(work, 'data');
    writeParts(data, fixtureDataset('2.0.0') as unknown as Record<string, unknown>);
    const out = join(work, 'feed');
    await expect(buildFeed({ keyFile: privateKeyFile, outDir: out, dataDir: data })).rejects.toThrow(/not the one bundled/);
    expect(existsSync(out)).toBe(false);

    const result = await buildFeed({ keyFile: privateKeyFile, outDir: out, dataDir: data, allowUnbundledKey: true });
    expect(readdirSync(out).sort()).toEqual(['dataset.json', 'dataset.json.sig', 'feed.json']);
    const body = readFileSync(result.files.dataset);
    const signature = readFileSync(result.files.signature, 'utf8');
    const verified = await verifyFeed({ body, signature, publicKey: publicKeySpki, installedVersion: '1.9.0' });
    expect(verified.ok && verified.dataset).toEqual(fixtureDataset('2.0.0'));
    const manifest = JSON.parse(readFileSync(result.files.manifest, 'utf8'));
    expect(manifest).toMatchObject({ version: '2.0.0', size: body.length, sha256: await sha256Hex(body), datasetUrl: 'dataset.json', signatureUrl: 'dataset.json.sig' });
  });

  it('build refuses invalid data and writes nothing', async () => {
    const { privateKeyFile } = await generateKeyFiles(join(work, 'bad-keys'));
    const data = join(work, 'bad-data');
    const ds = fixtureDataset() as unknown as Record<string, unknown>;
    ds.claims = [{ ...fixtureDataset().claims[0], sourceIds: [] }];
    writeParts(data, ds);
    const out = join(work, 'bad-feed');
    await expect(buildFeed({ keyFile: privateKeyFile, outDir: out, dataDir: data, allowUnbundledKey: true })).rejects.toThrow(/every record cites at least one source/);
    expect(existsSync(out)).toBe(false);
  });
});
