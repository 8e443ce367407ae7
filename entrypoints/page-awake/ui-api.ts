/**
 * The contract between the page script's awake part and the card UI script that the background
 * injects only when a page has something to show. Both run in the extension's isolated world, so
 * the global that joins them is invisible to the page.
 */
import type { CardContext } from '@/lib/dataset/context';

export interface OpenCardRequest {
  /** Mentions of the same records share one card: same key, same card. */
  key: string;
  mentionText: string;
  context: CardContext | { error: string };
  /** Where the mention is now; called again on scroll and resize. */
  anchor: () => DOMRect | null;
  fromKeyboard: boolean;
}

export interface UiApi {
  openCard(request: OpenCardRequest): void;
  closeCard(): void;
  /** Tells screen readers which mention has the keyboard focus ring. */
  announce(index: number, total: number, text: string): void;
  /** Loads (or reloads) this page's annotations and anchors them. */
  loadAnnotations(): Promise<void>;
  /** Opens the annotation editor on the reader's current selection. */
  annotateSelection(fromKeyboard: boolean): void;
  /** Shows the small "Annotate" button beside the current selection. */
  offerAnnotate(): void;
  annotationStatus(): { id: string; status: 'anchored' | 'orphan'; reason?: string }[];
  jumpToAnnotation(id: string): boolean;
  destroy(): void;
}

/** The isolated-world global the UI script sets. */
export const UI_GLOBAL = '__stationwatchUi';

/**
 * Injects a script once (through the background, `send`) and returns the API it sets on the
 * isolated world's global `name`: the card UI, the page scanner.
 */
export async function injectedApi<T>(name: string, send: () => Promise<unknown>): Promise<T | null> {
  const g = globalThis as Record<string, unknown>;
  // Own properties only: an element with this id would also show up as a property of window here.
  if (!Object.hasOwn(g, name)) await send();
  return Object.hasOwn(g, name) ? ((g[name] as T | undefined) ?? null) : null;
}

/** Injects the UI script once and returns its API. */
export const loadUi = (send: () => Promise<unknown>): Promise<UiApi | null> => injectedApi<UiApi>(UI_GLOBAL, send);
