import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { loadDatasetFromDir } from './lib/dataset/load-node';
import { checkIntegrity } from './lib/dataset/integrity';

/** V8's explicit compile hint comment (https://v8.dev/blog/explicit-compile-hints). */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

// Chromium and Firefox share one manifest; differences are keyed on the target.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    build: { target: 'es2022', ...(process.env.STATIONWATCH_UNMINIFIED === '1' ? { minify: false } : {}) },
  }),
  hooks: {
    // The page scripts (always-on, its awake part, the page scanner) talk to extension APIs that are promise-based
    // in every browser we support (chrome.* in MV3, browser.* in Firefox), so they skip
    // webextension-polyfill: in Chromium the polyfill wraps and copies the whole `chrome` object when a
    // script starts, which cost 1-3 ms of every page's work (bench/page.ts profile) and 2.5 KB gzip.
    // Extension pages, the background and the card UI keep it.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.some((e) => e.name === 'page-watch' || e.name === 'page-awake' || e.name === 'page-scanner')) return;
      // V8's explicit compile hint: compile every function with the script instead of one by one
      // on first call (each lazy compile re-parses the function).
      config.plugins = [
        ...(config.plugins ?? []),
        {
          name: 'stationwatch-compile-hints',
          enforce: 'post',
          generateBundle(_options, bundle) {
            // Added after the source map is made: maps of these scripts start one line late
            // (bench/content-size.ts allows for it; production builds ship no maps).
            for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk') chunk.code = `${COMPILE_HINT}\n${chunk.code}`;
          },
        },
      ];
      // The page scripts bind the API object only when they first use it (lib/page/lazy-browser.ts).
      const plain = fileURLToPath(new URL('./lib/page/lazy-browser.ts', import.meta.url));
      const alias = config.resolve?.alias;
      if (Array.isArray(alias)) {
        for (const entry of alias) if (entry.find === 'wxt/browser') entry.replacement = plain;
      } else if (alias && typeof alias === 'object') {
        (alias as Record<string, string>)['wxt/browser'] = plain;
      }
    },
    // The dataset is authored as several files under data/dataset and ships as one validated
    // document; a dataset that fails its checks fails the build instead of shipping.
    'build:publicAssets': (_wxt, files) => {
      const dataset = loadDatasetFromDir();
      const problems = checkIntegrity(dataset);
      if (problems.length && process.env.STATIONWATCH_ALLOW_DATA_PROBLEMS !== '1') {
        throw new Error(`dataset failed its checks:\n${problems.join('\n')}`);
      }
      files.push({ relativeDest: 'data/dataset.json', contents: JSON.stringify(dataset) });
    },
  },
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [
      'storage',
      'contextMenus',
      'alarms',
      ...(manifestVersion === 3 ? ['scripting'] : []),
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    // The background runs the always-on page script in every page the reader lets it read (and the
    // page scanner and card UI only where there is something to show), and fetches a feed the user
    // configured. file:///* as well: local pages are read like any other (where the browser allows it).
    host_permissions: ['http://*/*', 'https://*/*', 'file:///*'],
    action: { default_title: '__MSG_extName__' },
    icons: { 16: 'icons/16.png', 32: 'icons/32.png', 48: 'icons/48.png', 128: 'icons/128.png' },
    commands: {
      'next-mention': { suggested_key: { default: 'Alt+Shift+N' }, description: '__MSG_cmdNext__' },
      'previous-mention': { suggested_key: { default: 'Alt+Shift+P' }, description: '__MSG_cmdPrevious__' },
      'open-card': { suggested_key: { default: 'Alt+Shift+O' }, description: '__MSG_cmdOpen__' },
      'toggle-highlights': { suggested_key: { default: 'Alt+Shift+H' }, description: '__MSG_cmdToggle__' },
      // Browsers allow four suggested shortcuts; readers assign this one themselves.
      'annotate-selection': { description: '__MSG_cmdAnnotate__' },
    },
    browser_specific_settings:
      browser === 'firefox'
        ? {
            gecko: {
              id: 'stationwatch@stationwatch.invalid',
              // 142 is the first Firefox (desktop and Android) that reads data_collection_permissions.
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          }
        : undefined,
  }),
});
