import { describe, expect, it } from 'vitest';
import { collapseWhitespace } from '../../lib/page/whitespace';
import { parseComputedRgb } from '../../lib/page/highlighter';

describe('collapseWhitespace', () => {
  it('gives what replace(/\\s+/g, " ") gives', () => {
    const samples = [
      '',
      'plain',
      'one space only',
      '  leading and trailing  ',
      'line\nbreaks\r\nand\ttabs',
      'nbsp\u00a0and\u2009thin\u3000ideographic\ufeffbom',
      '\u2028\u2029\u202f\u205f\u1680\u000b\u000c',
      'mixed \n\t\u00a0 run',
      '海外\u3000警察站 \n 110',
    ];
    for (const s of samples) expect(collapseWhitespace(s)).toBe(s.replace(/\s+/g, ' '));
  });

  it('agrees with the regular expression on every code unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      const s = `a${String.fromCharCode(c)}${String.fromCharCode(c)}b`;
      if (collapseWhitespace(s) !== s.replace(/\s+/g, ' ')) throw new Error(`differs at U+${c.toString(16)}`);
    }
  });
});

describe('parseComputedRgb', () => {
  it('reads the forms the browser serialises', () => {
    expect(parseComputedRgb('rgb(255, 255, 255)')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
    expect(parseComputedRgb('rgba(0, 0, 0, 0)')).toEqual({ r: 0, g: 0, b: 0, a: 0 });
    expect(parseComputedRgb('rgba(18, 18, 18, 0.5)')).toEqual({ r: 18, g: 18, b: 18, a: 0.5 });
  });

  it('gives null for anything else', () => {
    for (const s of ['', 'transparent', 'oklch(0.5 0.1 200)', 'color(srgb 1 1 1)', 'rgb(1, 2)', 'rgb(1, , 3)', 'rgb(a, b, c)', 'rgb(1, 2, 3']) expect(parseComputedRgb(s)).toBeNull();
  });
});
