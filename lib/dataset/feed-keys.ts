/**
 * The public key that signed dataset feeds must verify against. Only the public half lives in the
 * repository; the private key stays with the maintainer (see docs/feed.md). To rotate, run
 * `npm run feed:keygen -- --out DIR` and paste its output here: extensions updated to the new key
 * reject feeds signed with the old one, so ship the extension update before the first new feed.
 */

/** Id of the bundled feed key (first 16 hex digits of SHA-256 over the SPKI bytes); generated 2026-11-28. */
export const FEED_KEY_ID = '3008628fe6f709b6';
/** Public half of the feed signing key (ECDSA P-256, SPKI DER, base64). */
export const FEED_PUBLIC_KEY_SPKI = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhBQUjWsuhYOnKuDn2LbKTM+sMllZ2AwP3oxRcLcYcFL+e1q2qHpzfxwItyodADWhl0BHodBCqZKShCifGNCJGg==';
