/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  collectText,
  liveRangeFor,
  nodeIndex,
  nodeOffset,
  offsetsForRange,
  rangeFor,
  type TextIndex,
} from '../../lib/page/text-index';
import { inlineStyleVisibility } from '../../lib/page/visibility';
import { decodeHtml, emptySvgElements, htmlPageText } from '../../lib/page/html-text-node';

function page(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

/** What a reader would see selected: the DOM text between a range's boundary points. */
function rangeText(r: AbstractRange): string {
  const live = document.createRange();
  live.setStart(r.startContainer, r.startOffset);
  live.setEnd(r.endContainer, r.endOffset);
  return live.toString();
}

/** Offsets of `needle` in the index text; fails the test when absent. */
function find(index: TextIndex, needle: string): [number, number] {
  const at = index.text.indexOf(needle);
  expect(at, `"${needle}" in ${JSON.stringify(index.text)}`).toBeGreaterThanOrEqual(0);
  return [at, at + needle.length];
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('collectText: text and block boundaries', () => {
  it('separates blocks, list items, table cells and <br> with exactly one newline', () => {
    const index = collectText(
      page(`
        <h1>Title</h1>
        <p>Alpha</p><p>Beta</p>
        <div>Gamma<br>Delta<br><br>Epsilon</div>
        <ul><li>One</li><li>Two</li></ul>
        <table><tr><td>A1</td><td>B1</td></tr><tr><th>A2</th><td>B2</td></tr></table>
        <div><div><div>Deep</div></div></div>`),
    );
    expect(index.text).toBe('Title\nAlpha\nBeta\nGamma\nDelta\nEpsilon\nOne\nTwo\nA1\nB1\nA2\nB2\nDeep');
  });

  it('joins inline elements without a separator and keeps spaces between them', () => {
    const index = collectText(page('<p>Safe<b>guard</b> <i>Defenders</i> said <a href="#"><span>110</span> Overseas</a>.</p>'));
    expect(index.text).toBe('Safeguard Defenders said 110 Overseas.');
  });

  it('keeps words from adjacent blocks, buttons and images apart', () => {
    const index = collectText(page('<div>police</div><div>station</div><button>Share</button><button>Tweet</button>word<img alt="x">next'));
    expect(index.text).toBe('police\nstation\nShare\nTweet\nword\nnext');
    expect(index.text).not.toContain('policestation');
  });

  it('drops source indentation after boundaries: no leading newline, never two inserted in a row', () => {
    const index = collectText(page('\n   <div>\n     <p>x</p>\n  <p></p>\n <div> </div>  <p>\n  y</p>\n </div>\n'));
    // The only newlines left are one inserted boundary and the one inside the second paragraph's data.
    expect(index.text).toBe('x\n\n  y');
    expect(index.nodes.map((n) => n.data)).toEqual(['x', '\n  y']);
    const empty = collectText(page('<div> </div><p>\n</p>'));
    expect(empty.text).toBe('');
    expect(empty.nodes).toHaveLength(0);
  });

  it('maps every indexed node to its exact data in the text', () => {
    const index = collectText(page('<p>a<b>bb</b>c</p><pre>line 1\nline 2\n</pre><p>d&nbsp;e</p><ul><li>f</li></ul>'));
    expect(index.starts).toHaveLength(index.nodes.length);
    for (let i = 0; i < index.nodes.length; i++) {
      const node = index.nodes[i]!;
      expect(index.text.slice(index.starts[i]!, index.starts[i]! + node.length)).toBe(node.data);
    }
    // pre text keeps its own newline; no extra one is inserted after it.
    expect(index.text).toBe('abbc\nline 1\nline 2\nd\u00a0e\nf');
  });

  it('collects a document, an element or a detached subtree', () => {
    page('<p>one</p><section id="s"><p>two</p></section>');
    expect(collectText(document).text).toBe('one\ntwo');
    expect(collectText(document.getElementById('s')!).text).toBe('two');
    const detached = document.createElement('div');
    detached.innerHTML = '<p>far</p><p style="display:none">gone</p>';
    expect(collectText(detached).text).toBe('far');
  });
});

describe('collectText: what is not indexed', () => {
  it.each([
    ['script', '<script>var SECRET = 1;</script>'],
    ['style', '<style>.SECRET{}</style>'],
    ['noscript', '<noscript>SECRET</noscript>'],
    ['template', '<template><p>SECRET</p></template>'],
    ['textarea', '<textarea>SECRET</textarea>'],
    ['select/option', '<select><option>SECRET</option></select>'],
    ['hidden attribute', '<span hidden>SECRET</span>'],
    ['aria-hidden', '<span aria-hidden="true"><b>SECRET</b></span>'],
    ['our own UI', '<div data-stationwatch-ui><p>SECRET</p></div>'],
    ['svg text', '<svg><text>SECRET</text></svg>'],
    ['inline display:none', '<span style="display: none">SECRET</span>'],
    ['display:none from a stylesheet', '<style>.gone{display:none}</style><div class="gone"><p>SECRET</p></div>'],
    ['visibility:hidden', '<span style="visibility:hidden">SECRET</span>'],
    ['iframe fallback content', '<iframe srcdoc="">SECRET</iframe>'],
  ])('skips %s', (_name, html) => {
    const index = collectText(page(`<p>before ${html} after</p>`));
    expect(index.text).not.toContain('SECRET');
    expect(index.text).toMatch(/^before\s+after$/);
    for (const node of index.nodes) expect(node.data).not.toContain('SECRET');
  });

  it('indexes input values nowhere but keeps the words around a field apart', () => {
    const index = collectText(page('<label>Name<input value="SECRET">Email</label>'));
    expect(index.text).toBe('Name\nEmail');
  });

  it('keeps aria-hidden="false" and contenteditable content', () => {
    const index = collectText(page('<p aria-hidden="false">kept</p><div contenteditable="true">editable</div>'));
    expect(index.text).toBe('kept\neditable');
  });

  it('asks isVisible at most once per element, and only for elements holding text', () => {
    const calls = new Map<Element, number>();
    const isVisible = (el: Element): boolean => {
      calls.set(el, (calls.get(el) ?? 0) + 1);
      return !el.classList.contains('off');
    };
    page('<div id="wrap">\n  <div><p id="p">a<b>b</b>c<b class="off">X</b>d</p>\n</div></div>');
    const index = collectText(document.body, { isVisible });
    expect(index.text).toBe('abcd');
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    const asked = [...calls.keys()].map((el) => el.id || el.tagName.toLowerCase()).sort();
    expect(asked).toEqual(['b', 'b', 'p']);
  });
});

describe('inlineStyleVisibility (pages without a style engine)', () => {
  it('hides text under a display:none ancestor and honours inherited visibility', () => {
    const index = collectText(
      page('<div style="color:red; DISPLAY : none !important"><p>gone</p></div><div style="visibility:hidden"><p>hid</p><p style="visibility: visible">back</p></div><p style="display:block">here</p>'),
      { isVisible: inlineStyleVisibility() },
    );
    expect(index.text).toBe('back\nhere');
  });
});

describe('collectText: shadow roots and frames', () => {
  function shadowPage(): HTMLElement {
    page('<p>before</p><x-card id="host"><span>slotted</span><span slot="title">Named</span></x-card><p>after</p>');
    const host = document.getElementById('host')!;
    host.attachShadow({ mode: 'open' }).innerHTML = '<h2><slot name="title">fallback</slot> title</h2><div>Inside <slot></slot></div><slot name="none">Fallback text</slot>';
    return host;
  }

  it('walks open shadow roots in place, following slots in rendering order', () => {
    shadowPage();
    const index = collectText(document.body);
    expect(index.text).toBe('before\nNamed title\nInside slotted\nFallback text\nafter');
  });

  it('finds slotted nodes that named slots render out of document order', () => {
    const host = shadowPage();
    const index = collectText(document.body);
    const slotted = host.querySelector('span:not([slot])')!.firstChild as Text;
    const named = host.querySelector('span[slot]')!.firstChild as Text;
    expect(nodeOffset(index, slotted)).toBe(index.text.indexOf('slotted'));
    expect(nodeOffset(index, named)).toBe(index.text.indexOf('Named'));
    const range = document.createRange();
    range.setStart(slotted, 1);
    range.setEnd(slotted, 4);
    const offsets = offsetsForRange(index, range)!;
    expect(index.text.slice(offsets.start, offsets.end)).toBe('lot');
  });

  it('reads light DOM only when includeShadow is false', () => {
    shadowPage();
    expect(collectText(document.body, { includeShadow: false }).text).toBe('before\nslottedNamed\nafter');
  });

  it('skips shadow content that is hidden', () => {
    page('<div id="h"></div>');
    document.getElementById('h')!.attachShadow({ mode: 'open' }).innerHTML = '<p hidden>SECRET</p><p>shown</p>';
    expect(collectText(document.body).text).toBe('shown');
  });

  it('skips excluded elements wherever the walk meets them: slotted light children, deep in a shadow root, the root itself', () => {
    page('<x-card id="h"><span aria-hidden="true">SECRET slotted</span><span>slotted</span></x-card><div id="gone" hidden><p>SECRET root</p></div>');
    document.getElementById('h')!.attachShadow({ mode: 'open' }).innerHTML = '<div><slot></slot><p><b data-stationwatch-ui>SECRET ui</b>deep</p></div>';
    const index = collectText(document.body);
    expect(index.text).toBe('slotted\ndeep');
    expect(collectText(document.getElementById('gone')!).text).toBe('');
  });

  it('walks a same-origin iframe document only when includeFrames is set', () => {
    page('<p>top</p><iframe id="f" srcdoc="<p>inside <b>frame</b></p>"></iframe><p>bottom</p>');
    const frame = document.getElementById('f') as HTMLIFrameElement;
    expect(frame.contentDocument?.body?.textContent).toBe('inside frame');
    expect(collectText(document.body).text).toBe('top\nbottom');
    const index = collectText(document.body, { includeFrames: true });
    expect(index.text).toBe('top\ninside frame\nbottom');
    const [s, e] = find(index, 'inside frame');
    const ranges = rangeFor(index, s, e);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.startContainer.ownerDocument).toBe(frame.contentDocument);
  });
});

describe('rangeFor / liveRangeFor', () => {
  it('returns one range across several text nodes and elements of one tree', () => {
    const index = collectText(page('<p>The <b>Safe</b>guard <i>Defenders</i> report</p>'));
    const [s, e] = find(index, 'Safeguard Defenders');
    const ranges = rangeFor(index, s, e);
    expect(ranges).toHaveLength(1);
    const r = ranges[0]!;
    expect(r.startContainer).toBe(document.querySelector('b')!.firstChild);
    expect(r.startOffset).toBe(0);
    expect(r.endContainer).toBe(document.querySelector('i')!.firstChild);
    expect(r.endOffset).toBe('Defenders'.length);
    expect(rangeText(r)).toBe('Safeguard Defenders');
  });

  it('maps a span inside one node to that node', () => {
    const index = collectText(page('<p>alpha beta gamma</p>'));
    const [r] = rangeFor(index, 6, 10);
    expect(r!.startContainer).toBe(r!.endContainer);
    expect([r!.startOffset, r!.endOffset]).toEqual([6, 10]);
    expect(rangeText(r!)).toBe('beta');
  });

  it('clamps ends that land on an inserted newline to the adjacent nodes', () => {
    const index = collectText(page('<p>overseas</p><p>police</p>'));
    expect(index.text).toBe('overseas\npolice');
    const nl = index.text.indexOf('\n');
    const [across] = rangeFor(index, 4, nl + 4);
    expect(index.text.slice(4, nl + 4)).toBe('seas\npol');
    expect(rangeText(across!)).toBe('seaspol');
    const [fromNewline] = rangeFor(index, nl, nl + 3);
    expect(fromNewline!.startContainer).toBe(index.nodes[1]);
    expect(fromNewline!.startOffset).toBe(0);
    const [toNewline] = rangeFor(index, 0, nl + 1);
    expect(toNewline!.endContainer).toBe(index.nodes[0]);
    expect(toNewline!.endOffset).toBe('overseas'.length);
    expect(rangeFor(index, nl, nl + 1)).toEqual([]);
  });

  it('returns nothing for empty, reversed or out-of-text spans and clamps overlong ones', () => {
    const index = collectText(page('<p>abc</p>'));
    expect(rangeFor(index, 2, 2)).toEqual([]);
    expect(rangeFor(index, 3, 1)).toEqual([]);
    expect(rangeFor(index, 5, 9)).toEqual([]);
    expect(rangeText(rangeFor(index, -4, 99)[0]!)).toBe('abc');
  });

  it('splits a span that crosses into a shadow tree, one range per tree', () => {
    page('<p>light <span id="h"></span></p>');
    document.getElementById('h')!.attachShadow({ mode: 'open' }).innerHTML = '<b>shadow</b> text';
    const index = collectText(document.body);
    expect(index.text).toBe('light \nshadow text');
    const ranges = rangeFor(index, 0, index.text.length);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]!.startContainer.getRootNode()).toBe(document);
    expect(rangeText(ranges[0]!)).toBe('light ');
    expect(ranges[1]!.startContainer.getRootNode()).not.toBe(document);
    expect(ranges[1]!.startContainer.getRootNode()).toBe(ranges[1]!.endContainer.getRootNode());
    const shadowText = ranges[1]!;
    expect([shadowText.startContainer.textContent, shadowText.startOffset, shadowText.endContainer.textContent, shadowText.endOffset]).toEqual(['shadow', 0, ' text', 5]);
  });

  it('gives a live Range for selection and scrolling', () => {
    const index = collectText(page('<p>one <em>two</em> three</p>'));
    const [s, e] = find(index, 'two three');
    const live = liveRangeFor(index, s, e);
    expect(live.toString()).toBe('two three');
    expect(liveRangeFor(index, 2, 2).collapsed).toBe(true);
  });
});

