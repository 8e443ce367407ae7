/** @vitest-environment happy-dom */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { StationwatchDb, installDataset } from '../../lib/db';
import { parseDataset, type Claim, type Dataset } from '../../lib/dataset/schema';
import { CHECKER_MAX_CHARS, ClaimChecker } from '../../components/ClaimChecker';

// The English messages as the browser would serve them ($1…$9 substituted), so the test reads
// the words a user reads.
const messages = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
  const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
  return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
}) as typeof fakeBrowser.i18n.getMessage;

function claim(id: string, text: string, extra: Partial<Claim>): Claim {
  return { id, text, phrasings: {}, status: 'reported', statusDate: null, context: `Context of ${id}.`, numbers: [], entities: [], denialIds: [], stationIds: [], sourceIds: ['src-a'], ...extra };
}

// Written for this test: never the real data.
function dataset(): Dataset {
  return parseDataset({
    schemaVersion: 1,
    version: '0.0.7',
    asOf: '2025-02-03',
    title: 'Checker fixture',
    method: 'Written for the claim checker test.',
    changelog: [],
    sources: [{ id: 'src-a', publisher: 'Test Publisher', title: 'A test source', date: '2024-01-01', url: 'https://example.org/a', kind: 'news', language: 'en' }],
    reports: [],
    stations: [],
    responses: [],
    denials: [{ id: 'DN-01', speaker: 'A ministry spokesperson', role: 'Foreign ministry', date: '2022-11-01', position: 'Says the stations do not exist.', claimIds: ['C01'], stationIds: [], sourceIds: ['src-a'] }],
    claims: [
      claim('C01', 'China runs more than 100 secret police stations in 53 countries.', {
        numbers: [100, 53],
        denialIds: ['DN-01'],
        phrasings: { en: ['Beijing operates over 100 covert police outposts across 53 countries.'] },
      }),
      claim('C02', 'Ireland shut down a Chinese police station in Dublin.', {
        status: 'confirmed-by-authorities',
        entities: ['Dublin', 'Ireland'],
        phrasings: { en: ['The Irish government ordered the Chinese police station in Dublin to close.'] },
      }),
    ],
    terms: [],
  });
}

const CLAIM = 'China runs more than 100 secret police stations in 53 countries.';
const UNRELATED = 'The bakery on the corner sells the best croissants in town.';

beforeAll(async () => {
  await installDataset(new StationwatchDb(), dataset(), 'bundled');
});

afterEach(() => {
  render(null, document.body);
});

function textarea(): HTMLTextAreaElement {
  return document.querySelector('textarea')!;
}

async function checkPasted(text: string): Promise<void> {
  const box = textarea();
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await Promise.resolve();
  (document.querySelector('button[type=submit]') as HTMLButtonElement).click();
}

const summary = () => document.querySelector('[data-testid=check-summary]')!.textContent;
const alert = () => document.querySelector('[role=alert]')?.textContent ?? '';

describe('ClaimChecker', () => {
  it('checks the text it opens with: the claim with status, why and context for one sentence, "No known claim" for the other', async () => {
    render(<ClaimChecker initialText={`${CLAIM}\n${UNRELATED}`} />, document.body);
    await vi.waitFor(() => expect(summary()).toBe('Sentences checked: 2. Matching a known claim: 1.'));
    const [first, second] = [...document.querySelectorAll('[data-testid=sentence]')];
    expect(first!.querySelector('.sentence-text')!.textContent).toBe(CLAIM);
    const match = first!.querySelector('li.match')!;
    expect(match.querySelector('.claim-id')!.textContent).toBe('C01');
    expect(match.querySelector('.match-head .sw-status')!.textContent).toBe('Reported');
    expect(match.querySelector('.why')!.textContent).toContain('numbers agree: 100, 53');
    const context = match.querySelector('details.match-context') as HTMLDetailsElement;
    expect(context.open).toBe(true);
    expect(context.textContent).toContain('A ministry spokesperson, Foreign ministry · 2022-11-01');
    expect(context.textContent).toContain('Says the stations do not exist.');
    expect(context.querySelector('a')!.getAttribute('href')).toBe('https://example.org/a');
    expect(second!.querySelector('.no-claim')!.textContent).toBe('No known claim');
    expect(document.querySelector('[data-testid=checker-dataset]')!.textContent).toBe('Dataset v0.0.7, as of 2025-02-03');
  });

  it('says when a sentence negates the claim it matched', async () => {
    render(<ClaimChecker />, document.body);
    await checkPasted('It is false that Ireland shut down a Chinese police station in Dublin.');
    await vi.waitFor(() => expect(document.querySelector('li.match')).not.toBeNull());
    const match = document.querySelector('li.match')!;
    expect(match.querySelector('.claim-id')!.textContent).toBe('C02');
    expect(match.querySelector('.negated')!.textContent).toBe('Negates or contradicts the claim');
  });

  it('renders page text as text, never as markup', async () => {
    render(<ClaimChecker />, document.body);
    await checkPasted('<img src=x onerror="alert(1)"> hello');
    await vi.waitFor(() => expect(summary()).toBe('Sentences checked: 1. Matching a known claim: 0.'));
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('.sentence-text')!.textContent).toBe('<img src=x onerror="alert(1)"> hello');
  });

  it('refuses text over the limit with the numbers, and keeps the text', async () => {
    render(<ClaimChecker />, document.body);
    const long = `${CLAIM} `.repeat(Math.ceil(CHECKER_MAX_CHARS / CLAIM.length));
    await checkPasted(long);
    await vi.waitFor(() => expect(alert()).toBe(`This text has ${long.length} characters; the checker takes up to ${CHECKER_MAX_CHARS} at once. Save it as a file and use the batch check on the checker page.`));
    expect(textarea().value).toBe(long);
    expect(document.querySelectorAll('[data-testid=sentence]').length).toBe(0);
  });

  it('asks for text when there is none', async () => {
    render(<ClaimChecker />, document.body);
    await checkPasted('   ');
    await vi.waitFor(() => expect(alert()).toBe('Paste some text to check first.'));
  });
});
