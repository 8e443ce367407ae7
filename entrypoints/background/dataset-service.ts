/**
 * Keeps the installed dataset: installs the bundled one when it is newer, applies verified feeds,
 * holds an in-memory index for cards, and leaves the precompiled detector where content scripts read it.
 */
import { browser } from 'wxt/browser';
import { StationwatchDb, installDataset, readInstalledDataset, type DatasetMetaRow } from '@/lib/db';
import { parseDataset, type Dataset } from '@/lib/dataset/schema';
import { checkIntegrity, datasetCounts } from '@/lib/dataset/integrity';
import { indexDataset, type DatasetIndex } from '@/lib/dataset/context';
import { compareVersions, verifyFeed, feedSignatureUrl, FEED_MAX_BYTES } from '@/lib/dataset/feed';
import { compileDetector } from '@/lib/match/detector-build';
import { decodeBase64, encodeBase64 } from '@/lib/base64';
import { DETECTOR_STORAGE_KEY, isStoredDetector, type StoredDetector } from '@/lib/detector-store';
import { detect, loadDetector, quickReject, type Detector } from '@/lib/match/detector';
import type { DatasetInfo, PageDecision } from '@/lib/protocol';

const STATUS_KEY = 'datasetStatus';

/** Pages checked by this worker (first looks and page decisions) and their time, detector load included; bench/page.ts reads it. */
const firstLookStats = ((globalThis as { __stationwatchFirstLooks?: { count: number; ms: number } }).__stationwatchFirstLooks ??= { count: 0, ms: 0 });

// Only the e2e build (`wxt build --mode e2efeed`) verifies feeds against a key the test run generated;
// in every other build this is undefined and the key bundled in lib/dataset/feed-keys.ts is used.
const FEED_KEY_FOR_E2E = import.meta.env.MODE === 'e2efeed' ? (import.meta.env.WXT_E2E_FEED_PUBLIC_KEY as string | undefined) : undefined;

interface DatasetStatus {
  lastFeed: DatasetInfo['lastFeed'];
  lastInstallError: string | null;
}

/** The published detector as loaded here, with the claim statuses published with it. */
interface PageDetector {
  det: Detector;
  statusByRecord: Record<string, string>;
}

export class DatasetService {
  private current: { dataset: Dataset; meta: DatasetMetaRow; index: DatasetIndex } | null = null;
  private ready: Promise<void> | null = null;
  /** The published detector, loaded here for the pages' first looks and decisions (by dataset version). */
  private loaded: { generation: number; detector: Promise<PageDetector> } | null = null;
  /** Bumped when the published detector changes, so a load begun before the change is not kept. */
  private detectorGeneration = 0;

