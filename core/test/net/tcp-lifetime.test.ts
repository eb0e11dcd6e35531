import { afterEach, describe, expect, it } from 'vitest';
import type { GlobalParams } from '../../src/config/globals.js';
import { Cleanup, connect, tcpServer, waitFor, type TcpServer } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());
const server = (over: Partial<GlobalParams> = {}): Promise<TcpServer> => tcpServer(c, over);

describe('TCP lifetime (tcp-core.md §4)', () => {
  it('closes an idle connection once tcp_connection_lifetime passes: "Timeout on no traffic"', async () => {
    const s = await server({ tcp_connection_lifetime: 1 });
    const client = await connect(c, s.l.port);
    const t0 = Date.now();
    const ended = new Promise<void>((r) => client.once('end', () => r()));
    await waitFor(() => s.closed.length === 1, 'idle close', 4000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(s.closed[0]!.reason).toEqual({ kind: 'timeout', text: 'Timeout on no traffic' });
    await ended; // the peer sees our FIN
    expect(s.stats.read('tcp', 'closed_timeout')).toBe(1);
  });

  it('refreshes the lifetime on every complete message (extend only)', async () => {
    const s = await server({ tcp_connection_lifetime: 1 });
    const client = await connect(c, s.l.port);
    await waitFor(() => s.tcp.count() === 1, 'accepted');
    const id = s.tcp.list()[0]!.id;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 400));
      client.write(`keep ${i}\n`);
    }
    await waitFor(() => s.sink.got.length === 4, 'messages');
    expect(s.closed).toEqual([]); // 1.6 s > lifetime, but traffic kept it alive
    // a shorter extension never shortens the deadline; 'set' does
    const before = s.tcp.get(id)!.lifetimeDeadline;
    expect(s.tcp.setLifetime(id, 0, 'extend')).toBe(true);
    expect(s.tcp.get(id)!.lifetimeDeadline).toBe(before);
    expect(s.tcp.setLifetime(id, 30, 'extend')).toBe(true);
    expect(s.tcp.get(id)!.lifetimeDeadline).toBeGreaterThan(Date.now() + 29_000);
    expect(s.tcp.setLifetime(id, 0, 'set')).toBe(true);
    await waitFor(() => s.closed.length === 1, 'close after set 0');
    expect(s.closed[0]!.reason.kind).toBe('timeout');
    expect(s.tcp.setLifetime(id, 5, 'set')).toBe(false);
  });

  it('closes a connection whose message stays incomplete past tcp_max_msg_time', async () => {
    const s = await server({ tcp_max_msg_time: 1, tcp_connection_lifetime: 60 });
    const slow = await connect(c, s.l.port);
    const fine = await connect(c, s.l.port);
    slow.write('no end of line yet');
    const t0 = Date.now();
    await waitFor(() => s.closed.length === 1, 'read timeout', 4000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(s.closed[0]!.reason).toEqual({ kind: 'read-timeout', text: 'Read timeout withincomplete SIP message' });
    expect(s.stats.read('tcp', 'read_timeouts')).toBe(1);
    fine.write('served\n');
    await waitFor(() => s.sink.got.length === 1, 'other connection served');
  });

  it('re-arms the read deadline when a message completes and another starts', async () => {
    const s = await server({ tcp_max_msg_time: 1, tcp_connection_lifetime: 60 });
    const client = await connect(c, s.l.port);
    client.write('part');
    await new Promise((r) => setTimeout(r, 700));
    client.write('ial\nnext');
    await new Promise((r) => setTimeout(r, 700));
    // 1.4 s after the first bytes, but the pending message ("next") is only 0.7 s old
    expect(s.closed).toEqual([]);
    expect(s.sink.got.map((g) => g.text)).toEqual(['partial\n']);
    await waitFor(() => s.closed.length === 1, 'read timeout of the second message', 3000);
  });
});
