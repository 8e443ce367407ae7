import { describe, expect, it } from 'vitest';
import { CONTEXT_GROW_MAX_CHARS, CONTEXT_MIN_CHARS, describeRange } from '../../lib/anchoring/describe';
import { hashPageText } from '../../lib/anchoring/text-hash';

const PAGE = [
  'Safeguard Defenders said in September 2022 that Chinese police ran 54 overseas police service stations in 30 countries.',
  'In December 2022 the group raised the count to 102 stations in 53 countries, citing Chinese official sources.',
  "China's foreign ministry denied that the sites were police stations and called them volunteer-run service centres.",
].join('\n');

describe('describeRange', () => {
  it('quotes the selection with context on both sides and keeps its position', () => {
    const exact = 'raised the count to 102 stations';
    const start = PAGE.indexOf(exact);
    const d = describeRange(PAGE, start, start + exact.length);
    expect(d.quote.exact).toBe(exact);
    expect(d.position).toEqual({ start, end: start + exact.length });
    expect(d.quote.prefix).toBe(PAGE.slice(start - CONTEXT_MIN_CHARS, start));
    expect(d.quote.suffix).toBe(PAGE.slice(start + exact.length, start + exact.length + CONTEXT_MIN_CHARS));
    expect(d.unique).toBe(true);
  });

  it('quotes across block boundaries verbatim', () => {
    const start = PAGE.indexOf('30 countries.');
    const end = PAGE.indexOf('In December 2022') + 'In December 2022'.length;
    const d = describeRange(PAGE, start, end);
    expect(d.quote.exact).toBe('30 countries.\nIn December 2022');
  });

  it('clips the context at the ends of the text', () => {
    const d = describeRange(PAGE, 0, 'Safeguard Defenders'.length);
    expect(d.quote.prefix).toBe('');
    expect(d.quote.suffix.length).toBe(CONTEXT_MIN_CHARS);
    const tail = describeRange(PAGE, PAGE.length - 8, PAGE.length);
    expect(tail.quote.suffix).toBe('');
    expect(tail.quote.exact).toBe('centres.');
  });

  it('grows the context until prefix + quote + suffix is unique', () => {
    // The same 200-character paragraph twice; only what lies beyond it tells them apart.
    const repeated = 'The station was said to operate from a restaurant. '.repeat(4);
    const text = `Milan. ${repeated}\nToronto. ${repeated}`;
    const inner = 'operate from a restaurant';
    const start = text.lastIndexOf(inner) - 'The station was said to operate from a restaurant. '.length;
    const d = describeRange(text, start, start + inner.length);
    expect(d.unique).toBe(true);
    expect(d.quote.prefix.length).toBeGreaterThan(CONTEXT_MIN_CHARS);
    const combined = d.quote.prefix + d.quote.exact + d.quote.suffix;
    expect(text.indexOf(combined)).toBe(text.lastIndexOf(combined));
    expect(text.indexOf(combined) + d.quote.prefix.length).toBe(start);
  });

  it('reports when no context can tell duplicates apart', () => {
    const unit = 'Officials denied any wrongdoing. ';
    const text = unit.repeat(200);
    const d = describeRange(text, unit.length * 100, unit.length * 100 + 'Officials denied'.length);
    expect(d.unique).toBe(false);
    expect(d.quote.prefix.length).toBeLessThanOrEqual(CONTEXT_GROW_MAX_CHARS);
  });

  it('never splits a surrogate pair in the context', () => {
    const text = '😀'.repeat(40) + 'quoted words' + '😀'.repeat(40);
    const start = text.indexOf('quoted');
    const d = describeRange(text, start, start + 'quoted words'.length);
    expect(d.quote.prefix.length % 2).toBe(0);
    expect(d.quote.suffix.length % 2).toBe(0);
    expect(d.quote.prefix.isWellFormed()).toBe(true);
    expect(d.quote.suffix.isWellFormed()).toBe(true);
  });

  it.each([
    [5, 5, /empty or outside/],
    [-1, 4, /empty or outside/],
    [10, PAGE.length + 1, /empty or outside/],
    [1.5, 4, /integers/],
  ])('rejects the range [%s, %s) with a clear message', (start, end, message) => {
    expect(() => describeRange(PAGE, start, end)).toThrow(message);
  });

  it('rejects a selection of only white space', () => {
    const i = PAGE.indexOf('\n');
    expect(() => describeRange(PAGE, i, i + 1)).toThrow(/white space/);
  });
});

describe('hashPageText', () => {
  it('matches the published FNV-1a 64 test vectors (UTF-8)', () => {
    expect(hashPageText('')).toBe('fnv1a64:cbf29ce484222325');
    expect(hashPageText('a')).toBe('fnv1a64:af63dc4c8601ec8c');
    expect(hashPageText('foobar')).toBe('fnv1a64:85944171f73967e8');
  });

  it('hashes the UTF-8 bytes, as TextEncoder encodes them', () => {
    // Equal hashes for strings with equal UTF-8 bytes; a reference implementation over the bytes agrees.
    const text = 'Überwachung 警务 😀 \ud800 end';
    const bytes = new TextEncoder().encode(text);
    let h = 0xcbf29ce484222325n;
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(hashPageText(text)).toBe(`fnv1a64:${h.toString(16).padStart(16, '0')}`);
  });

  it('changes when the text changes by one character', () => {
    expect(hashPageText(PAGE)).not.toBe(hashPageText(PAGE.replace('102', '103')));
    expect(hashPageText(PAGE)).toBe(hashPageText(PAGE.slice()));
  });
});
