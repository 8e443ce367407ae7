/**
 * Property-based fuzzing of the runtime message surface (`validateBackgroundRequest`,
 * `validateTabCommand`): a hostile page can make a content script's or another extension's message
 * carry anything, so every malformed, oversized, mis-addressed or over-privileged message must be
 * refused with a short readable error, and every legitimate one accepted with a clean body.
 *
 * Messages are checked both as built and after a JSON round trip, because Chromium serialises
 * runtime messages as JSON: what the background receives is the round-tripped value.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackgroundRequests,
  MESSAGE_ACCESS,
  TabCommands,
  validateBackgroundRequest,
  validateTabCommand,
  type BackgroundRequestName,
  type TabCommandName,
} from '../../lib/protocol';
import { MAX_CARD_RECORD_IDS, MAX_MENTION_TEXT_CHARS, MAX_MESSAGE_STRING_CHARS, MAX_REPORTED_MENTIONS } from '../../lib/limits';

/** Fewer runs when iterating locally: FUZZ_SCALE=0.2 npx vitest run tests/lib/fuzz-messages.test.ts */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const MIN_HOSTILE_PER_SURFACE = 1000;
/** An error long enough to say something, short enough never to echo a huge input back. */
const MAX_ERROR_CHARS = 700;

type Kind = 'content' | 'extension' | 'other';
const KINDS: Kind[] = ['content', 'extension', 'other'];
const NAMES = Object.keys(BackgroundRequests) as BackgroundRequestName[];
const COMMANDS = Object.keys(TabCommands) as TabCommandName[];
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const LONE_SURROGATE = /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF]))|(?:(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;

const hostile = { background: 0, tab: 0 };
const accepted = { background: 0, tab: 0 };

afterAll(() => {
  if (UNCOVERED.length || UNCOVERED_COMMANDS.length) {
    console.log(`fuzz-messages: no valid-body generator yet for ${[...UNCOVERED, ...UNCOVERED_COMMANDS].join(', ')} (fuzzed by the name-independent properties only)`);
  }
  console.log(
    `fuzz-messages: hostile background requests ${hostile.background}, hostile tab commands ${hostile.tab}; ` +
      `valid accepted: background ${accepted.background}, tab ${accepted.tab}`,
  );
});

/** What the receiving side gets from Chromium's JSON serialisation (undefined stays undefined). */
function overWire(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The message as built and, when it can be sent at all (a BigInt cannot), as received. */
function bothForms(raw: unknown): unknown[] {
  try {
    return [raw, overWire(raw)];
  } catch {
    return [raw];
  }
}

function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}

function expectError(result: { ok: boolean; error?: string }, pattern?: RegExp): void {
  expect(result.ok).toBe(false);
  const error = (result as { error: string }).error;
  expect(typeof error).toBe('string');
  expect(error.trim().length).toBeGreaterThan(0);
  expect(error.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
  expect(LONE_SURROGATE.test(error)).toBe(false);
  if (pattern) expect(error).toMatch(pattern);
}

/** A hostile background request: refused as built and as received over the wire, whatever the sender. */
function expectBackgroundRefused(raw: unknown, kinds: readonly Kind[], pattern?: RegExp): void {
  for (const message of bothForms(raw)) {
    for (const kind of kinds) expectError(validateBackgroundRequest(message, kind), pattern);
  }
  expectPrototypesClean();
  hostile.background += 1;
}

function expectTabRefused(raw: unknown, pattern?: RegExp): void {
  for (const message of bothForms(raw)) expectError(validateTabCommand(message), pattern);
  expectPrototypesClean();
  hostile.tab += 1;
}

// --- generators of legitimate messages -------------------------------------------------------

const recordId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/);
const shortText = (max: number) => fc.string({ unit: 'binary', maxLength: Math.min(max, 60) });
const pageUrl = fc.tuple(fc.constantFrom('http://', 'https://', 'file://', 'HTTPS://'), fc.webUrl().map((u) => u.replace(/^https?:\/\//, ''))).map(([s, rest]) => s + rest);

const mention = fc.record({
  index: fc.nat(),
  text: shortText(MAX_MENTION_TEXT_CHARS),
  kind: fc.constantFrom('topic', 'report', 'station', 'person', 'generic', 'claim', 'annotation'),
  refs: fc.array(recordId, { maxLength: 5 }),
});

const findings = fc.record({
  url: pageUrl,
  title: shortText(500),
  onTopic: fc.boolean(),
  score: fc.double({ noNaN: true, noDefaultInfinity: true }),
  reasons: fc.array(shortText(500), { maxLength: 20 }),
  mentionCount: fc.nat(),
  stationIds: fc.array(recordId, { maxLength: 8 }),
  claimIds: fc.array(recordId, { maxLength: 8 }),
  mentions: fc.array(mention, { maxLength: 6 }),
  discreet: fc.boolean(),
});

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Up to `max` UTF-16 units (the schema's unit), astral characters included. */
const queryField = (max: number) => fc.string({ unit: 'binary', maxLength: Math.min(max, 40) }).filter((t) => t.length <= max);

/**
 * A valid body for each request, exactly as the schema outputs it. Keyed by string, not by the
 * protocol's names: a request added to the protocol without a generator here is still fuzzed by
 * every name-independent property below (non-object bodies, senders, names) and is listed in the log.
 */
const VALID_BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'page-findings': fc.record({ findings }),
  'card-context': fc.record({ ids: fc.array(recordId, { minLength: 1, maxLength: MAX_CARD_RECORD_IDS }) }),
  'inject-ui': fc.constant({}),
  'tab-findings': fc.record({ tabId: fc.nat() }),
  'dataset-info': fc.constant({}),
  'feed-update-now': fc.constant({}),
  'settings-changed': fc.constant({}),
  'open-extension-page': fc.record(
    {
      page: fc.constantFrom('about', 'options', 'checker'),
      recordIds: fc.array(recordId, { maxLength: MAX_CARD_RECORD_IDS }),
      text: shortText(MAX_MESSAGE_STRING_CHARS),
    },
    { requiredKeys: ['page'] },
  ),
  // Annotation bodies are checked by the annotation model in the handler, not here: any JSON passes.
  'editor-pickers': fc.constant({}),
  'page-annotations': fc.constant({}),
  'annotation-save': fc.record({ annotation: anyJson }),
  'annotation-delete': fc.record({ id: fc.string({ unit: 'binary', maxLength: 80 }) }),
  'annotations-query': fc.record({
    query: fc.record(
      { text: queryField(500), verdict: queryField(40), tag: queryField(100), site: queryField(253), from: queryField(10), to: queryField(10), pageUrl: queryField(8192) },
      { requiredKeys: [] },
    ),
  }),
  'annotations-import': fc.record({ annotations: fc.array(anyJson, { maxLength: 20 }) }),
  'backup-export': fc.constant({}),
  'backup-import': fc.record({ backup: anyJson }),
};
const COVERED = NAMES.filter((n) => Object.hasOwn(VALID_BODIES, n));
const UNCOVERED = NAMES.filter((n) => !Object.hasOwn(VALID_BODIES, n));

const validRequest = fc.constantFrom(...COVERED).chain((name) =>
  fc.record({ name: fc.constant(name), body: VALID_BODIES[name]!, kind: fc.constantFrom(...MESSAGE_ACCESS[name]) }),
);

const VALID_COMMAND_BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  jump: fc.record({ index: fc.nat() }),
  'next-mention': fc.constant({}),
  'previous-mention': fc.constant({}),
  'open-card': fc.constant({}),
  'toggle-highlights': fc.constant({}),
  'settings-changed': fc.constant({}),
  'get-findings': fc.constant({}),
  'annotate-selection': fc.constant({}),
  'annotations-changed': fc.constant({}),
  'annotation-status': fc.constant({}),
  'jump-annotation': fc.record({ id: fc.string({ unit: 'binary', maxLength: 80 }) }),
};
const COVERED_COMMANDS = COMMANDS.filter((n) => Object.hasOwn(VALID_COMMAND_BODIES, n));
const UNCOVERED_COMMANDS = COMMANDS.filter((n) => !Object.hasOwn(VALID_COMMAND_BODIES, n));

// --- generators of hostile parts ------------------------------------------------------------

const notAnObject = fc.oneof(
  fc.constantFrom(null, undefined, 0, -1, NaN, true, false, '', 'background', '{"to":"background"}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.boolean(),
);

/** Property names that live on Object.prototype or Function.prototype, and pollution classics. */
const PROTOTYPE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__defineSetter__', '__lookupGetter__',
  '__lookupSetter__', 'call', 'apply', 'bind', 'length', 'name',
];

/** A string that is none of `known`, biased towards near misses of the real names. */
function unknownName(known: readonly string[]): fc.Arbitrary<string> {
  const nearMiss = fc
    .tuple(fc.constantFrom(...known), fc.constantFrom('upper', 'space', 'tab', 'nul', 'zwsp', 'dot', 'suffix', 'prefix', 'fullwidth', 'underscore'))
    .map(([name, how]) => {
      switch (how) {
        case 'upper': return name.toUpperCase();
        case 'space': return ` ${name}`;
        case 'tab': return `${name}\t`;
        case 'nul': return `${name}\u0000`;
        case 'zwsp': return `${name}\u200b`;
        case 'dot': return `${name}.`;
        case 'suffix': return `${name}s`;
        case 'prefix': return `x-${name}`;
        case 'fullwidth': return name.replace(/-/g, '\uff0d');
        case 'underscore': return name.replace(/-/g, '_');
      }
    });
  return fc
    .oneof(
      fc.constantFrom(...PROTOTYPE_KEYS),
      nearMiss,
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 1, max: 50_000 }).map((n) => '𠮷'.repeat(n)),
    )
    .filter((s) => !known.includes(s));
}

/** Non-strings in the name slot, including arrays and objects that stringify to a real name. */
const nonStringName = (real: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(null, undefined, 0, 1, true, NaN),
    fc.constantFrom(...real).map((n) => [n]),
    fc.constantFrom(...real).map((n) => ({ toString: n })),
    fc.constantFrom(...real).map((n) => ({ [n]: true })),
    fc.double(),
  );

/** Nested arrays or objects `depth` deep (built iteratively: the generator itself must not overflow). */
function nested(depth: number, as: 'array' | 'object', leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = as === 'array' ? [value] : { a: value };
  return value;
}
const deep = fc.record({ depth: fc.integer({ min: 2, max: 2_000 }), as: fc.constantFrom('array' as const, 'object' as const) }).map(({ depth, as }) => nested(depth, as, 'x'));

const notRecordId = fc.oneof(
  fc.constantFrom('', '.', '-x', '_x', '__proto__', '../sources', 'ST 01', 'C01/../../', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'C01\n', '\u0000', 'ST-０１'),
  fc.integer({ min: 81, max: 5_000 }).map((n) => 'A'.repeat(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(s)),
  fc.oneof(fc.integer(), fc.constant(null), fc.constant(true), fc.constant({}), fc.constant(['C01'])),
);

const badUrl = fc.oneof(
  fc.constantFrom(
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
    'chrome-extension://abcdefghijklmnop/options.html', 'about:blank', 'blob:https://x/1', 'ftp://x', '//evil.example/',
    'vbscript:x', '', 'http:/one-slash', 'file:/etc/passwd',
  ),
  fc.integer({ min: 8193 - 'https://a/'.length, max: 100_000 }).map((n) => `https://a/${'p'.repeat(n)}`),
  fc.oneof(fc.integer(), fc.constant(null), fc.constant(['https://a/'])),
);

/** A type that is none of the allowed JSON kinds. */
const wrongType = (allowed: Array<'string' | 'number' | 'boolean' | 'array' | 'object' | 'null'>) =>
  fc
    .oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }))
    .filter((v) => {
      const k = v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as 'string' | 'number' | 'boolean' | 'object');
      return !allowed.includes(k);
    });

