import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendToBackground } from '@/lib/messaging';
import type { DatasetInfo } from '@/lib/protocol';
import { t } from '@/lib/i18n';

function About() {
  const [info, setInfo] = useState<DatasetInfo | null>(null);
  const [error, setError] = useState('');
  const records = (new URLSearchParams(location.search).get('records') ?? '').split(',').filter((id) => /^[A-Za-z0-9._-]{1,80}$/.test(id));
  useEffect(() => void sendToBackground('dataset-info', {}).then(setInfo, (e: Error) => setError(e.message)), []);
  return (
    <main style={{ maxWidth: '760px' }}>
      <h1>{t('aboutData')}</h1>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {records.length ? (
        <section aria-labelledby="report-h">
          <h2 id="report-h">{t('reportErrorHeading')}</h2>
          <p>{t('reportErrorIntro', records.join(', '))}</p>
        </section>
      ) : null}
      <h2>{t('principleHeading')}</h2>
      <p>{t('principleText')}</p>
      {info ? (
        <>
          <h2>{t('datasetHeading')}</h2>
          <p data-testid="about-version">{t('datasetVersion', info.version, info.asOf)}</p>
          <table>
            <tbody>
              {Object.entries(info.counts).map(([kind, n]) => (
                <tr key={kind}><th scope="row">{t(`kind_${kind}`)}</th><td>{n}</td></tr>
              ))}
              <tr><th scope="row">{t('countriesCovered')}</th><td>{info.countries}</td></tr>
            </tbody>
          </table>
        </>
      ) : null}
      <MethodAndChangelog />
      <h2>{t('correctionsHeading')}</h2>
      <p>{t('correctionsText')}</p>
    </main>
  );
}

/** Method and changelog come from the bundled dataset document itself. */
function MethodAndChangelog() {
  const [doc, setDoc] = useState<{ method: string; changelog: { version: string; date: string; summary: string }[] } | null>(null);
  useEffect(() => {
    void fetch(browser.runtime.getURL('/data/dataset.json' as never))
      .then((r) => r.json())
      .then((d: { method?: unknown; changelog?: unknown }) =>
        setDoc({ method: String(d.method ?? ''), changelog: Array.isArray(d.changelog) ? (d.changelog as { version: string; date: string; summary: string }[]) : [] }),
      )
      .catch(() => setDoc(null));
  }, []);
  if (!doc) return null;
  return (
    <>
      <h2>{t('methodHeading')}</h2>
      {doc.method.split(/\n+/).map((p, i) => <p key={i}>{p}</p>)}
      <h2>{t('changelogHeading')}</h2>
      <ul>
        {doc.changelog.map((c) => (
          <li key={c.version}><strong>{String(c.version)}</strong> ({String(c.date)}): {String(c.summary)}</li>
        ))}
      </ul>
    </>
  );
}

document.documentElement.lang = browser.i18n.getUILanguage();
render(<About />, document.getElementById('app')!);
