import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { HookBus, StatsRegistry, TcpManager, TRANSPORTS, Transports, silentLogger, type GlobalParams, type Listener, type ModuleContext, type ReceiveInfo } from '@tsips/core';
import protoUdp from '../src/index.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

function transports(): Transports {
  const log = silentLogger();
  const hooks = new HookBus();
  const stats = new StatsRegistry();
  const globals = { udp_rcvbuf: 65536, udp_sndbuf: 0, tcp_connection_lifetime: 120 } as GlobalParams;
  const t = new Transports({ log, hooks, stats, globals, tcp: new TcpManager({ log, hooks, stats, globals }) });
  open.push(t);
  return t;
}

describe('proto_udp module', () => {
  it('provides the udp proto and sets its default port from udp_port', () => {
    const t = transports();
    const ctx = { name: 'proto_udp', params: { udp_port: 5090 }, resolve: (tok: unknown) => (tok === TRANSPORTS ? t : undefined) } as unknown as ModuleContext<
      NonNullable<typeof protoUdp.params>
    >;
    protoUdp.init!(ctx);
    for (const h of protoUdp.protos!) t.registerProto(h);
    expect(protoUdp.params!.udp_port!.default).toBe(5060);
    expect(t.hasProto('udp')).toBe(true);
    expect(t.defaultPort('udp')).toBe(5090);
  });

  it('receives and answers datagrams on IPv4 and IPv6 sockets', async () => {
    const t = transports();
    for (const h of protoUdp.protos!) t.registerProto(h);
    const got: ReceiveInfo[] = [];
    const l4: Listener = { proto: 'udp', ip: '127.0.0.1', port: 0, family: 4, name: 'udp:127.0.0.1:0' };
    const l6: Listener = { proto: 'udp', ip: '::1', port: 0, family: 6, name: 'udp:[::1]:0' };
    await t.bind([l4, l6], { receive: (_b, rcv) => void got.push(rcv) });
    for (const [type, ip, l] of [['udp4', '127.0.0.1', l4], ['udp6', '::1', l6]] as const) {
      const peer = dgram.createSocket(type);
      open.push({ close: () => new Promise<void>((r) => peer.close(() => r())) });
      await new Promise<void>((r) => peer.bind(0, ip, () => r()));
      const answer = new Promise<string>((r) => peer.once('message', (m) => r(m.toString())));
      peer.send('ping', l.port, ip);
      const end = Date.now() + 2000;
      while (!got.some((g) => g.listener === l) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      const rcv = got.find((g) => g.listener === l)!;
      expect(rcv).toMatchObject({ proto: 'udp', srcIp: ip, srcPort: peer.address().port, dstPort: l.port });
      expect(t.send({ proto: 'udp', ip: rcv.srcIp, port: rcv.srcPort }, Buffer.from('pong'))).toEqual({ ok: true, conId: 0 });
      expect(await answer).toBe('pong');
    }
  });
});
