/**
 * The in-page context card: a labelled dialog next to (never over) the words it explains, inside the
 * viewport, following scroll and resize.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { OpenCardRequest } from '@/entrypoints/page-awake/ui-api';
import { RecordView } from './RecordView';
import { t } from '@/lib/i18n';

const CARD_GAP_PX = 8;
const VIEWPORT_MARGIN_PX = 8;
const CARD_WIDTH_PX = 400;

export interface CardPlacement {
  left: number;
  top: number;
  maxHeight: number;
  side: 'below' | 'above';
}

/** Places a card of the given height beside an anchor rectangle: below if it fits, else above, else the roomier side (scrolling inside). */
export function placeCard(anchor: DOMRect, cardHeight: number, viewport: { width: number; height: number }): CardPlacement {
  const width = Math.min(CARD_WIDTH_PX, viewport.width - 2 * VIEWPORT_MARGIN_PX);
  const left = Math.min(Math.max(VIEWPORT_MARGIN_PX, anchor.left), viewport.width - width - VIEWPORT_MARGIN_PX);
  const below = viewport.height - anchor.bottom - CARD_GAP_PX - VIEWPORT_MARGIN_PX;
  const above = anchor.top - CARD_GAP_PX - VIEWPORT_MARGIN_PX;
  if (cardHeight <= below || below >= above) {
    return { left, top: anchor.bottom + CARD_GAP_PX, maxHeight: Math.max(80, below), side: 'below' };
  }
  const height = Math.min(cardHeight, above);
  return { left, top: anchor.top - CARD_GAP_PX - height, maxHeight: Math.max(80, above), side: 'above' };
}

/**
 * A labelled, non-modal dialog placed beside an anchor rectangle (never over it), inside the
 * viewport, following scroll and resize; Escape closes it. Focus moves in when opened by keyboard.
 */
export function FloatingDialog({
  anchor,
  identity,
  labelledBy,
  focusOnOpen,
  onClose,
  children,
}: {
  anchor: () => DOMRect | null;
  identity: unknown;
  labelledBy: string;
  focusOnOpen: boolean;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [placement, setPlacement] = useState<CardPlacement | null>(null);

  useLayoutEffect(() => {
    const place = () => {
      const rect = anchor();
      const el = ref.current;
      if (!rect || !el) return;
      setPlacement(placeCard(rect, el.scrollHeight, { width: window.innerWidth, height: window.innerHeight }));
    };
    place();
    let frame = 0;
    const onMove = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    window.addEventListener('scroll', onMove, { passive: true, capture: true });
    window.addEventListener('resize', onMove, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onMove, { capture: true });
      window.removeEventListener('resize', onMove);
    };
  }, [identity]);

  // A hidden element cannot take focus: move focus in once the dialog is placed and visible.
  const focused = useRef<unknown>(null);
  useEffect(() => {
    if (focusOnOpen && placement && focused.current !== identity) {
      focused.current = identity;
      const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? closeRef.current;
      first?.focus();
    }
  }, [identity, placement]);

  return (
    <div
      ref={ref}
      class="sw-card"
      role="dialog"
      aria-modal="false"
      aria-labelledby={labelledBy}
      style={
        placement
          ? { left: `${placement.left}px`, top: `${placement.top}px`, maxHeight: `${placement.maxHeight}px`, visibility: 'visible' }
          : { visibility: 'hidden', left: '0px', top: '0px' }
      }
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <header class="sw-card-header">
        <span class="sw-brand">{t('extName')}</span>
        <button ref={closeRef} type="button" class="sw-close" aria-label={t('close')} onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </div>
  );
}

export function ContextCard({ request, onClose, onReportError }: { request: OpenCardRequest; onClose: () => void; onReportError: () => void }) {
  const headingId = 'sw-card-heading';
  const context = request.context;
  return (
    <FloatingDialog anchor={request.anchor} identity={request} labelledBy={headingId} focusOnOpen={request.fromKeyboard} onClose={onClose}>
      <p class="sw-mention">
        {t('aboutMention')} <q>{request.mentionText}</q>
      </p>
      {'error' in context ? (
        <p class="sw-error" role="alert">
          {t('cardError', context.error)}
        </p>
      ) : context.items.length === 0 ? (
        <p class="sw-muted">{t('noRecord')}</p>
      ) : (
        context.items.map((item, i) => <RecordView key={i} item={item} sources={context.sources} headingId={i === 0 ? headingId : undefined} />)
      )}
      <footer class="sw-card-footer">
        {'error' in context ? null : <span>{t('datasetAsOf', context.asOf, context.datasetVersion)}</span>}
        <span class="sw-principle">{t('sideBySide')}</span>
        <button type="button" class="sw-linklike" onClick={onReportError}>
          {t('reportError')}
        </button>
      </footer>
    </FloatingDialog>
  );
}
