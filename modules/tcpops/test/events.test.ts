import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defineModule, type ScriptContext, type TestServer } from '@tsips/core';
import { APP_TS_API, eventOf, type EventCallbackApi } from '../src/index.js';
import { Cleanup, options, recorder, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

// Each event route records what the faked message says about the closed connection, and the
// connection's state code while the event runs.
const EVENTS = ['closed', 'timeout', 'reset']
  .map((e) => `event_route[tcp:${e}] { tcp_conid_state($conid); rec("${e} $conid $si $sp $Ri $Rp $proto state=$rc aconid=$tcp(aconid)"); }`)
  .join('\n');

const ROUTE = `
route {
    if ($hdr(X-Op) == "flag") { tcp_enable_closed_event(); }
    else if ($hdr(X-Op) == "life") { tcp_set_connection_lifetime($conid, 1); }
    else if ($hdr(X-Op) == "close") { tcp_close_connection(); }
    rec("op $hdr(X-Op) $rc");
}
`;

async function server(params: Record<string, string | number> = {}, globals = '', extra: { modules?: Parameters<Cleanup['server']>[1]; load?: string } = {}) {
  const rec = recorder();
  const modparams = Object.entries(params)
    .map(([k, v]) => `modparam("tcpops", "${k}", ${typeof v === 'number' ? v : `"${v}"`})`)
    .join('\n');
  const s = await c.server(
    `socket=tcp:127.0.0.1:0\n${globals}\nloadmodule "proto_tcp"\n${extra.load ?? ''}loadmodule "tcpops"\nloadmodule "rec"\n${modparams}\n${ROUTE}\n${EVENTS}`,
    [rec.module, ...(extra.modules ?? [])],
  );
  return { s, seen: rec.seen, port: s.listener('tcp').port };
}

/** a client connection, its server-side id and its port (localPort is gone once it closes) */
async function connected(s: TestServer, port: number): Promise<{ sock: net.Socket; id: number; cport: number }> {
  const sock = await c.connect(port);
  const cport = sock.localPort!;
  await waitFor(() => s.server.tcp.list().some((x) => x.remotePort === cport), 'accepted');
  return { sock, id: s.server.tcp.list().find((x) => x.remotePort === cport)!.id, cport };
}

async function sendOp(sock: net.Socket, seen: string[], op: string): Promise<void> {
  sock.write(options({ 'X-Op': op }));
  await waitFor(() => seen.some((t) => t.startsWith(`op ${op} `)), `op ${op}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tcp:closed / tcp:timeout / tcp:reset event routes', () => {
  it('a FIN from the peer runs tcp:closed with the connection as the message source (state -2: EOF)', async () => {
    const { s, seen, port } = await server();
    const { sock, id, cport } = await connected(s, port);
    sock.end();
    await waitFor(() => seen.length === 1, 'tcp:closed');
    expect(seen).toEqual([`closed ${id} 127.0.0.1 ${cport} 127.0.0.1 ${port} tcp state=-2 aconid=${id}`]);
    expect(s.server.tcp.count()).toBe(0);
  });

  it('an RST runs tcp:reset (state -3: error)', async () => {
    const { s, seen, port } = await server();
    const { sock, id, cport } = await connected(s, port);
    sock.resetAndDestroy();
    await waitFor(() => seen.length === 1, 'tcp:reset');
    expect(seen).toEqual([`reset ${id} 127.0.0.1 ${cport} 127.0.0.1 ${port} tcp state=-3 aconid=${id}`]);
  });

  it('an expired lifetime (tcp_set_connection_lifetime) runs tcp:timeout (state -4: bad)', async () => {
    const { s, seen, port } = await server();
    const { sock, id, cport } = await connected(s, port);
    const t0 = Date.now();
    await sendOp(sock, seen, 'life');
    await waitFor(() => seen.length === 2, 'tcp:timeout', 4000);
    expect(seen[1]).toBe(`timeout ${id} 127.0.0.1 ${cport} 127.0.0.1 ${port} tcp state=-4 aconid=${id}`);
    // 1 s lifetime, checked by the manager's scan once a second
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - t0).toBeLessThan(3500);
  });

  it('an incomplete message past tcp_max_msg_time runs tcp:timeout', async () => {
    const { s, seen, port } = await server({}, 'tcp_max_msg_time = 1');
    const { sock, id, cport } = await connected(s, port);
    sock.write('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1\r\n');
    await waitFor(() => seen.length === 1, 'tcp:timeout', 4000);
    expect(seen[0]).toMatch(new RegExp(`^timeout ${id} `));
  });

  it('the closed connection still counts in its close event: return codes of every function there', async () => {
    const rec = recorder();
    const s = await c.server(
      'socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\nloadmodule "tcpops"\nloadmodule "rec"\nroute { exit; }\n' +
        'event_route[tcp:closed] {\n' +
        '  tcp_conid_alive($conid); rec("alive $rc");\n' +
        '  tcp_keepalive_enable($conid, 1, 2, 3); rec("ka_on $rc");\n' +
        '  tcp_keepalive_disable($conid); rec("ka_off $rc");\n' +
        '  tcp_set_connection_lifetime($conid, 5); rec("life $rc");\n' +
        '  tcp_enable_closed_event($conid); rec("ev $rc");\n' +
        '  tcp_get_conid("127.0.0.1:$sp", $var(x)); rec("get $rc $var(x)");\n' +
        '  tcp_close_connection(); rec("close $rc");\n' +
        '  tcp_set_connection_lifetime(123456789, 5); rec("not reached");\n' +
        '}',
      [rec.module],
    );
    const { sock } = await connected(s, s.listener('tcp').port);
    sock.end();
    await waitFor(() => rec.seen.length === 7, 'event route');
    await sleep(50);
    expect(rec.seen).toEqual(['alive -1', 'ka_on -1', 'ka_off -1', 'life 1', 'ev 1', 'get -1 0', 'close 1']);
  });

  it('keepalive (ETIMEDOUT) and read timeouts map to tcp:timeout; local closes and failed connects raise nothing', () => {
    expect(eventOf({ kind: 'keepalive', text: 'Read error' })).toBe('tcp:timeout');
    expect(eventOf({ kind: 'read-timeout', text: '' })).toBe('tcp:timeout');
    expect(eventOf({ kind: 'timeout', text: '' })).toBe('tcp:timeout');
    for (const kind of ['local', 'error', 'write-error', 'protocol'] as const) expect(eventOf({ kind, text: '' })).toBeUndefined();
  });

  it('tcp_close_connection raises no event', async () => {
    const { s, seen, port } = await server();
    const { sock } = await connected(s, port);
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    await sendOp(sock, seen, 'close');
    await closed;
    await sleep(100);
    expect(seen).toEqual(['op close 1']);
  });

  it('closed_event 0 runs no close event at all', async () => {
    const { s, seen, port } = await server({ closed_event: 0 });
    const { sock } = await connected(s, port);
    sock.end();
    await waitFor(() => s.server.tcp.count() === 0, 'closed');
    await sleep(50);
    expect(seen).toEqual([]);
  });

  it('closed_event 2 runs them only for connections flagged with tcp_enable_closed_event', async () => {
    const { s, seen, port } = await server({ closed_event: 2 });
    const plain = await connected(s, port);
    const flagged = await connected(s, port);
    await sendOp(flagged.sock, seen, 'flag');
    expect(seen).toEqual(['op flag 1']);
    plain.sock.end();
    flagged.sock.resetAndDestroy();
    await waitFor(() => s.server.tcp.count() === 0, 'both closed');
    await waitFor(() => seen.length === 2, 'flagged event');
    await sleep(50);
    expect(seen[1]).toMatch(new RegExp(`^reset ${flagged.id} `));
    expect(seen).toHaveLength(2);
  });
});

describe('event_callback (app_ts function instead of the event routes)', () => {
  function appTs(fns: string[]) {
    const calls: { fn: string; event: string; conId: number; si: string; routeType: number }[] = [];
    const api: EventCallbackApi = {
      has: (fn) => fns.includes(fn),
      callEvent: (fn: string, event: string, ctx: ScriptContext) => {
        calls.push({ fn, event, conId: ctx.rcv.conId, si: ctx.rcv.srcIp, routeType: ctx.routeType });
        return 1;
      },
    };
    const module = defineModule({ name: 'app_ts', init: (ctx) => ctx.provide(APP_TS_API, api) });
    return { module, calls };
  }

  it('calls the function with the event name and the connection as message source; the routes do not run', async () => {
    const app = appTs(['ksr_tcp_event']);
    const { s, seen, port } = await server({ event_callback: 'ksr_tcp_event' }, '', { modules: [app.module], load: 'loadmodule "app_ts"\n' });
    const a = await connected(s, port);
    const b = await connected(s, port);
    a.sock.end();
    b.sock.resetAndDestroy();
    await waitFor(() => app.calls.length === 2, 'two callbacks');
    expect(app.calls).toEqual(
      expect.arrayContaining([
        { fn: 'ksr_tcp_event', event: 'tcp:closed', conId: a.id, si: '127.0.0.1', routeType: 256 },
        { fn: 'ksr_tcp_event', event: 'tcp:reset', conId: b.id, si: '127.0.0.1', routeType: 256 },
      ]),
    );
    expect(seen).toEqual([]);
  });

  it('is a start-up error without app_ts, or when app_ts has no such function', async () => {
    await expect(server({ event_callback: 'ksr_tcp_event' })).rejects.toThrow(/event_callback "ksr_tcp_event" needs the app_ts module/);
    const app = appTs(['other']);
    await expect(server({ event_callback: 'ksr_tcp_event' }, '', { modules: [app.module], load: 'loadmodule "app_ts"\n' })).rejects.toThrow(
      /is not a function of the app_ts routing file/,
    );
  });
});
