import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendToBackground, sendToTab } from '@/lib/messaging';
import { activeTab } from '@/lib/active-tab';
import type { MentionSummary, PageFindings } from '@/lib/protocol';
import type { CardContext, CardItem } from '@/lib/dataset/context';
import { RecordView } from '@/components/RecordView';
import { ClaimChecker } from '@/components/ClaimChecker';
import { AnnotationsPanel } from '@/components/AnnotationsPanel';
import { recordLabel } from '@/components/record-label';
import { MAX_CARD_RECORD_IDS } from '@/lib/limits';
import { t } from '@/lib/i18n';

interface Group {
  key: string;
  label: string;
  item: CardItem | null;
  mentions: MentionSummary[];
}

async function contextsFor(ids: string[]): Promise<CardContext | null> {
  const parts: CardContext[] = [];
  for (let i = 0; i < ids.length; i += MAX_CARD_RECORD_IDS) {
    parts.push(await sendToBackground('card-context', { ids: ids.slice(i, i + MAX_CARD_RECORD_IDS) }));
  }
  const [first] = parts;
  if (!first) return null;
  return { ...first, items: parts.flatMap((p) => p.items), sources: Object.assign({}, ...parts.map((p) => p.sources)) };
}

/** Groups mentions in page order under the first record each refers to. */
function groupMentions(mentions: MentionSummary[], context: CardContext | null): Group[] {
  const items = new Map<string, CardItem>();
  for (const item of context?.items ?? []) items.set(recordLabel(item).id, item);
  const groups = new Map<string, Group>();
  for (const m of mentions) {
    const key = m.refs.find((id) => items.has(id)) ?? m.refs[0] ?? `term:${m.text.toLowerCase()}`;
    let g = groups.get(key);
    if (!g) {
      const item = items.get(key) ?? null;
      g = { key, label: item ? recordLabel(item).label : m.text, item, mentions: [] };
      groups.set(key, g);
    }
    g.mentions.push(m);
  }
  return [...groups.values()];
}

const PANELS = ['page', 'check', 'annotations'] as const;
type PanelId = (typeof PANELS)[number];

function SidePanel() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [findings, setFindings] = useState<PageFindings | null | undefined>(undefined);
  const [context, setContext] = useState<CardContext | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelId>('page');
  const [tabUrl, setTabUrl] = useState<string | null>(null);
  // The checker is mounted on first visit and kept, so switching tabs keeps its text and results.
  const [checkerSeen, setCheckerSeen] = useState(false);

  const refresh = async () => {
    const tab = await activeTab();
    setTabId(tab?.id ?? null);
    setTabUrl(tab?.url ?? null);
    if (!tab) return setFindings(null);
    const f = await sendToBackground('tab-findings', { tabId: tab.id }).catch(() => null);
    setFindings(f);
    const ids = [...new Set((f?.mentions ?? []).flatMap((m) => m.refs))];
    setContext(ids.length ? await contextsFor(ids).catch(() => null) : null);
  };

  useEffect(() => {
    void refresh();
    const onActivated = () => void refresh();
    const onUpdated = (_id: number, change: { status?: string }) => change.status === 'complete' && setTimeout(() => void refresh(), 500);
    browser.tabs.onActivated.addListener(onActivated);
    browser.tabs.onUpdated.addListener(onUpdated);
    return () => {
      browser.tabs.onActivated.removeListener(onActivated);
      browser.tabs.onUpdated.removeListener(onUpdated);
    };
  }, []);

  const groups = findings ? groupMentions(findings.mentions, context) : [];
  return (
    <main>
      <h1>{t('extName')}</h1>
      <div class="row">
        <button type="button" onClick={() => void refresh()}>{t('refresh')}</button>
        <a href="/checker.html" target="_blank">{t('checkClaims')}</a>
      </div>
      <div class="tabs" role="tablist" aria-label={t('panelTabs')}>
        {PANELS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={panel === id}
            aria-controls={`panel-${id}`}
            tabIndex={panel === id ? 0 : -1}
            onClick={() => {
              setPanel(id);
              if (id === 'check') setCheckerSeen(true);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const next = PANELS[(PANELS.indexOf(id) + (e.key === 'ArrowRight' ? 1 : PANELS.length - 1)) % PANELS.length]!;
              setPanel(next);
              if (next === 'check') setCheckerSeen(true);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {id === 'page' ? t('onThisPage') : id === 'check' ? t('checkClaims') : t('tabAnnotations')}
          </button>
        ))}
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-page" aria-labelledby="tab-page" hidden={panel !== 'page'}>
        <h2>{t('onThisPage')}</h2>
        <p aria-live="polite" data-testid="summary">
          {findings === undefined
            ? t('loading')
            : !findings || !findings.onTopic
              ? t('verdictOffTopic')
              : t('mentionsInGroups', findings.mentionCount, groups.length)}
        </p>
        {groups.map((g) => (
          <section class="group" key={g.key} data-record={g.key}>
            <h3>{g.label}</h3>
            <ol>
              {g.mentions.map((m) => (
                <li key={m.index}>
                  <button type="button" class="mention" onClick={() => tabId !== null && void sendToTab(tabId, 'jump', { index: m.index })} aria-label={t('jumpTo', m.text)}>
                    “{m.text}”
                  </button>
                </li>
              ))}
            </ol>
            {g.item && context ? (
              <details open={open === g.key} onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && setOpen(g.key)}>
                <summary>{t('showContext')}</summary>
                <RecordView item={g.item} sources={context.sources} />
              </details>
            ) : null}
          </section>
        ))}
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-check" aria-labelledby="tab-check" hidden={panel !== 'check'}>
        {checkerSeen ? <ClaimChecker /> : null}
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-annotations" aria-labelledby="tab-annotations" hidden={panel !== 'annotations'}>
        {panel === 'annotations' ? <AnnotationsPanel tabId={tabId} pageUrl={tabUrl} /> : null}
      </div>
    </main>
  );
}

document.documentElement.lang = browser.i18n.getUILanguage();
render(<SidePanel />, document.getElementById('app')!);