/** Ways to break a valid `findings` object, each invalid by construction. */
const FINDINGS_BREAKS: Array<fc.Arbitrary<(f: Record<string, unknown>) => void>> = [
  fc.constantFrom('url', 'title', 'onTopic', 'score', 'reasons', 'mentionCount', 'stationIds', 'claimIds', 'mentions', 'discreet').map((k) => (f) => void delete f[k]),
  badUrl.map((u) => (f) => void (f.url = u)),
  fc.integer({ min: 501, max: 30_000 }).map((n) => (f) => void (f.title = 't'.repeat(n))),
  wrongType(['string']).map((v) => (f) => void (f.title = v)),
  wrongType(['boolean']).map((v) => (f) => void (f.onTopic = v)),
  wrongType(['boolean']).map((v) => (f) => void (f.discreet = v)),
  fc.oneof(wrongType(['number']), fc.constant(NaN)).map((v) => (f) => void (f.score = v)),
  fc.oneof(fc.integer({ max: -1 }), fc.double({ min: 0.01, max: 1e6, noInteger: true }), wrongType(['number'])).map((v) => (f) => void (f.mentionCount = v)),
  fc.integer({ min: 21, max: 500 }).map((n) => (f) => void (f.reasons = Array.from({ length: n }, () => 'r'))),
  fc.integer({ min: 501, max: 5_000 }).map((n) => (f) => void (f.reasons = ['x'.repeat(n)])),
  fc.tuple(fc.constantFrom('stationIds', 'claimIds'), notRecordId).map(([k, id]) => (f) => void (f[k] = ['ST-ok', id])),
  fc.constantFrom('stationIds', 'claimIds').map((k) => (f) => void (f[k] = Array.from({ length: 501 }, (_, i) => `ST-${i}`))),
  fc.integer({ min: MAX_REPORTED_MENTIONS + 1, max: MAX_REPORTED_MENTIONS + 300 }).map((n) => (f) =>
    void (f.mentions = Array.from({ length: n }, (_, i) => ({ index: i, text: 'm', kind: 'topic', refs: [] })))),
  fc.oneof(
    fc.record({ index: fc.integer({ max: -1 }) }),
    fc.record({ index: fc.double({ min: 0.1, max: 10, noInteger: true }) }),
    fc.record({ text: fc.integer({ min: MAX_MENTION_TEXT_CHARS + 1, max: 20_000 }).map((n) => 'w'.repeat(n)) }),
    fc.record({ kind: fc.oneof(fc.constantFrom('Topic', 'script', '', '__proto__', 'constructor'), fc.string({ maxLength: 10 })).filter((k) => !['topic', 'report', 'station', 'person', 'generic', 'claim', 'annotation'].includes(k)) }),
    fc.record({ refs: fc.oneof(fc.array(notRecordId, { minLength: 1, maxLength: 3 }), fc.constant(Array.from({ length: 51 }, () => 'C01'))) }),
    fc.record({ refs: wrongType(['array']) }),
  ).map((patch) => (f) => void (f.mentions = [{ index: 0, text: 'ok', kind: 'topic', refs: [], ...patch }])),
  deep.map((d) => (f) => void (f[['title', 'url', 'reasons', 'mentions', 'stationIds'][JSON.stringify(d).length % 5]!] = d)),
];

