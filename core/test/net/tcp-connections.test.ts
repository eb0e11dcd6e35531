import { afterEach, describe, expect, it } from 'vitest';
import type { GlobalParams } from '../../src/config/globals.js';
import type { TcpProfile } from '../../src/net/tcp/types.js';
import { ConnState } from '../../src/net/tcp/types.js';
import { blackHole, closedPort, Cleanup, connect, rawServer, tcpServer, waitFor, type Stack, type TcpServer } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const server = (over: Partial<GlobalParams> = {}, ip = '127.0.0.1', tap?: (s: Stack) => void): Promise<TcpServer> => tcpServer(c, over, ip, tap);

function readLine(sock: import('node:net').Socket): Promise<string> {
  return new Promise((r) => sock.once('data', (d) => r(d.toString())));
}

describe.each(['127.0.0.1', '::1'])('TCP accept on %s', (ip) => {
  it('assigns incrementing connection ids and replies over the same connection', async () => {
    const s = await server({}, ip);
    const a = await connect(c, s.l.port, ip);
    const b = await connect(c, s.l.port, ip);
    a.write('hello a\n');
    await waitFor(() => s.sink.got.length === 1, 'first message');
    b.write('hello b\n');
    await waitFor(() => s.sink.got.length === 2, 'second message');
    const [ra, rb] = s.sink.got.map((g) => g.rcv);
    expect(ra).toMatchObject({ proto: 'tcp', srcIp: ip, srcPort: a.localPort, dstIp: ip, dstPort: s.l.port, listener: s.l });
    expect(ra!.conId).toBeGreaterThan(0);
    expect(rb!.conId).toBe(ra!.conId + 1);
    expect(s.connected.map((x) => x.id)).toEqual([ra!.conId, rb!.conId]);
    expect(s.tcp.get(ra!.conId)).toMatchObject({ state: ConnState.OK, outbound: false, remotePort: a.localPort, aliases: [a.localPort] });

    // a reply by connection id, with a destination address that matches nothing
    const got = readLine(b);
    expect(s.transports.send({ proto: 'tcp', ip: '127.0.0.9', port: 1, conId: rb!.conId }, Buffer.from('reply b\n'))).toEqual({ ok: true, conId: rb!.conId });
    expect(await got).toBe('reply b\n');
    expect(s.tcp.count()).toBe(2);
    expect(s.stats.read('tcp', 'accepted')).toBe(2);
    expect(s.stats.read('tcp', 'connections')).toBe(2);
  });
});

describe('TCP outbound', () => {
  it('opens a connection from our socket IP to an address without one, then reuses it', async () => {
    const s = await server();
    const peer = await rawServer(c);
    const errors: string[] = [];
    const r1 = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('one\n'), (e) => errors.push(e));
    const r2 = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('two\n'));
    expect(r1.ok && r2.ok && r1.conId === r2.conId).toBe(true);
    const id = (r1 as { conId: number }).conId;
    await waitFor(() => peer.data.join('') === 'one\ntwo\n', 'ordered data at the peer');
    const conn = s.tcp.get(id)!;
    expect(conn).toMatchObject({ outbound: true, state: ConnState.OK, remoteIp: '127.0.0.1', remotePort: peer.port, listener: s.l, localIp: '127.0.0.1' });
    expect(conn.localPort).not.toBe(s.l.port); // ephemeral source port
    expect(peer.sockets[0]!.remotePort).toBe(conn.localPort);
    expect(s.connected.map((x) => x.id)).toEqual([id]);
    expect(s.stats.read('tcp', 'connected')).toBe(1);

    // what the peer sends back arrives through the listener's sink with the connection id
    peer.sockets[0]!.write('answer\n');
    await waitFor(() => s.sink.got.length === 1, 'answer');
    expect(s.sink.got[0]!.rcv).toMatchObject({ conId: id, srcPort: peer.port, dstPort: conn.localPort, listener: s.l });
    expect(s.tcp.findByAddress('tcp', '127.0.0.1', peer.port)?.id).toBe(id);
    expect(errors).toEqual([]);
  });

  it('does not open a connection when the send says no-new-conn', async () => {
    const s = await server();
    const peer = await rawServer(c);
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port, noNewConn: true }, Buffer.from('x\n'));
    expect(res.ok).toBe(false);
    expect(s.tcp.count()).toBe(0);
    expect(s.stats.read('tcp', 'send_failed')).toBe(1);
  });

  it('lets a matched profile decide no-new-conn instead of the flag', async () => {
    let noNewConn = true;
    const s = await server({}, '127.0.0.1', (st) =>
      st.hooks.tcpProfileFor.tap('mgm', () => ({ ...st.tcp.defaultProfile(), id: 7, noNewConn })),
    );
    const peer = await rawServer(c);
    expect(s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('x\n')).ok).toBe(false);
    noNewConn = false;
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port, noNewConn: true }, Buffer.from('y\n'));
    expect(res.ok).toBe(true);
    await waitFor(() => peer.data.join('') === 'y\n', 'data');
    expect(s.tcp.get((res as { conId: number }).conId)!.profile.id).toBe(7);
  });

  it('reports a refused connect through onFail and a close reason', async () => {
    const s = await server();
    const port = await closedPort();
    const errors: string[] = [];
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port }, Buffer.from('x\n'), (e) => errors.push(e));
    expect(res.ok).toBe(true);
    await waitFor(() => errors.length === 1, 'onFail');
    expect(errors[0]).toMatch(/ECONNREFUSED/);
    expect(s.closed[0]!.reason).toEqual({ kind: 'error', text: 'Async connect failed' });
    expect(s.tcp.count()).toBe(0);
    expect(s.stats.read('tcp', 'connect_failed')).toBe(1);
  });

  it('gives up a connect after the profile connect timeout', async () => {
    const s = await server({ tcp_connect_timeout: 150 });
    const port = await blackHole(c);
    const errors: string[] = [];
    const t0 = Date.now();
    expect(s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port }, Buffer.from('x\n'), (e) => errors.push(e)).ok).toBe(true);
    await waitFor(() => errors.length === 1, 'connect timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(errors[0]).toMatch(/timed out after 150 ms/);
    expect(s.closed[0]!.reason.text).toBe('Async connect failed');
  });

  it('passes the chosen socket as the local side of the profile query', async () => {
    const queries: unknown[] = [];
    const s = await server({}, '127.0.0.1', (st) => st.hooks.tcpProfileFor.tap('q', (q) => void queries.push(q)));
    const peer = await rawServer(c);
    s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('x\n'));
    expect(queries).toEqual([{ proto: 'tcp', remoteIp: '127.0.0.1', remotePort: peer.port, localIp: '127.0.0.1', localPort: s.l.port }]);
  });
});

