import { render } from 'preact';
import { browser } from 'wxt/browser';
import { ClaimChecker, loadCheckerData } from '@/components/ClaimChecker';
import { BatchChecker } from '@/components/BatchChecker';
import { t } from '@/lib/i18n';

// The worker is wired here rather than in the component so that Vite sees the literal
// `new URL(..., import.meta.url)` form it bundles as a separate worker chunk.
const createWorker = () => new Worker(new URL('./batch-worker.ts', import.meta.url), { type: 'module' });

function CheckerPage() {
  // "Check this claim" opens the page with the selection in ?text=.
  const initialText = new URLSearchParams(location.search).get('text') ?? '';
  return (
    <main class="checker-page">
      <h1>{t('checkerTitle')}</h1>
      <p class="muted">{t('checkerPrivacy')}</p>
      <section aria-labelledby="paste-h">
        <h2 id="paste-h">{t('checkerPasteHeading')}</h2>
        <ClaimChecker initialText={initialText} />
      </section>
      <section aria-labelledby="batch-h">
        <h2 id="batch-h">{t('batchHeading')}</h2>
        <BatchChecker createWorker={createWorker} loadDataset={async () => (await loadCheckerData()).dataset} />
      </section>
    </main>
  );
}

document.documentElement.lang = browser.i18n.getUILanguage();
document.title = `${t('extName')} — ${t('checkerTitle')}`;
render(<CheckerPage />, document.getElementById('app')!);