/** Invalid bodies per request name (for senders that may send it); requests with an empty or untyped body are broken only by non-object bodies. */
const INVALID_BODIES: Record<string, fc.Arbitrary<unknown>> = {
  'page-findings': fc.oneof(
    fc.tuple(findings, fc.oneof(...FINDINGS_BREAKS)).map(([f, brk]) => {
      const copy = structuredClone(f) as Record<string, unknown>;
      brk(copy);
      return { findings: copy };
    }),
    wrongType(['object']).map((f) => ({ findings: f })),
    fc.constant({}),
  ),
  'card-context': fc.oneof(
    fc.constant({ ids: [] }),
    fc.constant({}),
    fc.integer({ min: MAX_CARD_RECORD_IDS + 1, max: 10_000 }).map((n) => ({ ids: Array.from({ length: n }, (_, i) => `C${i}`) })),
    fc.array(notRecordId, { minLength: 1, maxLength: 5 }).map((bad) => ({ ids: ['C01', ...bad] })),
    wrongType(['array']).map((ids) => ({ ids })),
    deep.map((ids) => ({ ids })),
  ),
  'tab-findings': fc.oneof(
    fc.constant({}),
    fc.integer({ max: -1 }).map((tabId) => ({ tabId })),
    fc.double({ min: 0.001, max: 1e9, noInteger: true }).map((tabId) => ({ tabId })),
    fc.constantFrom(NaN, Infinity, -Infinity, '1', '0', null, [1], { valueOf: 1 }).map((tabId) => ({ tabId })),
    deep.map((tabId) => ({ tabId })),
  ),
  'annotation-delete': fc.oneof(
    fc.constant({}),
    wrongType(['string']).map((id) => ({ id })),
    fc.integer({ min: 501, max: 50_000 }).map((n) => ({ id: 'i'.repeat(n) })),
  ),
  'annotations-query': fc.oneof(
    fc.constant({}),
    wrongType(['object', 'array']).map((query) => ({ query })),
    fc
      .record({ field: fc.constantFrom<[string, number]>(['text', 500], ['verdict', 40], ['tag', 100], ['site', 253], ['from', 10], ['to', 10], ['pageUrl', 8192]), extra: fc.integer({ min: 1, max: 20_000 }) })
      .map(({ field: [k, max], extra }) => ({ query: { [k]: 'z'.repeat(max + extra) } })),
    fc.tuple(fc.constantFrom('text', 'verdict', 'tag', 'site', 'from', 'to', 'pageUrl'), fc.oneof(wrongType(['string']), deep)).map(([k, val]) => ({ query: { [k]: val } })),
  ),
  'annotations-import': fc.oneof(
    fc.constant({}),
    wrongType(['array']).map((annotations) => ({ annotations })),
    fc.constant({ annotations: new Array(100_001).fill(0) }),
  ),
  'open-extension-page': fc.oneof(
    fc.constant({}),
    fc
      .oneof(fc.constantFrom('popup', 'sidepanel', 'About', 'about.html', '../about', '/options', 'javascript:alert(1)', 'https://evil.example/', 'background', '__proto__', 'constructor', ''), fc.string({ maxLength: 20 }))
      .filter((p) => !['about', 'options', 'checker'].includes(p))
      .map((page) => ({ page })),
    wrongType(['string']).map((page) => ({ page })),
    fc.array(notRecordId, { minLength: 1, maxLength: 3 }).map((recordIds) => ({ page: 'about', recordIds })),
    fc.constant({ page: 'about', recordIds: Array.from({ length: MAX_CARD_RECORD_IDS + 1 }, () => 'C01') }),
    fc.integer({ min: MAX_MESSAGE_STRING_CHARS + 1, max: MAX_MESSAGE_STRING_CHARS * 10 }).map((n) => ({ page: 'checker', text: 'q'.repeat(n) })),
    fc.oneof(wrongType(['string']), deep).map((text) => ({ page: 'checker', text })),
  ),
};

