import net from 'node:net';
import { HookBus, StatsRegistry, TcpManager, Transports, silentLogger, type CloseReason, type GlobalParams, type Listener, type MessageSink, type ReceiveInfo, type TcpConnInfo } from '@tsips/core';
import { tcpProto } from '../src/proto.js';
export { waitFor } from '@tsips/core';

/** The TCP defaults the core globals have (GLOBAL_PARAMS), for a manager built without a config. */
const TCP_GLOBALS = {
  disable_tcp: false,
  tcp_accept_aliases: 0,
  tcp_connect_timeout: 100,
  tcp_connection_lifetime: 120,
  tcp_socket_backlog: 10,
  tcp_max_connections: 2048,
  tcp_max_msg_time: 4,
  tcp_threshold: 0,
  tcp_keepalive: true,
  tcp_keepcount: 0,
  tcp_keepidle: 0,
  tcp_keepinterval: 0,
  tcp_parallel_read_on_workers: 0,
  udp_rcvbuf: 0,
  udp_sndbuf: 0,
};

export class CollectSink implements MessageSink {
  readonly got: { text: string; rcv: ReceiveInfo; at: number }[] = [];
  receive(buf: Buffer, rcv: ReceiveInfo): void {
    this.got.push({ text: buf.toString('latin1'), rcv, at: Date.now() });
  }
}

export interface Stack {
  hooks: HookBus;
  stats: StatsRegistry;
  tcp: TcpManager;
  transports: Transports;
  sink: CollectSink;
  l: Listener;
  closed: { conn: TcpConnInfo; reason: CloseReason; at: number }[];
}

/** Core transports with proto_tcp's handler on 127.0.0.1:0, recording closes. */
export async function tcpStack(globals: Partial<GlobalParams> = {}, beforeBind?: (s: Omit<Stack, 'sink' | 'l' | 'closed'>) => void): Promise<Stack> {
  const log = silentLogger();
  const hooks = new HookBus();
  const stats = new StatsRegistry();
  const g = { ...TCP_GLOBALS, ...globals } as GlobalParams;
  const tcp = new TcpManager({ log, hooks, stats, globals: g, scanIntervalMs: 100 });
  const transports = new Transports({ log, hooks, stats, tcp, globals: g });
  beforeBind?.({ hooks, stats, tcp, transports });
  transports.registerProto(tcpProto);
  const closed: Stack['closed'] = [];
  hooks.tcpClosed.tap('test', (conn, reason) => void closed.push({ conn, reason, at: Date.now() }));
  const sink = new CollectSink();
  const l: Listener = { proto: 'tcp', ip: '127.0.0.1', port: 0, family: 4, name: 'tcp:127.0.0.1:0' };
  await transports.bind([l], sink);
  return { hooks, stats, tcp, transports, sink, l, closed };
}

export function connect(port: number, opened: net.Socket[]): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    opened.push(s);
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}


export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const OPTIONS = (n: number): string => `OPTIONS sip:x SIP/2.0\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
