/**
 * `text.replace(/\s+/g, ' ')` by hand: the page scanner calls it before its first paint, where the
 * first regular expression of a fresh isolated world costs more to compile than the loop costs to run.
 */

/** Whether a UTF-16 code unit is whitespace as JavaScript's `\s` defines it. */
function isJsWhitespace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Every run of whitespace in `text` as one space. */
export function collapseWhitespace(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!isJsWhitespace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && isJsWhitespace(text.charCodeAt(end))) end++;
    // A single space stays as it is: most mention texts have nothing to replace.
    if (end - i === 1 && text.charCodeAt(i) === 32) {
      i = end;
      continue;
    }
    out += text.slice(from, i) + ' ';
    from = i = end;
  }
  return from === 0 ? text : out + text.slice(from);
}
