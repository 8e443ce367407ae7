/**
 * The floor the page benchmarks compare with: a bare TreeWalker pass reading every text node's data,
 * as a content script would run it (bench/page.ts, bench/page-bound.ts).
 */
import type { Browser, Page } from 'playwright-core';

/** A bare TreeWalker pass over every text node (reading .data), in a fresh isolated world: cold, then warm. */
export async function floor(page: Page): Promise<{ coldMs: number; warmMs: number; textNodes: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { frameTree } = (await cdp.send('Page.getFrameTree')) as { frameTree: { frame: { id: string } } };
    const { executionContextId } = (await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'stationwatch-bench-floor' })) as { executionContextId: number };
    const expression = `(() => {
      const pass = () => {
        const t0 = performance.now();
        const w = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
        let n = 0, len = 0;
        for (let node = w.nextNode(); node !== null; node = w.nextNode()) { len += node.data.length; n++; }
        return { ms: performance.now() - t0, n, len };
      };
      const cold = pass();
      const warm = [pass(), pass(), pass(), pass(), pass()].map((r) => r.ms).sort((a, b) => a - b);
      return { coldMs: cold.ms, warmMs: warm[2], textNodes: cold.n };
    })()`;
    const { result } = (await cdp.send('Runtime.evaluate', { expression, contextId: executionContextId, returnByValue: true })) as { result: { value: { coldMs: number; warmMs: number; textNodes: number } } };
    return result.value;
  } finally {
    await cdp.detach();
  }
}

/** The floor of `url` in the first isolated world of a fresh load in the Chromium without the extension. */
export async function firstWorldFloor(bare: Browser, url: string, settleMs: number): Promise<number> {
  const plain = await bare.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await plain.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
    await plain.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await plain.waitForTimeout(settleMs);
    return (await floor(plain)).coldMs;
  } finally {
    await plain.close();
  }
}

