import { spawn, type ChildProcess } from 'node:child_process';

/** A child process the test started, with its output collected and a bounded stop. */
export interface Child {
  proc: ChildProcess;
  /** everything it wrote to stdout+stderr so far, interleaved */
  output(): string;
  /** the two streams apart */
  stdout(): string;
  stderr(): string;
  /** send `signal` (default SIGTERM), SIGKILL after 5 s; resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `cmd args` with stdout+stderr collected. Always pair with stop() in afterAll/afterEach. */
export function startChild(cmd: string, args: string[], opts: { cwd?: string } = {}): Child {
  const proc = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    stderr += d.toString();
  });
  proc.on('error', (e) => (out += `\nspawn ${cmd}: ${e.message}`));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((res) => {
      if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return res(proc.exitCode);
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', (code) => {
        clearTimeout(kill);
        res(code);
      });
      proc.kill(signal);
    });
  return { proc, output: () => out, stdout: () => stdout, stderr: () => stderr, stop };
}

/** Wait until the child's output matches `ready`; throws with its output if it exits or times out. */
export async function waitForOutput(child: Child, ready: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(child.output())) {
    if (child.proc.exitCode !== null) throw new Error(`${what} exited with ${child.proc.exitCode} before it was ready:\n${child.output()}`);
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${what} was not ready in time:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Run `cmd args` to completion, bounded by `timeoutMs` (killed and rejected beyond it). */
export function runChild(cmd: string, args: string[], timeoutMs = 20_000, opts: { cwd?: string } = {}): Promise<{ code: number | null; out: string; stdout: string; stderr: string }> {
  const child = startChild(cmd, args, opts);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.proc.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not exit within ${timeoutMs} ms\n${child.output()}`));
    }, timeoutMs);
    child.proc.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out: child.output(), stdout: child.stdout(), stderr: child.stderr() });
    });
  });
}
