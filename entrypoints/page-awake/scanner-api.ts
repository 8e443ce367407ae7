/**
 * The contract between the page script's awake part and the page scanner (text index, detection,
 * highlights, dynamic rescans), which the background injects only on pages where the first look
 * found a term. Both run in the extension's isolated world, so the global that joins them is
 * invisible to the page.
 */
import type { PageDecision, PageFindings } from '@/lib/protocol';
import type { Settings } from '@/lib/settings';
import { injectedApi } from './ui-api';

export interface ScannerApi {
  /**
   * Starts scanning with these settings, or adopts them in the running session; `rescan`: scan afresh
   * (the dataset changed); `pulled`: a new session leaves its first decision to the background
   * (`question` and `answer`, entrypoints/page-scanner/pulled-decision.ts).
   */
  run(settings: Settings, rescan?: boolean, pulled?: boolean): void;
  /** The background: the text of the session's first decision, once collected (null: none to take). */
  question(): Promise<string | null>;
  /** The background: that decision (null: refused); resolves with the findings painted from it, or null. */
  answer(decision: PageDecision | null): Promise<PageFindings | null>;
  /** Ends the session and takes its highlights away; `clearReport` also clears the badge. */
  stop(clearReport: boolean): void;
  /** Null until the background has decided the page. */
  findings(): PageFindings | null;
  jump(index: number): Promise<boolean>;
  step(direction: 1 | -1): Promise<void>;
  openCurrent(): Promise<void>;
  toggleHighlights(): void;
}

/** The isolated-world global the scanner script sets. */
export const SCANNER_GLOBAL = '__stationwatchScanner';

/** Injects the scanner once (through the background) and returns its API. */
export const loadScanner = (send: () => Promise<unknown>): Promise<ScannerApi | null> => injectedApi<ScannerApi>(SCANNER_GLOBAL, send);
