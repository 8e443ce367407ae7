/** @vitest-environment happy-dom */
/**
 * Incremental rescans: after a DOM change, the page index rebuilt from only the changed blocks must
 * read like a fresh walk of the whole page (same nodes, same order, same words), and every node's
 * offset must still point at its text, since highlights are cut from those offsets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collectText, rangeFor, type TextIndex } from '../../lib/page/text-index';
import { reindexChanged, rescanRoot, spliceIndex } from '../../entrypoints/page-scanner/page-session';

const COLLECT = { includeShadow: true, includeFrames: false } as const;

afterEach(() => {
  document.body.innerHTML = '';
});

function fresh(): TextIndex {
  return collectText(document.body, COLLECT);
}

/** Offsets are right: each node's data sits at its start, in order. */
function expectConsistent(index: TextIndex): void {
  for (let i = 0; i < index.nodes.length; i++) {
    const node = index.nodes[i]!;
    expect(index.text.slice(index.starts[i]!, index.starts[i]! + node.data.length)).toBe(node.data);
    if (i > 0) expect(index.starts[i]!).toBeGreaterThanOrEqual(index.starts[i - 1]! + index.nodes[i - 1]!.data.length);
  }
  for (let k = 1; k < index.runStarts.length; k++) expect(index.runStarts[k]!).toBeGreaterThan(index.runStarts[k - 1]!);
}

/** Words as a reader sees them, ignoring only how many line breaks separate blocks. */
const words = (text: string) => text.replace(/\n+/g, '\n').replace(/^\n|\n$/g, '');

function expectLikeFresh(updated: TextIndex): void {
  const expected = fresh();
  expectConsistent(updated);
  expect(updated.nodes).toEqual(expected.nodes);
  expect(words(updated.text)).toBe(words(expected.text));
}

function update(index: TextIndex, changed: Node[], removals = false): TextIndex {
  const result = reindexChanged(index, changed, removals);
  expect(result).not.toBeNull();
  return result!.index;
}

describe('rescanRoot', () => {
  it('widens a change to the nearest block, so words split by inline tags are read whole', () => {
    document.body.innerHTML = '<div id="d"><p id="p">Safe<b id="b">guard</b> Defenders</p></div>';
    const b = document.getElementById('b')!;
    expect(rescanRoot(b.firstChild!)).toBe(document.getElementById('p'));
    expect(rescanRoot(document.getElementById('d')!)).toBe(document.getElementById('d'));
  });

  it('ignores changes inside hidden, aria-hidden, script and our own UI', () => {
    document.body.innerHTML = '<div hidden><p id="a">x</p></div><div aria-hidden="true"><p id="b">x</p></div><script id="s">1</script><div data-stationwatch-ui><p id="u">x</p></div>';
    for (const id of ['a', 'b', 's', 'u']) expect(rescanRoot(document.getElementById(id)!)).toBeNull();
  });

  it('asks for a whole-page scan for light DOM shown through a shadow root’s slots', () => {
    document.body.innerHTML = '<div id="host"><p id="light">slotted</p></div>';
    const host = document.getElementById('host')!;
    host.attachShadow({ mode: 'open' }).innerHTML = '<p>before</p><slot></slot>';
    expect(rescanRoot(document.getElementById('light')!)).toBe('page');
    // Inside the shadow tree itself, the block there is enough.
    expect(rescanRoot(host.shadowRoot!.querySelector('p')!)).toBe(host.shadowRoot!.querySelector('p'));
  });

  it('returns null for detached nodes', () => {
    const p = document.createElement('p');
    expect(rescanRoot(p)).toBeNull();
  });
});

