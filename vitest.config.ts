import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit tiers only: tests/lib runs in Node, tests/dom opts into happy-dom per file.
// The e2e tier has its own config (vitest.e2e.config.ts) because it needs a built extension.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['tests/lib/**/*.test.ts', 'tests/dom/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
