import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// End-to-end tests start real processes on fixed loopback ports: run files one at a time.
export default mergeConfig(shared, defineConfig({
  test: { include: ['e2e/**/*.test.ts'], globalSetup: ['e2e/lib/global-tmp.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 },
}));
