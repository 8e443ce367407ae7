/**
 * Hash of a page's visible text, stored with each annotation so re-anchoring can trust the stored
 * position outright when the text is unchanged.
 *
 * FNV-1a 64-bit over the UTF-8 encoding of the text (lone surrogates encoded as U+FFFD, as
 * TextEncoder does), printed as `fnv1a64:` + 16 lower-case hex digits. Synchronous and pure: unlike
 * crypto.subtle it needs no await, no secure context, and costs about as much as one pass over the
 * text. It detects change, it is not a security hash: nobody gains by forging one.
 */

/** Prefix of every hash string, so a future algorithm can be told apart. */
export const TEXT_HASH_PREFIX = 'fnv1a64:';

/** FNV-1a 64 of the UTF-8 bytes of `text`, as `fnv1a64:` + 16 hex digits. */
export function hashPageText(text: string): string {
  // 64-bit state as four 16-bit limbs so every product stays exact in a double.
  // Offset basis 0xcbf29ce484222325; prime 0x100000001b3 = 2^40 + 0x1b3.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number): void => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    let t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    t3 += t2 >>> 16;
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      step(cp);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    if (cp < 0x800) {
      step(0xc0 | (cp >> 6));
      step(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      step(0xe0 | (cp >> 12));
      step(0x80 | ((cp >> 6) & 0x3f));
      step(0x80 | (cp & 0x3f));
    } else {
      step(0xf0 | (cp >> 18));
      step(0x80 | ((cp >> 12) & 0x3f));
      step(0x80 | ((cp >> 6) & 0x3f));
      step(0x80 | (cp & 0x3f));
    }
  }
  const hex = (limb: number): string => limb.toString(16).padStart(4, '0');
  return TEXT_HASH_PREFIX + hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
