/**
 * The V8 sampling profiler's view of our scripts in a page, shared by the page benchmarks
 * (bench/page.ts, bench/page-profile.ts).
 */

import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../tests/e2e/harness';
import { IsolatedWorld } from '../tests/e2e/isolated-world';

/** Profiler sampling interval (µs): fine enough to see a 1 ms task, light enough not to skew it. */
export const SAMPLING_US = 100;

export interface Profile {
  nodes: { id: number; callFrame: { url: string; functionName: string; lineNumber?: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** CPU in the extension's content script (ms), and its longest uninterrupted stretch (ms). */
export function extensionCpu(profile: Profile, scriptPrefix: string): { totalMs: number; longestMs: number } {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ours = new Map<number, boolean>();
  const isOurs = (id: number): boolean => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const v = node.callFrame.url.startsWith(scriptPrefix) || (up !== undefined && isOurs(up));
    ours.set(id, v);
    return v;
  };
  const gc = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(garbage collector)').map((n) => n.id));
  let total = 0;
  let longest = 0;
  let run = 0;
  let pendingGc = 0;
  // Sample i covers the time up to the next sample; GC between two of our samples is ours too.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = (profile.timeDeltas[i + 1] ?? SAMPLING_US) / 1000;
    if (isOurs(id)) {
      run += pendingGc + dt;
      total += pendingGc + dt;
      pendingGc = 0;
      longest = Math.max(longest, run);
    } else if (gc.has(id) && run > 0) {
      pendingGc += dt;
    } else {
      run = 0;
      pendingGc = 0;
    }
  }
  return { totalMs: total, longestMs: longest };
}

/**
 * CPU of our scripts by the innermost frame of ours on the stack (ms): `function (script:line)`, with
 * the browser call it was in when that was native (`> innerText`). Where the page's time goes.
 */
export function extensionCpuByFrame(profile: Profile, scriptPrefix: string): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const label = new Map<number, string | null>();
  const labelOf = (id: number): string | null => {
    if (label.has(id)) return label.get(id)!;
    let own: string | null = null;
    const top = byId.get(id)!.callFrame;
    for (let x: number | undefined = id; x !== undefined && own === null; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (!f.url.startsWith(scriptPrefix)) continue;
      own = `${f.functionName || '(top level)'} (${f.url.slice(scriptPrefix.length)}:${(f.lineNumber ?? -1) + 1})`;
      if (x !== id) own += ` > ${top.functionName || '(native)'}`;
    }
    label.set(id, own);
    return own;
  };
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const key = labelOf(profile.samples[i]!);
    if (key) out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? SAMPLING_US) / 1000);
  }
  return out;
}

/** A page loaded under the profiler: the tab (still open, the caller closes it), and what the profile showed. */
export interface ProfiledVisit<T> {
  page: Page;
  world: IsolatedWorld;
  first: T;
  cpu: { totalMs: number; longestMs: number };
  byFrame: Map<string, number>;
  /** Loads it took: a navigation that moves the new tab to another renderer process leaves the profiler behind. */
  attempts: number;
}

/**
 * Opens `url` in a new tab of `ext` under the sampling profiler until `decided` says the extension
 * has decided the page. The profiler starts before the navigation (a small local page can be loaded
 * and decided before a profiler started after the commit); when the navigation moved the tab to a
 * new renderer process, the profile misses the page, and the visit is made again in a new tab.
 */
export async function profiledVisit<T>(ext: ExtensionBrowser, url: string, decided: (page: Page, world: IsolatedWorld) => Promise<T>, maxAttempts = 3): Promise<ProfiledVisit<T>> {
  const prefix = `chrome-extension://${ext.extensionId}/`;
  for (let attempt = 1; ; attempt++) {
    const page = await ext.context.newPage();
    const world = await IsolatedWorld.attach(page, ext.extensionId);
    try {
      await world.cdp.send('Profiler.enable');
      await world.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
      await world.cdp.send('Profiler.start');
      await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      const first = await decided(page, world);
      const { profile } = (await world.cdp.send('Profiler.stop')) as { profile: Profile };
      const profiled = profile.nodes.some((n) => n.callFrame.url.startsWith(prefix));
      if (profiled) return { page, world, first, cpu: extensionCpu(profile, prefix), byFrame: extensionCpuByFrame(profile, prefix), attempts: attempt };
      // A page is not counted as costing nothing because the profiler did not see it.
      if (attempt >= maxAttempts) throw new Error(`the profile missed our scripts in ${attempt} loads`);
    } catch (error) {
      await world.detach();
      await page.close();
      throw error;
    }
    await world.detach();
    await page.close();
  }
}
