import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild, waitExit } from '../children.js';
import { withFullNoFile } from './conns-peers.js';

/** The compiled client script next to this file's folder (dist/conns-client.js). */
const CLIENT_JS = fileURLToPath(new URL('../conns-client.js', import.meta.url));

export interface OpenResult {
  ok: number;
  failed: number;
  /** connections the client holds now */
  open: number;
}

/** Parses the client's "opened <ok> <failed> <open>" answer. */
export function parseOpened(line: string): OpenResult {
  const m = /^opened (\d+) (\d+) (\d+)$/.exec(line.trim());
  if (!m) throw new Error(`conns client: unexpected answer "${line}"`);
  return { ok: Number(m[1]), failed: Number(m[2]), open: Number(m[3]) };
}

/** Drives one conns-client.js process over its stdin/stdout (one command, one answer). */
export class ConnsClient {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const w = this.waiting;
      if (w) {
        this.waiting = undefined;
        w(line);
      } else this.lines.push(line);
    });
  }

  static start(port: number): ConnsClient {
    const run = withFullNoFile(process.execPath, [CLIENT_JS, String(port)]);
    return new ConnsClient(spawnTracked(run.cmd, run.args, { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('conns client did not start');
    return this.child.pid;
  }

  private ask(cmd: string, timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.reject(new Error(`conns client: unexpected output "${queued}"`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error(`conns client: no answer to "${cmd}" in ${timeoutMs} ms`)); }, timeoutMs);
      this.waiting = (line) => { clearTimeout(timer); resolve(line); };
      this.child.stdin!.write(`${cmd}\n`);
    });
  }

  /** Opens `k` connections at once; resolves when each connected or failed (10 s at most). */
  async open(k: number): Promise<OpenResult> {
    return parseOpened(await this.ask(`open ${k}`, 30_000));
  }

  async close(): Promise<void> {
    const a = await this.ask('close', 30_000);
    if (a !== 'closed') throw new Error(`conns client: unexpected answer "${a}"`);
  }

  async status(): Promise<{ open: number; closedByPeer: number }> {
    const a = await this.ask('status', 10_000);
    const m = /^status (\d+) (\d+)$/.exec(a);
    if (!m) throw new Error(`conns client: unexpected answer "${a}"`);
    return { open: Number(m[1]), closedByPeer: Number(m[2]) };
  }

  /** Ends the client: EOF on stdin makes it exit; a signal if it does not. */
  async stop(): Promise<void> {
    this.child.stdin?.end();
    if (!(await waitExit(this.child, 5000))) await stopChild(this.child, 2000);
  }
}
