import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchor, anchorAll, createAnchorer, type AnchorResult } from '../../lib/anchoring/anchor';
import { describeRange } from '../../lib/anchoring/describe';
import { hashPageText } from '../../lib/anchoring/text-hash';

const PARAGRAPHS = [
  'Safeguard Defenders said in September 2022 that Chinese police ran 54 overseas police service stations in 30 countries, mostly in Europe.',
  'In December 2022 the group raised the count to 102 stations in 53 countries, citing Chinese official sources and local media reports.',
  "China's foreign ministry denied that the sites were police stations and called them volunteer-run service centres helping citizens renew driving licences.",
  'Dutch authorities ordered two sites in Amsterdam and Rotterdam closed, and Irish police told a Dublin office to shut down.',
  'In April 2023 the FBI arrested two men in New York accused of running an undeclared police station in Manhattan for the Chinese government.',
  'Italian police said they had found no evidence of illegal activity at the sites in Milan and Florence after months of inquiries.',
];
const PAGE = PARAGRAPHS.join('\n');

function annotate(text: string, exact: string, occurrence = 0) {
  let start = -1;
  for (let i = 0; i <= occurrence; i++) start = text.indexOf(exact, start + 1);
  if (start < 0) throw new Error(`fixture: "${exact}" not in text`);
  const d = describeRange(text, start, start + exact.length);
  return { selectors: { quote: d.quote, position: d.position }, pageTextHash: hashPageText(text), start };
}

function anchoredText(text: string, result: AnchorResult): string {
  if (result.status !== 'anchored') throw new Error(`expected an anchor, got orphan (${result.reason}: ${result.detail})`);
  return text.slice(result.start, result.end);
}

describe('anchor: unchanged page', () => {
  it('uses the stored position when the page text hash matches', () => {
    const a = annotate(PAGE, 'raised the count to 102 stations');
    const r = anchor(PAGE, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toEqual({ status: 'anchored', start: a.start, end: a.start + 32, method: 'position', score: 1 });
  });

  it('uses the stored position without a hash when the context around it is intact', () => {
    const a = annotate(PAGE, 'volunteer-run service centres');
    const r = anchor(PAGE, a.selectors);
    expect(r).toMatchObject({ status: 'anchored', start: a.start, method: 'position' });
  });

  it('anchors a quote that spans two blocks', () => {
    const exact = 'mostly in Europe.\nIn December 2022';
    const a = annotate(PAGE, exact);
    const edited = 'Live updates\n' + PAGE;
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'anchored', method: 'quote', start: a.start + 13 });
    expect(anchoredText(edited, r)).toBe(exact);
  });
});

