/**
 * Reads our card, which lives in a CLOSED shadow root that page scripts (and Playwright's
 * selectors) cannot reach: through the DevTools protocol, which sees the real DOM.
 */
import type { Page } from 'playwright-core';

export interface CardSnapshot {
  open: boolean;
  role: string | null;
  labelledBy: string | null;
  heading: string | null;
  text: string;
  links: { href: string; text: string; x: number; y: number }[];
  rect: { top: number; bottom: number; left: number; right: number } | null;
  focusInside: boolean;
  live: string;
}

/** The card as a reader sees it, or `open: false` when no card is shown. */
export async function readCard(page: Page): Promise<CardSnapshot> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const host = findNode(root, (n) => (n.attributes ?? []).includes('data-stationwatch-ui'));
    const shadow = host?.shadowRoots?.[0];
    if (!host || !shadow) return { open: false, role: null, labelledBy: null, heading: null, text: '', links: [], rect: null, focusInside: false, live: '' };
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId: string } };
    const { result } = (await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      returnByValue: true,
      functionDeclaration: `function () {
        const card = this.querySelector('.sw-card');
        const live = this.querySelector('[aria-live]');
        if (!card) return { open: false, role: null, labelledBy: null, heading: null, text: '', links: [], rect: null, focusInside: false, live: live ? live.textContent : '' };
        const labelledBy = card.getAttribute('aria-labelledby');
        const heading = labelledBy ? this.getElementById(labelledBy) : null;
        const r = card.getBoundingClientRect();
        return {
          open: true,
          role: card.getAttribute('role'),
          labelledBy,
          heading: heading ? heading.textContent : null,
          text: card.innerText,
          links: [...card.querySelectorAll('a')].map((a) => { const b = a.getBoundingClientRect(); return { href: a.href, text: a.textContent, x: b.left + b.width / 2, y: b.top + b.height / 2 }; }),
          rect: { top: r.top, bottom: r.bottom, left: r.left, right: r.right },
          focusInside: !!this.activeElement,
          live: live ? live.textContent : '',
        };
      }`,
    })) as { result: { value: CardSnapshot } };
    return result.value;
  } finally {
    await cdp.detach();
  }
}

/** Runs a function on the card's shadow root (e.g. to open a <details>), for tests only. */
export async function onCardRoot(page: Page, fn: string): Promise<unknown> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const shadow = findNode(root, (n) => (n.attributes ?? []).includes('data-stationwatch-ui'))?.shadowRoots?.[0];
    if (!shadow) throw new Error('no card host');
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId: string } };
    const { result } = (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, returnByValue: true, functionDeclaration: fn })) as { result: { value: unknown } };
    return result.value;
  } finally {
    await cdp.detach();
  }
}

/** A node of the DevTools protocol's DOM tree (with `pierce: true`, shadow roots and frames included). */
export interface CdpNode {
  nodeName: string;
  /** Flat list: name, value, name, value… */
  attributes?: string[];
  backendNodeId: number;
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  contentDocument?: CdpNode;
}

/** Depth-first search of the protocol's DOM tree, through shadow roots and frame documents. */
export function findNode(node: CdpNode, test: (n: CdpNode) => boolean): CdpNode | null {
  if (test(node)) return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
    const hit = findNode(child, test);
    if (hit) return hit;
  }
  return null;
}

/** Centre of the first element matching `selector` inside our closed shadow root, scrolled into view. */
export async function cardPoint(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const point = (await onCardRoot(
    page,
    `function () {
      const el = this.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 12), y: r.top + r.height / 2 };
    }`,
  )) as { x: number; y: number } | null;
  if (!point) throw new Error(`nothing matches ${selector} in the card`);
  return point;
}

/** Clicks an element inside our closed shadow root with the real mouse. */
export async function clickInCard(page: Page, selector: string): Promise<void> {
  const { x, y } = await cardPoint(page, selector);
  await page.mouse.click(x, y);
}

/** Clicks a field inside our closed shadow root and types into it with the real keyboard. */
export async function typeInCard(page: Page, selector: string, text: string): Promise<void> {
  await clickInCard(page, selector);
  await page.keyboard.type(text);
}
