/** Sending side of `lib/protocol.ts`, for every context. */
import { browser } from 'wxt/browser';
import type { BackgroundRequest, BackgroundRequestName, BackgroundResponses, Reply, TabCommandName } from './protocol';

/** Sends a request to the background and unwraps its reply; a refusal becomes a thrown Error. */
export async function sendToBackground<N extends BackgroundRequestName>(name: N, body: BackgroundRequest<N>): Promise<BackgroundResponses[N]> {
  const reply = (await browser.runtime.sendMessage({ to: 'background', name, body })) as Reply<BackgroundResponses[N]> | undefined;
  if (!reply) throw new Error(`no reply to ${name}`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}

/** Sends a command to a tab's content script (top frame unless a frame id is given). */
export async function sendToTab<T = unknown>(tabId: number, name: TabCommandName, body: object = {}, frameId = 0): Promise<T | undefined> {
  const reply = (await browser.tabs.sendMessage(tabId, { to: 'tab', name, body }, { frameId })) as Reply<T> | undefined;
  if (!reply) return undefined;
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}
