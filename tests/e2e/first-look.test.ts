/**
 * The always-on script's first look: on a page without the story nothing else of Stationwatch loads
 * and nothing in the page changes; text the look must not miss (open shadow roots, same-origin
 * frames, text added later) brings the page scanner in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchWithExtension, waitForDecision, pageHighlights, serveStatic, tabIdOf, waitForDataset, type ExtensionBrowser, type StaticServer } from './harness';
import { IsolatedWorld } from './isolated-world';
import { FIRST_LOOK_MAX_CHARS } from '../../lib/limits';

let ext: ExtensionBrowser;
let server: StaticServer;

const MENTION = 'Safeguard Defenders counted Chinese overseas police stations in many countries.';
const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  server = await serveStatic([]);
  server.override('/offtopic.html', page('<h1>Allotment news</h1><p>Our tomatoes did well this year; the beans less so.</p>'));
  server.override(
    '/shadow-only.html',
    page(`<h1>Local news</h1><p>Nothing about it out here.</p><story-card></story-card>
      <script>customElements.define('story-card', class extends HTMLElement {
        constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>${MENTION}</p>'; }
      });</script>`),
  );
  server.override('/frame-inner.html', page(`<p>${MENTION}</p>`));
  server.override('/frame-only.html', page('<h1>Local news</h1><p>Nothing about it out here.</p><iframe src="/frame-inner.html" width="600" height="300"></iframe>'));
  server.override(
    '/late.html',
    page(`<h1>Live blog</h1><p>Updates follow.</p><script>setTimeout(() => { const p = document.createElement('p'); p.textContent = ${JSON.stringify(MENTION)}; document.body.append(p); }, 1500);</script>`),
  );
  server.override(
    '/revealed.html',
    page(`<h1>Explainer</h1><p>Open the panel for more.</p><div id="more" hidden><p>${MENTION}</p></div>
      <script>setTimeout(() => document.getElementById('more').hidden = false, 1500);</script>`),
  );
  server.override(
    '/split.html',
    page(`<h1>Live</h1><p id="live">The report came from Safeguard </p>
      <script>setTimeout(() => document.getElementById('live').append('Defenders, the rights group.'), 1500);</script>`),
  );
  server.override('/srcdoc-frame.html', page(`<h1>Explainer</h1><p>${MENTION}</p><iframe width="600" height="300" srcdoc="<p>Dutch authorities said they were investigating two overseas police stations in Amsterdam and Rotterdam.</p>"></iframe>`));
  server.override('/story-retry.html', page(`<h1>Explainer</h1><p>${MENTION}</p>`));
  server.override('/story-quiet.html', page(`<h1>Explainer</h1><p>${MENTION}</p>`));
  server.override('/story-given-up.html', page(`<h1>Explainer</h1><p>${MENTION}</p>`));
  server.override('/term-off-topic.html', page('<h1>Live</h1><p>The report came from Safeguard Defenders, the rights group.</p>'));
  server.override(
    '/frame-later.html',
    page(`<h1>Local news</h1><p>Nothing about it out here.</p>
      <script>setTimeout(() => { const f = document.createElement('iframe'); f.src = '/frame-inner.html'; f.width = 600; f.height = 300; document.body.append(f); }, 1500);</script>`),
  );
  server.override('/disabled.html', page(`<p>${MENTION}</p>`));
  server.override('/story.html', page(`<h1>Explainer</h1><p>${MENTION}</p>`), { cacheable: true });
  server.override('/long-title.html', page(`<p>${MENTION}</p>`).replace('<title>Test</title>', `<title>${'A very long headline. '.repeat(40)}</title>`));
  server.override(
    '/paused-later.html',
    page(`<h1>Live blog</h1><p>Updates follow.</p><script>setTimeout(() => { const p = document.createElement('p'); p.textContent = ${JSON.stringify(MENTION)}; document.body.append(p); }, 2500);</script>`),
  );
  // Longer than the background takes (FIRST_LOOK_MAX_CHARS): the page scanner hands it the first FIRST_LOOK_MAX_CHARS.
  server.override(
    '/too-long.html',
    page(`<h1>Explainer</h1><p>${MENTION}</p><div id="filler"></div>
      <script>const filler = 'The allotment society met again and talked about beans and rain. '.repeat(640);
        const box = document.getElementById('filler');
        for (let i = 0; i < ${Math.ceil(FIRST_LOOK_MAX_CHARS / (66 * 640)) + 2}; i++) { const p = document.createElement('p'); p.textContent = filler; box.append(p); }</script>`),
  );
  ext = await launchWithExtension(undefined, { backForwardCache: true });
  await waitForDataset(ext);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

async function open(path: string, { decided = true } = {}): Promise<{ tab: Page; world: IsolatedWorld }> {
  const tab = await ext.context.newPage();
  const world = await IsolatedWorld.attach(tab, ext.extensionId);
  await tab.goto(`${server.origin}${path}`);
  if (decided) await waitForDecision(ext, tab, world);
  return { tab, world };
}

const scannerLoaded = (world: IsolatedWorld) => world.evaluate<boolean>('typeof globalThis.__stationwatchScanner === "object"');

async function findings(tab: Page): Promise<{ mentionCount: number; onTopic: boolean } | null> {
  const tabId = await tabIdOf(ext, tab);
  return ext.worker.evaluate(async (id: number) => (await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`] ?? null, tabId);
}

/**
 * Has the background answer the next `count` whole-page decisions with a refusal (a restarting or
 * busy worker): the first, which the background takes itself and hands to the page with
 * `executeScript` (answered with no decision), and those the page asks for by message.
 */
