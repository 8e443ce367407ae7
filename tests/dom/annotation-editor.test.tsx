/** @vitest-environment happy-dom */
/**
 * The annotation editor as a fact-checker uses it: the verdict is required, bad citation URLs are
 * named, and a failed save (a full disk, a broken database) is shown as a message while everything
 * typed stays in the form.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnnotationEditor, type EditorOptions, type EditorValue } from '../../components/AnnotationEditor';
import { NoteView } from '../../components/NoteView';

const messages = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
  const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
  return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
}) as typeof fakeBrowser.i18n.getMessage;

const options: EditorOptions = {
  sources: [{ id: 'src-1', publisher: 'Fixture Times', title: 'A report', date: '2022-10-01', url: 'https://example.com/report' }],
  claims: [{ id: 'C01', text: 'A fixture claim.' }],
};

let root: HTMLDivElement;
afterEach(() => {
  render(null, root);
  root.remove();
});

async function mount(onSave: (v: EditorValue) => Promise<void>) {
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(<AnnotationEditor headingId="h" quote="the quoted words" options={options} onSave={onSave} onCancel={() => undefined} />, root));
}

async function type(selector: string, value: string) {
  const el = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!;
  el.value = value;
  await act(() => {
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
  });
}

describe('annotation editor', () => {
  it('asks for a verdict and names a citation that is not http(s)', async () => {
    const onSave = vi.fn(async () => undefined);
    await mount(onSave);
    await type('textarea[name="urls"]', 'javascript:alert(1)');
    await submit();
    const alert = root.querySelector('[role="alert"]')!.textContent!;
    expect(alert).toContain('Choose a verdict.');
    expect(alert).toContain('Not an http(s) URL: javascript:alert(1)');
    expect(onSave).not.toHaveBeenCalled();
  });

  it('saves the verdict, note, dataset source, pasted URL, claim and tags', async () => {
    const onSave = vi.fn(async (_v: EditorValue) => undefined);
    await mount(onSave);
    await act(() => root.querySelector<HTMLInputElement>('input[value="false"]')!.click());
    await type('textarea[name="note"]', 'Wrong year.');
    await act(() => root.querySelector<HTMLInputElement>('.sw-source-picks input')!.click());
    await type('textarea[name="urls"]', 'https://example.org/other');
    const select = root.querySelector<HTMLSelectElement>('select[name="claim"]')!;
    select.value = 'C01';
    await act(() => {
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await type('input[name="tags"]', 'dates, figures, dates');
    await submit();
    expect(onSave).toHaveBeenCalledWith({
      verdict: 'false',
      note: 'Wrong year.',
      noteFormat: 'text',
      citations: [{ url: 'https://example.com/report', title: 'Fixture Times: A report', sourceId: 'src-1' }, { url: 'https://example.org/other' }],
      claimId: 'C01',
      tags: ['dates', 'figures'],
    });
  });

  it('shows a storage failure as a message and keeps what was typed', async () => {
    await mount(async () => {
      throw new Error('The annotation was not saved: QuotaExceededError: the disk is full.');
    });
    await act(() => root.querySelector<HTMLInputElement>('input[value="misleading"]')!.click());
    await type('textarea[name="note"]', 'Long careful note.');
    await submit();
    expect(root.querySelector('[role="alert"]')!.textContent).toContain('QuotaExceededError: the disk is full.');
    expect(root.querySelector<HTMLTextAreaElement>('textarea[name="note"]')!.value).toBe('Long careful note.');
    expect(root.querySelector<HTMLInputElement>('input[value="misleading"]')!.checked).toBe(true);
  });
});

describe('note rendering', () => {
  it('renders markdown as elements and never as HTML; unsafe links stay text', async () => {
    root = document.createElement('div');
    document.body.append(root);
    await act(() => render(<NoteView format="markdown" note={'**Bold** <img src=x onerror=alert(1)> [ok](https://example.org) [bad](javascript:alert(1))'} />, root));
    expect(root.querySelector('strong')!.textContent).toBe('Bold');
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.org/']);
  });
});
