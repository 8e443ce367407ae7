/**
 * The contract between the always-on content script and the card UI script that the background
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
  destroy(): void;
}
