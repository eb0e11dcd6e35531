import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dummyContext, RouteType, type CmdSpec, type TestServer } from '@tsips/core';
import tcpops, { type TcpopsState } from '../src/index.js';
import { Cleanup, options, recorder, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

// Every op runs one tcpops function and records "<op> <return code>"; a function returning 0
// stops the script, so nothing is recorded for it.
const ROUTE = `
route {
    $var(id) = $hdr(X-Id);
    $var(op) = $hdr(X-Op);
    $var(found) = "unset";
    if ($var(op) == "state") { tcp_conid_state($var(id)); }
    else if ($var(op) == "alive") { tcp_conid_alive($var(id)); }
    else if ($var(op) == "con_alive") { tcp_con_alive($hdr(X-Addr)); }
    else if ($var(op) == "get_conid") { tcp_get_conid($hdr(X-Addr), $var(found)); }
    else if ($var(op) == "ka_on4") { tcp_keepalive_enable($var(id), 30, 4, 7); }
    else if ($var(op) == "ka_on3") { tcp_keepalive_enable(20, 3, 5); }
    else if ($var(op) == "ka_off1") { tcp_keepalive_disable($var(id)); }
    else if ($var(op) == "ka_off0") { tcp_keepalive_disable(); }
    else if ($var(op) == "life2") { tcp_set_connection_lifetime($var(id), $hdr(X-Secs)); }
    else if ($var(op) == "life1") { tcp_set_connection_lifetime($hdr(X-Secs)); }
    else if ($var(op) == "ev1") { tcp_enable_closed_event($var(id)); }
    else if ($var(op) == "ev0") { tcp_enable_closed_event(); }
    else if ($var(op) == "close1") { tcp_close_connection($var(id)); }
    else if ($var(op) == "close0") { tcp_close_connection(); }
    else if ($var(op) == "pv") { rec("pv $tcp(conid) $tcp(c_si) $tcp(c_sp) $tcp(ac_si) $tcp(ac_sp) $tcp(aconid)"); }
    rec("$hdr(X-Seq) $var(op) $rc $var(found)");
}
`;

interface Rig {
  s: TestServer;
  seen: string[];
  port: number;
  /** send one op over `sock` and return what the script recorded for it ('' when it stopped) */
  op(sock: net.Socket, op: string, hdrs?: Record<string, string | number>): Promise<string>;
  /** the server-side id of a client socket */
  idOf(sock: net.Socket): number;
}

let seqNo = 0;
async function rig(globals = ''): Promise<Rig> {
  const rec = recorder();
  const s = await c.server(`socket=tcp:127.0.0.1:0\n${globals}\nloadmodule "proto_tcp"\nloadmodule "tcpops"\nloadmodule "rec"\n${ROUTE}`, [rec.module]);
  const port = s.listener('tcp').port;
  const op: Rig['op'] = async (sock, name, hdrs = {}) => {
    const seq = ++seqNo;
    // a marker message after it: when it is recorded, the op's message was handled too
    const before = rec.seen.length;
    sock.write(options({ 'X-Seq': seq, 'X-Op': name, ...hdrs }) + options({ 'X-Seq': `${seq}-end`, 'X-Op': 'none' }));
    await waitFor(() => rec.seen.slice(before).some((t) => t.startsWith(`${seq}-end `)), `op ${name}`);
    const got = rec.seen.slice(before).filter((t) => t.startsWith(`${seq} `) || t.startsWith('pv '));
    return got.map((t) => t.replace(`${seq} ${name} `, '')).join(' | ');
  };
  const idOf = (sock: net.Socket): number => {
    const conn = s.server.tcp.list().find((x) => x.remotePort === sock.localPort);
    if (!conn) throw new Error('no server connection for that socket');
    return conn.id;
  };
  return { s, seen: rec.seen, port, op, idOf };
}

describe('tcpops functions (Kamailio return codes)', () => {
  it('tcp_conid_state / tcp_conid_alive: 1 for a live connection, 3 while connecting, -1 unknown', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const b = await c.connect(r.port);
    await waitFor(() => r.s.server.tcp.count() === 2, 'two connections');
    expect(await r.op(a, 'state', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    expect(await r.op(a, 'alive', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    expect(await r.op(a, 'state', { 'X-Id': 999999999 })).toBe('-1 unset');
    expect(await r.op(a, 'alive', { 'X-Id': 999999999 })).toBe('-1 unset');
    // an outbound connection is CONNECTING until the connect completes (next turn of the loop)
    const res = r.s.server.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: r.port }, Buffer.from('\r\n\r\n'));
    if (!res.ok) throw new Error(res.error);
    const before = r.seen.length;
    r.s.inject(options({ 'X-Seq': 'c1', 'X-Op': 'state', 'X-Id': res.conId }), { proto: 'tcp' });
    r.s.inject(options({ 'X-Seq': 'c2', 'X-Op': 'alive', 'X-Id': res.conId }), { proto: 'tcp' });
    expect(r.seen.slice(before)).toEqual(['c1 state 3 unset', 'c2 alive 1 unset']);
  });

  it('$tcp(...) reads the connection; the a* keys are null without one', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    expect(await r.op(a, 'pv')).toBe(`pv ${r.idOf(a)} 127.0.0.1 ${a.localPort} 127.0.0.1 ${a.localPort} ${r.idOf(a)} | 1 unset`);
    // a message that did not come over a connection: c_si/c_sp fall back to the message source
    const before = r.seen.length;
    r.s.inject(options({ 'X-Seq': 'u', 'X-Op': 'pv' }), { proto: 'udp', srcIp: '127.0.0.9', srcPort: 5077, conId: 0 });
    expect(r.seen.slice(before)[0]).toBe('pv <null> 127.0.0.9 5077 <null> <null> <null>');
  });

  it('tcp_con_alive / tcp_get_conid find a connection by remote ip:port or URI', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const id = r.idOf(a);
    expect(await r.op(a, 'con_alive', { 'X-Addr': `127.0.0.1:${a.localPort}` })).toBe('1 unset');
    expect(await r.op(a, 'con_alive', { 'X-Addr': `sip:bob@127.0.0.1:${a.localPort};transport=tcp` })).toBe('1 unset');
    expect(await r.op(a, 'con_alive', { 'X-Addr': `127.0.0.1:${a.localPort === 1 ? 2 : 1}` })).toBe('-1 unset');
    expect(await r.op(a, 'con_alive', { 'X-Addr': '127.0.0.1' })).toBe('-1 unset'); // port 5060 by default
    expect(await r.op(a, 'get_conid', { 'X-Addr': `127.0.0.1:${a.localPort}` })).toBe(`1 ${id}`);
    expect(await r.op(a, 'get_conid', { 'X-Addr': '[::1]:5999' })).toBe('-1 0');
    // not an address: an error, the variable is left alone
    expect(await r.op(a, 'get_conid', { 'X-Addr': 'no.such.host:5060' })).toBe('-1 unset');
  });

  it('tcp_keepalive_enable/disable set the socket options (read back with getsockopt)', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const b = await c.connect(r.port);
    await waitFor(() => r.s.server.tcp.count() === 2, 'two connections');
    const tcp = r.s.server.tcp;
    expect(await r.op(a, 'ka_on4', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    expect(tcp.getKeepalive(r.idOf(b))).toEqual({ enable: true, idle: 30, count: 4, interval: 7 });
    expect(await r.op(a, 'ka_on3')).toBe('1 unset');
    expect(tcp.getKeepalive(r.idOf(a))).toEqual({ enable: true, idle: 20, count: 3, interval: 5 });
    expect(await r.op(a, 'ka_off0')).toBe('1 unset');
    expect(tcp.getKeepalive(r.idOf(a))!.enable).toBe(false);
    expect(await r.op(a, 'ka_off1', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    expect(tcp.getKeepalive(r.idOf(b))!.enable).toBe(false);
    expect(await r.op(a, 'ka_on4', { 'X-Id': 999999999 })).toBe('-1 unset');
    expect(await r.op(a, 'ka_off1', { 'X-Id': 999999999 })).toBe('-1 unset');
  });

  it('tcp_set_connection_lifetime sets (not extends) the lifetime; an unknown conid returns 0 and stops the script', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const b = await c.connect(r.port);
    await waitFor(() => r.s.server.tcp.count() === 2, 'two connections');
    const tcp = r.s.server.tcp;
    const t0 = Date.now();
    expect(await r.op(a, 'life2', { 'X-Id': r.idOf(b), 'X-Secs': 5 })).toBe('1 unset');
    const deadline = tcp.get(r.idOf(b))!.lifetimeDeadline;
    // 5 s is shorter than the 120 s default lifetime: an extend-only refresh would not move it
    expect(deadline).toBeGreaterThanOrEqual(t0 + 5000);
    expect(deadline).toBeLessThan(t0 + 6000);
    expect(await r.op(a, 'life1', { 'X-Secs': 300 })).toBe('1 unset');
    expect(tcp.get(r.idOf(a))!.lifetimeDeadline).toBeGreaterThanOrEqual(t0 + 300_000);
    expect(await r.op(a, 'life2', { 'X-Id': r.idOf(b), 'X-Secs': -1 })).toBe('-1 unset');
    expect(await r.op(a, 'life1', { 'X-Secs': -1 })).toBe('-1 unset');
    expect(await r.op(a, 'life2', { 'X-Id': 999999999, 'X-Secs': 5 })).toBe(''); // 0: script stopped
  });

  it('tcp_enable_closed_event: the conid form flags the connection, the bare form needs closed_event 2', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const b = await c.connect(r.port);
    await waitFor(() => r.s.server.tcp.count() === 2, 'two connections');
    expect(await r.op(a, 'ev0')).toBe('-1 unset');
    expect(r.s.server.tcp.get(r.idOf(a))!.closedEvent).toBe(false);
    expect(await r.op(a, 'ev1', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    expect(r.s.server.tcp.get(r.idOf(b))!.closedEvent).toBe(true);
    expect(await r.op(a, 'ev1', { 'X-Id': 999999999 })).toBe(''); // 0: script stopped
  });

  it('tcp_close_connection closes the given or the current connection; -1 for an unknown one', async () => {
    const r = await rig();
    const a = await c.connect(r.port);
    const b = await c.connect(r.port);
    await waitFor(() => r.s.server.tcp.count() === 2, 'two connections');
    const bClosed = new Promise<void>((res) => b.once('close', () => res()));
    expect(await r.op(a, 'close1', { 'X-Id': r.idOf(b) })).toBe('1 unset');
    await bClosed;
    expect(await r.op(a, 'close1', { 'X-Id': 999999999 })).toBe('-1 unset');
    const aClosed = new Promise<void>((res) => a.once('close', () => res()));
    const before = r.seen.length;
    a.write(options({ 'X-Seq': 'own', 'X-Op': 'close0' }));
    await aClosed;
    expect(r.seen.slice(before)).toEqual(['own close0 1 unset']);
    expect(r.s.server.tcp.count()).toBe(0);
  });
});

describe('tcp_set_otcpid / tcp_set_otcpid_flag', () => {
  const cmd = (name: string): CmdSpec<TcpopsState> => tcpops.cmds![name] as CmdSpec<TcpopsState>;
  const st = {} as TcpopsState;

  it('the outbound connection id is used for sending only while the flag is set', () => {
    const ctx = dummyContext(RouteType.REQUEST);
    expect(cmd('tcp_set_otcpid').run(ctx, st, 42)).toBe(1);
    expect(ctx.outConId).toBe(0);
    expect(cmd('tcp_set_otcpid_flag').run(ctx, st, 1)).toBe(1);
    expect(ctx.outConId).toBe(42);
    expect(cmd('tcp_set_otcpid').run(ctx, st, 43)).toBe(1);
    expect(ctx.outConId).toBe(43);
    expect(cmd('tcp_set_otcpid_flag').run(ctx, st, 0)).toBe(1);
    expect(ctx.outConId).toBe(0);
    expect(cmd('tcp_set_otcpid').run(ctx, st, -5)).toBe(-1);
  });

  it('the flag also enables an id another module set on the message', () => {
    const ctx = dummyContext(RouteType.REQUEST);
    ctx.outConId = 7;
    expect(cmd('tcp_set_otcpid_flag').run(ctx, st, 0)).toBe(1);
    expect(ctx.outConId).toBe(0);
    expect(cmd('tcp_set_otcpid_flag').run(ctx, st, 1)).toBe(1);
    expect(ctx.outConId).toBe(7);
  });
});

describe('tcpops script checks', () => {
  const base = 'socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\nloadmodule "tcpops"\n';
  const fails = (cfg: string) => expect(c.server(base + cfg)).rejects.toThrow();

  it('rejects the forms without a conid outside request and reply routes', async () => {
    await expect(c.server(`${base}route { exit; }\nevent_route[tcp:closed] { tcp_keepalive_enable(1, 2, 3); }`)).rejects.toThrow(
      /'tcp_keepalive_enable' cannot be used in event_route/,
    );
    await expect(c.server(`${base}route { exit; }\nfailure_route[f] { tcp_set_connection_lifetime(5); }`)).rejects.toThrow(/tcp_set_connection_lifetime/);
    await fails(`route { exit; }\nevent_route[tcp:reset] { tcp_keepalive_disable(); }`);
    await fails(`route { exit; }\nevent_route[tcp:timeout] { tcp_enable_closed_event(); }`);
  });

  it('accepts the conid forms in event routes, and every event name tcpops publishes', async () => {
    const s = await c.server(
      `${base}route { tcp_keepalive_enable(20, 3, 5); tcp_set_connection_lifetime(10); tcp_enable_closed_event(); tcp_keepalive_disable(); }\n` +
        'event_route[tcp:closed] { tcp_keepalive_enable($conid, 1, 2, 3); tcp_set_connection_lifetime($conid, 5); tcp_enable_closed_event($conid); tcp_close_connection(); }\n' +
        'event_route[tcp:timeout] { tcp_keepalive_disable($conid); tcp_close_connection($conid); }\n' +
        'event_route[tcp:reset] { if (tcp_conid_alive($conid)) { exit; } }',
    );
    expect(s.server.engine.eventRoute('tcp:reset')).toBeDefined();
  });

  it('rejects an unknown $tcp key, a bad closed_event and a wrong argument count', async () => {
    await expect(c.server(`${base}route { $var(x) = $tcp(nope); }`)).rejects.toThrow(/\$tcp\(nope\)/);
    await expect(c.server(`${base}modparam("tcpops", "closed_event", 3)\nroute { exit; }`)).rejects.toThrow(/closed_event.*<= 2/);
    await expect(c.server(`${base}route { tcp_keepalive_enable(1, 2); }`)).rejects.toThrow(/takes 3 or 4 arguments/);
  });

  it('event_route[tcp:closed] needs tcpops', async () => {
    await expect(c.server('socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\nroute { exit; }\nevent_route[tcp:closed] { exit; }')).rejects.toThrow(/tcp:closed/);
  });
});
