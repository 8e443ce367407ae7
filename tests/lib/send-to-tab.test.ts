/**
 * Commands reach a tab's page script only in the document our script ran in (lib/messaging.ts
 * `sendToTab`, lib/page-documents.ts): nothing runs in a tab whose page Stationwatch never ran in,
 * and an answer from another document than the one targeted does not count.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { sendToTab } from '../../lib/messaging';
import { forgetPageDocuments, pageDocument, rememberPageDocument } from '../../lib/page-documents';
import { NOT_LISTENING } from '../../lib/protocol';

type Details = { target: { tabId: number; frameIds?: number[]; documentIds?: string[] }; args: unknown[] };
let run: ReturnType<typeof vi.fn>;
/** The document the tab shows now, as Chromium would report it. */
let shown: string;

beforeEach(() => {
  fakeBrowser.reset();
  shown = 'doc-A';
  run = vi.fn(async (details: Details) => [{ documentId: details.target.documentIds?.[0] === 'stale' ? shown : (details.target.documentIds?.[0] ?? shown), result: { ok: true, data: `took ${((details.args[2] as unknown[])[0] as { name: string }).name}` } }]);
  (fakeBrowser.scripting as { executeScript: unknown }).executeScript = run;
});

describe('sendToTab', () => {
  it('runs nothing in a tab whose page our script never ran in, and says it is not listening', async () => {
    await expect(sendToTab(7, 'toggle-highlights')).rejects.toThrow(NOT_LISTENING);
    expect(run).not.toHaveBeenCalled();
  });

  it('targets the document our script ran in, by its id', async () => {
    await rememberPageDocument(7, 'doc-A');
    expect(await sendToTab(7, 'toggle-highlights')).toBe('took toggle-highlights');
    expect((run.mock.calls[0]![0] as Details).target).toEqual({ tabId: 7, documentIds: ['doc-A'] });
  });

  it('does not take an answer from another document than the one targeted', async () => {
    await rememberPageDocument(7, 'stale');
    await expect(sendToTab(7, 'get-findings')).rejects.toThrow(NOT_LISTENING);
  });

  it('forgets the document when the tab navigates, and uses the top frame where there are no ids', async () => {
    await rememberPageDocument(7, 'doc-A');
    await forgetPageDocuments(7);
    expect(await pageDocument(7)).toBeNull();
    await rememberPageDocument(7, undefined);
    expect(await sendToTab(7, 'open-card')).toBe('took open-card');
    expect((run.mock.calls[0]![0] as Details).target).toEqual({ tabId: 7, frameIds: [0] });
  });
});
