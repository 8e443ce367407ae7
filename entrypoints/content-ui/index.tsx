/**
 * The in-page UI, injected by the background into a page only once that page has something to show
 * (mentions, annotations, or a reader who wants to annotate), so the always-on content script stays
 * small. Renders Preact in a closed shadow root.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { ContextCard, FloatingDialog } from '@/components/ContextCard';
import { AnnotationEditor, type EditorOptions, type EditorValue } from '@/components/AnnotationEditor';
import { AnnotationBody } from '@/components/AnnotationCard';
import { recordLabel } from '@/components/record-label';
import { ANNOTATION_CSS, CARD_CSS } from '@/components/card-styles';
import { sendToBackground } from '@/lib/messaging';
import { Highlighter } from '@/lib/page/highlighter';
import { t } from '@/lib/i18n';
import type { Annotation } from '@/lib/annotation/model';
import { UI_GLOBAL, type OpenCardRequest, type UiApi } from '@/entrypoints/page-awake/ui-api';
import { AnnotationLayer, type PendingAnnotation } from './annotation-layer';

type View =
  | { kind: 'context'; request: OpenCardRequest }
  | { kind: 'annotation'; annotation: Annotation; fromKeyboard: boolean }
  | { kind: 'editor'; pending: PendingAnnotation | null; existing: Annotation | null; anchor: () => DOMRect | null; fromKeyboard: boolean }
  | { kind: 'adder'; rect: DOMRect }
  | { kind: 'message'; text: string; undo?: () => void };

export default defineUnlistedScript(() => {
  const g = globalThis as Record<string, unknown>;
  // Own property only: an element with this id would also show up as a property of window here.
  if (Object.hasOwn(g, UI_GLOBAL)) return;

  // A plain <div>, not a custom element: a page could define a custom element's name first and run
  // its own constructor on our host (attaching a shadow root before we can). Inline !important styles
  // keep page stylesheets from hiding, moving or transforming it.
  const host = document.createElement('div');
  host.setAttribute('data-stationwatch-ui', '');
  host.style.cssText = 'all: initial !important; display: block !important; position: static !important;';
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = CARD_CSS + ANNOTATION_CSS;
  const mount = document.createElement('div');
  mount.className = 'sw-root';
  mount.dir = document.documentElement.dir === 'rtl' ? 'rtl' : 'ltr';
  const live = document.createElement('div');
  live.className = 'sw-live';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  shadow.append(style, mount, live);
  document.documentElement.append(host);

  const controller = new AbortController();
  const signal = controller.signal;
  let view: View | null = null;
  let returnFocus: Element | null = null;
  let editorOptions: Promise<EditorOptions> | null = null;
  const layer = new AnnotationLayer(new Highlighter(document), () => undefined, signal);

  const show = (next: View | null) => {
    if (next && !view) returnFocus = document.activeElement;
    view = next;
    render(view ? <Ui view={view} /> : null, mount);
    if (!view && returnFocus instanceof HTMLElement) {
      returnFocus.focus({ preventScroll: true });
      returnFocus = null;
    }
  };
  const close = () => show(null);

  const options = () => (editorOptions ??= sendToBackground('editor-pickers', {}));

  function Ui({ view: v }: { view: View }) {
    const [pickers, setPickers] = useState<EditorOptions | null>(null);
    useEffect(() => {
      if (v.kind === 'editor') void options().then(setPickers, () => setPickers({ claims: [], sources: [] }));
    }, [v]);
    switch (v.kind) {
      case 'context':
        return (
          <ContextCard
            key={v.request.key}
            request={v.request}
            onClose={close}
            onReportError={() => void sendToBackground('open-extension-page', { page: 'about', recordIds: recordIds(v.request) })}
          />
        );
      case 'annotation': {
        const a = v.annotation;
        return (
          <FloatingDialog anchor={() => layer.rectOf(a.id)} identity={a} labelledBy="sw-ann-heading" focusOnOpen={v.fromKeyboard} onClose={close}>
            <h2 id="sw-ann-heading">{t('annotationHeading')}</h2>
            <AnnotationBody annotation={a} />
            <div class="sw-row">
              <button type="button" onClick={trusted(() => show({ kind: 'editor', pending: null, existing: a, anchor: () => layer.rectOf(a.id), fromKeyboard: true }))}>
                {t('edit')}
              </button>
              <button type="button" onClick={trusted(() => void deleteWithUndo(a))}>
                {t('delete')}
              </button>
            </div>
          </FloatingDialog>
        );
      }
      case 'editor':
        return (
          <FloatingDialog anchor={v.anchor} identity={v} labelledBy="sw-editor-heading" focusOnOpen onClose={close}>
            <AnnotationEditor
              headingId="sw-editor-heading"
              quote={v.existing?.selectors.quote.exact ?? v.pending?.quote ?? ''}
              initial={v.existing ?? undefined}
              options={pickers}
              onCancel={close}
              onSave={async (value: EditorValue) => {
                await layer.save(value, v.pending, v.existing);
                live.textContent = t('annotationSaved');
                close();
              }}
            />
          </FloatingDialog>
        );
      case 'adder':
        return (
          <button
            type="button"
            class="sw-adder"
            style={{ left: `${Math.min(window.innerWidth - 110, Math.max(4, v.rect.right - 40))}px`, top: `${Math.min(window.innerHeight - 40, v.rect.bottom + 6)}px` }}
            onMouseDown={(e) => e.preventDefault()}
            onClick={trusted(() => annotateSelection(false))}
          >
            {t('annotate')}
          </button>
        );
      case 'message':
        return (
          <div class="sw-toast" role="status">
            <span>{v.text}</span>
            {v.undo ? (
              <button type="button" onClick={trusted(v.undo)}>
                {t('undo')}
              </button>
            ) : null}
            <button type="button" aria-label={t('close')} onClick={close}>
              ×
            </button>
          </div>
        );
    }
  }

  async function deleteWithUndo(a: Annotation) {
    const deleted = await layer.remove(a.id);
    if (!deleted) return close();
    show({ kind: 'message', text: t('annotationDeleted'), undo: () => void layer.restore(deleted).then(close) });
  }

  function annotateSelection(fromKeyboard: boolean) {
    const pending = layer.pendingFromSelection();
    if ('error' in pending) {
      show({ kind: 'message', text: t('annotateNeedsSelection') });
      return;
    }
    const rect = pending.rect;
    show({ kind: 'editor', pending, existing: null, anchor: () => rect, fromKeyboard });
  }

  // Outside click closes; clicks inside the shadow root are retargeted to the host.
  document.addEventListener(
    'pointerdown',
    (event) => {
      if (view && view.kind !== 'message' && !event.composedPath().includes(host)) close();
    },
    { capture: true, signal },
  );
  document.addEventListener(
    'keydown',
    (event) => {
      if (view && event.key === 'Escape') {
        event.stopPropagation();
        close();
      }
    },
    { capture: true, signal },
  );
  // Clicking an annotation highlight opens its card.
  document.addEventListener(
    'click',
    (event) => {
      if (!event.isTrusted || event.button !== 0 || event.composedPath().includes(host)) return;
      if (document.getSelection()?.type === 'Range') return;
      const hit = layer.annotationAt(event.clientX, event.clientY);
      if (hit) show({ kind: 'annotation', annotation: hit, fromKeyboard: false });
    },
    { capture: true, signal },
  );

  const api: UiApi = {
    openCard: (request) => show({ kind: 'context', request }),
    closeCard: close,
    announce(index, total, text) {
      live.textContent = t('mentionAnnounce', index + 1, total, text.slice(0, 120));
    },
    loadAnnotations: () => layer.reload(),
    annotateSelection,
    offerAnnotate() {
      const selection = document.getSelection();
      if (!selection || selection.isCollapsed || !selection.toString().trim()) {
        if (view?.kind === 'adder') close();
        return;
      }
      if (view && view.kind !== 'adder') return;
      show({ kind: 'adder', rect: selection.getRangeAt(0).getBoundingClientRect() });
    },
    annotationStatus: () => layer.status(),
    jumpToAnnotation: (id) => layer.jump(id),
    destroy() {
      controller.abort();
      render(null, mount);
      host.remove();
      delete g[UI_GLOBAL];
    },
  };
  g[UI_GLOBAL] = api;
});

/** Page scripts can dispatch synthetic clicks at our host; only the reader's own clicks act. */
function trusted(fn: () => void) {
  return (event: Event) => {
    if (event.isTrusted) fn();
  };
}

function recordIds(request: OpenCardRequest): string[] {
  if ('error' in request.context) return [];
  return request.context.items.map((item) => recordLabel(item).id).slice(0, 50);
}
