import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Chromium and Firefox share one manifest; differences are keyed on the target.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    build: { target: 'es2022' },
  }),
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'contextMenus', ...(browser === 'firefox' ? [] : ['sidePanel']), 'alarms'],
    host_permissions: [],
    optional_host_permissions: manifestVersion === 3 ? ['https://*/*'] : undefined,
    action: { default_title: '__MSG_extName__' },
    icons: { 16: 'icons/16.png', 32: 'icons/32.png', 48: 'icons/48.png', 128: 'icons/128.png' },
    browser_specific_settings:
      browser === 'firefox'
        ? {
            gecko: {
              id: 'stationwatch@stationwatch.invalid',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          }
        : undefined,
  }),
});
