import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Stat } from '@tsips/core';
import { batchSender, type BatchSender } from '../src/send/sendmmsg.js';
import type { SendStats } from '../src/send/stats.js';
import { UdpLink } from '../src/send/udp.js';
import { Cleanup, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const newStats = (): SendStats => ({ sent: new Stat('t', 'sent'), failures: new Stat('t', 'failures'), dropped: new Stat('t', 'dropped') });
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Packets carved from one slab like the encoder's, each with distinct bytes and length. */
function packets(n: number): Buffer[] {
  const slab = Buffer.allocUnsafe(n * 300);
  const out: Buffer[] = [];
  for (let i = 0, off = 0; i < n; i++) {
    const len = 100 + (i % 20) * 7;
    const b = slab.subarray(off, off + len);
    for (let j = 0; j < len; j++) b[j] = (i * 31 + j) & 255;
    out.push(b);
    off += len + 3;
  }
  return out;
}

async function rawSink(): Promise<{ port: number; got: Buffer[]; close(): Promise<void> }> {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, got, close: () => new Promise((r) => s.close(() => r())) };
}

/** A link whose batch sender is recorded (and optionally replaced), connected before use. */
async function link(port: number, st: SendStats, inner: BatchSender | null): Promise<{ link: UdpLink; calls: number[] }> {
  const calls: number[] = [];
  const spy: BatchSender | null = inner && ((fd, bufs, from, n) => (calls.push(n), inner(fd, bufs, from, n)));
  const l = c.add(new UdpLink('127.0.0.1', port, st, spy));
  l.send(Buffer.from('first'));
  await waitFor(() => st.sent.value === 1, 'connected');
  return { link: l, calls };
}

describe('UdpLink: the packets of one event-loop turn in one sendmmsg', () => {
  const real = batchSender();

  it('sendmmsg is available here (Linux x64 with koffi)', () => {
    expect(real).not.toBeNull();
  });

  it('sends at the end of the turn, in one call, every packet byte-identical and in order', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const { link: l, calls } = await link(sink.port, st, real);
    const pk = packets(15);
    for (const p of pk) l.send(p);
    expect(calls).toEqual([]); // nothing sent within the turn
    expect(st.sent.value).toBe(1);
    await nextTurn();
    expect(calls).toEqual([15]);
    expect(st.sent.value).toBe(16);
    await waitFor(() => sink.got.length === 16, 'all packets');
    expect(sink.got.slice(1)).toEqual(pk);
  });

  it('a batch longer than 64 takes several calls, still in order', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const { link: l, calls } = await link(sink.port, st, real);
    const pk = packets(130);
    for (const p of pk) l.send(p);
    await nextTurn();
    expect(calls).toEqual([64, 64, 2]);
    await waitFor(() => sink.got.length === 131, 'all packets');
    expect(sink.got.slice(1)).toEqual(pk);
    expect(st.sent.value).toBe(131);
  });

  it('falls back to one dgram send per packet after an error or a partial batch, keeping the order', async () => {
    for (const inner of [(): number => -1, (fd: number, b: readonly Buffer[], from: number): number => real!(fd, b, from, 4)] as BatchSender[]) {
      const sink = c.add(await rawSink());
      const st = newStats();
      const { link: l, calls } = await link(sink.port, st, inner);
      const pk = packets(10);
      for (const p of pk) l.send(p);
      await nextTurn();
      expect(calls).toEqual([10]);
      await waitFor(() => sink.got.length === 11, 'all packets');
      expect(sink.got.slice(1)).toEqual(pk);
      expect([st.sent.value, st.failures.value, st.dropped.value]).toEqual([11, 0, 0]);
    }
  });

  it('without sendmmsg every packet goes through dgram at once', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const { link: l } = await link(sink.port, st, null);
    const pk = packets(5);
    for (const p of pk) l.send(p);
    expect(st.sent.value).toBe(6); // sent within the turn
    await waitFor(() => sink.got.length === 6, 'all packets');
    expect(sink.got.slice(1)).toEqual(pk);
  });

  it('close() sends what the turn queued before closing', async () => {
    const sink = c.add(await rawSink());
    const st = newStats();
    const { link: l, calls } = await link(sink.port, st, real);
    const pk = packets(3);
    for (const p of pk) l.send(p);
    l.close();
    expect(calls).toEqual([3]);
    await waitFor(() => sink.got.length === 4, 'all packets');
    expect(sink.got.slice(1)).toEqual(pk);
  });

  it('a collector that is not listening: failures counted, never thrown', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const st = newStats();
    const l = c.add(new UdpLink('127.0.0.1', port, st, real));
    for (let i = 0; i < 20 && st.failures.value === 0; i++) {
      expect(() => { for (const p of packets(3)) l.send(p); }).not.toThrow();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(st.failures.value).toBeGreaterThan(0);
  });
});