async function failDecisions(count: number): Promise<void> {
  await ext.worker.evaluate((n: number) => {
    type Listener = (message: { name?: string }, sender: unknown, sendResponse: (reply: unknown) => void) => undefined;
    type Details = { args?: unknown[] };
    const g = globalThis as unknown as { failDecisions: number; failListener?: Listener };
    g.failDecisions = n;
    if (g.failListener) return;
    const scripting = chrome.scripting as unknown as { executeScript: (details: Details, ...rest: unknown[]) => unknown };
    const run = scripting.executeScript.bind(scripting);
    scripting.executeScript = (details, ...rest) => {
      const args = details?.args;
      // lib/messaging.ts callInPage: [global, method, args, absent].
      if (args?.[0] === '__stationwatchScanner' && args[1] === 'answer' && (args[2] as unknown[])[0] !== null && g.failDecisions > 0) {
        g.failDecisions--;
        return run({ ...details, args: [args[0], 'answer', [null], args[3]] }, ...rest);
      }
      return run(details, ...rest);
    };
    // Answers before the real handler, which replies asynchronously: the first reply is the one the page gets.
    g.failListener = (message, _sender, sendResponse) => {
      if (message?.name !== 'detect-page' || g.failDecisions <= 0) return undefined;
      g.failDecisions--;
      sendResponse({ ok: false, error: 'not now (test)' });
      return undefined;
    };
    chrome.runtime.onMessage.addListener(g.failListener as never);
  }, count);
}

const decisionsLeftToFail = () => ext.worker.evaluate(() => (globalThis as unknown as { failDecisions: number }).failDecisions);

async function setPaused(paused: boolean): Promise<void> {
  await ext.worker.evaluate(async (value: boolean) => {
    const stored = (await chrome.storage.local.get('settings')).settings ?? {};
    await chrome.storage.local.set({ settings: { ...stored, paused: value } });
  }, paused);
}

async function setDisabledSites(sites: string[]): Promise<void> {
  await ext.worker.evaluate(async (list: string[]) => {
    const stored = (await chrome.storage.local.get('settings')).settings ?? {};
    await chrome.storage.local.set({ settings: { ...stored, disabledSites: list } });
  }, sites);
}

