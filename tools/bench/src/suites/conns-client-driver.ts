import { fileURLToPath } from 'node:url';
import { spawnTracked } from '../children.js';
import { LineChild } from '../line-child.js';
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
  private constructor(private readonly lc: LineChild) {}

  static start(port: number): ConnsClient {
    const run = withFullNoFile(process.execPath, [CLIENT_JS, String(port)]);
    return new ConnsClient(new LineChild('conns client', spawnTracked(run.cmd, run.args, { stdio: ['pipe', 'pipe', 'inherit'] })));
  }

  get pid(): number {
    return this.lc.pid;
  }

  /** Opens `k` connections at once; resolves when each connected or failed (10 s at most). */
  async open(k: number): Promise<OpenResult> {
    return parseOpened(await this.lc.ask(`open ${k}`, 30_000));
  }

  async close(): Promise<void> {
    const a = await this.lc.ask('close', 30_000);
    if (a !== 'closed') throw new Error(`conns client: unexpected answer "${a}"`);
  }

  async status(): Promise<{ open: number; closedByPeer: number }> {
    const a = await this.lc.ask('status', 10_000);
    const m = /^status (\d+) (\d+)$/.exec(a);
    if (!m) throw new Error(`conns client: unexpected answer "${a}"`);
    return { open: Number(m[1]), closedByPeer: Number(m[2]) };
  }

  /** Ends the client: EOF on stdin makes it exit; a signal if it does not. */
  stop(): Promise<void> {
    return this.lc.stop();
  }
}
