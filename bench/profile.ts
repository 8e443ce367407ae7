/**
 * The V8 sampling profiler's view of our scripts in a page, shared by the page benchmarks
 * (bench/page.ts, bench/page-profile.ts), with the compiles of our scripts from a trace.
 *
 * Why the trace: V8 compiles a script before any of its frames is on the stack, so the profiler
 * files that time under "(program)", not under the script. Our page scripts carry V8's compile hint
 * (every function compiled with the script), so without the trace their whole compile went uncounted
 * (page-scanner.js about 2.5 ms a page here): the `v8.compile` trace events of our script URLs are
 * added to the work, and count as ours in the longest stretch.
 */

import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../tests/e2e/harness';
import { IsolatedWorld } from '../tests/e2e/isolated-world';

/** Profiler sampling interval (µs): fine enough to see a 1 ms task, light enough not to skew it. */
export const SAMPLING_US = 100;

export interface Profile {
  startTime?: number;
  nodes: { id: number; callFrame: { url: string; functionName: string; lineNumber?: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** The compile of one of our scripts, from the trace (µs on the profile's clock). */
export interface ScriptCompile {
  url: string;
  startUs: number;
  durUs: number;
}

/** Trace categories that hold `v8.compile` (with the script's URL). */
export const COMPILE_TRACE_CATEGORIES = 'v8';

/** The `v8.compile` events of scripts under `scriptPrefix` among trace events. */
export function scriptCompiles(events: readonly TraceEvent[], scriptPrefix: string): ScriptCompile[] {
  const out: ScriptCompile[] = [];
  for (const e of events) {
    const url = e.args?.data?.url;
    if (e.name === 'v8.compile' && e.ph === 'X' && typeof e.dur === 'number' && typeof url === 'string' && url.startsWith(scriptPrefix)) out.push({ url, startUs: e.ts, durUs: e.dur });
  }
  return out;
}

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  args?: { data?: { url?: unknown } };
}

/**
 * CPU in the extension's content script (ms): the profile's samples of our scripts plus the
 * compiles of our scripts; and its longest uninterrupted stretch (ms), a compile running into the
 * script's first samples counting as one.
 */
export function extensionCpu(profile: Profile, scriptPrefix: string, compiles: readonly ScriptCompile[] = []): { totalMs: number; longestMs: number } {
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
  let total = compiles.reduce((sum, c) => sum + c.durUs / 1000, 0);
  let longest = Math.max(0, ...compiles.map((c) => c.durUs / 1000));
  let run = 0;
  let pendingGc = 0;
  // Samples taken while one of our scripts compiled are "(program)" to the profiler: ours in the
  // stretch (their time is already in the total, from the trace).
  const starts = profile.timeDeltas.reduce<number[]>((acc, d, i) => (acc.push((acc[i - 1] ?? profile.startTime ?? 0) + d), acc), []);
  const compiling = (i: number) => compiles.some((c) => starts[i]! >= c.startUs && starts[i]! <= c.startUs + c.durUs);
  // Sample i covers the time up to the next sample; GC between two of our samples is ours too.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = (profile.timeDeltas[i + 1] ?? SAMPLING_US) / 1000;
    if (compiling(i)) {
      run += pendingGc + dt;
      pendingGc = 0;
      longest = Math.max(longest, run);
    } else if (isOurs(id)) {
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
      const events: TraceEvent[] = [];
      const collect = ({ value }: { value: unknown[] }) => void events.push(...(value as TraceEvent[]));
      world.cdp.on('Tracing.dataCollected', collect);
      const traced = new Promise<void>((done) => world.cdp.once('Tracing.tracingComplete', () => done()));
      await world.cdp.send('Tracing.start', { categories: COMPILE_TRACE_CATEGORIES, transferMode: 'ReportEvents' } as never);
      await world.cdp.send('Profiler.enable');
      await world.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
      await world.cdp.send('Profiler.start');
      await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      const first = await decided(page, world);
      const { profile } = (await world.cdp.send('Profiler.stop')) as { profile: Profile };
      await world.cdp.send('Tracing.end');
      await traced;
      world.cdp.off('Tracing.dataCollected', collect);
      const profiled = profile.nodes.some((n) => n.callFrame.url.startsWith(prefix));
      if (profiled) {
        const compiles = scriptCompiles(events, prefix);
        const byFrame = extensionCpuByFrame(profile, prefix);
        for (const c of compiles) {
          const key = `(compile) (${c.url.slice(prefix.length)})`;
          byFrame.set(key, (byFrame.get(key) ?? 0) + c.durUs / 1000);
        }
        return { page, world, first, cpu: extensionCpu(profile, prefix, compiles), byFrame, attempts: attempt };
      }
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