describe('TCP close reasons', () => {
  it('tells a FIN from a reset, and a local close', async () => {
    const s = await server();
    const fin = await connect(c, s.l.port);
    const rst = await connect(c, s.l.port);
    const loc = await connect(c, s.l.port);
    await waitFor(() => s.tcp.count() === 3, 'three connections');
    const [idFin, idRst, idLoc] = s.tcp.list().map((x) => x.id);
    fin.end();
    await waitFor(() => s.closed.length === 1, 'FIN close');
    rst.resetAndDestroy();
    await waitFor(() => s.closed.length === 2, 'RST close');
    expect(s.tcp.close(idLoc!)).toBe(true);
    expect(s.tcp.close(idLoc!)).toBe(false);
    const byId = new Map(s.closed.map((x) => [x.conn.id, x.reason]));
    expect(byId.get(idFin!)).toEqual({ kind: 'eof', text: 'EOF received' });
    expect(byId.get(idRst!)).toEqual({ kind: 'reset', text: 'Read error' });
    expect(byId.get(idLoc!)).toEqual({ kind: 'local', text: 'Closed by Proto layer' });
    await new Promise<void>((r) => (loc.closed ? r() : loc.once('close', () => r())));
    expect(s.tcp.count()).toBe(0);
    expect(s.stats.read('tcp', 'closed_reset')).toBe(1);
    expect(s.stats.read('tcp', 'closed_eof')).toBe(1);
  });

  it('closes a connection whose framer fails, and keeps serving the others', async () => {
    const s = await server();
    const bad = await connect(c, s.l.port);
    const good = await connect(c, s.l.port);
    bad.write('!boom\n');
    await waitFor(() => s.closed.length === 1, 'framing close');
    expect(s.closed[0]!.reason).toEqual({ kind: 'protocol', text: 'bang' });
    good.write('fine\n');
    await waitFor(() => s.sink.got.length === 1, 'good message');
    expect(s.sink.got[0]!.text).toBe('fine\n');
  });

  it('rejects accepts over tcp_max_connections and counts them', async () => {
    const s = await server({ tcp_max_connections: 1 });
    await connect(c, s.l.port);
    await waitFor(() => s.tcp.count() === 1, 'first connection');
    const extra = await connect(c, s.l.port);
    await new Promise<void>((r) => extra.once('close', () => r()));
    expect(s.tcp.count()).toBe(1);
    expect(s.stats.read('tcp', 'rejected_max_conns')).toBe(1);
    // outbound connections do not count against the limit
    const peer = await rawServer(c);
    expect(s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('x\n')).ok).toBe(true);
    await waitFor(() => peer.data.length === 1, 'outbound data');
    expect(s.tcp.count()).toBe(2);
  });
});

