/** @vitest-environment happy-dom */
/**
 * The page scanner's requests for a whole-page decision: one in flight at a time, and a page that
 * changes meanwhile is decided again over its newest text, once the answer in flight is in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { PageSession } from '../../entrypoints/page-scanner/page-session';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import type { PageDecision } from '../../lib/protocol';

interface Asked {
  text: string;
  answer: (decision: PageDecision | null) => void;
}

let asked: Asked[];
let inFlight: number;
let mostInFlight: number;
let session: PageSession | null;

const OFF_TOPIC: PageDecision = { detection: { mentions: [], claims: [], page: { onTopic: false, score: 0, reasons: [] } }, statuses: {} };

beforeEach(() => {
  vi.useFakeTimers();
  fakeBrowser.reset();
  asked = [];
  inFlight = 0;
  mostInFlight = 0;
  session = null;
  (fakeBrowser.runtime as { sendMessage: unknown }).sendMessage = vi.fn(async (message: { name: string; body: { text?: string } }) => {
    if (message.name !== 'detect-page') return { ok: true, data: { ok: true } };
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const decision = await new Promise<PageDecision | null>((answer) => asked.push({ text: message.body.text ?? '', answer }));
    inFlight--;
    return decision ? { ok: true, data: decision } : { ok: false, error: 'not now' };
  });
  document.body.innerHTML = '<p>First paragraph.</p>';
});

afterEach(() => {
  session?.destroy();
  vi.useRealTimers();
  document.body.innerHTML = '';
});

async function settle(ms = 1_500): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

function add(text: string): void {
  const p = document.createElement('p');
  p.textContent = text;
  document.body.append(p);
}

describe('page scanner: whole-page decisions', () => {
  it('keeps one request in flight while the page changes, then asks once more over the newest text', async () => {
    const settings = { ...DEFAULT_SETTINGS, disabledSites: [], author: { ...DEFAULT_SETTINGS.author } };
    session = new PageSession(document, settings, new AbortController().signal);
    session.start();
    await settle();
    expect(asked.map((a) => a.text)).toEqual(['First paragraph.']);

    // Three batches of changes while the first answer is outstanding.
    for (const text of ['Second paragraph.', 'Third paragraph.', 'Fourth paragraph.']) {
      add(text);
      await settle();
    }
    expect(asked).toHaveLength(1);
    expect(session.decided()).toBe(false);

    // The answer is for text the page no longer has: asked again, once, over all of it.
    asked[0]!.answer(OFF_TOPIC);
    await settle();
    expect(asked).toHaveLength(2);
    expect(asked[1]!.text).toBe('First paragraph.\nSecond paragraph.\nThird paragraph.\nFourth paragraph.');
    asked[1]!.answer(OFF_TOPIC);
    await settle();
    expect(asked).toHaveLength(2);
    expect(mostInFlight).toBe(1);
    expect(session.decided()).toBe(true);
  });

  it('asks once more when idle after no answer, then only when the page changes', async () => {
    const settings = { ...DEFAULT_SETTINGS, disabledSites: [], author: { ...DEFAULT_SETTINGS.author } };
    session = new PageSession(document, settings, new AbortController().signal);
    session.start();
    await settle();
    asked[0]!.answer(null);
    await settle();
    expect(asked).toHaveLength(2);
    asked[1]!.answer(null);
    await settle(5_000);
    expect(asked).toHaveLength(2);
    expect(session.decided()).toBe(false);
    // Undecided, any added text has the page decided, with or without a term.
    add('Updated at 10:42.');
    await settle();
    expect(asked).toHaveLength(3);
    expect(asked[2]!.text).toBe('First paragraph.\nUpdated at 10:42.');
    asked[2]!.answer(OFF_TOPIC);
    await settle();
    expect(session.decided()).toBe(true);
  });
});
