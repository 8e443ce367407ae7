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
  const notListening = { ok: false, error: NOT_LISTENING };
  // No document ids here: the top frame, which the tab has not navigated away from since.
  if (id === TOP_FRAME) return (await callInPage(tabId, { frameId: 0 }, TAB_COMMAND_GLOBAL, null, [envelope], notListening)).result;
  const ran = await callInPage(tabId, { frameId: 0, documentId: id }, TAB_COMMAND_GLOBAL, null, [envelope], notListening).catch(() => null);
  // Left meanwhile: the answer of any other document does not count.
  if (!ran || (ran.documentId !== undefined && ran.documentId !== id)) throw new Error(NOT_LISTENING);
  return ran.result;
}

/** Where in a tab to run something: a frame, or (Chromium) one document, which may since have been left. */
export type PageTarget = { frameId: number; documentId?: string };

/** `executeScript`'s target for a PageTarget. */
export const scriptingTarget = (tabId: number, { frameId, documentId }: PageTarget) => (documentId !== undefined ? { tabId, documentIds: [documentId] } : { tabId, frameIds: [frameId] });

/** Firefox MV2's tabs.executeScript (no scripting API there), which takes a file or code. */
export const legacyExecuteScript = (tabId: number, details: { frameId: number; file?: string; code?: string }) =>
  (browser.tabs as unknown as { executeScript: (id: number, d: object) => Promise<unknown[]> }).executeScript(tabId, details);

/**
 * Calls one of our isolated-world globals in a tab's frame or document: the function `global`
 * (`method` null) or its method `method`, with `args`; `absent` is the result where the world has
 * no such own property (a page's element with that id shows up on window too, but not as an own
 * property). Resolves to the (awaited) result and, in Chromium, the document it ran in.
 */
export async function callInPage(tabId: number, target: PageTarget, global: string, method: string | null, args: unknown[], absent: unknown): Promise<{ result: unknown; documentId?: string }> {
  if (browser.scripting) {
    const [first] = await browser.scripting.executeScript({
      target: scriptingTarget(tabId, target),
      // Serialised and run in the page's isolated world: it can use nothing from this module.
      func: (name: string, call: string | null, callArgs: unknown[], fallback: unknown) => {
        const owner = Object.hasOwn(globalThis, name) ? (globalThis as unknown as Record<string, unknown>)[name] : undefined;
        const fn = call === null ? owner : (owner as Record<string, unknown> | undefined)?.[call];
        return typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown).apply(owner, callArgs) : fallback;
      },
      args: [global, method, args, absent],
    });
    return { result: first?.result, documentId: (first as { documentId?: string } | undefined)?.documentId };
  }
  // Firefox MV2: code, built from JSON only: nothing from the page goes into it.
  const [name, call, callArgs, fallback] = [global, method, args, absent].map((v) => JSON.stringify(v));
  const code = `(() => { const owner = Object.hasOwn(globalThis, ${name}) ? globalThis[${name}] : undefined; const call = ${call}; const fn = call === null ? owner : owner && owner[call]; return typeof fn === 'function' ? fn.apply(owner, ${callArgs}) : ${fallback}; })()`;
  return { result: (await legacyExecuteScript(tabId, { frameId: target.frameId, code }))[0] };
}
