/**
 * The documents of each tab that our page script runs in, so that commands and settings go only
 * there: a command is delivered by running a function in the page (lib/messaging.ts `sendToTab`),
 * and running anything in a page Stationwatch never ran in (a paused or disabled site, a page read
 * before the reader turned it off) would set the extension up in it.
 *
 * Chromium gives every document an id (`InjectionResult.documentId`), and `executeScript` can target
 * it: a command for a document that was left runs nowhere, and a page restored from the back/forward
 * cache is still reached. Firefox's MV2 `tabs.executeScript` has no document ids: there the tab's top
 * frame counts as ours until the tab navigates.
 *
 * Kept in `storage.session` (a restarted background worker, the popup and the side panel read it),
 * written by the background only.
 */
import { browser } from 'wxt/browser';

const KEY_PREFIX = 'pageDocuments:';
/** The top frame of a tab whose browser has no document ids (Firefox MV2). */
export const TOP_FRAME = 'top';
/** Documents kept per tab: the current one and a few in the back/forward cache. */
const KEPT_PER_TAB = 4;

type Session = { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void>; remove(key: string): Promise<void> };
const session = (): Session | undefined => (browser.storage as unknown as { session?: Session }).session;

/** Where `session` is missing (old Firefox): the background's memory (extension pages then know nothing, and fall back to the top frame). */
const inMemory = new Map<number, string[]>();

/** The documents of `tabId` our page script runs in, newest first; empty when none. */
export async function pageDocuments(tabId: number): Promise<string[]> {
  const store = session();
  if (!store) return inMemory.get(tabId) ?? [];
  const stored = ((await store.get(KEY_PREFIX + tabId).catch(() => ({}))) as Record<string, unknown>)[KEY_PREFIX + tabId];
  return Array.isArray(stored) ? stored.filter((d): d is string => typeof d === 'string') : [];
}

/** Background: our page script ran in this document of the tab (`documentId` undefined: no ids here). */
export async function rememberPageDocument(tabId: number, documentId: string | undefined): Promise<void> {
  const id = documentId ?? TOP_FRAME;
  const known = await pageDocuments(tabId);
  if (known[0] === id) return;
  const next = [id, ...known.filter((d) => d !== id)].slice(0, KEPT_PER_TAB);
  const store = session();
  if (store) await store.set({ [KEY_PREFIX + tabId]: next }).catch(() => undefined);
  else inMemory.set(tabId, next);
}

/** Background: the tab closed, or (without document ids) navigated. */
export async function forgetPageDocuments(tabId: number): Promise<void> {
  inMemory.delete(tabId);
  await session()?.remove(KEY_PREFIX + tabId).catch(() => undefined);
}
