import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { GLOBAL_PARAMS, type GlobalParams } from '../../src/config/globals.js';
import { HookBus } from '../../src/hooks.js';
import { silentLogger } from '../../src/log.js';
import type { FramerHost, MessageSink, ProtoHandler, StreamFramer } from '../../src/net/proto.js';
import { TcpManager } from '../../src/net/tcp/manager.js';
import { Transports } from '../../src/net/transports.js';
import type { CloseReason, TcpConnInfo } from '../../src/net/tcp/types.js';
import type { Listener, ReceiveInfo } from '../../src/net/types.js';
import { StatsRegistry } from '../../src/stats/registry.js';
export { waitFor } from '../../src/testing.js';

/** Core globals with their defaults, plus overrides. */
export function globals(over: Partial<GlobalParams> = {}): GlobalParams {
  const g: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(GLOBAL_PARAMS)) g[k] = (spec as { default?: unknown }).default;
  return { ...g, ...over } as GlobalParams;
}

export function listener(proto: string, ip: string, port = 0): Listener {
  const family = ip.includes(':') ? 6 : 4;
  return { proto, ip, port, family, name: `${proto}:${family === 6 ? `[${ip}]` : ip}:${port}` };
}

/** Test framer: one message per LF-terminated line (the LF included); "!" fails the connection. */
class LineFramer implements StreamFramer {
  private buf = Buffer.alloc(0);
  constructor(private readonly host: FramerHost) {}
  get pending(): boolean {
    return this.buf.length > 0;
  }
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    let lf: number;
    while ((lf = this.buf.indexOf(0x0a)) >= 0) {
      const line = this.buf.subarray(0, lf + 1);
      this.buf = this.buf.subarray(lf + 1);
      if (line[0] === 0x21) return this.host.fail('bang');
      this.host.deliver(line);
    }
  }
}

export const lineProto: ProtoHandler = { name: 'tcp', defaultPort: 5060, stream: true, createFramer: (h) => new LineFramer(h) };

export class CollectSink implements MessageSink {
  readonly got: { text: string; rcv: ReceiveInfo }[] = [];
  receive(buf: Buffer, rcv: ReceiveInfo): void {
    this.got.push({ text: buf.toString(), rcv });
  }
}

export interface Stack {
  hooks: HookBus;
  stats: StatsRegistry;
  tcp: TcpManager;
  transports: Transports;
}

export function makeStack(over: Partial<GlobalParams> = {}, scanIntervalMs = 100): Stack {
  const log = silentLogger();
  const hooks = new HookBus();
  const stats = new StatsRegistry();
  const g = globals(over);
  const tcp = new TcpManager({ log, hooks, stats, globals: g, scanIntervalMs });
  const transports = new Transports({ log, hooks, stats, tcp, globals: g });
  return { hooks, stats, tcp, transports };
}

/** Poll until `cond` holds (bounded). */

/** Everything a test opened, closed in afterEach. */
export class Cleanup {
  private readonly fns: (() => unknown)[] = [];
  add<T>(x: T, close: (x: T) => unknown): T {
    this.fns.push(() => close(x));
    return x;
  }
  socket(s: net.Socket): net.Socket {
    return this.add(s, (x) => x.destroy());
  }
  async run(): Promise<void> {
    for (const f of this.fns.splice(0).reverse()) await f();
  }
}

export function connect(c: Cleanup, port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = c.socket(net.connect({ port, host }));
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** A plain server that records what it reads and keeps its sockets. */
export async function rawServer(c: Cleanup, host = '127.0.0.1'): Promise<{ port: number; data: string[]; sockets: net.Socket[] }> {
  const data: string[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => data.push(d.toString()));
    s.on('error', () => undefined);
  });
  c.add(server, (x) => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => x.close(r));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as net.AddressInfo).port, data, sockets };
}

/**
 * A TCP port nobody accepts on: a listen(backlog 0) socket that never calls accept, its one
 * queue slot already taken, so further SYNs go unanswered (a black hole on loopback).
 */
export async function blackHole(c: Cleanup): Promise<number> {
  const py: ChildProcess = c.add(
    spawn('python3', ['-c', "import socket,sys\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0); print(s.getsockname()[1], flush=True); sys.stdin.read()"], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
    (p) => p.kill(),
  );
  const port = await new Promise<number>((resolve, reject) => {
    py.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
    py.once('error', reject);
  });
  await connect(c, port); // fills the accept queue
  return port;
}

export function udpSocket(c: Cleanup, type: 'udp4' | 'udp6', ip: string): Promise<dgram.Socket> {
  const s = c.add(dgram.createSocket(type), (x) => new Promise<void>((r) => x.close(() => r())));
  return new Promise((r) => s.bind(0, ip, () => r(s)));
}

/** A loopback port that refuses connections (bound, read, then closed again). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface TcpServer extends Stack {
  sink: CollectSink;
  l: Listener;
  closed: { conn: TcpConnInfo; reason: CloseReason }[];
  connected: TcpConnInfo[];
}

/**
 * A Transports + TcpManager stack listening on ip:0 with `proto` (the line framer by default),
 * recording tcpConnected / tcpClosed. `tap` runs before the listener opens (profile hooks).
 */
export async function tcpServer(
  c: Cleanup,
  over: Partial<GlobalParams> = {},
  ip = '127.0.0.1',
  tap?: (s: Stack) => void,
  proto: ProtoHandler = lineProto,
): Promise<TcpServer> {
  const s = c.add(makeStack(over), (x) => x.transports.close());
  s.transports.registerProto(proto);
  const closed: TcpServer['closed'] = [];
  const connected: TcpConnInfo[] = [];
  s.hooks.tcpClosed.tap('t', (conn, reason) => void closed.push({ conn, reason }));
  s.hooks.tcpConnected.tap('t', (conn) => void connected.push(conn));
  tap?.(s);
  const sink = new CollectSink();
  const l = listener(proto.name, ip);
  await s.transports.bind([l], sink);
  return { ...s, sink, l, closed, connected };
}
