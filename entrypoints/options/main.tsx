import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendToBackground } from '@/lib/messaging';
import { loadSettings, saveSettings } from '@/lib/settings-store';
import type { Settings } from '@/lib/settings';
import type { DatasetInfo } from '@/lib/protocol';
import { t } from '@/lib/i18n';
import { download } from '@/components/download';

function Options() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [sitesText, setSitesText] = useState('');
  const [info, setInfo] = useState<DatasetInfo | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = async () => {
    const s = await loadSettings();
    setSettings(s);
    setSitesText(s.disabledSites.join('\n'));
    setInfo(await sendToBackground('dataset-info', {}).catch(() => null));
  };
  useEffect(() => void reload(), []);
  if (!settings) return <main><p>{t('loading')}</p></main>;

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const disabledSites = sitesText.split(/\s+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
      const saved = await saveSettings({ ...settings, disabledSites });
      setSettings(saved);
      await sendToBackground('settings-changed', {});
      setMessage({ ok: true, text: t('saved') });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  const checkFeed = async () => {
    setBusy(true);
    try {
      const result = await sendToBackground('feed-update-now', {});
      setMessage({ ok: result.ok, text: result.message });
      setInfo(await sendToBackground('dataset-info', {}));
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const exportBackup = async () => {
    try {
      const backup = await sendToBackground('backup-export', {});
      download(`stationwatch-backup-${backup.createdAt.slice(0, 10)}.json`, JSON.stringify(backup, null, 2), 'application/json');
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };
  const importBackup = async (file: File) => {
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch (error) {
        throw new Error(`${file.name} is not valid JSON (${(error as Error).message}); nothing was changed.`);
      }
      const result = await sendToBackground('backup-import', { backup: parsed });
      setMessage({ ok: true, text: t('backupRestored', result.annotations) });
      await reload();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  const set = (patch: Partial<Settings>) => setSettings({ ...settings, ...patch });
  const setAuthor = (patch: Partial<Settings['author']>) => setSettings({ ...settings, author: { ...settings.author, ...patch } });
  return (
    <main style={{ maxWidth: '720px' }}>
      <h1>{t('optionsTitle')}</h1>
      <form onSubmit={save}>
        <h2>{t('readerControls')}</h2>
        <label><input type="checkbox" checked={settings.paused} onChange={(e) => set({ paused: e.currentTarget.checked })} /> {t('pauseEverywhere')}</label>
        <label><input type="checkbox" checked={settings.discreet} onChange={(e) => set({ discreet: e.currentTarget.checked })} /> {t('discreetMode')}</label>
        <p class="muted">{t('discreetExplained')}</p>
        <label><input type="checkbox" checked={settings.highlights} onChange={(e) => set({ highlights: e.currentTarget.checked })} /> {t('showHighlights')}</label>
        <label>
          {t('disabledSites')}
          <textarea rows={4} value={sitesText} onInput={(e) => setSitesText(e.currentTarget.value)} />
        </label>
        <label><input type="checkbox" checked={settings.annotateButton} onChange={(e) => set({ annotateButton: e.currentTarget.checked })} /> {t('annotateButtonSetting')}</label>
        <h2>{t('authorProfile')}</h2>
        <label>{t('authorName')}<input type="text" value={settings.author.name} onInput={(e) => setAuthor({ name: e.currentTarget.value })} /></label>
        <label>{t('authorOrganisation')}<input type="text" value={settings.author.organisation} onInput={(e) => setAuthor({ organisation: e.currentTarget.value })} /></label>
        <label>{t('authorUrl')}<input type="url" value={settings.author.url} onInput={(e) => setAuthor({ url: e.currentTarget.value })} /></label>
        <h2>{t('datasetHeading')}</h2>
        {info ? <p data-testid="dataset-version">{t('datasetVersion', info.version, info.asOf)}</p> : null}
        {info?.lastInstallError ? <p class="error" role="alert">{info.lastInstallError}</p> : null}
        <label>
          {t('feedUrl')}
          <input type="url" name="feedUrl" value={settings.feedUrl} placeholder="https://…/dataset.json" onInput={(e) => set({ feedUrl: e.currentTarget.value.trim() })} />
        </label>
        <p class="muted">{t('feedExplained')}</p>
        {info?.lastFeed ? (
          <p class={info.lastFeed.ok ? 'muted' : 'error'} data-testid="last-feed">{t('lastFeedCheck', info.lastFeed.at, info.lastFeed.message)}</p>
        ) : null}
        <div class="row">
          <button type="submit">{t('save')}</button>
          <button type="button" disabled={busy || !settings.feedUrl} onClick={() => void checkFeed()}>{t('checkFeedNow')}</button>
          <a href="/about.html">{t('aboutData')}</a>
        </div>
        {message ? <p role="status" data-testid="options-message" class={message.ok ? '' : 'error'}>{message.text}</p> : null}
      </form>
      <h2>{t('backupHeading')}</h2>
      <div class="row">
        <button type="button" onClick={() => void exportBackup()}>{t('backupExport')}</button>
      </div>
      <label>
        {t('backupImport')}
        <input type="file" accept=".json,application/json" data-testid="backup-file" onChange={(e) => e.currentTarget.files?.[0] && void importBackup(e.currentTarget.files[0])} />
      </label>
    </main>
  );
}

document.documentElement.lang = browser.i18n.getUILanguage();
render(<Options />, document.getElementById('app')!);
