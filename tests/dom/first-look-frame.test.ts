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

  it('compares the origin as the browser resolves it: scheme-relative, letter case, backslashes, <base>', () => {
    const here = new URL(document.location.href);
    expect(sameOriginSrc(frame({ src: `//${here.host}/embed.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `//ads.example.net/embed.html` }))).toBe(false);
    expect(sameOriginSrc(frame({ src: `${here.protocol.toUpperCase()}//${here.host.toUpperCase()}/a.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `\\${here.host}\\a.html` }))).toBe(true);
    expect(sameOriginSrc(frame({ src: `  ${here.protocol}//${here.host}/a.html  ` }))).toBe(true);
    // Another scheme or port is another origin.
    expect(sameOriginSrc(frame({ src: `${here.protocol === 'https:' ? 'http:' : 'https:'}//${here.host}/a.html` }))).toBe(false);
    expect(sameOriginSrc(frame({ src: `${here.protocol}//${here.hostname}:8123/a.html` }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'javascript:void(0)' }))).toBe(false);
    expect(sameOriginSrc(frame({ src: 'data:text/html,<p>x</p>' }))).toBe(false);

    // A <base> on another origin moves relative frames there.
    const base = document.createElement('base');
    base.href = 'https://cdn.example.net/';
    document.head.append(base);
    try {
      expect(sameOriginSrc(frame({ src: 'embed.html' }))).toBe(false);
      expect(sameOriginSrc(frame({ src: `${here.protocol}//${here.host}/a.html` }))).toBe(true);
    } finally {
      base.remove();
    }
  });
});
