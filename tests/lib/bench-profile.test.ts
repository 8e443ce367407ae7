import { describe, expect, it } from 'vitest';
import { extensionCpu, scriptCompiles, type Profile, type TraceEvent } from '../../bench/profile';

const EXT = 'chrome-extension://abc/';

/** A profile of: program, our script's top level, the page's own script; samples every 100 µs from t = 1000 µs. */
function profileOf(kinds: ('program' | 'ours' | 'page')[]): Profile {
  const ids = { program: 2, ours: 3, page: 4 };
  return {
    startTime: 1000,
    nodes: [
      { id: 1, callFrame: { url: '', functionName: '(root)' }, children: [2, 3, 4] },
      { id: 2, callFrame: { url: '', functionName: '(program)' } },
      { id: 3, callFrame: { url: `${EXT}page-watch.js`, functionName: '' } },
      { id: 4, callFrame: { url: 'http://page.test/app.js', functionName: 'app' } },
    ],
    samples: kinds.map((k) => ids[k]),
    timeDeltas: kinds.map(() => 100),
  };
}

describe('the page benchmarks count the compile of our scripts', () => {
  it('takes the v8.compile events of our script URLs only', () => {
    const events: TraceEvent[] = [
      { name: 'v8.compile', ph: 'X', ts: 1100, dur: 400, args: { data: { url: `${EXT}page-watch.js` } } },
      { name: 'v8.compile', ph: 'X', ts: 3000, dur: 900, args: { data: { url: 'http://page.test/app.js' } } },
      { name: 'v8.run', ph: 'X', ts: 1500, dur: 300, args: { data: { url: `${EXT}page-watch.js` } } },
      { name: 'v8.compile', ph: 'X', ts: 5000, dur: 200, args: { data: {} } },
    ];
    expect(scriptCompiles(events, EXT)).toEqual([{ url: `${EXT}page-watch.js`, startUs: 1100, durUs: 400 }]);
  });

  it('adds the compile to the work, and to the stretch the script runs in', () => {
    // Samples at 1100..2000 µs: program while compiling (1100-1500), then ours, then the page's.
    const profile = profileOf(['program', 'program', 'program', 'program', 'program', 'ours', 'ours', 'ours', 'page', 'page']);
    const without = extensionCpu(profile, EXT);
    expect(without.totalMs).toBeCloseTo(0.3, 5);
    const compiled = extensionCpu(profile, EXT, [{ url: `${EXT}page-watch.js`, startUs: 1100, durUs: 400 }]);
    expect(compiled.totalMs).toBeCloseTo(0.7, 5);
    // The compile's samples (1100-1500) and the three of ours after them are one stretch.
    expect(compiled.longestMs).toBeGreaterThan(without.longestMs);
    expect(compiled.longestMs).toBeCloseTo(0.8, 5);
  });

  it('does not count the page’s own compiles or program time as ours', () => {
    const profile = profileOf(['program', 'page', 'page', 'program']);
    expect(extensionCpu(profile, EXT, []).totalMs).toBe(0);
    expect(extensionCpu(profile, EXT, []).longestMs).toBe(0);
  });
});
