import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendToBackground, sendToTab } from '@/lib/messaging';
import { activeTab } from '@/lib/active-tab';
import type { MentionSummary, PageFindings } from '@/lib/protocol';
import type { CardContext, CardItem } from '@/lib/dataset/context';
import { RecordView } from '@/components/RecordView';
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

function SidePanel() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [findings, setFindings] = useState<PageFindings | null | undefined>(undefined);
  const [context, setContext] = useState<CardContext | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const refresh = async () => {
    const tab = await activeTab();
    setTabId(tab?.id ?? null);
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
    </main>
  );
}

document.documentElement.lang = browser.i18n.getUILanguage();
render(<SidePanel />, document.getElementById('app')!);