describe('anchor: changed page', () => {
  it('finds the quote after text is inserted before it', () => {
    const a = annotate(PAGE, 'ordered two sites in Amsterdam and Rotterdam closed');
    const edited = 'Editor’s note: this article was updated on 5 May.\n' + PAGE;
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r.status === 'anchored' && r.method).toBe('quote');
    expect(anchoredText(edited, r)).toBe('ordered two sites in Amsterdam and Rotterdam closed');
  });

  it('finds the quote after text right next to it was deleted', () => {
    const a = annotate(PAGE, 'arrested two men in New York');
    const edited = PAGE.replace('In April 2023 the FBI ', 'The FBI ');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(anchoredText(edited, r)).toBe('arrested two men in New York');
  });

  it('finds an edited quote (words inserted inside it) with a fuzzy match', () => {
    const a = annotate(PAGE, 'the group raised the count to 102 stations in 53 countries');
    const edited = PAGE.replace('raised the count to 102', 'later raised the count to 102');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'anchored', method: 'fuzzy' });
    expect(anchoredText(edited, r)).toBe('the group later raised the count to 102 stations in 53 countries');
    expect(r.status === 'anchored' && r.score).toBeGreaterThan(0.8);
  });

  it('finds an edited quote (a word deleted inside it)', () => {
    const a = annotate(PAGE, 'accused of running an undeclared police station in Manhattan');
    const edited = PAGE.replace('an undeclared police station', 'a police station');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(anchoredText(edited, r)).toBe('accused of running a police station in Manhattan');
  });

  it('survives white-space changes inside and around the quote', () => {
    const a = annotate(PAGE, 'mostly in Europe.\nIn December 2022 the group');
    const edited = PAGE.replace(/\n/g, '\n\n').replace('in 30 countries', 'in  30  countries').replace('the group', 'the\tgroup');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r.status).toBe('anchored');
    expect(anchoredText(edited, r)).toBe('mostly in Europe.\n\nIn December 2022 the\tgroup');
  });

  it('keeps a long quote whose surroundings were rewritten', () => {
    const exact = 'Italian police said they had found no evidence of illegal activity at the sites in Milan and Florence';
    const a = annotate(PAGE, exact);
    const edited = PAGE.replace(/Dutch authorities[^\n]*\n/, 'A new paragraph replaces the Dutch one entirely, with other words.\n').replace(
      'after months of inquiries.',
      'according to a statement on Friday.',
    );
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(anchoredText(edited, r)).toBe(exact);
  });

  it('prefers the edited passage in its original context over an exact copy elsewhere', () => {
    // The annotated sentence is edited in place, and the old wording now appears in a quote box.
    const exact = 'Dutch authorities ordered two sites in Amsterdam and Rotterdam closed';
    const a = annotate(PAGE, exact);
    const edited =
      PAGE.replace(exact, 'Dutch authorities ordered both sites in Amsterdam and Rotterdam closed') +
      '\nRelated: "' + exact + '" — from our archive, 2022.';
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'anchored', method: 'fuzzy' });
    expect(anchoredText(edited, r)).toBe('Dutch authorities ordered both sites in Amsterdam and Rotterdam closed');
  });
});

describe('anchor: orphans instead of wrong passages', () => {
  it('orphans an annotation whose passage was removed', () => {
    const a = annotate(PAGE, 'helping citizens renew driving licences');
    const edited = PAGE.replace(PARAGRAPHS[2]! + '\n', '');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'orphan', reason: 'not-found' });
  });

  it('orphans a passage duplicated without distinguishing context', () => {
    // Annotated on a page with one copy; the page now shows the paragraph twice (e.g. a pull quote).
    const a = annotate(PAGE, 'no evidence of illegal activity');
    const edited = PAGE + '\n' + PAGE;
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'orphan', reason: 'ambiguous' });
  });

  it('orphans a duplicate that context could not separate even at creation, once the page shifts', () => {
    const unit = 'Officials denied any wrongdoing at the centre. ';
    const text = unit.repeat(30);
    const start = unit.length * 12;
    const d = describeRange(text, start, start + 'Officials denied any wrongdoing'.length);
    expect(d.unique).toBe(false);
    const r = anchor('Update: ' + text, { quote: d.quote, position: d.position }, { pageTextHash: hashPageText(text) });
    expect(r).toMatchObject({ status: 'orphan', reason: 'ambiguous' });
  });

  it('anchors the right one of two duplicates when their context differs, even after a shift', () => {
    const text = 'Toronto: the office was closed. Police said no crimes were found.\nMilan: the office was closed. Police said inquiries continue.';
    const a = annotate(text, 'the office was closed', 1);
    const edited = 'Summary of closures.\n' + text.replace('Toronto:', 'Toronto, Canada:');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r.status).toBe('anchored');
    expect(r.status === 'anchored' && r.start).toBe(edited.lastIndexOf('the office was closed'));
  });

  it('does not move a short quote to another place when its own passage is gone', () => {
    // "police station" appears elsewhere; the annotated sentence was deleted.
    const a = annotate(PAGE, 'police station', 1); // the Manhattan one
    expect(a.start).toBeGreaterThan(PAGE.indexOf('FBI'));
    const edited = PAGE.replace(PARAGRAPHS[4]! + '\n', '');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r.status).toBe('orphan');
  });

  it('orphans a quote rewritten beyond recognition', () => {
    const a = annotate(PAGE, 'Chinese police ran 54 overseas police service stations');
    const edited = PAGE.replace('Chinese police ran 54 overseas police service stations', 'Beijing operated dozens of so-called outposts abroad');
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r.status).toBe('orphan');
  });

  it('orphans selectors without a quote', () => {
    const r = anchor(PAGE, { quote: { exact: '', prefix: '', suffix: '' } });
    expect(r).toMatchObject({ status: 'orphan', reason: 'invalid-selectors' });
  });
});