describe('offsetsForRange / nodeOffset', () => {
  it('turns a selection inside text nodes into text offsets', () => {
    const index = collectText(page('<p>The <b>Safe</b>guard <i>Defenders</i> report</p>'));
    const range = document.createRange();
    range.setStart(document.querySelector('b')!.firstChild!, 1);
    range.setEnd(document.querySelector('i')!.firstChild!, 4);
    const offsets = offsetsForRange(index, range)!;
    expect(index.text.slice(offsets.start, offsets.end)).toBe('afeguard Defe');
  });

  it('turns a selection at element boundaries into the text it covers, without the block newlines around it', () => {
    const index = collectText(page('<p id="a">first</p><p id="b">second <b>part</b></p><p id="c">third</p>'));
    const b = document.getElementById('b')!;
    const range = document.createRange();
    range.setStart(document.body, [...document.body.childNodes].indexOf(b));
    range.setEnd(b, b.childNodes.length);
    const offsets = offsetsForRange(index, range)!;
    expect(index.text.slice(offsets.start, offsets.end)).toBe('second part');
    const all = document.createRange();
    all.selectNodeContents(document.body);
    expect(offsetsForRange(index, all)).toEqual({ start: 0, end: index.text.length });
  });

  it('moves points in hidden text to the nearest indexed text inside the selection', () => {
    const index = collectText(page('<p>visible <span style="display:none">hidden</span>more</p>'));
    expect(index.text).toBe('visible more');
    const hiddenText = document.querySelector('span')!.firstChild!;
    const range = document.createRange();
    range.setStart(hiddenText, 2);
    range.setEnd(document.querySelector('p')!.lastChild!, 2);
    const offsets = offsetsForRange(index, range)!;
    expect(index.text.slice(offsets.start, offsets.end)).toBe('mo');
  });

  it('returns null for a range in a tree the index does not cover', () => {
    page('<p>here</p>');
    const index = collectText(document.body);
    const other = document.implementation.createHTMLDocument('other');
    other.body.innerHTML = '<p>there</p>';
    const range = other.createRange();
    range.selectNodeContents(other.body);
    expect(offsetsForRange(index, range)).toBeNull();
  });

  it('maps a selection inside a shadow tree', () => {
    page('<p>light</p><div id="h"></div><p>tail</p>');
    const shadow = document.getElementById('h')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>inner <b>words</b></p>';
    const index = collectText(document.body);
    const range = document.createRange();
    range.setStart(shadow.querySelector('p')!.firstChild!, 2);
    range.setEnd(shadow.querySelector('b')!.firstChild!, 5);
    const offsets = offsetsForRange(index, range)!;
    expect(index.text.slice(offsets.start, offsets.end)).toBe('ner words');
    expect(nodeOffset(index, shadow.querySelector('b')!.firstChild as Text)).toBe(index.text.indexOf('words'));
  });

  it('finds each node by binary search and rejects nodes not indexed', () => {
    const index = collectText(page(Array.from({ length: 300 }, (_, i) => `<p>para ${i} <b>bold ${i}</b></p>`).join('')));
    for (let i = 0; i < index.nodes.length; i += 7) {
      expect(nodeIndex(index, index.nodes[i]!)).toBe(i);
      expect(nodeOffset(index, index.nodes[i]!)).toBe(index.starts[i]);
    }
    expect(nodeOffset(index, document.createTextNode('para 1 '))).toBe(-1);
  });

  it('round-trips every span through rangeFor and offsetsForRange', () => {
    page('<h2>Head <i>line</i></h2><p>The <b>Safe</b>guard <i>Defenders</i></p><ul><li>one</li><li>t<b>w</b>o</li></ul><p>end</p>');
    const index = collectText(document.body);
    // Positions that belong to a node's data (as opposed to an inserted "\n").
    const inNode = new Array<boolean>(index.text.length).fill(false);
    index.nodes.forEach((node, i) => inNode.fill(true, index.starts[i]!, index.starts[i]! + node.length));
    fc.assert(
      fc.property(fc.nat(index.text.length), fc.nat(index.text.length), (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const ranges = rangeFor(index, start, end);
        const covered = inNode.slice(start, end).some(Boolean);
        expect(ranges.length > 0).toBe(covered);
        if (!covered) return;
        const back = offsetsForRange(index, ranges[0]!)!;
        let s = start;
        while (!inNode[s]) s++;
        let e = end;
        while (!inNode[e - 1]) e--;
        expect(back).toEqual({ start: s, end: e });
        expect(rangeText(ranges[0]!)).toBe(index.text.slice(s, e).replaceAll('\n', ''));
      }),
      { numRuns: 400 },
    );
  });
});