describe('reindexChanged matches a fresh walk', () => {
  it('after a paragraph’s text changes', () => {
    document.body.innerHTML = '<h1>Title</h1><p id="p">old words here</p><p>after</p>';
    const index = fresh();
    const text = document.getElementById('p')!.firstChild as Text;
    text.data = 'new and longer words here';
    const updated = update(index, [text]);
    expectLikeFresh(updated);
    expect(updated.text).toBe('Title\nnew and longer words here\nafter');
  });

  it('after blocks are appended, inserted in the middle and at the start (infinite scroll, live blogs)', () => {
    document.body.innerHTML = '<main id="feed"><article><p>one</p></article><article><p>two</p></article></main>';
    let index = fresh();
    const feed = document.getElementById('feed')!;
    const make = (t: string) => Object.assign(document.createElement('article'), { innerHTML: `<h2>${t}</h2><p>${t} body</p>` });
    const end = make('three');
    feed.append(end);
    index = update(index, [end]);
    expectLikeFresh(index);
    const middle = make('middle');
    feed.insertBefore(middle, feed.children[1]!);
    index = update(index, [middle]);
    expectLikeFresh(index);
    const first = make('zero');
    feed.prepend(first);
    index = update(index, [first]);
    expectLikeFresh(index);
    expect(words(index.text)).toBe('zero\nzero body\none\nmiddle\nmiddle body\ntwo\nthree\nthree body');
  });

  it('after inline content is inserted inside a sentence', () => {
    document.body.innerHTML = '<p id="p">Safe Defenders</p><p>next</p>';
    const index = fresh();
    const p = document.getElementById('p')!;
    const text = p.firstChild as Text;
    const b = document.createElement('b');
    b.textContent = 'guard';
    text.data = 'Safe';
    p.insertBefore(b, text.nextSibling);
    p.append(' Defenders');
    const updated = update(index, [text, b, p.lastChild!]);
    expectLikeFresh(updated);
    expect(updated.text).toBe('Safeguard Defenders\nnext');
  });

  it('drops the nodes of removed blocks, and reports them removed', () => {
    document.body.innerHTML = '<p>keep one</p><p id="gone">remove <i>me</i></p><p>keep two</p>';
    const index = fresh();
    const gone = document.getElementById('gone')!;
    const goneNodes = [gone.firstChild as Text, gone.querySelector('i')!.firstChild as Text];
    gone.remove();
    const result = reindexChanged(index, [], true)!;
    expectLikeFresh(result.index);
    expect([...result.removed]).toEqual(goneNodes);
    expect(result.index.text).toBe('keep one\nkeep two');
  });

  it('does not report a node removed when it was only read again', () => {
    document.body.innerHTML = '<p id="p">same <b>words</b></p>';
    const index = fresh();
    const p = document.getElementById('p')!;
    p.append(' more');
    const result = reindexChanged(index, [p.lastChild!], false)!;
    expect(result.removed.size).toBe(0);
    expect(result.index.text).toBe('same words more');
  });

  it('drops text that becomes hidden', () => {
    document.body.innerHTML = '<div id="box"><p id="p">visible then hidden</p><p>stays</p></div>';
    const index = fresh();
    const p = document.getElementById('p')!;
    p.hidden = true;
    const updated = update(index, [p.parentNode!]);
    expectLikeFresh(updated);
    expect(updated.text).toBe('stays');
  });

  it('keeps text inside an open shadow root in place when the page around it changes', () => {
    document.body.innerHTML = '<p id="a">before</p><div id="host"></div><p id="c">after</p>';
    document.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = '<p>shadow words</p>';
    let index = fresh();
    const a = document.getElementById('a')!.firstChild as Text;
    a.data = 'before, edited';
    index = update(index, [a]);
    expectLikeFresh(index);
    const shadowP = document.getElementById('host')!.shadowRoot!.querySelector('p')!;
    (shadowP.firstChild as Text).data = 'shadow words, edited';
    index = update(index, [shadowP.firstChild!]);
    expectLikeFresh(index);
    expect(index.text).toBe('before, edited\nshadow words, edited\nafter');
  });

  it('reads a block again when it holds a shadow host, without duplicating the shadow text', () => {
    document.body.innerHTML = '<div id="box"><p id="p">text</p><span id="host"></span></div><p>tail</p>';
    document.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = '<b>inside</b>';
    let index = fresh();
    const p = document.getElementById('p')!;
    // textContent replaces the text node: the observer reports a removal and the new child.
    p.textContent = 'changed text';
    index = update(index, [p.firstChild!], true);
    expectLikeFresh(index);
  });

  it('maps offsets to the right words after a splice (highlights are cut from them)', () => {
    document.body.innerHTML = '<p>Safeguard Defenders wrote</p><div id="feed"></div><p>the end</p>';
    let index = fresh();
    const added = document.createElement('p');
    added.textContent = 'about overseas police stations today';
    document.getElementById('feed')!.append(added);
    index = update(index, [added]);
    const at = index.text.indexOf('overseas police stations');
    const [range] = rangeFor(index, at, at + 'overseas police stations'.length);
    expect((range!.startContainer as Text).data.slice(range!.startOffset, range!.endOffset)).toBe('overseas police stations');
  });

  it('splices a block whose old place was empty between inline neighbours', () => {
    document.body.innerHTML = '<div id="d">left<span id="s"></span>right</div>';
    const index = fresh();
    const block = document.createElement('p');
    block.textContent = 'middle';
    document.getElementById('s')!.append(block);
    const result = spliceIndex(index, block, collectText(block, COLLECT))!;
    expectConsistent(result.index);
    expect(result.index.text).toBe('left\nmiddle\nright');
  });
});

// Random pages and random edits: whatever the edit, the incremental index reads like a fresh walk.
const WORDS = ['station', 'police', 'Fuzhou', 'report', 'garden', 'rain', '110', 'Overseas', 'and', 'the'];
const BLOCKS = ['p', 'div', 'li', 'section', 'h2'];
const INLINES = ['span', 'b', 'i', 'a'];

