/**
 * A node's address as child indexes from a root ("/3/0/1"): the annotation's range hint, tried
 * first on revisit and trusted only when the text it points at still equals the quote.
 */

/** Child-index path from `root` down to `node`, or null when `node` is not inside `root`. */
export function nodePath(root: Node, node: Node): string | null {
  const steps: number[] = [];
  let current: Node | null = node;
  while (current && current !== root) {
    const parent: Node | null = current.parentNode;
    if (!parent) return null;
    steps.push(Array.prototype.indexOf.call(parent.childNodes, current));
    current = parent;
  }
  return current === root ? `/${steps.reverse().join('/')}` : null;
}

/** The node at a path, or null when the page no longer has one there. */
export function nodeAtPath(root: Node, path: string): Node | null {
  if (!/^\/(\d+(\/\d+)*)?$/.test(path)) return null;
  let current: Node | null = root;
  for (const step of path.split('/').filter(Boolean)) {
    current = current?.childNodes[Number(step)] ?? null;
    if (!current) return null;
  }
  return current;
}
