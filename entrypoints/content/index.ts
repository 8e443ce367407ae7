import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { validateTabCommand, type Reply } from '@/lib/protocol';
import { isSiteDisabled, readSettings } from '@/lib/settings';
import { DETECTOR_STORAGE_KEY, SETTINGS_STORAGE_KEY, isStoredDetector } from '@/lib/detector-store';
import { PageSession } from './page-session';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*', 'file:///*'],
  runAt: 'document_idle',
  main(ctx) {
    let session: PageSession | null = null;
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());

    const start = async () => {
      const stored = await browser.storage.local.get([SETTINGS_STORAGE_KEY, DETECTOR_STORAGE_KEY]);
      const settings = readSettings(stored[SETTINGS_STORAGE_KEY]);
      const detector = stored[DETECTOR_STORAGE_KEY];
      session?.destroy();
      session = null;
      if (settings.paused || isSiteDisabled(settings, location.hostname) || !isStoredDetector(detector)) return;
      const sessionController = new AbortController();
      controller.signal.addEventListener('abort', () => sessionController.abort(), { once: true });
      session = new PageSession(document, settings, detector, sessionController.signal);
      session.start();
    };

    browser.runtime.onMessage.addListener((raw: unknown, sender): Promise<Reply<unknown>> | undefined => {
      if (sender.id !== browser.runtime.id) return undefined;
      const command = validateTabCommand(raw);
      if (!command.ok) return undefined;
      return (async (): Promise<Reply<unknown>> => {
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
        }
      })();
    });

    browser.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || controller.signal.aborted) return;
      if (SETTINGS_STORAGE_KEY in changes || DETECTOR_STORAGE_KEY in changes) void start();
    });

    void start();
  },
});
