/**
 * Reads the content script's own world over the DevTools protocol. The extension keeps its scan
 * timings in its isolated world (page scripts cannot see that world, so nothing leaks to the page);
 * tests and bench/page.ts read them from outside.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { ScanStats } from '../../lib/page/scan-stats';

interface ExecutionContext {
  id: number;
  origin: string;
  name: string;
  auxData?: { type?: string; isDefault?: boolean; frameId?: string };
}

/** A DevTools session on `page` that knows the extension's isolated world in the top frame. */
export class IsolatedWorld {
  private contexts = new Map<number, ExecutionContext>();

  private constructor(
    readonly cdp: CDPSession,
    private readonly extensionId: string,
  ) {
    cdp.on('Runtime.executionContextCreated', ({ context }: { context: ExecutionContext }) => this.contexts.set(context.id, context));
    cdp.on('Runtime.executionContextDestroyed', ({ executionContextId }: { executionContextId: number }) => this.contexts.delete(executionContextId));
    cdp.on('Runtime.executionContextsCleared', () => this.contexts.clear());
  }

  /** Attaches to `page` (before or after navigation). */
  static async attach(page: Page, extensionId: string): Promise<IsolatedWorld> {
    const cdp = await page.context().newCDPSession(page);
    const world = new IsolatedWorld(cdp, extensionId);
    await cdp.send('Runtime.enable');
    return world;
  }

  private async mainFrameId(): Promise<string> {
    const { frameTree } = (await this.cdp.send('Page.getFrameTree')) as { frameTree: { frame: { id: string } } };
    return frameTree.frame.id;
  }

  /** The extension's content-script context in the top frame, or null while it does not exist. */
  async contextId(): Promise<number | null> {
    const frameId = await this.mainFrameId();
    for (const c of [...this.contexts.values()].reverse()) {
      if (c.auxData?.type === 'isolated' && c.auxData.frameId === frameId && c.origin.includes(this.extensionId)) return c.id;
    }
    return null;
  }

  /** Evaluates an expression in the extension's world and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T | null> {
    const id = await this.contextId();
    if (id === null) return null;
    const { result, exceptionDetails } = (await this.cdp.send('Runtime.evaluate', { contextId: id, expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string };
    };
    if (exceptionDetails) throw new Error(`isolated-world evaluate failed: ${exceptionDetails.text}`);
    return result.value ?? null;
  }

  /** The content script's scan timings, or null before it has run. */
  stats(): Promise<ScanStats | null> {
    return this.evaluate<ScanStats>('globalThis.__stationwatchStats ?? null');
  }

  /** Waits until the content script has finished at least `count` scans (full or partial). */
  async waitForScans(count: number, timeoutMs = 15_000): Promise<ScanStats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await this.stats().catch(() => null);
      if (stats && stats.scanCount >= count) return stats;
      if (Date.now() > deadline) throw new Error(`content script did not finish ${count} scan(s) in ${timeoutMs} ms (saw ${stats?.scanCount ?? 'none'})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}
