/**
 * The document of each tab that our page script runs in, so that commands and settings go only
 * there: a command is delivered by running a function in the page (lib/messaging.ts `sendToTab`),
 * and running anything in a page Stationwatch never ran in (a paused or disabled site, a page read
 * before the reader turned it off) would set the extension up in it.
 *
 * One document per tab: the one our page script last ran in, forgotten when the tab navigates. A
 * page the tab comes back to from the back/forward cache is looked at again when it completes
 * (entrypoints/background/page-looks.ts), and that run records it again. Chromium gives the
 * document an id (`InjectionResult.documentId`) and `executeScript` targets it, so a command sent
 * while the tab is leaving the page does not run in the next one; where there are no ids (Firefox),
 * the tab's top frame stands for it.
 *
 * Kept in `storage.session` (a restarted background worker, the popup and the side panel read it),
 * written by the background only.
 */
import { browser } from 'wxt/browser';

const KEY_PREFIX = 'pageDocuments:';
/** The top frame of a tab whose browser gives no document ids. */
export const TOP_FRAME = 'top';

type Session = { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void>; remove(key: string): Promise<void> };
const session = (): Session | undefined => (browser.storage as unknown as { session?: Session }).session;

/** Where `session` is missing (old Firefox): the background's memory (extension pages then know nothing, and fall back to the top frame). */
const inMemory = new Map<number, string>();

/** The document of `tabId` our page script runs in (TOP_FRAME where there are no ids); null when none. */
export async function pageDocument(tabId: number): Promise<string | null> {
  const store = session();
  if (!store) return inMemory.get(tabId) ?? null;
  const stored = ((await store.get(KEY_PREFIX + tabId).catch(() => ({}))) as Record<string, unknown>)[KEY_PREFIX + tabId];
  return typeof stored === 'string' ? stored : null;
}

/** Background: our page script ran in this document of the tab (`documentId` undefined: no ids here). */
export async function rememberPageDocument(tabId: number, documentId: string | undefined): Promise<void> {
  const id = documentId ?? TOP_FRAME;
  const store = session();
  if (store) await store.set({ [KEY_PREFIX + tabId]: id }).catch(() => undefined);
  else inMemory.set(tabId, id);
}

/** Background: the tab navigated or closed. */
export async function forgetPageDocuments(tabId: number): Promise<void> {
  inMemory.delete(tabId);
  await session()?.remove(KEY_PREFIX + tabId).catch(() => undefined);
}
