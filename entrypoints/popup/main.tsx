import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendToBackground, sendToTab } from '@/lib/messaging';
import { activeTab } from '@/lib/active-tab';
import { loadSettings, saveSettings } from '@/lib/settings-store';
import { isSiteDisabled, type Settings } from '@/lib/settings';
import type { DatasetInfo, PageFindings } from '@/lib/protocol';
import { t } from '@/lib/i18n';

function Popup() {
  const [tab, setTab] = useState<{ id: number; url: string } | null>(null);
  const [findings, setFindings] = useState<PageFindings | null | undefined>(undefined);
  const [info, setInfo] = useState<DatasetInfo | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState('');

  const refresh = async () => {
    const current = await activeTab();
    setTab(current);
    setSettings(await loadSettings());
    setInfo(await sendToBackground('dataset-info', {}).catch((e: Error) => (setError(e.message), null)));
    setFindings(current ? await sendToBackground('tab-findings', { tabId: current.id }).catch(() => null) : null);
  };
  useEffect(() => void refresh(), []);

  const host = tab ? safeHost(tab.url) : '';
  const update = async (patch: Partial<Settings>) => {
    if (!settings) return;
    setSettings(await saveSettings({ ...settings, ...patch }));
    setTimeout(() => void refresh(), 300);
  };

  const stations = findings?.stationIds.length ?? 0;
  const claims = findings?.claimIds.length ?? 0;
  return (
    <main style={{ width: '340px' }}>
      <h1>{t('extName')}</h1>
      <section aria-live="polite">
        {findings === undefined ? (
          <p class="muted">{t('loading')}</p>
        ) : !findings ? (
          <p class="muted" data-testid="verdict">{t('noFindings')}</p>
        ) : findings.onTopic ? (
          <>
            <p class="count" data-testid="count">{t('pageMentions', stations, claims)}</p>
            <p data-testid="verdict">{t('verdictOnTopic', findings.mentionCount)}</p>
            <details>
              <summary>{t('whyVerdict')}</summary>
              <ul>{findings.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
            </details>
            {findings.discreet ? <p class="muted">{t('discreetActive')}</p> : null}
          </>
        ) : (
          <>
            <p data-testid="verdict">{t('verdictOffTopic')}</p>
            {findings.reasons.length ? <ul class="muted">{findings.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul> : null}
          </>
        )}
      </section>
      <div class="row" style={{ marginTop: '8px' }}>
        {tab && browser.sidePanel ? (
          <button type="button" onClick={() => void browser.sidePanel.open({ tabId: tab.id }).then(() => window.close())}>
            {t('openSidePanel')}
          </button>
        ) : null}
        <button type="button" onClick={() => tab && void sendToTab(tab.id, 'toggle-highlights').catch(() => undefined)}>{t('toggleHighlights')}</button>
      </div>
      {settings ? (
        <fieldset style={{ border: 'none', padding: 0, marginTop: '8px' }}>
          <legend class="visually-hidden">{t('readerControls')}</legend>
          <label>
            <input type="checkbox" checked={settings.paused} onChange={(e) => void update({ paused: e.currentTarget.checked })} /> {t('pauseEverywhere')}
          </label>
          {host ? (
            <label>
              <input
                type="checkbox"
                checked={isSiteDisabled(settings, host)}
                onChange={(e) =>
                  void update({
                    disabledSites: e.currentTarget.checked ? [...settings.disabledSites, host] : settings.disabledSites.filter((s) => s !== host),
                  })
                }
              />{' '}
              {t('disableOnSite', host)}
            </label>
          ) : null}
          <label>
            <input type="checkbox" checked={settings.discreet} onChange={(e) => void update({ discreet: e.currentTarget.checked })} /> {t('discreetMode')}
          </label>
        </fieldset>
      ) : null}
      <footer class="muted" style={{ marginTop: '8px' }}>
        {info ? <p data-testid="dataset">{t('datasetVersion', info.version, info.asOf)}</p> : null}
        {error ? <p class="error" role="alert">{error}</p> : null}
        <div class="row">
          <a href="/about.html" target="_blank">{t('aboutData')}</a>
          <a href="/checker.html" target="_blank">{t('checkClaims')}</a>
          <a href="/options.html" target="_blank">{t('options')}</a>
        </div>
      </footer>
    </main>
  );
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname : '';
  } catch {
    return '';
  }
}

document.documentElement.lang = browser.i18n.getUILanguage();
render(<Popup />, document.getElementById('app')!);
