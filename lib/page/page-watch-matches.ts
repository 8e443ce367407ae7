/** Pages the always-on script (entrypoints/page-watch) runs on; wxt.config.ts puts them in the manifest. */
export const PAGE_WATCH_MATCHES = ['http://*/*', 'https://*/*', 'file:///*'];
