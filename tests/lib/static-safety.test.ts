/**
 * Static safety checks over our own source (entrypoints/, components/, lib/) and the manifest
 * config: no HTML sinks or dynamic code, links only through `safeHttpUrl` (or our own pages and
 * blob downloads), no network primitive but the bundled-data and configured-feed fetches, closed
 * shadow roots, no main-world scripts, no remote CSS, and no manifest loosening of the extension's
 * Content Security Policy or message surface.
 *
 * Each file is first compiled with esbuild (types and comments gone, JSX turned into `h(...)`
 * calls), so a comment that mentions `innerHTML` is not a finding, while JSX text or a string that
 * happens to contain `//` cannot hide code from the checks either. The checks are themselves
 * tested on small snippets at the end, so a broken check cannot pass silently.
 */
import { transformSync } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['entrypoints', 'components', 'lib'];
const CODE_EXT = /\.(ts|tsx|mts|js|jsx)$/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const ALL_FILES = SOURCE_DIRS.flatMap((d) => walk(resolve(ROOT, d))).map((p) => relative(ROOT, p).split('\\').join('/'));
/**
 * Node-only helpers (`*-node.ts`, by house rule) parse saved pages in happy-dom for the CLI and
 * benchmarks; they are never bundled into the extension, which a check below enforces.
 */
const isNodeOnly = (file: string) => /-node\.(ts|mts)$/.test(file);
const CODE_FILES = ALL_FILES.filter((f) => CODE_EXT.test(f) && !f.endsWith('.d.ts'));
const EXTENSION_CODE = CODE_FILES.filter((f) => !isNodeOnly(f));
const HTML_FILES = ALL_FILES.filter((f) => f.endsWith('.html'));
const CSS_FILES = ALL_FILES.filter((f) => f.endsWith('.css'));

/** The file as the browser would run it, minus types and comments; JSX elements become `h("tag", props, …)`. */
function compile(source: string, file: string): string {
  const loader = file.endsWith('x') ? 'tsx' : 'ts';
  return transformSync(source, { loader, jsx: 'transform', jsxFactory: 'h', jsxFragment: 'Fragment', legalComments: 'none', target: 'es2022', sourcefile: file }).code;
}

const compiled = new Map<string, string>();
function code(file: string): string {
  let out = compiled.get(file);
  if (out === undefined) {
    out = compile(readFileSync(resolve(ROOT, file), 'utf8'), file);
    compiled.set(file, out);
  }
  return out;
}

// --- the checks ------------------------------------------------------------------------------

interface Rule {
  name: string;
  pattern: RegExp;
  why: string;
}

