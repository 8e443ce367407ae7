/**
 * The card UI, injected by the background into a page only once that page has something to show,
 * so the always-on content script stays small. Renders Preact in a closed shadow root.
 */
import { render } from 'preact';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { ContextCard } from '@/components/ContextCard';
import { CARD_CSS } from '@/components/card-styles';
import { sendToBackground } from '@/lib/messaging';
import { t } from '@/lib/i18n';
import type { OpenCardRequest, UiApi } from '@/entrypoints/content/ui-api';

export default defineUnlistedScript(() => {
  const g = globalThis as { __stationwatchUi?: UiApi };
  if (g.__stationwatchUi) return;

  const host = document.createElement('stationwatch-ui');
  host.setAttribute('data-stationwatch-ui', '');
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = CARD_CSS;
  const root = document.createElement('div');
  root.className = 'sw-root';
  root.dir = document.documentElement.dir === 'rtl' ? 'rtl' : 'ltr';
  const live = document.createElement('div');
  live.className = 'sw-live';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  shadow.append(style, root, live);
  document.documentElement.append(host);

  let current: OpenCardRequest | null = null;
  let returnFocus: Element | null = null;

  const close = () => {
    if (!current) return;
    current = null;
    render(null, root);
    if (returnFocus instanceof HTMLElement) returnFocus.focus({ preventScroll: true });
    returnFocus = null;
  };

  const show = (request: OpenCardRequest) => {
    if (!current) returnFocus = document.activeElement;
    current = request;
    const ids = 'error' in request.context ? [] : request.context.items.map((i) => recordId(i));
    render(
      <ContextCard
        key={request.key}
        request={request}
        onClose={close}
        onReportError={() => void sendToBackground('open-extension-page', { page: 'about', recordIds: ids.slice(0, 50) })}
      />,
      root,
    );
  };

  const controller = new AbortController();
  // Outside click closes; clicks inside the shadow root are retargeted to the host.
  document.addEventListener(
    'pointerdown',
    (event) => {
      if (current && !event.composedPath().includes(host)) {
        // A click on another mention re-opens via the content script after this closes.
        close();
      }
    },
    { capture: true, signal: controller.signal },
  );
  document.addEventListener(
    'keydown',
    (event) => {
      if (current && event.key === 'Escape') {
        event.stopPropagation();
        close();
      }
    },
    { capture: true, signal: controller.signal },
  );

  g.__stationwatchUi = {
    openCard: show,
    closeCard: close,
    announce(index, total, text) {
      live.textContent = t('mentionAnnounce', index + 1, total, text.slice(0, 120));
    },
    destroy() {
      controller.abort();
      render(null, root);
      host.remove();
      delete g.__stationwatchUi;
    },
  };
});

function recordId(item: import('@/lib/dataset/context').CardItem): string {
  switch (item.kind) {
    case 'claim': return item.claim.id;
    case 'station': return item.station.id;
    case 'report': return item.report.id;
    case 'response': return item.response.id;
    case 'denial': return item.denial.id;
  }
}