/** Bodies that are not objects at all: every request refuses them. */
const nonObjectBody = fc.constantFrom(null, 'body', 42, true, '{}');

const BREAKABLE = NAMES.filter((n) => Object.hasOwn(INVALID_BODIES, n));

describe('background requests: legitimate messages are accepted', () => {
  it('every request with a valid body from an allowed sender is accepted with that body', () => {
    fc.assert(
      fc.property(validRequest, fc.boolean(), ({ name, body, kind }, wire) => {
        const message = { to: 'background', name, body };
        const result = validateBackgroundRequest(wire ? overWire(message) : message, kind);
        if (!result.ok) throw new Error(`valid ${name} from ${kind} refused: ${result.error}`);
        expect(result.name).toBe(name);
        expect(result.body).toEqual(wire ? overWire(body) : body);
        accepted.background += 1;
      }),
      { numRuns: runs(400) },
    );
  });

  it('unknown keys (including __proto__ and constructor) are dropped, never copied, never polluting', () => {
    fc.assert(
      fc.property(
        validRequest,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'isAdmin', 'to'),
        fc.jsonValue({ maxDepth: 2 }),
        ({ name, body, kind }, key, value) => {
          // JSON.parse creates an own "__proto__" key, as a message from the wire would have.
          const extra = `${JSON.stringify(key)}:{"polluted":true,"isAdmin":${JSON.stringify(value)}}`;
          const text = JSON.stringify({ to: 'background', name, body }).replace(/"body":\{(\}?)/, (_, close: string) => `"body":{${extra}${close ? '}' : ','}`);
          const result = validateBackgroundRequest(JSON.parse(text), kind);
          if (!result.ok) throw new Error(`valid ${name} with an extra key refused: ${result.error}`);
          expect(Object.hasOwn(result.body as object, key)).toBe(false);
          expect(result.body).toEqual(overWire(body));
          expectPrototypesClean();
          accepted.background += 1;
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe('background requests: hostile messages are refused', () => {
  it('values that are not objects', () => {
    fc.assert(
      fc.property(notAnObject, (raw) => expectBackgroundRefused(raw, KINDS, /not an object/)),
      { numRuns: runs(120) },
    );
  });

  it('messages not addressed to the background (tab commands, other listeners’ traffic)', () => {
    fc.assert(
      fc.property(
        validRequest,
        fc.oneof(fc.constantFrom(undefined, null, 'tab', 'Background', ' background', 'background ', 'BACKGROUND', ['background'], 1), fc.string({ maxLength: 20 }).filter((s) => s !== 'background')),
        ({ name, body }, to) => expectBackgroundRefused({ to, name, body }, KINDS, /not addressed to the background/),
      ),
      { numRuns: runs(120) },
    );
  });

  it('unknown names: prototype keys, near misses of real names, tab commands, huge strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(unknownName(NAMES), fc.constantFrom(...COMMANDS.filter((c) => !NAMES.includes(c as BackgroundRequestName)))),
        fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 })),
        (name, body) => expectBackgroundRefused({ to: 'background', name, body }, KINDS, /^unknown message /),
      ),
      { numRuns: runs(200) },
    );
  });

  it('names that are not strings, even when they stringify to a real name', () => {
    fc.assert(
      fc.property(nonStringName(NAMES), (name) => expectBackgroundRefused({ to: 'background', name, body: {} }, KINDS, /^unknown message /)),
      { numRuns: runs(60) },
    );
  });

  it('forbidden senders: a content script asking for tab findings, a feed update or settings; anyone unknown', () => {
    const forbidden = fc.constantFrom(...NAMES).chain((name) =>
      fc.record({ name: fc.constant(name), body: VALID_BODIES[name] ?? fc.constant({}), kind: fc.constantFrom(...KINDS.filter((k) => !(MESSAGE_ACCESS[name] as readonly Kind[]).includes(k))) }),
    );
    fc.assert(
      fc.property(forbidden, ({ name, body, kind }) => expectBackgroundRefused({ to: 'background', name, body }, [kind], /is not allowed from this sender$/)),
      { numRuns: runs(200) },
    );
    // The privileges that matter most, spelled out.
    for (const name of ['tab-findings', 'feed-update-now', 'settings-changed'] as const) {
      expect(MESSAGE_ACCESS[name]).not.toContain('content');
      expectError(validateBackgroundRequest({ to: 'background', name, body: name === 'tab-findings' ? { tabId: 1 } : {} }, 'content'), /not allowed/);
    }
    for (const name of ['page-findings', 'inject-ui'] as const) expect(MESSAGE_ACCESS[name]).not.toContain('extension');
  });

  it('a forbidden sender is refused before its body is looked at', () => {
    // Otherwise a page could probe the schema (and our limits) through a content script's errors.
    fc.assert(
      fc.property(fc.constantFrom('tab-findings', 'feed-update-now', 'settings-changed'), fc.jsonValue({ maxDepth: 3 }), (name, body) =>
        expectBackgroundRefused({ to: 'background', name, body }, ['content', 'other'], /is not allowed from this sender$/),
      ),
      { numRuns: runs(100) },
    );
  });

  it('invalid bodies from allowed senders: wrong types, missing fields, huge strings, long lists, bad ids and URLs, deep nesting', () => {
    const invalid = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...BREAKABLE).chain((name) => fc.record({ name: fc.constant(name), body: INVALID_BODIES[name]! })) },
      { weight: 2, arbitrary: fc.record({ name: fc.constantFrom(...NAMES), body: nonObjectBody }) },
    );
    fc.assert(
      fc.property(invalid, ({ name, body }) => {
        const kinds = MESSAGE_ACCESS[name];
        expectBackgroundRefused({ to: 'background', name, body }, kinds, new RegExp(`^message ${name} is invalid: .+`));
      }),
      { numRuns: runs(500) },
    );
  });

  it('page findings with a script URL are refused: the badge and side panel never hold one', () => {
    for (const url of ['javascript:alert(document.domain)', 'data:text/html,x', 'chrome-extension://x/options.html']) {
      const body = { findings: { url, title: '', onTopic: true, score: 1, reasons: [], mentionCount: 1, stationIds: [], claimIds: [], mentions: [], discreet: false } };
      expectError(validateBackgroundRequest({ to: 'background', name: 'page-findings', body }, 'content'), /url/);
      hostile.background += 1;
    }
  });
});