describe('anchorAll / createAnchorer', () => {
  it('anchors many annotations in one text and reports each result in order', () => {
    const quotes = ['raised the count to 102 stations', 'volunteer-run service centres', 'Dublin office', 'months of inquiries'];
    const items = quotes.map((q) => annotate(PAGE, q));
    const edited = 'Top story\n' + PAGE.replace('Dublin office', 'Dublin premises');
    const results = anchorAll(edited, items);
    expect(results.map((r) => (r.status === 'anchored' ? edited.slice(r.start, r.end) : r.status))).toEqual([
      'raised the count to 102 stations',
      'volunteer-run service centres',
      'orphan', // a 13-character quote changed: too short to trust a fuzzy match
      'months of inquiries',
    ]);
    expect(createAnchorer(edited).textHash()).toBe(hashPageText(edited));
  });
});

describe('anchor: properties', () => {
  const sentence = fc.constantFrom(...PARAGRAPHS.flatMap((p) => p.split(/(?<=[,.]) /)));
  // Many repeated sentences, but never the same one twice in a row: a run of identical sentences is a
  // periodic text where a look-alike differs from the passage by fewer characters than a small edit
  // changes, and no similarity-based anchoring can tell which one was meant.
  const page = fc
    .array(sentence, { minLength: 8, maxLength: 40 })
    .map((s) => s.filter((x, i) => x !== s[i - 1]).join(' '))
    .filter((t) => t.length > 200);

  it('after an edit away from the passage, the annotation is found at its new place or orphaned, never misplaced', () => {
    fc.assert(
      fc.property(page, fc.nat(), fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 40 }), fc.nat(30), (text, a, b, c, insert, del) => {
        const start = a % (text.length - 10);
        const end = Math.min(text.length, start + 10 + (b % 80));
        fc.pre(text.slice(start, end).trim() !== '');
        const d = describeRange(text, start, end);
        fc.pre(d.unique);
        // An edit outside prefix + quote + suffix.
        const lo = start - d.quote.prefix.length;
        const hi = end + d.quote.suffix.length;
        const outside = [...Array(text.length + 1).keys()].filter((i) => i + del < lo || i > hi);
        fc.pre(outside.length > 0);
        const at = outside[c % outside.length]!;
        const edited = text.slice(0, at) + insert + text.slice(at + del);
        const shift = at < lo ? insert.length - Math.min(del, text.length - at) : 0;
        // The edit may have created a new copy of prefix + quote + suffix; then nothing is "the" place.
        const combined = d.quote.prefix + d.quote.exact + d.quote.suffix;
        fc.pre(edited.indexOf(combined) === edited.lastIndexOf(combined));
        const r = anchor(edited, { quote: d.quote, position: d.position }, { pageTextHash: hashPageText(text) });
        if (r.status === 'anchored') expect([r.start, r.end]).toEqual([start + shift, end + shift]);
        return r.status === 'anchored'; // with intact context it must be found, not just not misplaced
      }),
      { numRuns: 300, seed: 20240501 },
    );
  });

  // Where the passage's ends went after replacing text[at, at + cut) by `insert`.
  function mapper(at: number, cut: number, insert: string) {
    return (x: number, side: 'start' | 'end') =>
      x < at || (x === at && side === 'start') ? x : x >= at + cut ? x + insert.length - cut : side === 'start' ? at : at + insert.length;
  }

  it('after an edit in the context next to the passage, it is found exactly or orphaned, never misplaced', () => {
    let anchored = 0;
    fc.assert(
      fc.property(page, fc.nat(), fc.nat(), fc.boolean(), fc.nat(70), fc.string({ maxLength: 8 }), fc.nat(8), (text, a, b, before, gap, insert, del) => {
        const start = a % (text.length - 10);
        const end = Math.min(text.length, start + 10 + (b % 80));
        fc.pre(text.slice(start, end).trim() !== '');
        const d = describeRange(text, start, end);
        // The edit lies in the prefix or suffix (or just beyond), never inside the quote.
        const at = before ? Math.max(0, start - gap - del) : Math.min(text.length, end + gap);
        const cut = Math.min(del, text.length - at, before ? start - at : text.length);
        const edited = text.slice(0, at) + insert + text.slice(at + cut);
        fc.pre(edited !== text);
        const shift = before ? insert.length - cut : 0;
        const r = anchor(edited, { quote: d.quote, position: d.position }, { pageTextHash: hashPageText(text) });
        if (r.status !== 'anchored') return;
        anchored++;
        expect([r.start, r.end]).toEqual([start + shift, end + shift]);
      }),
      { numRuns: 400, seed: 11 },
    );
    expect(anchored).toBeGreaterThan(250);
  });

  it('after an edit inside the passage on a page without repeated sentences, an anchor lies on what became of it', () => {
    const distinctPage = fc.shuffledSubarray(PARAGRAPHS.flatMap((p) => p.split(/(?<=[,.]) /)), { minLength: 6 }).map((s) => s.join(' '));
    let anchored = 0;
    fc.assert(
      fc.property(distinctPage, fc.nat(), fc.nat(), fc.nat(), fc.string({ maxLength: 12 }), fc.nat(8), (text, a, b, c, insert, del) => {
        const start = a % (text.length - 20);
        const end = Math.min(text.length, start + 20 + (b % 80));
        fc.pre(text.slice(start, end).trim() !== '');
        const d = describeRange(text, start, end);
        const at = start + (c % (end - start));
        const cut = Math.min(del, end - at);
        const edited = text.slice(0, at) + insert + text.slice(at + cut);
        fc.pre(edited !== text);
        const map = mapper(at, cut, insert);
        const r = anchor(edited, { quote: d.quote, position: d.position }, { pageTextHash: hashPageText(text) });
        if (r.status !== 'anchored') return;
        anchored++;
        expect(r.start <= map(end, 'end') && r.end >= map(start, 'start')).toBe(true);
        // A fuzzy match's ends may slide by the allowed errors, no further.
        const slide = Math.floor((end - start) / 4) + insert.length + cut;
        expect(Math.abs(r.start - map(start, 'start'))).toBeLessThanOrEqual(slide);
        expect(Math.abs(r.end - map(end, 'end'))).toBeLessThanOrEqual(slide);
      }),
      { numRuns: 400, seed: 5 },
    );
    expect(anchored).toBeGreaterThan(300);
  });
});

describe('anchor: pages with heavy boilerplate', () => {
  // "Share this article" ×400 makes its q-grams too common to index: exact search falls back to indexOf.
  const boiler = 'Share this article. '.repeat(400);
  const page = `${boiler}\n${PAGE}\n${boiler}`;

  it('still finds a passage next to the boilerplate after the page shifts', () => {
    const a = annotate(page, 'Share this article. \nSafeguard Defenders said');
    const edited = 'Breaking\n' + page;
    const r = anchor(edited, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'anchored', start: a.start + 9 });
  });

  it('orphans an annotation on one copy of the boilerplate once the page changes', () => {
    const a = annotate(page, 'Share this article.', 200);
    const r = anchor('Breaking\n' + page, a.selectors, { pageTextHash: a.pageTextHash });
    expect(r).toMatchObject({ status: 'orphan', reason: 'ambiguous' });
  });
});
