import type dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/hooks.js';
import { udpProto } from '../../src/net/udp.js';
import { CollectSink, Cleanup, lineProto, listener, makeStack, udpSocket, waitFor, type Stack } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

function stack(): Stack {
  const s = c.add(makeStack(), (x) => x.transports.close());
  s.transports.registerProto(udpProto);
  return s;
}

function nextDatagram(sock: dgram.Socket): Promise<{ text: string; port: number }> {
  return new Promise((r) => sock.once('message', (m, rinfo) => r({ text: m.toString(), port: rinfo.port })));
}

describe('Transports: registry', () => {
  it('refuses a second handler for the same proto name', () => {
    const { transports } = stack();
    expect(transports.hasProto('udp')).toBe(true);
    expect(() => transports.registerProto(udpProto)).toThrow(/already registered/);
  });

  it('refuses to bind a socket whose proto no module provides', async () => {
    const { transports } = stack();
    await expect(transports.bind([listener('tls', '127.0.0.1')], new CollectSink())).rejects.toThrow(/^tls:127\.0\.0\.1:0: .*"tls"/);
  });

  it('writes the OS-assigned port back into the listener and its name; lookups find it', async () => {
    const { transports } = stack();
    transports.registerProto(lineProto);
    const u = listener('udp', '127.0.0.1');
    const t = listener('tcp', '127.0.0.1');
    await transports.bind([u, t], new CollectSink());
    expect(u.port).toBeGreaterThan(0);
    expect(t.port).toBeGreaterThan(0);
    expect(u.name).toBe(`udp:127.0.0.1:${u.port}`);
    expect(transports.listeners()).toEqual([u, t]);
    expect(transports.findListener('udp', '127.0.0.1', u.port)).toBe(u);
    expect(transports.findListener('udp', '127.0.0.1', u.port + 1)).toBeUndefined();
    expect(transports.defaultListener('tcp', 4)).toBe(t);
    expect(transports.defaultListener('tcp', 6)).toBeUndefined();
  });

  it('names the socket in a bind failure and leaves nothing open', async () => {
    const a = stack();
    const first = listener('udp', '127.0.0.1');
    await a.transports.bind([first], new CollectSink());
    const b = stack();
    const clash = listener('udp', '127.0.0.1', first.port);
    await expect(b.transports.bind([listener('udp', '127.0.0.1'), clash], new CollectSink())).rejects.toThrow(
      new RegExp(`^udp:127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`),
    );
    expect(b.transports.listeners()).toEqual([]);
  });

  it('routes a proto with its own receiver (msrp, hep) away from the SIP sink; one receiver per proto', async () => {
    const { transports } = stack();
    const own = new CollectSink();
    transports.setReceiver('udp', own);
    expect(() => transports.setReceiver('udp', new CollectSink())).toThrow(/already has a receiver/);
    const sip = new CollectSink();
    const l = listener('udp', '127.0.0.1');
    await transports.bind([l], sip);
    const peer = await udpSocket(c, 'udp4', '127.0.0.1');
    peer.send('HEP3', l.port, '127.0.0.1');
    await waitFor(() => own.got.length === 1);
    expect(own.got[0]!.text).toBe('HEP3');
    expect(sip.got).toEqual([]);
  });

  it('sets the default port a proto module configures', () => {
    const { transports } = stack();
    expect(transports.defaultPort('udp')).toBe(5060);
    transports.setDefaultPort('udp', 5070);
    expect(transports.defaultPort('udp')).toBe(5070);
  });
});

describe.each([
  ['IPv4', '127.0.0.1', 'udp4' as const],
  ['IPv6', '::1', 'udp6' as const],
])('UDP over %s', (_fam, ip, type) => {
  it('delivers a datagram to the sink with its receive info and sends back from the same socket', async () => {
    const { transports, hooks } = stack();
    const traces: TraceEvent[] = [];
    hooks.trace.tap('t', (e) => void traces.push(e));
    const sink = new CollectSink();
    const l = listener('udp', ip);
    await transports.bind([l], sink);
    const peer = await udpSocket(c, type, ip);
    const peerPort = peer.address().port;

    peer.send('OPTIONS sip:x SIP/2.0\r\n\r\n', l.port, ip);
    await waitFor(() => sink.got.length === 1, 'datagram');
    const { text, rcv } = sink.got[0]!;
    expect(text).toBe('OPTIONS sip:x SIP/2.0\r\n\r\n');
    expect(rcv).toMatchObject({ proto: 'udp', srcIp: ip, srcPort: peerPort, dstIp: ip, dstPort: l.port, conId: 0, listener: l });

    const back = nextDatagram(peer);
    const res = transports.send({ proto: 'udp', ip, port: peerPort }, Buffer.from('SIP/2.0 200 OK\r\n\r\n'));
    expect(res).toEqual({ ok: true, conId: 0 });
    expect(await back).toEqual({ text: 'SIP/2.0 200 OK\r\n\r\n', port: l.port });
    expect(traces.map((t) => [t.direction, t.srcPort, t.dstPort])).toEqual([
      ['in', peerPort, l.port],
      ['out', l.port, peerPort],
    ]);
  });

  it('reports a datagram the OS refuses through onFail', async () => {
    const { transports } = stack();
    await transports.bind([listener('udp', ip)], new CollectSink());
    const peer = await udpSocket(c, type, ip);
    const errors: string[] = [];
    const res = transports.send({ proto: 'udp', ip, port: peer.address().port }, Buffer.alloc(70_000), (e) => errors.push(e));
    expect(res.ok).toBe(true);
    await waitFor(() => errors.length === 1, 'onFail');
    expect(errors[0]).toMatch(/EMSGSIZE/);
  });
});

describe('UDP socket choice', () => {
  it('fails at once when there is no socket of the destination family', async () => {
    const { transports } = stack();
    await transports.bind([listener('udp', '127.0.0.1')], new CollectSink());
    const res = transports.send({ proto: 'udp', ip: '::1', port: 5060 }, Buffer.from('x'));
    expect(res.ok).toBe(false);
  });

  it('sends from the listener the destination names', async () => {
    const { transports } = stack();
    const a = listener('udp', '127.0.0.1');
    const b = listener('udp', '127.0.0.1');
    await transports.bind([a, b], new CollectSink());
    const peer = await udpSocket(c, 'udp4', '127.0.0.1');
    const got = nextDatagram(peer);
    transports.send({ proto: 'udp', ip: '127.0.0.1', port: peer.address().port, listener: b }, Buffer.from('via b'));
    expect(await got).toEqual({ text: 'via b', port: b.port });
    const got2 = nextDatagram(peer);
    transports.send({ proto: 'udp', ip: '127.0.0.1', port: peer.address().port }, Buffer.from('default'));
    expect(await got2).toEqual({ text: 'default', port: a.port });
  });
});
