import { describe, expect, it } from 'vitest';
import { blocksToPlainText, parseMarkdown, renderNote, safeHref } from '../../lib/export/markdown';

describe('parseMarkdown', () => {
  it('parses paragraphs, emphasis, strong, code and line breaks', () => {
    expect(parseMarkdown('The **102** figure is *disputed*; see `R-patrol`.\nSecond line.\n\nNext paragraph.')).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'The ' },
          { type: 'strong', children: [{ type: 'text', text: '102' }] },
          { type: 'text', text: ' figure is ' },
          { type: 'emphasis', children: [{ type: 'text', text: 'disputed' }] },
          { type: 'text', text: '; see ' },
          { type: 'code', text: 'R-patrol' },
          { type: 'text', text: '.' },
          { type: 'break' },
          { type: 'text', text: 'Second line.' },
        ],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'Next paragraph.' }] },
    ]);
  });

  it('parses bullet and numbered lists with continuation lines', () => {
    expect(parseMarkdown('- one\n- two\n  more\n\n3. three\n4. four')).toEqual([
      {
        type: 'list', ordered: false, start: 1,
        items: [[{ type: 'text', text: 'one' }], [{ type: 'text', text: 'two' }, { type: 'break' }, { type: 'text', text: 'more' }]],
      },
      { type: 'list', ordered: true, start: 3, items: [[{ type: 'text', text: 'three' }], [{ type: 'text', text: 'four' }]] },
    ]);
  });

  it('keeps http(s) links and leaves every other scheme as literal text', () => {
    const [p] = parseMarkdown('[report](https://safeguarddefenders.com/en) and [x](javascript:alert(1)) and [y](data:text/html,hi)');
    expect(p).toEqual({
      type: 'paragraph',
      children: [
        { type: 'link', href: 'https://safeguarddefenders.com/en', children: [{ type: 'text', text: 'report' }] },
        { type: 'text', text: ' and [x](javascript:alert(1)) and [y](data:text/html,hi)' },
      ],
    });
  });

  it('never interprets HTML: tags stay text', () => {
    const blocks = parseMarkdown('<img src=x onerror=alert(1)> <b>bold</b>');
    expect(blocks).toEqual([{ type: 'paragraph', children: [{ type: 'text', text: '<img src=x onerror=alert(1)> <b>bold</b>' }] }]);
    expect(JSON.stringify(parseMarkdown('*<script>x</script>*'))).toContain('"text":"<script>x</script>"');
  });

  it('keeps fenced code verbatim', () => {
    expect(parseMarkdown('```\n**not bold** [a](https://a.b)\n```')).toEqual([{ type: 'codeBlock', text: '**not bold** [a](https://a.b)' }]);
  });

  it('treats unmatched markers, snake_case and escapes as text', () => {
    expect(blocksToPlainText(parseMarkdown('2 * 3 = 6, file_name_here, \\*literal\\*, **open'))).toBe('2 * 3 = 6, file_name_here, *literal*, **open');
  });

  it('stays fast and shallow on hostile input', () => {
    const t0 = performance.now();
    const blocks = parseMarkdown('*'.repeat(20_000) + '_a'.repeat(5_000) + '['.repeat(5_000));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(blocks).toHaveLength(1);
    const nested = parseMarkdown('*'.repeat(40) + 'x' + '*'.repeat(40));
    let depth = 0;
    let node: unknown = nested[0];
    while (node && typeof node === 'object' && 'children' in node) {
      depth++;
      node = (node as { children: unknown[] }).children[0];
    }
    expect(depth).toBeLessThanOrEqual(10);
  });
});

describe('renderNote', () => {
  it('renders plain text notes without interpreting markdown', () => {
    expect(renderNote('**not bold**\nline 2\n\npara 2', 'text')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '**not bold**' }, { type: 'break' }, { type: 'text', text: 'line 2' }] },
      { type: 'paragraph', children: [{ type: 'text', text: 'para 2' }] },
    ]);
  });

  it('renders markdown notes', () => {
    expect(blocksToPlainText(renderNote('- **a**\n- _b_', 'markdown'))).toBe('- a\n- b');
  });
});

describe('safeHref', () => {
  it.each([
    ['https://example.org/a b', 'https://example.org/a%20b'],
    ['HTTP://EXAMPLE.ORG', 'http://example.org/'],
    ['javascript:alert(1)', null],
    ['//evil.example', null],
    ['/relative', null],
    ['https://', null],
  ])('%s → %s', (raw, expected) => {
    expect(safeHref(raw)).toBe(expected);
  });
});
