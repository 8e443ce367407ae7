/**
 * The page scanner: loaded into a page's isolated world by the background only after the always-on
 * content script's first look found a term. It owns the page session (exact text index, the
 * background's decisions, highlights, dynamic rescans, keyboard and card wiring) from then on.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { SCANNER_GLOBAL, type ScannerApi } from '@/entrypoints/page-awake/scanner-api';
import { PageSession } from './page-session';
import { PulledDecision } from './pulled-decision';

export default defineUnlistedScript(() => {
  const g = globalThis as Record<string, unknown>;
  // Own property only: an element with this id would also show up as a property of window here.
  if (Object.hasOwn(g, SCANNER_GLOBAL)) return;
  let session: PageSession | null = null;
  let life: AbortController | null = null;
  /** The running session's first decision, while the background may still take it. */
  let pulled: PulledDecision | null = null;
  const stop = (clearReport: boolean) => {
    session?.destroy(clearReport);
    life?.abort();
    pulled?.close();
    session = null;
    life = null;
    pulled = null;
  };

  const api: ScannerApi = {
    run(settings, rescan = false, pull = false) {
      // Still running: keep the session (and its highlights while a new dataset is read) and adopt the settings.
      if (session?.adopt(settings)) {
        if (rescan) session.scan();
        return;
      }
      stop(false);
      life = new AbortController();
      pulled = pull ? new PulledDecision() : null;
      session = new PageSession(document, settings, life.signal, pulled);
      session.start();
    },
    question: () => pulled?.question() ?? Promise.resolve(null),
    answer: (decision) => pulled?.answer(decision) ?? Promise.resolve(null),
    stop,
    findings: () => (session?.decided() ? session.findings() : null),
    jump: async (index) => (await session?.jump(index)) ?? false,
    step: async (direction) => session?.step(direction),
    openCurrent: async () => session?.openCurrent(),
    toggleHighlights: () => session?.toggleHighlights(),
  };
  g[SCANNER_GLOBAL] = api;
});