type Shape = { tag: string; kids: Shape[] } | string;
const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ') + ' '),
    fc.record({ tag: fc.constantFrom(...BLOCKS, ...INLINES), kids: fc.array(tie('node'), { maxLength: 3 }) }),
  ),
})).node;

function build(parent: Node, s: Shape): void {
  if (typeof s === 'string') {
    parent.appendChild(document.createTextNode(s));
    return;
  }
  const el = document.createElement(s.tag);
  for (const k of s.kids) build(el, k);
  parent.appendChild(el);
}

type Edit = { op: 'text' | 'append' | 'remove' | 'insertInline' | 'hide'; at: number; shape: Shape; word: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('text', 'append', 'remove', 'insertInline', 'hide'),
  at: fc.nat(),
  shape,
  word: fc.constantFrom(...WORDS),
});

/** Applies an edit as a page script would and returns what a MutationObserver would report. */
function apply(e: Edit): { changed: Node[]; removals: boolean } {
  const elements = [...document.body.querySelectorAll('*')];
  const texts: Text[] = [];
  const walker = document.createTreeWalker(document.body, 4);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  switch (e.op) {
    case 'text': {
      const t = texts[e.at % Math.max(1, texts.length)];
      if (!t) return { changed: [], removals: false };
      t.data = `${e.word} ${t.data}`;
      return { changed: [t], removals: false };
    }
    case 'append': {
      const parent = elements.length ? elements[e.at % elements.length]! : document.body;
      const before = parent.childNodes.length;
      build(parent, e.shape);
      return { changed: [...parent.childNodes].slice(before), removals: false };
    }
    case 'insertInline': {
      const parent = elements.length ? elements[e.at % elements.length]! : document.body;
      const b = document.createElement('b');
      b.textContent = e.word;
      parent.insertBefore(b, parent.firstChild);
      return { changed: [b], removals: false };
    }
    case 'remove': {
      const victim = elements[e.at % Math.max(1, elements.length)];
      if (!victim) return { changed: [], removals: false };
      const parent = victim.parentNode!;
      victim.remove();
      // The observer's rule: a removed inline element (or text) makes its parent's block change.
      const inline = !BLOCKS.includes(victim.localName);
      return { changed: inline ? [parent] : [], removals: true };
    }
    case 'hide': {
      const victim = elements[e.at % Math.max(1, elements.length)];
      if (!victim) return { changed: [], removals: false };
      (victim as HTMLElement).hidden = true;
      return { changed: [victim.parentNode!], removals: false };
    }
  }
}

describe('reindexChanged on random pages and edits', () => {
  it('reads like a fresh walk after every edit in a sequence', () => {
    let incremental = 0;
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 5 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (page, edits) => {
        document.body.innerHTML = '';
        for (const s of page) build(document.body, s);
        let index = fresh();
        for (const e of edits) {
          const { changed, removals } = apply(e);
          const result = reindexChanged(index, changed, removals);
          if (result === null) {
            index = fresh();
            continue;
          }
          index = result.index;
          incremental++;
          const expected = fresh();
          expectConsistent(index);
          expect(index.nodes).toEqual(expected.nodes);
          // Inline neighbours of a removed block join in a fresh walk; the incremental index keeps a
          // line break there, which only ever separates words, never joins them.
          expect(index.text.replace(/\s+/g, '')).toBe(expected.text.replace(/\s+/g, ''));
        }
      }),
      { numRuns: 300 },
    );
    // The point is the incremental path: it must be the one taken for almost every edit.
    expect(incremental).toBeGreaterThan(300);
  });

  it('reads like a fresh walk when several edits arrive in one batch (many blocks spliced in one pass)', () => {
    let incremental = 0;
    fc.assert(
      fc.property(fc.array(shape, { minLength: 2, maxLength: 6 }), fc.array(fc.array(edit, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 3 }), (page, batches) => {
        document.body.innerHTML = '';
        for (const s of page) build(document.body, s);
        let index = fresh();
        for (const batch of batches) {
          const changed: Node[] = [];
          let removals = false;
          for (const e of batch) {
            const r = apply(e);
            changed.push(...r.changed);
            removals ||= r.removals;
          }
          const result = reindexChanged(index, changed, removals);
          if (result === null) {
            index = fresh();
            continue;
          }
          index = result.index;
          incremental++;
          const expected = fresh();
          expectConsistent(index);
          expect(index.nodes).toEqual(expected.nodes);
          expect(index.text.replace(/\s+/g, '')).toBe(expected.text.replace(/\s+/g, ''));
        }
      }),
      { numRuns: 300 },
    );
    expect(incremental).toBeGreaterThan(200);
  });
});