describe('first look', () => {
  it('loads nothing more on a page without the story, and leaves the page untouched', async () => {
    const { tab, world } = await open('/offtopic.html');
    const stats = (await world.stats())!;
    expect(stats.scans.map((s) => [s.kind, s.candidate])).toEqual([['first-look', false]]);
    expect(await scannerLoaded(world)).toBe(false);
    expect(await world.evaluate<boolean>('typeof globalThis.__stationwatchUi === "object"')).toBe(false);
    // The quiet script's awake part (settings, messages, commands) is not loaded either.
    expect(await world.evaluate<boolean>('globalThis.__stationwatchWatchCore?.wake === null')).toBe(true);
    expect(await pageHighlights(tab)).toEqual({});
    expect(await tab.evaluate(() => document.querySelectorAll('[data-stationwatch-ui], style, link').length)).toBe(0);
    await world.detach();
    await tab.close();
  });

  it('decides, paints and shows a page about the story without a message from the page', async () => {
    // Every message pages send the background, by tab: a page binds no extension API for its first decision.
    await ext.worker.evaluate(() => {
      const g = globalThis as unknown as { pageMessages?: { tab: number; name: string }[] };
      if (g.pageMessages) return;
      g.pageMessages = [];
      chrome.runtime.onMessage.addListener((message: { name?: string }, sender: { tab?: { id?: number } }) => {
        if (sender.tab?.id !== undefined) g.pageMessages!.push({ tab: sender.tab.id, name: String(message?.name) });
        return undefined;
      });
    });
    const { tab, world } = await open('/story-quiet.html');
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    expect((await findings(tab))?.onTopic).toBe(true);
    const tabId = await tabIdOf(ext, tab);
    const sent = await ext.worker.evaluate((id: number) => (globalThis as unknown as { pageMessages: { tab: number; name: string }[] }).pageMessages.filter((m) => m.tab === id).map((m) => m.name), tabId);
    expect(sent).toEqual([]);
    await world.detach();
    await tab.close();
  });

  it('reads open shadow roots: a mention only there is highlighted', async () => {
    const { tab, world } = await open('/shadow-only.html');
    expect(await scannerLoaded(world)).toBe(true);
    const texts = Object.values(await pageHighlights(tab)).flat();
    expect(texts).toContain('Safeguard Defenders');
    await world.detach();
    await tab.close();
  });

  it('has the background decide over the start of a page too long to hand over whole: its mention is highlighted and counted', async () => {
    const { tab, world } = await open('/too-long.html');
    expect(await tab.evaluate(() => document.body.innerText.length)).toBeGreaterThan(FIRST_LOOK_MAX_CHARS);
    expect(await scannerLoaded(world)).toBe(true);
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 15_000 }).toContain('Safeguard Defenders');
    await expect.poll(async () => (await findings(tab))?.onTopic ?? false, { timeout: 10_000 }).toBe(true);
    expect((await findings(tab))?.mentionCount).toBeGreaterThan(0);
    await world.detach();
    await tab.close();
  }, 60_000);

  it('reads readable same-origin frames: a mention only there reaches the badge', async () => {
    const { tab, world } = await open('/frame-only.html');
    expect(await scannerLoaded(world)).toBe(true);
    await expect.poll(async () => (await findings(tab))?.mentionCount ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await world.detach();
    await tab.close();
  });

  it('looks again at text added after load, and then loads the scanner', async () => {
    const { tab, world } = await open('/late.html');
    expect(await scannerLoaded(world)).toBe(false);
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    expect(await scannerLoaded(world)).toBe(true);
    // The awake part was loaded at the watcher's request: the background's first look found nothing and woke nothing.
    expect(await world.evaluate<boolean>('typeof globalThis.__stationwatchWatchCore?.wake === "function"')).toBe(true);
    const kinds = (await world.stats())!.scans.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'first-look').length).toBeGreaterThanOrEqual(2);
    await world.detach();
    await tab.close();
  });

  it('looks again at text the page reveals (hidden removed)', async () => {
    const { tab, world } = await open('/revealed.html');
    expect(await scannerLoaded(world)).toBe(false);
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    await world.detach();
    await tab.close();
  });

  it('reads a term completed by text added to its block as one', async () => {
    const { tab, world } = await open('/split.html');
    expect(await scannerLoaded(world)).toBe(false);
    // Neither "…from Safeguard " nor "Defenders, the rights group." holds a term; the block does.
    await expect.poll(() => scannerLoaded(world), { timeout: 10_000 }).toBe(true);
    const looks = (await world.stats())!.scans.filter((s) => s.kind === 'first-look');
    expect(looks.at(-1)).toMatchObject({ candidate: true });
    await world.detach();
    await tab.close();
  });

  it('has the background read text added to a page whose term alone was not about the story, and highlights once it is', async () => {
    const { tab, world } = await open('/term-off-topic.html');
    // A term loads the scanner; the background finds the page off topic, so nothing is highlighted.
    expect(await scannerLoaded(world)).toBe(true);
    await expect.poll(async () => (await world.stats())?.scans.some((s) => s.kind === 'full') ?? false, { timeout: 10_000 }).toBe(true);
    expect(Object.values(await pageHighlights(tab)).flat()).toEqual([]);
    expect((await findings(tab))?.onTopic).toBe(false);
    await tab.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Dutch authorities said they were investigating two overseas police stations in Amsterdam and Rotterdam.';
      document.body.append(p);
    });
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Amsterdam');
    expect(Object.values(await pageHighlights(tab)).flat()).toContain('Safeguard Defenders');
    expect((await findings(tab))?.onTopic).toBe(true);
    // Only the added block was read again: no second whole-page walk.
    const kinds = (await world.stats())!.scans.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'full')).toHaveLength(1);
    expect(kinds).toContain('partial');
    await world.detach();
    await tab.close();
  });

  it('asks the background again when idle after it could not decide the page, and then highlights', async () => {
    await failDecisions(1);
    try {
      const { tab, world } = await open('/story-retry.html');
      await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
      expect(await decisionsLeftToFail()).toBe(0);
      expect((await findings(tab))?.onTopic).toBe(true);
      await world.detach();
      await tab.close();
    } finally {
      await failDecisions(0);
    }
  });

  it('after two unanswered decisions waits for the page to change, and decides it then', async () => {
    await failDecisions(2);
    try {
      const { tab, world } = await open('/story-given-up.html', { decided: false });
      await expect.poll(decisionsLeftToFail, { timeout: 10_000 }).toBe(0);
      // Given up for now: nothing painted, no findings, and the page is not asked about again and again.
      await tab.waitForTimeout(1_000);
      expect(Object.values(await pageHighlights(tab)).flat()).toEqual([]);
      expect(await findings(tab)).toBeNull();
      expect((await world.stats())?.scans.filter((s) => s.kind === 'full')).toEqual([]);
      // Any change then has the page decided, even one without a term (a clock, a counter).
      await tab.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { textContent: 'Updated at 10:42.' })));
      await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
      expect((await findings(tab))?.onTopic).toBe(true);
      await world.detach();
      await tab.close();
    } finally {
      await failDecisions(0);
    }
  });

  it('does not read a frame without a same-origin src (srcdoc, script-filled), even once the scanner is in the page', async () => {
    const { tab, world } = await open('/srcdoc-frame.html');
    expect(await scannerLoaded(world)).toBe(true);
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    const mentions = await ext.worker.evaluate(async (id: number) => ((await chrome.storage.session.get(`findings:${id}`))[`findings:${id}`] as { mentions: { text: string }[] }).mentions.map((m) => m.text), await tabIdOf(ext, tab));
    expect(mentions).toContain('Safeguard Defenders');
    expect(mentions.join(' ')).not.toContain('Rotterdam');
    const frame = tab.frames().find((f) => f !== tab.mainFrame())!;
    expect(await frame.evaluate(() => document.body.textContent)).toContain('Rotterdam');
    expect(await frame.evaluate(() => CSS.highlights.size)).toBe(0);
    await world.detach();
    await tab.close();
  });

  it('reads a same-origin frame added after load once it has loaded', async () => {
    const { tab, world } = await open('/frame-later.html');
    expect(await scannerLoaded(world)).toBe(false);
    await expect.poll(async () => (await findings(tab))?.mentionCount ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await world.detach();
    await tab.close();
  });

  it('on a disabled site runs nothing in the page, and the background refuses text from there anyway', async () => {
    await setDisabledSites(['127.0.0.1']);
    try {
      const tab = await ext.context.newPage();
      const world = await IsolatedWorld.attach(tab, ext.extensionId);
      await tab.goto(`${server.origin}/disabled.html`);
      await tab.waitForTimeout(1_000);
      // No script of ours ran: the extension has no world in the page at all.
      expect(await world.contextId()).toBeNull();
      expect(await findings(tab)).toBeNull();
      // A look forged from the extension's own world of that page (as a stale script might send).
      const tabId = await tabIdOf(ext, tab);
      const reply = await ext.worker.evaluate(
        async ({ id, text }) => {
          const [result] = await chrome.scripting.executeScript({
            target: { tabId: id },
            func: (t: string) => chrome.runtime.sendMessage({ to: 'background', name: 'first-look', body: { text: t, whole: true, discreet: false } }),
            args: [text],
          });
          return result?.result as { ok: boolean; error?: string };
        },
        { id: tabId, text: MENTION },
      );
      expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/paused or turned off/) });
      await world.detach();
      await tab.close();
    } finally {
      await setDisabledSites([]);
    }
  });

  it('reads a page whose title is longer than the badge keeps', async () => {
    const { tab, world } = await open('/long-title.html');
    expect(await scannerLoaded(world)).toBe(true);
    await expect.poll(async () => (await findings(tab))?.mentionCount ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await world.detach();
    await tab.close();
  });

  it('paused after the first look, reads none of the text the page adds', async () => {
    const { tab, world } = await open('/paused-later.html');
    const looksBefore = (await world.stats())!.scans.length;
    await setPaused(true);
    try {
      // The page adds a mention 2.5 s after it started; give the watcher time to react.
      await tab.waitForTimeout(3_500);
      expect((await world.stats())!.scans.length).toBe(looksBefore);
      expect(await scannerLoaded(world)).toBe(false);
      // The background refused the watcher's request for its awake part: it never read its settings.
      expect(await world.evaluate<boolean>('globalThis.__stationwatchWatchCore?.wake === null')).toBe(true);
      expect(await pageHighlights(tab)).toEqual({});
    } finally {
      await setPaused(false);
      await world.detach();
      await tab.close();
    }
  });

  it('gives the badge back to a page about the story restored from the back/forward cache', async () => {
    const { tab, world } = await open('/story.html');
    const tabId = await tabIdOf(ext, tab);
    const badge = () => ext.worker.evaluate((id: number) => chrome.action.getBadgeText({ tabId: id }), tabId);
    await expect.poll(badge, { timeout: 10_000 }).toMatch(/^[1-9]/);
    await tab.evaluate(() => addEventListener('pageshow', (e) => (document.documentElement.dataset.restored = String(e.persisted))));
    await tab.goto(`${server.origin}/offtopic.html`);
    await expect.poll(async () => (await findings(tab))?.onTopic, { timeout: 10_000 }).toBe(false);
    expect(await badge()).toBe('');
    // Playwright waits for a load event, which a page restored from the cache does not fire.
    await tab.goBack({ waitUntil: 'commit' });
    // The page came back from the cache (it did not load again), with its highlights...
    await expect.poll(() => tab.evaluate(() => document.documentElement.dataset.restored ?? ''), { timeout: 10_000 }).toBe('true');
    expect(Object.values(await pageHighlights(tab)).flat()).toContain('Safeguard Defenders');
    // ...and its count is on the badge again, though it does not scan again.
    await expect.poll(badge, { timeout: 10_000 }).toMatch(/^[1-9]/);
    expect((await findings(tab))?.onTopic).toBe(true);
    await world.detach();
    await tab.close();
  });

  it('a page restored from the back/forward cache follows a pause made while it was away, and the un-pause after', async () => {
    const { tab, world } = await open('/story.html');
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    await tab.evaluate(() => addEventListener('pageshow', (e) => (document.documentElement.dataset.restored = String(e.persisted))));
    await tab.goto(`${server.origin}/offtopic.html`);
    await expect.poll(async () => (await findings(tab))?.onTopic, { timeout: 10_000 }).toBe(false);
    await setPaused(true);
    try {
      await tab.goBack({ waitUntil: 'commit' });
      await expect.poll(() => tab.evaluate(() => document.documentElement.dataset.restored ?? ''), { timeout: 10_000 }).toBe('true');
      // Paused while it was in the cache: its highlights go once it is shown again.
      await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toEqual([]);
    } finally {
      await setPaused(false);
    }
    // And the un-pause, made while it is shown, brings them back.
    await expect.poll(async () => Object.values(await pageHighlights(tab)).flat(), { timeout: 10_000 }).toContain('Safeguard Defenders');
    await world.detach();
    await tab.close();
  });
});
