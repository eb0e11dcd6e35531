import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild, startChild, waitForOutput } from './proc.js';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const TSIPS_BIN = join(REPO, 'core/bin/tsips.js');

export interface TsipsProcess {
  proc: ChildProcess;
  /** everything it wrote to stdout+stderr so far */
  output(): string;
  stop(): Promise<number | null>;
}

/** Write a config to a temp dir (relative paths in it resolve there) and return its path. */
export function writeConfig(text: string, name = 'tsips.cfg'): string {
  // inside the run's folder (lib/global-tmp.ts), which is removed when the run ends
  const dir = mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'cfg-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Run `tsips` with arguments to completion (e.g. -C checks); bounded by `timeoutMs`. */
export async function runTsips(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runChild(process.execPath, [TSIPS_BIN, ...args], timeoutMs, { cwd: REPO });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start `tsips -f <config>` in the foreground and wait for its "listening on" banner.
 * Always pair with stop() (afterAll/afterEach): it sends SIGTERM, then SIGKILL after 5 s.
 */
export async function startTsips(configFile: string, opts: { timeoutMs?: number; args?: string[] } = {}): Promise<TsipsProcess> {
  const child = startChild(process.execPath, [TSIPS_BIN, '-f', configFile, ...(opts.args ?? [])], { cwd: REPO });
  await waitForOutput(child, /tsips \S+ listening on /, 'tsips', opts.timeoutMs);
  return { proc: child.proc, output: child.output, stop: () => child.stop() };
}
