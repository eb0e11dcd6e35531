import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, TSIPS_BIN } from './paths.js';

/**
 * What the server logged, as far as the campaign cares: error-level lines (an exception the
 * server caught is a bug the fuzzer found), the reasons it gave for closing connections, and
 * the last lines for a failure report. pino writes one JSON object a line.
 */
export class LogWatch {
  readonly closeReasons = new Map<string, number>();
  readonly messages = new Map<string, number>();
  private tail: string[] = [];
  private errors: string[] = [];
  private partial = '';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) this.line(line);
  }

  private line(line: string): void {
    this.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}...` : line);
    if (this.tail.length > 300) this.tail = this.tail.slice(-200);
    let rec: { level?: number; msg?: string; reason?: unknown } | undefined;
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      // not pino: a crash stack trace or a start-up message
      if (/Error|at .*\(.*:\d+:\d+\)|FATAL|Abort/.test(line)) this.errors.push(line);
      return;
    }
    const msg = rec?.msg ?? '';
    this.messages.set(msg, (this.messages.get(msg) ?? 0) + 1);
    if (msg.startsWith('closing connection') && typeof rec?.reason === 'string') this.closeReasons.set(rec.reason, (this.closeReasons.get(rec.reason) ?? 0) + 1);
    if ((rec?.level ?? 0) >= 50) this.errors.push(line);
  }

  /** error-level lines logged since the last call */
  takeErrors(): string[] {
    const e = this.errors;
    this.errors = [];
    return e;
  }

  lastLines(n = 100): string[] {
    return this.tail.slice(-n);
  }
}

export interface ServerProcess {
  pid: number;
  logs: LogWatch;
  /** undefined while running, else how it ended */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** Start `tsips -f <config>` (the built CLI) and wait for its "listening on" banner. */
export async function startServer(configText: string, timeoutMs = 30_000): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tsips-fuzz-'));
  const cfg = join(dir, 'fuzz.cfg');
  writeFileSync(cfg, configText);
  const child: ChildProcess = spawn(process.execPath, [TSIPS_BIN, '-f', cfg], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = new LogWatch();
  let stdout = '';
  let exit: string | undefined;
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.length > 65536) stdout = stdout.slice(-4096);
  });
  child.stderr!.on('data', (d: Buffer) => logs.feed(d.toString()));
  child.on('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exited with code ${code}`));
  child.on('error', (e) => (exit = `spawn failed: ${e.message}`));
  const stop = async (): Promise<void> => {
    if (exit === undefined && child.pid !== undefined) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!/listening on /.test(stdout)) {
    if (exit !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`tsips did not start (${exit ?? 'no banner in time'}):\n${logs.lastLines(30).join('\n')}\n${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid: child.pid!, logs, exited: () => exit, stop };
}

/** A server started elsewhere: alive while its pid is. */
export function attachedServer(pid: number | undefined): ServerProcess {
  const alive = (): boolean => {
    if (pid === undefined) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return { pid: pid ?? 0, logs: new LogWatch(), exited: () => (alive() ? undefined : `process ${pid} is gone`), stop: async () => undefined };
}

/** Resident set size of `pid` in MB from /proc, or undefined. */
export async function rssMb(pid: number): Promise<number | undefined> {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
