/** Reads and writes settings in `storage.local` (background and extension pages). */
import { browser } from 'wxt/browser';
import { SETTINGS_STORAGE_KEY } from './detector-store';
import { parseSettings, readSettings, type Settings } from './settings';

/** Current settings (defaults for anything missing or invalid). */
export async function loadSettings(): Promise<Settings> {
  return readSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
}

/** Validates and saves; the background tells the page scripts (entrypoints/background/page-looks.ts `lookAtAll`). */
export async function saveSettings(next: Settings): Promise<Settings> {
  const valid = parseSettings(next);
  await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: valid });
  return valid;
}