/** Constructs that turn a string into markup or code, or open a channel we do not allow. */
const FORBIDDEN: Rule[] = [
  { name: 'innerHTML', pattern: /\binnerHTML\b/, why: 'parses text as HTML; use textContent or Preact children' },
  { name: 'outerHTML assignment', pattern: /\bouterHTML\s*\+?=(?!=)/, why: 'parses text as HTML' },
  { name: 'insertAdjacentHTML', pattern: /\binsertAdjacentHTML\b/, why: 'parses text as HTML' },
  { name: 'dangerouslySetInnerHTML', pattern: /\bdangerouslySetInnerHTML\b/, why: 'parses text as HTML' },
  { name: 'createContextualFragment', pattern: /\bcreateContextualFragment\b/, why: 'parses text as HTML' },
  { name: 'setHTMLUnsafe / parseHTMLUnsafe', pattern: /\b(setHTMLUnsafe|parseHTMLUnsafe)\b/, why: 'parses text as HTML' },
  { name: 'srcdoc', pattern: /\.srcdoc\s*=(?!=)|\bsrcdoc\s*:/, why: 'renders text as a document' },
  { name: 'document.write', pattern: /\bdocument\s*\.\s*write(ln)?\s*\(/, why: 'parses text as HTML' },
  { name: 'eval', pattern: /(?<![\w$-])eval\s*\)?\s*\(|\.eval\b/, why: 'runs text as code' },
  { name: 'Function constructor', pattern: /\bFunction\s*\(/, why: 'runs text as code (new Function)' },
  { name: 'string timer', pattern: /\bset(Timeout|Interval)\s*\(\s*["'`]/, why: 'runs text as code' },
  { name: 'XMLHttpRequest', pattern: /\bXMLHttpRequest\b/, why: 'network: only the fetches allowed below' },
  { name: 'WebSocket', pattern: /\bWebSocket\b/, why: 'network: only the fetches allowed below' },
  { name: 'sendBeacon', pattern: /\bsendBeacon\b/, why: 'network (telemetry)' },
  { name: 'EventSource', pattern: /\bEventSource\b/, why: 'network' },
  { name: 'WebTransport / RTCPeerConnection', pattern: /\b(WebTransport|RTCPeerConnection)\b/, why: 'network' },
  { name: 'main-world script', pattern: /\bworld\s*:\s*["']MAIN["']/, why: 'would share globals with the page' },
  { name: 'open shadow root', pattern: /attachShadow\s*\(\s*\{[^}]*mode\s*:\s*["']open["']/, why: 'page scripts could read our UI' },
  { name: 'remote CSS', pattern: /url\(\s*["']?\s*(https?:)?\/\/|@import\s+(url\()?\s*["']?\s*(https?:)?\/\//i, why: 'a remote stylesheet or image is a request from the page' },
];

interface Finding {
  file: string;
  rule: string;
  excerpt: string;
}

function excerptAt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' ').trim();
}

/** Forbidden constructs in one compiled file. */
function forbiddenIn(file: string, js: string, rules = FORBIDDEN): Finding[] {
  const found: Finding[] = [];
  for (const rule of rules) {
    const re = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`);
    for (const m of js.matchAll(re)) found.push({ file, rule: `${rule.name} (${rule.why})`, excerpt: excerptAt(js, m.index ?? 0) });
  }
  return found;
}

/** Index just past the expression starting at `from`: stops at a top-level `,` `;` `)` `}` `]` or newline-free end. */
function expressionEnd(js: string, from: number, stopAtNewline = false): number {
  let depth = 0;
  for (let i = from; i < js.length; i++) {
    const c = js[i]!;
    if (c === '"' || c === "'") {
      for (i++; i < js.length && js[i] !== c; i++) if (js[i] === '\\') i++;
      continue;
    }
    if (c === '`') {
      i = templateEnd(js, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (c === ',' || c === ';' || (stopAtNewline && c === '\n'))) return i;
  }
  return js.length;
}

/** Index of the closing backtick of the template literal opening at `start`. */
function templateEnd(js: string, start: number): number {
  for (let i = start + 1; i < js.length; i++) {
    if (js[i] === '\\') i++;
    else if (js[i] === '`') return i;
    else if (js[i] === '$' && js[i + 1] === '{') i = expressionEnd(js, i + 2);
  }
  return js.length;
}

/** Index of the bracket that closes the one opening at `open`. */
function closingBracket(js: string, open: number): number {
  let depth = 0;
  for (let i = open; i < js.length; i++) {
    const c = js[i]!;
    if (c === '"' || c === "'") {
      for (i++; i < js.length && js[i] !== c; i++) if (js[i] === '\\') i++;
    } else if (c === '`') i = templateEnd(js, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i;
  }
  return js.length;
}

/** Top-level `key: value` pairs (and shorthands, and spreads) of the object literal opening at `open`. */
function objectProps(js: string, open: number): { key: string; value: string }[] {
  const props: { key: string; value: string }[] = [];
  let i = open + 1;
  while (i < js.length) {
    while (/[\s,]/.test(js[i] ?? '')) i++;
    if (js[i] === '}' || i >= js.length) break;
    const end = expressionEnd(js, i);
    const entry = js.slice(i, end).trim();
    if (entry.startsWith('...')) props.push({ key: '...', value: entry.slice(3).trim() });
    else {
      const m = /^(?:"([^"]*)"|'([^']*)'|([A-Za-z_$][\w$-]*))\s*(:)?\s*([\s\S]*)$/.exec(entry);
      if (m) {
        const key = m[1] ?? m[2] ?? m[3]!;
        props.push({ key, value: m[4] ? m[5]!.trim() : key });
      } else props.push({ key: '?', value: entry });
    }
    i = end;
  }
  return props;
}

/** Sources a link may come from: checked http(s) URLs, our own pages, blob downloads. */
const SAFE_LINK_CALL = /^(safeHttpUrl|URL\.createObjectURL|(browser|chrome)\.runtime\.getURL)\s*\(/;

/** True when a link value is provably safe without running the code. */
function safeLinkValue(value: string, js: string): boolean {
  const v = value.trim();
  if (/^"(\/|#|\.\/|https?:\/\/)[^"]*"$/.test(v) || /^'(\/|#|\.\/|https?:\/\/)[^']*'$/.test(v)) return true;
  if (/^`\/[^`]*`$/.test(v) && !v.startsWith('`//')) return true;
  if (SAFE_LINK_CALL.test(v)) return true;
  if (/^[A-Za-z_$][\w$]*$/.test(v)) {
    const decl = new RegExp(`\\b(?:const|let|var)\\s+${v.replace(/\$/g, '\\$')}\\s*=\\s*([^;\\n]+)`, 'g');
    const assignments = [...js.matchAll(decl)].map((m) => m[1]!.trim());
    return assignments.length > 0 && assignments.every((a) => SAFE_LINK_CALL.test(a));
  }
  return false;
}

/** Every place a compiled file sets a link target, with the expression it uses. */
function linkSinks(js: string): { kind: string; value: string }[] {
  const sinks: { kind: string; value: string }[] = [];
  for (const m of js.matchAll(/\bh\(\s*"(a|area)"\s*,\s*/g)) {
    const at = (m.index ?? 0) + m[0].length;
    if (js.startsWith('null', at)) continue;
    if (js[at] !== '{') {
      sinks.push({ kind: `<${m[1]}> props`, value: js.slice(at, expressionEnd(js, at)) });
      continue;
    }
    for (const p of objectProps(js, at)) {
      if (p.key === 'href' || p.key === 'xlinkHref') sinks.push({ kind: `<${m[1]} href>`, value: p.value });
      else if (p.key === '...') sinks.push({ kind: `<${m[1]}> spread props`, value: p.value });
    }
  }
  for (const m of js.matchAll(/\.href\s*=(?!=)\s*/g)) {
    const at = (m.index ?? 0) + m[0].length;
    sinks.push({ kind: '.href =', value: js.slice(at, expressionEnd(js, at, true)) });
  }
  for (const m of js.matchAll(/\bsetAttribute\(\s*["'](href|xlink:href|src|action|formaction)["']\s*,\s*/g)) {
    const at = (m.index ?? 0) + m[0].length;
    sinks.push({ kind: `setAttribute(${m[1]})`, value: js.slice(at, expressionEnd(js, at)) });
  }
  // window.open(url) or a bare open(url); someObject.open() (Dexie, details) is not a navigation.
  for (const m of js.matchAll(/(?:\bwindow\.|(?<![\w$.]))open\s*\(\s*/g)) {
    const at = (m.index ?? 0) + m[0].length;
    sinks.push({ kind: 'window.open', value: js.slice(at, expressionEnd(js, at)) });
  }
  return sinks;
}

/** Links in one compiled file whose target is not provably http(s), ours, or a blob. */
function unsafeLinks(file: string, js: string): Finding[] {
  return linkSinks(js)
    .filter((s) => !safeLinkValue(s.value, js))
    .map((s) => ({ file, rule: `${s.kind} not through safeHttpUrl()`, excerpt: s.value.slice(0, 120) }));
}

/** Network calls: `fetch` of our own files anywhere; anything else only where the user's feed is fetched. */
const ALLOWED_FETCHES: Record<string, string[]> = {
  // The signed feed the user configured in the options (empty by default): the only remote request.
  'entrypoints/background/dataset-service.ts': ['feedUrl', 'feedSignatureUrl(feedUrl)'],
};

function unexpectedFetches(file: string, js: string): Finding[] {
  const found: Finding[] = [];
  for (const m of js.matchAll(/(?<![\w$.])fetch\s*\(\s*/g)) {
    const at = (m.index ?? 0) + m[0].length;
    const arg = js.slice(at, expressionEnd(js, at)).trim();
    if (/^(browser|chrome)\.runtime\.getURL\(/.test(arg)) continue;
    if (ALLOWED_FETCHES[file]?.includes(arg)) continue;
    found.push({ file, rule: 'fetch of something other than our own files or the configured feed', excerpt: arg.slice(0, 120) });
  }
  return found;
}

function report(findings: Finding[]): string {
  return findings.map((f) => `${f.file}: ${f.rule}: ${f.excerpt}`).join('\n');
}

// --- our sources -----------------------------------------------------------------------------

describe('our sources', () => {
  it('are found (the checks below are not vacuous)', () => {
    expect(EXTENSION_CODE.length).toBeGreaterThan(20);
    expect(EXTENSION_CODE).toContain('components/RecordView.tsx');
    expect(EXTENSION_CODE).toContain('entrypoints/content-ui/index.tsx');
    expect(HTML_FILES.length).toBeGreaterThan(0);
  });

  it('have no HTML sinks, dynamic code, other network channels, main-world scripts, open shadow roots or remote CSS', () => {
    const findings = EXTENSION_CODE.flatMap((f) => forbiddenIn(f, code(f)));
    expect(report(findings)).toBe('');
  });

  it('set every link through safeHttpUrl() (or to our own pages, or a blob download)', () => {
    const findings = EXTENSION_CODE.flatMap((f) => unsafeLinks(f, code(f)));
    expect(report(findings)).toBe('');
    // The pattern the brief names is really there: the citation link goes through safeHttpUrl.
    const recordView = code('components/RecordView.tsx');
    expect(linkSinks(recordView).some((s) => s.kind === '<a href>')).toBe(true);
    expect(recordView).toMatch(/\bconst href = safeHttpUrl\(/);
  });

  it('fetch nothing but our own files and the feed the user configured', () => {
    const findings = EXTENSION_CODE.flatMap((f) => unexpectedFetches(f, code(f)));
    expect(report(findings)).toBe('');
  });

  it('never bundle a Node-only helper into the extension', () => {
    const findings: Finding[] = [];
    for (const f of EXTENSION_CODE) {
      for (const m of code(f).matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const spec = m[1]!;
        if (/-node(\.ts)?$/.test(spec) || /^node:/.test(spec)) {
          // lib/dataset/load-node is allowed where it already lives: Node code only.
          findings.push({ file: f, rule: 'imports a Node-only module', excerpt: spec });
        }
      }
    }
    // Pure lib modules run in Node too, but must not import node: modules (house rule); extension
    // code never may. Node-only helpers are excluded from EXTENSION_CODE by name.
    expect(report(findings)).toBe('');
  });

  it('HTML entry pages load only our own scripts and styles, with no inline script or handler', () => {
    const findings: Finding[] = [];
    for (const f of HTML_FILES) {
      const html = readFileSync(resolve(ROOT, f), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        if (!/\bsrc\s*=/.test(m[1]!) || m[2]!.trim()) findings.push({ file: f, rule: 'inline script', excerpt: m[0].slice(0, 80) });
      }
      for (const m of html.matchAll(/\s(on[a-z]+)\s*=/gi)) findings.push({ file: f, rule: `inline handler ${m[1]}`, excerpt: excerptAt(html, m.index ?? 0) });
      for (const m of html.matchAll(/\b(src|href|action)\s*=\s*["']?\s*((https?:)?\/\/|javascript:|data:)/gi)) {
        findings.push({ file: f, rule: 'remote or script URL', excerpt: excerptAt(html, m.index ?? 0) });
      }
    }
    expect(report(findings)).toBe('');
  });

  it('stylesheets load nothing remote', () => {
    const rules = FORBIDDEN.filter((r) => r.name === 'remote CSS');
    const findings = CSS_FILES.flatMap((f) => forbiddenIn(f, readFileSync(resolve(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''), rules));
    expect(report(findings)).toBe('');
  });
});

// --- the manifest ----------------------------------------------------------------------------

describe('manifest (wxt.config.ts)', () => {
  const config = compile(readFileSync(resolve(ROOT, 'wxt.config.ts'), 'utf8'), 'wxt.config.ts');

  it('does not loosen the Content Security Policy of extension pages', () => {
    if (!/\bcontent_security_policy\b/.test(config)) return; // the browser's strict default applies
    const policies = [...config.matchAll(/["'`]([^"'`]*(script-src|default-src|object-src)[^"'`]*)["'`]/g)].map((m) => m[1]!);
    expect(policies.length, 'a content_security_policy whose text cannot be read here').toBeGreaterThan(0);
    for (const policy of policies) {
      const scriptSrc = /(?:^|;)\s*(?:script-src|default-src)\s+([^;]*)/.exec(policy)?.[1] ?? '';
      expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'|'unsafe-hashes'/);
      expect(scriptSrc).not.toMatch(/(^|\s)(https?:|\*|data:|blob:|\/\/)/);
    }
  });

  it('lets no web page or other extension message us, and exposes no resource to every page', () => {
    expect(config).not.toMatch(/\bexternally_connectable\b/);
    const war = /\bweb_accessible_resources\s*:\s*(\[[\s\S]*?\])\s*[,}]/.exec(config)?.[1] ?? '';
    expect(war).not.toMatch(/["'](\*|\*\*|\/\*|\*\.\w+)["']/);
  });

  it('asks only for the permissions the README explains', () => {
    const list = (key: string) => {
      const m = new RegExp(`\\b${key}\\s*:\\s*\\[`).exec(config);
      if (!m) return [];
      const open = (m.index ?? 0) + m[0].length - 1;
      // Strings compared against (browser === "firefox") are conditions, not permissions.
      const body = config.slice(open, closingBracket(config, open) + 1).replace(/[!=]==?\s*"[^"]*"|"[^"]*"\s*[!=]==?/g, '');
      return [...body.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
    };
    const permissions = [...list('permissions'), ...list('optional_permissions')];
    expect(permissions).toContain('storage');
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.search(/^## Permissions/m));
    for (const p of permissions) expect(table, `README does not explain the "${p}" permission`).toContain(`\`${p}\``);
    for (const p of list('host_permissions')) expect(table, `README does not explain host permission ${p}`).toContain(`\`${p}\``);
  });
});

// --- the checks themselves -------------------------------------------------------------------

describe('the checks catch what they are for', () => {
  const js = (source: string, file = 'x.tsx') => compile(source, file);

  // Strings are scanned on purpose (el['innerHTML'] = s is the same sink), so JSX text naming a sink
  // is a finding too; comments are not.
  it('flag each forbidden construct, and ignore comments that merely mention them', () => {
    const bad: Record<string, string> = {
      innerHTML: 'el.innerHTML = s;',
      'bracket innerHTML': "el['innerHTML'] = s;",
      outerHTML: 'el.outerHTML = s;',
      insertAdjacentHTML: "el.insertAdjacentHTML('beforeend', s);",
      dangerouslySetInnerHTML: 'export const A = () => <div dangerouslySetInnerHTML={{ __html: s }} />;',
      eval: 'eval(s);',
      'indirect eval': '(0, globalThis.eval)(s);',
      'new Function': 'const f = new Function("a", s);',
      'Function call': 'const f = Function(s);',
      'document.write': 'document.write(s);',
      'string timer': 'setTimeout("alert(1)", 10);',
      XMLHttpRequest: 'new XMLHttpRequest();',
      sendBeacon: "navigator.sendBeacon('https://t.example/', s);",
      WebSocket: "new WebSocket('wss://x');",
      'main world': "export default defineContentScript({ world: 'MAIN', main() {} });",
      'open shadow': "host.attachShadow({ mode: 'open' });",
      'remote css': "const css = `@import url('https://fonts.example/x.css'); .a { background: url(//t.example/p.png) }`;",
      srcdoc: 'frame.srcdoc = s;',
    };
    for (const [name, source] of Object.entries(bad)) expect(forbiddenIn('x', js(source)).length, name).toBeGreaterThan(0);
    const clean = [
      '// never use innerHTML or eval( here\nconst a = 1;',
      '/* document.write(x) */ const b = 2;',
      "export const C = () => <p>Don't paste markup; it's unsafe // really</p>;",
      'const url = "http://example.org/"; el.textContent = url;',
      'await page.evaluate(() => 1); el.outerHTML === s;',
      "host.attachShadow({ mode: 'closed' });",
      'const css = `.a { background: url(data:image/png;base64,AAAA) }`;',
    ];
    for (const source of clean) expect(report(forbiddenIn('x', js(source)))).toBe('');
  });

  it('catch code hidden after a string holding // and after JSX text with an apostrophe', () => {
    expect(forbiddenIn('x', js("const u = 'http://x'; el.innerHTML = s;")).length).toBe(1);
    expect(forbiddenIn('x', js("export const A = () => <p>it's // here</p>; el.innerHTML = s;")).length).toBe(1);
  });

  it('accept only links that go through safeHttpUrl, our own pages or blobs', () => {
    const ok = [
      'const href = safeHttpUrl(source.url); export const A = () => (href ? <a href={href}>x</a> : <span>x</span>);',
      'export const A = () => <a href={safeHttpUrl(u)} target="_blank">x</a>;',
      'export const A = () => <a href="/about.html" target="_blank">x</a>;',
      'export const A = () => <a href={`/about.html?records=${ids}`}>x</a>;',
      'export const A = () => <a>no href</a>;',
      'const url = URL.createObjectURL(blob); a.href = url;',
    ];
    for (const source of ok) expect(report(unsafeLinks('x', js(source))), source).toBe('');
    const bad = [
      'export const A = ({ s }) => <a href={s.url}>x</a>;',
      'export const A = ({ s }) => <a href={s.url} target="_blank" rel="noopener">x</a>;',
      'const href = s.url; export const A = () => <a href={href}>x</a>;',
      'export const A = (p) => <a {...p}>x</a>;',
      'const href = safeHttpUrl(s); export const A = (p) => <a href={href} {...p}>x</a>;',
      'export const A = ({ u }) => <a href={`${u}`}>x</a>;',
      'export const A = ({ u }) => <a href={"javascript:" + u}>x</a>;',
      'a.href = record.url;',
      'location.href = record.url;',
      "link.setAttribute('href', record.url);",
      'window.open(record.url);',
    ];
    for (const source of bad) expect(unsafeLinks('x', js(source)).length, source).toBeGreaterThan(0);
  });

  it('allow fetching our own files and the configured feed only', () => {
    expect(report(unexpectedFetches('lib/x.ts', js("await fetch(browser.runtime.getURL('/data/dataset.json'));", 'x.ts')))).toBe('');
    expect(unexpectedFetches('lib/x.ts', js("await fetch('https://analytics.example/hit');", 'x.ts')).length).toBe(1);
    expect(unexpectedFetches('lib/x.ts', js('await fetch(feedUrl);', 'x.ts')).length).toBe(1);
    expect(report(unexpectedFetches('entrypoints/background/dataset-service.ts', js('await fetch(feedUrl, { cache: "no-store" });', 'x.ts')))).toBe('');
  });
});
