/**
 * The page's first decision, taken by the background (entrypoints/page-scanner/pulled-decision.ts):
 * whichever side comes first waits for the other, the findings go back with the answer, and a
 * background that never asks or answers leaves the page to ask by message after a while.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PULL_WAIT_MS, PulledDecision } from '../../entrypoints/page-scanner/pulled-decision';
import type { PageDecision, PageFindings } from '../../lib/protocol';

const DECISION = { detection: { onTopic: true }, statuses: { C01: 'disputed' } } as unknown as PageDecision;
const FINDINGS = { url: 'https://news.example/a', title: 'A', onTopic: true, score: 4, reasons: [], mentionCount: 3, stationIds: [], claimIds: [], mentions: [], discreet: false } satisfies PageFindings;

/** The scanner's side as page-session.ts plays it: decide, paint, settle. */
async function scannerSide(pull: PulledDecision, text: string): Promise<PageDecision | null> {
  const decision = await pull.decide(text);
  pull.settle(decision ? FINDINGS : null);
  return decision;
}

afterEach(() => vi.useRealTimers());

describe('PulledDecision', () => {
  it('hands the text to a question that came first, and the findings back with the answer', async () => {
    const pull = new PulledDecision();
    const question = pull.question();
    const scanner = scannerSide(pull, 'page text');
    expect(await question).toBe('page text');
    expect(await pull.answer(DECISION)).toEqual(FINDINGS);
    expect(await scanner).toBe(DECISION);
  });

  it('keeps text collected before the question for it', async () => {
    const pull = new PulledDecision();
    const scanner = scannerSide(pull, 'early text');
    expect(await pull.question()).toBe('early text');
    expect(await pull.answer(DECISION)).toEqual(FINDINGS);
    expect(await scanner).toBe(DECISION);
  });

  it('a refused decision (null) reaches the scanner as unanswered, and the background gets no findings', async () => {
    const pull = new PulledDecision();
    const scanner = scannerSide(pull, 'text');
    await pull.question();
    expect(await pull.answer(null)).toBeNull();
    expect(await scanner).toBeNull();
  });

  it('is used once: a second question or answer gets nothing', async () => {
    const pull = new PulledDecision();
    const scanner = scannerSide(pull, 'text');
    await pull.question();
    await pull.answer(DECISION);
    await scanner;
    expect(await pull.question()).toBeNull();
    expect(await pull.answer(DECISION)).toBeNull();
    expect(await pull.decide('again')).toBeNull();
  });

  it('gives up after PULL_WAIT_MS without a question, so the scanner asks by message', async () => {
    vi.useFakeTimers();
    const pull = new PulledDecision();
    const scanner = pull.decide('text');
    await vi.advanceTimersByTimeAsync(PULL_WAIT_MS - 1);
    let settled = false;
    void scanner.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await scanner).toBeNull();
    expect(await pull.question()).toBeNull();
  });

  it('answers only the first question: a second one, while the first waits or after, gets null at once', async () => {
    const pull = new PulledDecision();
    const first = pull.question();
    expect(await pull.question()).toBeNull();
    const scanner = scannerSide(pull, 'text');
    expect(await first).toBe('text');
    expect(await pull.answer(DECISION)).toEqual(FINDINGS);
    await scanner;
  });

  it('a question still waiting when the scanner settles without it gets null', async () => {
    const pull = new PulledDecision();
    const question = pull.question();
    pull.settle(null);
    expect(await question).toBeNull();
  });

  it('a question waits at most PULL_WAIT_MS for a scanner that never collects', async () => {
    vi.useFakeTimers();
    const pull = new PulledDecision();
    const question = pull.question();
    await vi.advanceTimersByTimeAsync(PULL_WAIT_MS);
    expect(await question).toBeNull();
  });

  it('closing (the session stopped) answers every waiting side with null', async () => {
    const pull = new PulledDecision();
    const question = pull.question();
    pull.close();
    expect(await question).toBeNull();
    expect(await pull.decide('text')).toBeNull();
    // And a scanner already waiting for its decision.
    const other = new PulledDecision();
    const decision = other.decide('text');
    other.close();
    expect(await decision).toBeNull();
  });
});
