/**
 * Scan timings of this frame, kept in the extension's isolated world (page scripts cannot read it,
 * unlike `performance.mark`, whose entries every script on the page sees). The always-on content
 * script and the page scanner are separate bundles in the same world: both use the one object on
 * the world's global. bench/page.ts and the e2e tests read it over the DevTools protocol.
 */

/** One scan's cost. */
export interface ScanTiming {
  /**
   * first-look: the always-on script's look at the rendered text (the background checks it);
   * full / partial: a decision over the page; skipped: nothing to decide again. (The page never
   * parses the claim index: the background spots claims.)
   */
  kind: 'first-look' | 'full' | 'partial' | 'skipped';
  /** performance.now() when the scan began. */
  at: number;
  totalMs: number;
  collectMs: number;
  paintMs: number;
  /** Text nodes walked (all of them for a full scan, only the changed blocks' for a partial one; 0 for a first look). */
  walkedNodes: number;
  pageChars: number;
  mentions: number;
  /** First look only: whether the background found a term, so the page scanner loads. */
  candidate?: boolean;
}

/** Scan timings of this frame (latest SCAN_STATS_KEPT), and when the page was first decided. */
export interface ScanStats {
  scriptStartMs: number;
  /** When the first decision was done: a first look that found nothing, or the scanner's first paint (-1: not yet). */
  firstScanDoneMs: number;
  /** Scans since the script started (first looks, full and partial). */
  scanCount: number;
  scans: ScanTiming[];
}

const SCAN_STATS_KEPT = 50;

const world = globalThis as { __stationwatchStats?: ScanStats };
export const scanStats: ScanStats = (world.__stationwatchStats ??= {
  scriptStartMs: performance.now(),
  firstScanDoneMs: -1,
  scanCount: 0,
  scans: [],
});

export function recordScan(timing: ScanTiming): void {
  scanStats.scanCount++;
  scanStats.scans.push(timing);
  if (scanStats.scans.length > SCAN_STATS_KEPT) scanStats.scans.shift();
}