describe('TCP write path', () => {
  it('drops a connection whose writes make no progress for tcp_send_timeout', async () => {
    const s = await server();
    s.tcp.setProtoOptions('tcp', { sendTimeout: 100 });
    const peer = await rawServer(c);
    const errors: string[] = [];
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('hi\n'));
    await waitFor(() => peer.sockets.length === 1, 'peer accepted');
    peer.sockets[0]!.pause(); // the peer stops reading: kernel buffers fill up
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61);
    s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, big, (e) => errors.push(e));
    await waitFor(() => errors.length === 1, 'write timeout', 5000);
    expect(errors[0]).toMatch(/write pending for more than 100 ms/);
    expect(s.closed[0]!.reason).toEqual({ kind: 'write-error', text: 'Write error' });
    expect(s.tcp.get((res as { conId: number }).conId)).toBeUndefined();
    expect(s.stats.read('tcp', 'write_errors')).toBe(1);
  });

  it('fails a send over the pending-write limit and marks the connection bad', async () => {
    const s = await server();
    s.tcp.setProtoOptions('tcp', { maxPendingWrites: 2, sendTimeout: 10_000 });
    const peer = await rawServer(c);
    const first = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('hi\n'));
    await waitFor(() => peer.sockets.length === 1 && peer.data.length === 1, 'connected');
    peer.sockets[0]!.pause();
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61);
    const dst = { proto: 'tcp', ip: '127.0.0.1', port: peer.port };
    expect(s.transports.send(dst, big).ok).toBe(true);
    expect(s.transports.send(dst, big).ok).toBe(true);
    const third = s.transports.send(dst, big);
    expect(third.ok).toBe(false);
    expect(s.tcp.get((first as { conId: number }).conId)).toBeUndefined();
    expect(s.closed[0]!.reason.kind).toBe('write-error');
  });

  it('queues data while connecting and bounds that queue too', async () => {
    const s = await server({ tcp_connect_timeout: 2000 });
    s.tcp.setProtoOptions('tcp', { maxPendingWrites: 3 });
    const port = await blackHole(c);
    const dst = { proto: 'tcp', ip: '127.0.0.1', port };
    const fails: string[] = [];
    for (let i = 0; i < 3; i++) expect(s.transports.send(dst, Buffer.from(`${i}\n`), (e) => fails.push(e)).ok).toBe(true);
    const id = s.tcp.list()[0]!.id;
    expect(s.tcp.state(id)).toBe(ConnState.CONNECTING);
    expect(s.transports.send(dst, Buffer.from('3\n')).ok).toBe(false);
    // the queued sends learn about it once
    expect(fails).toHaveLength(3);
  });
});

describe('TCP profiles', () => {
  it('copies the profile a hook answers into an accepted connection', async () => {
    const seen: unknown[] = [];
    const s = await server({}, '127.0.0.1', (st) =>
      st.hooks.tcpProfileFor.tap('mgm', (q): TcpProfile => {
        seen.push(q);
        return { ...st.tcp.defaultProfile(), id: 3, conLifetime: 1, keepalive: true, keepIdle: 33, keepCount: 4, keepInterval: 7 };
      }),
    );
    const client = await connect(c, s.l.port);
    await waitFor(() => s.tcp.count() === 1, 'accepted');
    const conn = s.tcp.list()[0]!;
    expect(seen).toEqual([{ proto: 'tcp', remoteIp: '127.0.0.1', remotePort: client.localPort, localIp: '127.0.0.1', localPort: s.l.port }]);
    expect(conn.profile).toMatchObject({ id: 3, conLifetime: 1 });
    expect(Object.isFrozen(conn.profile)).toBe(true);
    expect(conn.lifetimeDeadline - Date.now()).toBeLessThanOrEqual(1000);
    expect(s.tcp.getKeepalive(conn.id)).toEqual({ enable: true, idle: 33, count: 4, interval: 7 });
    // the lifetime of the profile is what closes it
    await waitFor(() => s.closed.length === 1, 'idle close', 4000);
    expect(s.closed[0]!.reason).toEqual({ kind: 'timeout', text: 'Timeout on no traffic' });
  });

  it('builds the default profile from the core globals', async () => {
    const s = await server({ tcp_connect_timeout: 250, tcp_connection_lifetime: 60, tcp_max_msg_time: 3, tcp_accept_aliases: 2, tcp_keepidle: 20 });
    expect(s.tcp.defaultProfile()).toMatchObject({ id: 0, connectTimeout: 250, conLifetime: 60, msgReadTimeout: 3, aliasMode: 2, keepalive: true, keepIdle: 20, noNewConn: false });
  });
});
