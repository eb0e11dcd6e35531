import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
export function runTsips(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const p = spawn(process.execPath, [TSIPS_BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`tsips ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/**
 * Start `tsips -f <config>` in the foreground and wait for its "listening on" banner.
 * Always pair with stop() (afterAll/afterEach): it sends SIGTERM, then SIGKILL after 5 s.
 */
export async function startTsips(configFile: string, opts: { timeoutMs?: number; args?: string[] } = {}): Promise<TsipsProcess> {
  const proc = spawn(process.execPath, [TSIPS_BIN, '-f', configFile, ...(opts.args ?? [])], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = () =>
    new Promise<number | null>((res) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return res(proc.exitCode);
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', (code) => {
        clearTimeout(kill);
        res(code);
      });
      proc.kill('SIGTERM');
    });
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (!/tsips \S+ listening on /.test(out)) {
    if (proc.exitCode !== null) throw new Error(`tsips exited with ${proc.exitCode} before listening:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`tsips did not start listening in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, output: () => out, stop };
}
