import dgram from 'node:dgram';
import net from 'node:net';
import { createTestServer, type ModuleDefinition, type TestServer } from '@tsips/core';
import protoHep, { decodeHep, type HepPacket } from '../src/index.js';
export { waitFor, recorder } from '@tsips/core';

/** A HEP collector on 127.0.0.1:0 (UDP or TCP) that decodes what it gets. */
export interface Collector {
  port: number;
  packets: HepPacket[];
  /** TCP: accepted connections so far */
  conns: net.Socket[];
  close(): Promise<void>;
}

export async function udpCollector(): Promise<Collector> {
  const s = dgram.createSocket('udp4');
  const packets: HepPacket[] = [];
  s.on('message', (m) => {
    const r = decodeHep(m);
    if (r.ok) packets.push(r.packet);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, packets, conns: [], close: () => new Promise((r) => s.close(() => r())) };
}

/** TCP collector: splits the stream by the HEP3 length field. */
export async function tcpCollector(port = 0): Promise<Collector> {
  const packets: HepPacket[] = [];
  const conns: net.Socket[] = [];
  const srv = net.createServer((c) => {
    conns.push(c);
    c.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 6 && buf.length >= buf.readUInt16BE(4)) {
        const len = buf.readUInt16BE(4);
        const r = decodeHep(buf.subarray(0, len));
        if (r.ok) packets.push(r.packet);
        buf = buf.subarray(len);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    packets,
    conns,
    close: () =>
      new Promise((r) => {
        for (const c of conns) c.destroy();
        srv.close(() => r());
      }),
  };
}

/** Everything a test opened, closed in afterEach. */
export class Cleanup {
  private readonly servers: TestServer[] = [];
  private readonly closers: (() => unknown)[] = [];

  async server(config: string, modules: readonly ModuleDefinition[] = []): Promise<TestServer> {
    const s = await createTestServer(config, { modules: [protoHep, ...modules] });
    this.servers.push(s);
    return s;
  }

  add<T extends { close(): unknown } | { destroy(): unknown }>(x: T): T {
    this.closers.push(() => ('close' in x ? x.close() : x.destroy()));
    return x;
  }

  async run(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
    for (const c of this.closers.splice(0)) await c();
  }
}



export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a statistic's value by "group:name" */
export function stat(s: TestServer, name: string): number {
  const [group, n] = name.split(':') as [string, string];
  return s.server.stats.counter(group, n).value;
}
