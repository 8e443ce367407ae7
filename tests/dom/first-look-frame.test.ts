// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { sameOriginSrc } from '../../lib/page/first-look';

function frame(attrs: Record<string, string>): HTMLIFrameElement {
  const el = document.createElement('iframe');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

describe('which frames the first look reads', () => {
  it('reads frames from the same origin (relative or absolute src)', () => {
    const here = new URL(document.location.href);
    expect(sameOriginSrc(frame({ src: '/embed/explainer.html' }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `${here.protocol}//${here.host}/a.html` }))).toBe(true);
  });

  it('skips frames filled by scripts (no src, about:blank, srcdoc) and frames from other origins', () => {
    expect(sameOriginSrc(frame({}))).toBe(false);
    expect(sameOriginSrc(frame({ srcdoc: '<p>ad</p>' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: '/a.html', srcdoc: '<p>ad</p>' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'about:blank' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'https://ads.example.net/slot?id=1' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'http://[bad' }))).toBe(false);
  });

  it('compares the origin as the browser resolves it: scheme-relative, letter case, backslashes, ports, <base>', () => {
    const here = new URL(document.location.href);
    expect(sameOriginSrc(frame({ src: `//${here.host}/embed.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: '//ads.example.net/embed.html' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: `${here.protocol.toUpperCase()}//${here.host.toUpperCase()}/a.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `\\\\${here.host}\\a.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: '\\\\ads.example.net\\a.html' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: `  ${here.protocol}//${here.host}/a.html  ` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `${here.protocol}//reader@${here.host}/a.html` }))).toBe(true);
    // Another scheme or port is another origin.
    expect(sameOriginSrc(frame({ src: `${here.protocol === 'https:' ? 'http:' : 'https:'}//${here.host}/a.html` }))).toBe(false);
    expect(sameOriginSrc(frame({ src: `${here.protocol}//${here.hostname}:8123/a.html` }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'javascript:void(0)' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'data:text/html,<p>x</p>' }))).toBe(false);

    // What is compared is the URL as the browser resolved it (the `src` property: against the base
    // URL, default port dropped), not the attribute: a relative src under a <base> on another origin
    // is on that origin. (happy-dom does not apply <base> to `src`: a stand-in frame shows the rule.)
    const resolved = (src: string) => ({ hasAttribute: (name: string) => name === 'src', src, ownerDocument: document }) as unknown as Element;
    expect(sameOriginSrc(resolved('https://cdn.example.net/embed.html'))).toBe(false);
    expect(sameOriginSrc(resolved(`${here.protocol}//${here.host}/embed.html`))).toBe(true);
  });
});
