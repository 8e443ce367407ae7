import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { validateTabCommand, type Reply } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { ANNOTATED_PAGES_STORAGE_KEY, DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY, isStoredDetector } from '@/lib/detector-store';
import { sendToBackground } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { PageSession } from './page-session';
import { loadUi, type UiApi } from './ui-api';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*', 'file:///*'],
  runAt: 'document_idle',
  main(ctx) {
    let session: PageSession | null = null;
    let settings: Settings | null = null;
    let selectionListener: AbortController | null = null;
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    const isTop = window.top === window;
    const annotationsAllowed = () => !!settings && !settings.paused && !settings.discreet && !isSiteDisabled(settings, location.hostname) && isTop;
    const ui = (): Promise<UiApi | null> => (annotationsAllowed() ? loadUi(() => sendToBackground('inject-ui', {})) : Promise.resolve(null));

    const start = async () => {
      const stored = await browser.storage.local.get([SETTINGS_STORAGE_KEY, DETECTOR_STORAGE_KEY, ANNOTATED_PAGES_STORAGE_KEY]);
      settings = readSettings(stored[SETTINGS_STORAGE_KEY]);
      const detector = stored[DETECTOR_STORAGE_KEY];
      const runs = !settings.paused && !isSiteDisabled(settings, location.hostname) && isStoredDetector(detector);
      // Same detector, still running here: keep the session (and its highlights) and adopt the settings.
      const kept = runs && !!session && session.adopt(detector, settings);
      if (!kept) {
        // Paused or disabled here: the badge must stop showing this page's findings too.
        session?.destroy(!runs);
        session = null;
      }
      selectionListener?.abort();
      selectionListener = null;
      if (!runs) return;
      if (!kept) {
        const sessionController = new AbortController();
        controller.signal.addEventListener('abort', () => sessionController.abort(), { once: true });
        session = new PageSession(document, settings, detector, sessionController.signal);
        session.start();
      }
      // Annotations load only on pages that have some: the list of annotated pages is local.
      const annotated = stored[ANNOTATED_PAGES_STORAGE_KEY];
      const here = location.href.split('#')[0];
      if (annotationsAllowed() && Array.isArray(annotated) && annotated.includes(here)) void (await ui())?.loadAnnotations();
      if (annotationsAllowed() && settings.annotateButton) {
        selectionListener = new AbortController();
        controller.signal.addEventListener('abort', () => selectionListener?.abort(), { once: true });
        const offer = () => {
          const text = document.getSelection()?.toString().trim();
          if (text) void ui().then((api) => api?.offerAnnotate());
        };
        document.addEventListener('mouseup', () => setTimeout(offer, 0), { signal: selectionListener.signal, passive: true });
        document.addEventListener('keyup', (e) => e.shiftKey && setTimeout(offer, 0), { signal: selectionListener.signal, passive: true });
      }
    };

    browser.runtime.onMessage.addListener((raw: unknown, sender: { id?: string }, sendResponse: (reply: Reply<unknown>) => void) => {
      if (sender.id !== browser.runtime.id) return undefined;
      const command = validateTabCommand(raw);
      if (!command.ok) return undefined;
      // Chromium does not take a returned promise as the reply: answer through sendResponse.
      void (async (): Promise<Reply<unknown>> => {
        switch (command.name) {
          case 'get-findings':
            return { ok: true, data: session?.findings() ?? null };
          case 'jump':
            return { ok: true, data: (await session?.jump((command.body as { index: number }).index)) ?? false };
          case 'next-mention':
            await session?.step(1);
            return { ok: true, data: null };
          case 'previous-mention':
            await session?.step(-1);
            return { ok: true, data: null };
          case 'open-card':
            await session?.openCurrent();
            return { ok: true, data: null };
          case 'toggle-highlights':
            session?.toggleHighlights();
            return { ok: true, data: null };
          case 'settings-changed':
            await start();
            return { ok: true, data: session?.findings() ?? null };
          case 'annotate-selection':
            (await ui())?.annotateSelection(true);
            return { ok: true, data: null };
          case 'annotations-changed':
            await (await ui())?.loadAnnotations();
            return { ok: true, data: null };
          case 'annotation-status': {
            const g = globalThis as { __stationwatchUi?: UiApi };
            return { ok: true, data: g.__stationwatchUi?.annotationStatus() ?? [] };
          }
          case 'jump-annotation':
            return { ok: true, data: (await ui())?.jumpToAnnotation((command.body as { id: string }).id) ?? false };
        }
      })().then(sendResponse, (error: unknown) => sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }));
      return true;
    });

    browser.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || controller.signal.aborted) return;
      if (SETTINGS_STORAGE_KEY in changes || DETECTOR_STORAGE_KEY in changes) void start();
    });

    void start();
  },
});
