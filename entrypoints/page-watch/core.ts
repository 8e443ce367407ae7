/**
 * The contract between the quiet page script (page-watch.js: the first look and the watcher, run in
 * every page) and its awake part (page-awake.js: settings, messages, tab commands, the scanner and
 * card UI), which the background injects only when the page is woken. Both run in the extension's
 * isolated world, so the global that joins them is invisible to the page.
 *
 * Why two scripts: the awake part is most of the code, and a page that never wakes would still pay
 * to compile it (the compile hint compiles every function of a script as it loads).
 */
import type { WakeRequest } from '@/lib/protocol';
import type { FirstLook } from '@/lib/page/first-look';

/** The isolated-world global the quiet script sets for its awake part. */
export const WATCH_CORE_GLOBAL = '__stationwatchWatchCore';

export interface WatchCore {
  /**
   * Each start (first look, wake, settings or dataset change) begins a new generation; work begun
   * by an older one stops at its next step. So a pause or a disabled site that lands while a look
   * is in flight is never followed by a watcher or a scanner.
   */
  generation: number;
  /** The script is orphaned (the extension was updated or removed): nothing more happens. */
  dead: boolean;
  /** The whole page's rendered text now (lib/page/first-look.ts). */
  firstLook(): FirstLook;
  /** Watches the page (and these shadow roots) for text it adds or reveals, for generation `g`. */
  watch(g: number, shadowRoots: ShadowRoot[]): void;
  stopWatching(): void;
  watching(): boolean;
  /** Watches one more root (a shadow root found in changed text). */
  observe(root: Node): void;
  /**
   * Set by the awake part: what the watcher saw change (`whole`: read the whole page again, after an
   * SPA navigation, a frame load or a huge change). Null while quiet: the watcher asks to be woken.
   */
  onChange: ((g: number, nodes: Set<Node>, whole: boolean) => void) | null;
  /** Set by the awake part: what `PageWatchApi.wake` runs. */
  wake: ((request: WakeRequest) => Promise<void>) | null;
}

/** The quiet script's core, if this world has one (own property: an element id also shows up on window). */
export function watchCore(): WatchCore | null {
  const world = globalThis as { [WATCH_CORE_GLOBAL]?: WatchCore };
  return Object.hasOwn(world, WATCH_CORE_GLOBAL) ? (world[WATCH_CORE_GLOBAL] ?? null) : null;
}
