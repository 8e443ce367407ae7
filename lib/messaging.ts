/** Sending side of `lib/protocol.ts`, for every context. */
import { browser } from 'wxt/browser';
import { pageDocument, TOP_FRAME } from './page-documents';
import { NOT_LISTENING, TAB_COMMAND_GLOBAL, type BackgroundRequest, type BackgroundRequestName, type BackgroundResponses, type Reply, type TabCommandName, type TabEnvelope } from './protocol';

/** Sends a request to the background and unwraps its reply; a refusal becomes a thrown Error. */
export async function sendToBackground<N extends BackgroundRequestName>(name: N, body: BackgroundRequest<N>): Promise<BackgroundResponses[N]> {
  const reply = (await browser.runtime.sendMessage({ to: 'background', name, body })) as Reply<BackgroundResponses[N]> | undefined;
  if (!reply) throw new Error(`no reply to ${name}`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}

/**
 * Sends a command to the page script of a tab's frame (top frame unless a frame id is given): it is
 * called in the extension's isolated world of that frame through `executeScript`, not posted as a
 * runtime message, so the page script answers commands without binding `chrome.runtime` (a cost a
 * page pays on first use; bench/page-results.md). In the top frame it runs only in documents our
 * page script ran in (lib/page-documents.ts; `documentId`: that one), so it never sets anything up
 * in a page Stationwatch did not run in. A frame whose script is not awake, or a tab
 * with no such document, fails with {@link NOT_LISTENING}, in the words Chromium uses for a tab
 * without a message listener.
 */
export async function sendToTab<T = unknown>(tabId: number, name: TabCommandName, body: object = {}, frameId = 0, documentId?: string): Promise<T | undefined> {
  const reply = (await deliver(tabId, frameId, documentId, { to: 'tab', name, body })) as Reply<T> | undefined;
  if (!reply) return undefined;
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}

async function deliver(tabId: number, frameId: number, documentId: string | undefined, envelope: TabEnvelope): Promise<unknown> {
  // Page scripts run in top frames only (entrypoints/background/page-looks.ts): a frame has nothing to answer.
  if (frameId !== 0) throw new Error(NOT_LISTENING);
  const id = documentId ?? (await pageDocument(tabId));
  if (id === null) throw new Error(NOT_LISTENING);
  // No document ids here: the top frame, which the tab has not navigated away from since.
  if (id === TOP_FRAME) return (await runInFrame(tabId, { frameIds: [0] }, envelope)).result;
  const ran = await runInFrame(tabId, { documentIds: [id] }, envelope).catch(() => null);
  // Left meanwhile: the answer of any other document does not count.
  if (!ran || (ran.documentId !== undefined && ran.documentId !== id)) throw new Error(NOT_LISTENING);
  return ran.result;
}

async function runInFrame(tabId: number, where: { frameIds: number[] } | { documentIds: string[] }, envelope: TabEnvelope): Promise<{ result: unknown; documentId?: string }> {
  if (browser.scripting) {
    // Serialised and run in the page's isolated world: it can use nothing from this module.
    const [first] = await browser.scripting.executeScript({
      target: { tabId, ...where },
      func: (global: string, command: unknown, notListening: string) => {
        const receive = Object.hasOwn(globalThis, global) ? (globalThis as unknown as Record<string, unknown>)[global] : undefined;
        return typeof receive === 'function' ? (receive as (c: unknown) => unknown)(command) : { ok: false, error: notListening };
      },
      args: [TAB_COMMAND_GLOBAL, envelope, NOT_LISTENING],
    });
    return { result: first?.result, documentId: (first as { documentId?: string } | undefined)?.documentId };
  }
  // Firefox MV2: tabs.executeScript takes code; it is JSON in a fixed frame, nothing from the page.
  const frameId = 'frameIds' in where ? where.frameIds[0] : 0;
  const code = `(() => { const g = ${JSON.stringify(TAB_COMMAND_GLOBAL)}; const receive = Object.hasOwn(globalThis, g) ? globalThis[g] : undefined; return typeof receive === 'function' ? receive(${JSON.stringify(envelope)}) : { ok: false, error: ${JSON.stringify(NOT_LISTENING)} }; })()`;
  return { result: (await (browser.tabs as unknown as { executeScript: (id: number, d: object) => Promise<unknown[]> }).executeScript(tabId, { code, frameId }))[0] };
}
