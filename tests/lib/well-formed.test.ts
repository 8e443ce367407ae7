import { describe, expect, it } from 'vitest';
import { withoutLoneSurrogates } from '../../lib/well-formed';
import { createPostReader } from '../../lib/batch/read-posts';

describe('withoutLoneSurrogates', () => {
  it('keeps pairs, replaces lone halves', () => {
    expect(withoutLoneSurrogates('a\u{10000}b')).toBe('a\u{10000}b');
    expect(withoutLoneSurrogates('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(withoutLoneSurrogates('end\uD83D')).toBe('end\uFFFD');
  });

  it('a JSON-lines post that is one astral character gets a readable parser message', () => {
    const reader = createPostReader({ format: 'jsonl', field: 'text' });
    let message = '';
    try {
      reader.push('\u{10000}\n');
      reader.end();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not valid JSON/);
    expect(/[\uD800-\uDFFF]/u.test(message)).toBe(false);
  });
});
