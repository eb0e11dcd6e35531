import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createTestServer, type Listener, type Logger, type ModuleDefinition, type TestServer } from '@tsips/core';
import { SqliteDriver, type SqlRow } from '@tsips/db_sqlite';
import { COLUMNS, type ColumnNames, type RuleContext } from '../src/index.js';
export { waitFor } from '@tsips/core';

export const SCHEMA = readFileSync(fileURLToPath(new URL('../../../config/db/tcp_mgm-sqlite.sql', import.meta.url)), 'utf8');

export const DEFAULT_COLS = Object.fromEntries(COLUMNS.map((c) => [c, c])) as ColumnNames;

/** A row with the schema defaults (tcp_mgm.md §2), overridden by `over`. */
export function row(over: SqlRow = {}): SqlRow {
  return {
    id: 1,
    proto: 'any',
    remote_addr: null,
    remote_port: 0,
    local_addr: null,
    local_port: 0,
    priority: 0,
    attrs: null,
    connect_timeout: 100,
    con_lifetime: 120,
    msg_read_timeout: 4,
    send_threshold: 0,
    no_new_conn: 0,
    alias_mode: 0,
    parallel_read: 0,
    keepalive: 1,
    keepcount: 9,
    keepidle: 7200,
    keepinterval: 75,
    ...over,
  };
}

const listener = (proto: string, ip: string, port: number): Listener => ({ proto, ip, port, family: ip.includes(':') ? 6 : 4, name: `${proto}:${ip}:${port}` });

export const CTX: RuleContext = {
  listeners: [listener('tcp', '127.0.0.1', 5060), listener('udp', '127.0.0.1', 5060), listener('tcp', '::1', 5070), listener('tls', '127.0.0.1', 5061)],
  isStreamProto: (p) => p === 'hep_tcp' || p === 'myproto',
};

/** SQL literal for a test value */
function lit(v: unknown): string {
  return v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
}

/** INSERT statements for rows given as partial objects (the other columns take the schema defaults). */
export function inserts(rows: SqlRow[], table = 'tcp_mgm'): string {
  return rows.map((r) => `INSERT INTO ${table} (${Object.keys(r).join(', ')}) VALUES (${Object.values(r).map(lit).join(', ')});`).join('\n');
}

/** Temporary directory with SQLite files made from SQL; removed by cleanup(). */
export class TmpDb {
  readonly dir = mkdtempSync(join(tmpdir(), 'tcp-mgm-'));
  private readonly driver = new SqliteDriver();

  async file(name: string, sql: string): Promise<string> {
    const path = join(this.dir, name);
    await this.driver.createFile(path, sql);
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Logged {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A pino logger whose JSON lines land in `lines` (to check what the module logged). */
export function captureLogger(): { logger: Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Logged) });
  return { logger, lines };
}

/** Servers and sockets a test opened, closed in afterEach. */
export class Cleanup {
  private readonly servers: TestServer[] = [];
  private readonly sockets: net.Socket[] = [];
  private readonly peers: net.Server[] = [];

  async server(config: string, logger?: Logger, modules: readonly ModuleDefinition[] = []): Promise<TestServer> {
    const s = await createTestServer(config, { logger, modules });
    this.servers.push(s);
    return s;
  }

  /** a client socket from `from` to host:port */
  connect(host: string, port: number, from?: string): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, localAddress: from });
      this.sockets.push(s);
      s.on('error', () => undefined);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  }

  /** a plain TCP server that accepts and keeps connections (an outbound peer) */
  peer(host: string): Promise<number> {
    const srv = net.createServer((sock) => {
      this.sockets.push(sock);
      sock.on('error', () => undefined);
    });
    this.peers.push(srv);
    return new Promise((resolve) => srv.listen(0, host, () => resolve((srv.address() as net.AddressInfo).port)));
  }

  async run(): Promise<void> {
    for (const s of this.sockets.splice(0)) s.destroy();
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
    await Promise.all(this.peers.splice(0).map((p) => new Promise((r) => p.close(r))));
  }
}