  constructor(readonly db: StationwatchDb) {
    // A newly published detector (dataset update) replaces the loaded one at the next look.
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && DETECTOR_STORAGE_KEY in changes) this.detectorGeneration++;
    });
  }

  /** Loads what is installed, installing the bundled dataset first when it is newer. Idempotent. */
  ensureReady(): Promise<void> {
    this.ready ??= this.init().catch((error) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  private async init(): Promise<void> {
    const installed = await readInstalledDataset(this.db);
    let bundled: Dataset | null = null;
    try {
      bundled = await this.readBundled();
    } catch (error) {
      await this.setStatus({ lastInstallError: `The bundled dataset could not be read: ${(error as Error).message}` });
    }
    if (bundled && (!installed || compareVersions(bundled.version, installed.meta.version) > 0)) {
      try {
        await installDataset(this.db, bundled, 'bundled');
        await this.setStatus({ lastInstallError: null });
      } catch (error) {
        await this.setStatus({ lastInstallError: `Installing dataset ${bundled.version} failed; the previous data was kept: ${(error as Error).message}` });
      }
    }
    const now = await readInstalledDataset(this.db);
    if (!now) throw new Error('no dataset is installed');
    this.adopt(now.dataset, now.meta);
    await this.publishDetector();
  }

  private adopt(dataset: Dataset, meta: DatasetMetaRow): void {
    this.current = { dataset, meta, index: indexDataset(dataset) };
  }

  private async readBundled(): Promise<Dataset> {
    const response = await fetch(browser.runtime.getURL('/data/dataset.json' as never));
    const ds = parseDataset(await response.json());
    const problems = checkIntegrity(ds);
    if (problems.length) throw new Error(problems.slice(0, 3).join('; '));
    return ds;
  }

  /** Compiles the detector for the installed dataset and stores it (see lib/detector-store). */
  private async publishDetector(): Promise<void> {
    const cur = this.current!;
    const stored = (await browser.storage.local.get(DETECTOR_STORAGE_KEY))[DETECTOR_STORAGE_KEY] as StoredDetector | undefined;
    if (stored?.datasetVersion === cur.dataset.version && stored.bytes) return;
    const statusByRecord: Record<string, string> = {};
    for (const c of cur.dataset.claims) statusByRecord[c.id] = c.status;
    const value: StoredDetector = {
      datasetVersion: cur.dataset.version,
      bytes: encodeBase64(compileDetector(cur.dataset)),
      statusByRecord,
    };
    await browser.storage.local.set({ [DETECTOR_STORAGE_KEY]: value });
  }

  /**
   * Whether a page's rendered text holds any term (exactly when the detector would not answer "off
   * topic" at once). Reads the detector content scripts use, so both agree; the text is only scanned.
   */
  anyTermIn(text: string): Promise<boolean> {
    return this.withPageDetector(({ det }) => !quickReject(det, text));
  }

  /** The whole-page decision for a page scanner, claims included, with the statuses its highlights show (the text is only read). */
  detectPage(text: string): Promise<PageDecision> {
    return this.withPageDetector(({ det, statusByRecord }) => {
      const detection = detect(det, text);
      const statuses: Record<string, string> = {};
      for (const id of [...detection.mentions.flatMap((m) => m.refs), ...detection.claims.map((c) => c.claimId)]) {
        const status = statusByRecord[id];
        if (status) statuses[id] = status;
      }
      return { detection, statuses };
    });
  }

  /** Runs `read` with the published detector and counts its time (detector load included) for bench/page.ts. */
  private async withPageDetector<T>(read: (detector: PageDetector) => T): Promise<T> {
    const t0 = performance.now();
    const result = read(await this.firstLookDetector());
    firstLookStats.count++;
    firstLookStats.ms += performance.now() - t0;
    return result;
  }

  /** The published detector, loaded once per worker; a newer one (dataset update) replaces it. */
  private firstLookDetector(): Promise<PageDetector> {
    if (this.loaded?.generation === this.detectorGeneration) return this.loaded.detector;
    const generation = this.detectorGeneration;
    const detector = this.readPublishedDetector();
    this.loaded = { generation, detector };
    // A failed read is not kept; the next look tries again.
    detector.catch(() => {
      if (this.loaded?.detector === detector) this.loaded = null;
    });
    return detector;
  }

  private async readPublishedDetector(): Promise<PageDetector> {
    let stored = (await browser.storage.local.get(DETECTOR_STORAGE_KEY))[DETECTOR_STORAGE_KEY];
    if (!isStoredDetector(stored)) {
      await this.ensureReady();
      stored = (await browser.storage.local.get(DETECTOR_STORAGE_KEY))[DETECTOR_STORAGE_KEY];
      if (!isStoredDetector(stored)) throw new Error('no detector is published yet');
    }
    return { det: loadDetector(decodeBase64(stored.bytes)), statusByRecord: stored.statusByRecord };
  }

  /** The in-memory index; call after ensureReady(). */
  index(): DatasetIndex {
    if (!this.current) throw new Error('dataset not loaded yet');
    return this.current.index;
  }

  /** Version, as-of date, counts and the outcome of the last install or feed check. */
  async info(): Promise<DatasetInfo> {
    await this.ensureReady();
    const cur = this.current!;
    const counts = datasetCounts(cur.dataset);
    const status = await this.getStatus();
    return {
      version: cur.dataset.version,
      asOf: cur.dataset.asOf,
      counts: counts.records,
      countries: counts.stationCountries.length,
      installedAt: cur.meta.installedAt,
      lastFeed: status.lastFeed,
      lastInstallError: status.lastInstallError,
    };
  }

  /** Fetches, verifies and installs a newer signed feed; the current data stays on any failure. */
  async updateFromFeed(feedUrl: string): Promise<{ ok: boolean; message: string }> {
    await this.ensureReady();
    const record = async (ok: boolean, message: string) => {
      await this.setStatus({ lastFeed: { at: new Date().toISOString(), ok, message } });
      return { ok, message };
    };
    if (!feedUrl) return record(false, 'No feed URL is set.');
    let body: Uint8Array;
    let signature: string;
    try {
      const [bodyResponse, sigResponse] = await Promise.all([
        fetch(feedUrl, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }),
        fetch(feedSignatureUrl(feedUrl), { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }),
      ]);
      if (!bodyResponse.ok) return record(false, `The feed could not be downloaded (HTTP ${bodyResponse.status}); the current data was kept.`);
      if (!sigResponse.ok) return record(false, `The feed's signature could not be downloaded (HTTP ${sigResponse.status}); the current data was kept.`);
      const declared = Number(bodyResponse.headers.get('content-length') ?? '0');
      if (declared > FEED_MAX_BYTES) return record(false, `The feed is larger than ${FEED_MAX_BYTES} bytes; the current data was kept.`);
      const read = await readCapped(bodyResponse, FEED_MAX_BYTES);
      if (!read) return record(false, `The feed is larger than ${FEED_MAX_BYTES} bytes; the current data was kept.`);
      body = read;
      signature = (await sigResponse.text()).trim().slice(0, 4096);
    } catch (error) {
      return record(false, `The feed could not be downloaded (${(error as Error).message}); the current data was kept.`);
    }
    const result = await verifyFeed({ body, signature, installedVersion: this.current!.dataset.version, publicKey: FEED_KEY_FOR_E2E });
    if (!result.ok) return record(false, result.message);
    try {
      await installDataset(this.db, result.dataset, 'feed');
    } catch (error) {
      return record(false, `Installing the feed failed; the current data was kept: ${(error as Error).message}`);
    }
    const now = await readInstalledDataset(this.db);
    if (now) this.adopt(now.dataset, now.meta);
    await this.publishDetector();
    return record(true, `Dataset updated to version ${result.dataset.version} (as of ${result.dataset.asOf}).`);
  }

  private async getStatus(): Promise<DatasetStatus> {
    const raw = (await browser.storage.local.get(STATUS_KEY))[STATUS_KEY] as Partial<DatasetStatus> | undefined;
    return { lastFeed: raw?.lastFeed ?? null, lastInstallError: raw?.lastInstallError ?? null };
  }

  private async setStatus(patch: Partial<DatasetStatus>): Promise<void> {
    await browser.storage.local.set({ [STATUS_KEY]: { ...(await this.getStatus()), ...patch } });
  }
}

/** Reads a response body, giving up (null) as soon as it passes `max` bytes, whatever Content-Length said. */
async function readCapped(response: Response, max: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
