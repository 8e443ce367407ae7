/**
 * Replaces lone UTF-16 surrogates with U+FFFD. Parser messages quote single code units of the input
 * (V8: "Unexpected token '\ud800'"), which would show as a broken character in a message to a reader.
 */
export function withoutLoneSurrogates(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