describe('tab commands', () => {
  it('every command with a valid body is accepted', () => {
    const valid = fc.constantFrom(...COVERED_COMMANDS).chain((name) => fc.record({ name: fc.constant(name), body: VALID_COMMAND_BODIES[name]! }));
    fc.assert(
      fc.property(valid, fc.boolean(), ({ name, body }, wire) => {
        const message = { to: 'tab', name, body };
        const result = validateTabCommand(wire ? overWire(message) : message);
        if (!result.ok) throw new Error(`valid ${name} refused: ${result.error}`);
        expect(result.name).toBe(name);
        expect(result.body).toEqual(wire ? overWire(body) : body);
        accepted.tab += 1;
      }),
      { numRuns: runs(150) },
    );
  });

  it('values that are not objects', () => {
    fc.assert(fc.property(notAnObject, (raw) => expectTabRefused(raw, /not an object/)), { numRuns: runs(150) });
  });

  it('not addressed to a tab: background requests never run as commands', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMMANDS),
        fc.oneof(fc.constantFrom(undefined, null, 'background', 'Tab', 'tab ', ['tab']), fc.string({ maxLength: 12 }).filter((s) => s !== 'tab')),
        (name, to) => expectTabRefused({ to, name, body: name === 'jump' ? { index: 0 } : {} }, /^unknown command$/),
      ),
      { numRuns: runs(200) },
    );
  });

  it('unknown names: prototype keys, near misses, background-only requests, huge strings, non-strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          unknownName(COMMANDS),
          fc.constantFrom(...NAMES.filter((n) => !COMMANDS.includes(n as TabCommandName))),
          nonStringName(COMMANDS),
        ),
        fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 })),
        (name, body) => expectTabRefused({ to: 'tab', name, body }, /^unknown command$/),
      ),
      { numRuns: runs(300) },
    );
  });

  it('invalid bodies: jump to a negative, fractional, textual or missing index; non-object bodies', () => {
    const badIndex = fc.oneof(
      fc.integer({ max: -1 }),
      fc.double({ min: 0.001, max: 1e9, noInteger: true }),
      fc.constantFrom(NaN, Infinity, -Infinity, '0', '1', null, [0], true),
      deep,
    );
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 3, arbitrary: badIndex.map((index) => ({ name: 'jump' as TabCommandName, body: { index } as unknown })) },
          { weight: 1, arbitrary: fc.constant({ name: 'jump' as TabCommandName, body: {} as unknown }) },
          ...(COMMANDS.includes('jump-annotation' as TabCommandName)
            ? [{ weight: 1, arbitrary: fc.oneof(fc.constant({}), wrongType(['string']).map((id) => ({ id })), fc.constant({ id: 'j'.repeat(501) })).map((body) => ({ name: 'jump-annotation' as TabCommandName, body: body as unknown })) }]
            : []),
          { weight: 2, arbitrary: fc.record({ name: fc.constantFrom(...COMMANDS), body: nonObjectBody as fc.Arbitrary<unknown> }) },
        ),
        ({ name, body }) => expectTabRefused({ to: 'tab', name, body }, new RegExp(`^command ${name} is invalid$`)),
      ),
      { numRuns: runs(400) },
    );
  });
});

describe('counts', () => {
  it(`each surface saw at least ${MIN_HOSTILE_PER_SURFACE} hostile messages`, () => {
    if (SCALE < 1) return;
    expect(hostile.background).toBeGreaterThanOrEqual(MIN_HOSTILE_PER_SURFACE);
    expect(hostile.tab).toBeGreaterThanOrEqual(MIN_HOSTILE_PER_SURFACE);
  });
});
