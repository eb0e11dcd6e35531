#!/usr/bin/env node
// The README's test command: build every package, run every package's tests in dependency
// order (lerna), then print one closing line "N passed, N failed" summed from the JSON reports
// vitest writes to test-results/. Exits non-zero when anything failed.
// Unit suites use OS-assigned ports and mostly wait on timers, so two run at a time; the
// end-to-end package (fixed ports, SIPp load) runs alone afterwards.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const results = join(root, 'test-results');
const run = (args) => spawnSync('npx', args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run(['lerna', 'run', 'build']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
rmSync(results, { recursive: true, force: true });
const units = run(['lerna', 'run', 'test', '--concurrency', '2', '--no-bail', '--ignore', '@tsips/e2e']);
const e2e = run(['lerna', 'run', 'test', '--scope', '@tsips/e2e']);
const status = units || e2e;

let passed = 0;
let failed = 0;
let files = 0;
for (const f of (() => { try { return readdirSync(results); } catch { return []; } })()) {
  if (!f.endsWith('.json')) continue;
  const r = JSON.parse(readFileSync(join(results, f), 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  files++;
}
if (status !== 0 && failed === 0) failed = 1; // a package failed without a report (crash, no tests)
console.log(`\ntest reports: ${files} packages`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
