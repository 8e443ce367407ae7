/**
 * The page scanner: loaded into a page's isolated world by the background only after the always-on
 * content script's first look found a term. It owns the page session (exact text index, detection,
 * highlights, dynamic rescans, keyboard and card wiring) from then on.
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { DETECTOR_STORAGE_KEY, isStoredDetector } from '@/lib/detector-store';
import { SCANNER_GLOBAL, type ScannerApi } from '@/entrypoints/page-awake/scanner-api';
import { PageSession } from './page-session';

export default defineUnlistedScript(() => {
  const g = globalThis as Record<string, unknown>;
  if (g[SCANNER_GLOBAL]) return;
  let session: PageSession | null = null;
  let life: AbortController | null = null;
  // Each run() or stop() begins a new generation: a run still reading storage when the reader
  // pauses (stop) or changes settings again gives way instead of starting a session afterwards.
  let generation = 0;

  const stop = (clearReport: boolean) => {
    generation++;
    session?.destroy(clearReport);
    life?.abort();
    session = null;
    life = null;
  };

  const api: ScannerApi = {
    async run(settings) {
      const mine = ++generation;
      const detector = (await browser.storage.local.get(DETECTOR_STORAGE_KEY))[DETECTOR_STORAGE_KEY];
      if (mine !== generation) return;
      if (!isStoredDetector(detector)) {
        stop(true);
        return;
      }
      // Same detector, still running: keep the session (and its highlights) and adopt the settings.
      if (session?.adopt(detector, settings)) return;
      stop(false);
      generation = mine;
      life = new AbortController();
      session = new PageSession(document, settings, detector, life.signal);
      session.start();
    },
    stop,
    findings: () => session?.findings() ?? null,
    jump: async (index) => (await session?.jump(index)) ?? false,
    step: async (direction) => session?.step(direction),
    openCurrent: async () => session?.openCurrent(),
    toggleHighlights: () => session?.toggleHighlights(),
  };
  g[SCANNER_GLOBAL] = api;
});
