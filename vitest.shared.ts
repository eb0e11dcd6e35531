import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
// each package's run leaves a JSON report that tools/run-tests.mjs sums into one closing line
const reportName = relative(root, process.cwd()).replace(/[\\/]/g, '_') || 'root';

/**
 * Tests run against the TypeScript sources of every workspace package, never against a
 * stale dist/: `@tsips/core` maps to core/src and `@tsips/<name>` to modules/<name>/src.
 */
function workspaceSources(id: string): string | undefined {
  const m = /^@tsips\/([a-z0-9_-]+)$/.exec(id);
  if (!m) return undefined;
  const name = m[1]!;
  const candidates = name === 'core'
    ? [join(root, 'core/src/index.ts')]
    : [join(root, 'modules', name, 'src/index.ts'), join(root, 'tools', name, 'src/index.ts')];
  return candidates.find((p) => existsSync(p));
}

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  plugins: [{ name: 'tsips-workspace-sources', enforce: 'pre', resolveId: (id: string) => workspaceSources(id) }],
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    testTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: join(root, 'test-results', `${reportName}.json`) }]],
    hookTimeout: 30_000,
  },
});
