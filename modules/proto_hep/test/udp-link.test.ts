import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Stat } from '@tsips/core';
import type { SendStats } from '../src/send/stats.js';
import { UdpLink } from '../src/send/udp.js';
import { Cleanup, udpCollector, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const newStats = (): SendStats => ({ sent: new Stat('t', 'sent'), failures: new Stat('t', 'failures'), dropped: new Stat('t', 'dropped') });
const pkt = (n: number): Buffer => Buffer.from(`HEP3-${n}`);

/** A UDP port nobody listens on (bound, read, closed). */
async function deadPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The raw datagrams a socket on 127.0.0.1:0 receives, with the sender's port. */
async function rawSink(): Promise<{ port: number; got: { text: string; from: number }[]; close(): Promise<void> }> {
  const s = dgram.createSocket('udp4');
  const got: { text: string; from: number }[] = [];
  s.on('message', (m, r) => got.push({ text: m.toString(), from: r.port }));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, got, close: () => new Promise((r) => s.close(() => r())) };
}

describe('UdpLink: one connected socket per HEP destination', () => {
  it('packets sent while the socket connects arrive first, in order, then later ones', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const link = c.add(new UdpLink('127.0.0.1', sink.port, st));
    for (let i = 0; i < 5; i++) link.send(pkt(i)); // all before the connect callback
    await waitFor(() => sink.got.length === 5, 'early packets');
    link.send(pkt(5));
    await waitFor(() => sink.got.length === 6, 'a packet after connect');
    expect(sink.got.map((g) => g.text)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `HEP3-${i}`));
    // one socket: every packet from the same source port
    expect(new Set(sink.got.map((g) => g.from)).size).toBe(1);
    expect([st.sent.value, st.failures.value, st.dropped.value]).toEqual([6, 0, 0]);
  });

  it('drops past 256 packets waiting for the connect, counted as dropped', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const link = c.add(new UdpLink('127.0.0.1', sink.port, st));
    for (let i = 0; i < 300; i++) link.send(pkt(i));
    expect(st.dropped.value).toBe(44);
    await waitFor(() => st.sent.value === 256, 'the 256 queued packets sent');
    expect(st.failures.value).toBe(0);
  });

  it('a collector that is not listening: failed sends are counted from the error event, never thrown', async () => {
    const st = newStats();
    const link = c.add(new UdpLink('127.0.0.1', await deadPort(), st));
    // loopback answers each datagram with ICMP port unreachable; the next send on the
    // connected socket fails with ECONNREFUSED (reported as an 'error' event)
    for (let i = 0; i < 20 && st.failures.value === 0; i++) {
      expect(() => link.send(pkt(i))).not.toThrow();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(st.failures.value).toBeGreaterThan(0);
  });

  it('two destinations use two sockets; close() drops later packets and what still waited', async () => {
    const col = c.add(await udpCollector());
    const sink = c.add(await rawSink());
    const st = newStats();
    const a = c.add(new UdpLink('127.0.0.1', sink.port, st));
    const b = c.add(new UdpLink('127.0.0.1', sink.port, st));
    a.send(pkt(1));
    b.send(pkt(2));
    await waitFor(() => sink.got.length === 2, 'one packet each');
    expect(new Set(sink.got.map((g) => g.from)).size).toBe(2);
    const d = new UdpLink('127.0.0.1', col.port, st);
    d.send(pkt(3)); // waits for the connect
    d.close();
    d.send(pkt(4));
    expect(st.dropped.value).toBe(2);
  });
});