describe('saved pages in Node (html-text-node)', () => {
  it('empties svg content, nested or not, but leaves scripts and comments that mention <svg> alone', () => {
    const html = '<p>a</p><svg><style>.x{}</style><svg><rect/></svg><text>T</text></svg><script>"<svg>"</script><!-- <svg> --><svg/><p>b</p>';
    expect(emptySvgElements(html)).toBe('<p>a</p><svg></svg><script>"<svg>"</script><!-- <svg> --><svg/><p>b</p>');
  });

  it('keeps the text after an <svg><style> that happy-dom would otherwise swallow', async () => {
    const html = '<body><p>before</p><svg><style>.c{opacity:.3}</style><g/></svg><p>after <span style="display:none">gone</span>all</p></body>';
    const page = await htmlPageText(new TextEncoder().encode(html));
    expect(page.text).toBe('before\nafter all');
    expect(page.textNodes).toBe(3);
  });

  it('decodes UTF-8 even under a stale legacy <meta charset>, and legacy bytes by their declaration', () => {
    const utf8 = new TextEncoder().encode('<meta charset="gb2312"><p>海外警务服务站</p>');
    expect(decodeHtml(utf8)).toEqual({ html: '<meta charset="gb2312"><p>海外警务服务站</p>', encoding: 'utf-8' });
    // "警务" in GBK.
    const gbk = Uint8Array.from([...new TextEncoder().encode('<meta charset="gbk"><p>'), 0xbe, 0xaf, 0xce, 0xf1, ...new TextEncoder().encode('</p>')]);
    expect(decodeHtml(gbk)).toEqual({ html: '<meta charset="gbk"><p>警务</p>', encoding: 'gbk' });
    const latin = Uint8Array.from([...new TextEncoder().encode('<p>caf'), 0xe9, ...new TextEncoder().encode('</p>')]);
    expect(decodeHtml(latin).html).toBe('<p>café</p>');
  });
});
