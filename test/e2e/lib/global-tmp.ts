import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest globalSetup: one temporary folder for the whole e2e run (configs, routing files),
 * removed when the run ends, whatever happened to the worker processes.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tsips-e2e-run-'));
  process.env.TSIPS_E2E_TMP = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
