import { writeFileSync } from 'node:fs';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defineModule, type TcpConnInfo, type TestServer } from '@tsips/core';
import type { SqlRow } from '@tsips/db_sqlite';
import { Cleanup, captureLogger, inserts, SCHEMA, TmpDb, waitFor } from './helpers.js';

const c = new Cleanup();
let tmp: TmpDb;
afterEach(async () => {
  await c.run();
  tmp?.cleanup();
});

const config = (url: string, extra = '') => `
socket=tcp:127.0.0.1:0
socket=tcp:127.0.0.2:0
socket=tcp:[::1]:0
loadmodule "proto_tcp"
loadmodule "db_sqlite"
loadmodule "tcp_mgm"
modparam("tcp_mgm", "db_url", "${url}")
${extra}
route { exit; }
`;

/** the server-side connection of a client socket */
async function connOf(s: TestServer, sock: net.Socket): Promise<TcpConnInfo> {
  const port = sock.localPort!;
  await waitFor(() => s.server.tcp.list().some((x) => x.remotePort === port && !x.outbound), 'accepted');
  return s.server.tcp.list().find((x) => x.remotePort === port && !x.outbound)!;
}

function listener(s: TestServer, ip: string): number {
  const l = s.server.config.listeners.find((x) => x.ip === ip);
  if (!l) throw new Error(`no socket on ${ip}`);
  return l.port;
}

/** MI list_tcp_conns Lifetime ("YYYY-MM-DD HH:MM:SS", local time) as ms since epoch */
async function miLifetime(s: TestServer, id: number): Promise<number> {
  const out = (await s.mi('list_tcp_conns')) as { Connections: { ID: number; Lifetime: string }[] };
  const row = out.Connections.find((x) => x.ID === id);
  if (!row) throw new Error(`connection ${id} not listed`);
  return new Date(row.Lifetime.replace(' ', 'T')).getTime();
}

/** expect a lifetime of `secs` from about now, on the connection and in MI */
async function expectLifetime(s: TestServer, conn: TcpConnInfo, secs: number): Promise<void> {
  const want = Date.now() + secs * 1000;
  expect(Math.abs(conn.lifetimeDeadline - want)).toBeLessThan(2000);
  expect(Math.abs((await miLifetime(s, conn.id)) - want)).toBeLessThan(3000);
}

// Overlapping rules: two CIDRs (/8 and /32), a port rule, a priority override, IPv6, and an
// invalid row. The outbound peer ports are only known at run time.
function rules(peer2: number, peer1: number): SqlRow[] {
  return [
    { id: 10, proto: 'tcp', remote_addr: '127.0.0.0/8', con_lifetime: 300, keepidle: 100, keepinterval: 10, keepcount: 3 },
    { id: 11, proto: 'tcp', remote_addr: '127.0.0.2', con_lifetime: 600, keepidle: 200, keepinterval: 20, keepcount: 4 },
    { id: 12, proto: 'any', remote_addr: '::1', con_lifetime: 900, keepalive: 0, keepidle: 0, keepinterval: 0, keepcount: 0 },
    { id: 13, proto: 'tcp', remote_addr: '127.0.0.2', remote_port: peer2, con_lifetime: 700, keepidle: 250, keepinterval: 25, keepcount: 5 },
    { id: 14, proto: 'tcp', remote_addr: '127.0.0.1', local_addr: '127.0.0.1', priority: -1, con_lifetime: 50, keepidle: 50, keepinterval: 5, keepcount: 2 },
    { id: 15, proto: 'udp', con_lifetime: 1 },
    { id: 16, proto: 'tcp', remote_addr: '127.0.0.1', remote_port: peer1, con_lifetime: 66, keepidle: 66, keepinterval: 6, keepcount: 6, priority: 5 },
  ];
}

describe('tcp_mgm profiles on live connections', () => {
  it('gives each accepted and outbound connection the profile of its first matching rule', async () => {
    tmp = new TmpDb();
    const peer2 = await c.peer('127.0.0.2');
    const peer1 = await c.peer('127.0.0.1');
    const db = await tmp.file('rules.db', SCHEMA + inserts(rules(peer2, peer1)));
    const log = captureLogger();
    const s = await c.server(config(`sqlite://${db}`), log.logger);
    const tcp = s.server.tcp;
    const ka = (conn: TcpConnInfo) => tcp.getKeepalive(conn.id);

    // the invalid row is logged with its reason and skipped
    expect(log.lines.find((l) => l.msg.startsWith('tcp_mgm: rule 15 skipped'))?.reason).toBe('proto udp is not TCP-based');
    expect(log.lines.find((l) => l.msg === 'tcp_mgm: rules loaded')).toMatchObject({ rules: 6, skipped: 1 });

    // 127.0.0.1 -> our 127.0.0.1 socket: the priority -1 rule
    const a = await connOf(s, await c.connect('127.0.0.1', listener(s, '127.0.0.1'), '127.0.0.1'));
    expect(a.profile.id).toBe(14);
    expect(ka(a)).toEqual({ enable: true, idle: 50, count: 2, interval: 5 });
    await expectLifetime(s, a, 50);

    // 127.0.0.1 -> our 127.0.0.2 socket: rule 14 wants local 127.0.0.1, so the /8
    const b = await connOf(s, await c.connect('127.0.0.2', listener(s, '127.0.0.2'), '127.0.0.1'));
    expect(b.profile.id).toBe(10);
    expect(ka(b)).toEqual({ enable: true, idle: 100, count: 3, interval: 10 });
    await expectLifetime(s, b, 300);

    // 127.0.0.2 -> our 127.0.0.1 socket: the /32 beats the /8
    const d = await connOf(s, await c.connect('127.0.0.1', listener(s, '127.0.0.1'), '127.0.0.2'));
    expect(d.profile.id).toBe(11);
    expect(ka(d)).toEqual({ enable: true, idle: 200, count: 4, interval: 20 });
    await expectLifetime(s, d, 600);

    // ::1 -> our ::1 socket: keepalive off
    const e = await connOf(s, await c.connect('::1', listener(s, '::1'), '::1'));
    expect(e.profile.id).toBe(12);
    expect(ka(e)!.enable).toBe(false);
    await expectLifetime(s, e, 900);

    // outbound to 127.0.0.2:peer2: the port rule beats the plain /32
    const out2 = s.server.transports.send({ proto: 'tcp', ip: '127.0.0.2', port: peer2 }, Buffer.from('\r\n\r\n'));
    if (!out2.ok) throw new Error(out2.error);
    await waitFor(() => tcp.state(out2.conId) === 0, 'outbound connected');
    const o2 = tcp.get(out2.conId)!;
    expect(o2.profile.id).toBe(13);
    expect(tcp.getKeepalive(o2.id)).toEqual({ enable: true, idle: 250, count: 5, interval: 25 });
    await expectLifetime(s, o2, 700);

    // outbound to 127.0.0.1:peer1 from our first socket (127.0.0.1): priority -1 rule 14 beats port rule 16
    const out1 = s.server.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer1 }, Buffer.from('\r\n\r\n'));
    if (!out1.ok) throw new Error(out1.error);
    await waitFor(() => tcp.state(out1.conId) === 0, 'outbound connected');
    expect(tcp.get(out1.conId)!.profile.id).toBe(14);
  });

  it('tcp_reload swaps the rules for new connections only; a broken table keeps the old rules and answers 500', async () => {
    tmp = new TmpDb();
    const db = await tmp.file('rules.db', SCHEMA + inserts([{ id: 1, proto: 'tcp', remote_addr: '127.0.0.0/8', con_lifetime: 300, keepidle: 100, keepinterval: 10, keepcount: 3 }]));
    const s = await c.server(config(`sqlite://${db}`));
    const tcp = s.server.tcp;
    const port = listener(s, '127.0.0.1');
    const old = await connOf(s, await c.connect('127.0.0.1', port));
    expect(old.profile.id).toBe(1);

    // a changed table: the /8 rule now says 1000 s, and a rule 2 for 127.0.0.2
    await tmp.file(
      'rules.db',
      SCHEMA +
        inserts([
          { id: 1, proto: 'tcp', remote_addr: '127.0.0.0/8', con_lifetime: 1000, keepidle: 1000, keepinterval: 11, keepcount: 7 },
          { id: 2, proto: 'tcp', remote_addr: '127.0.0.2', con_lifetime: 2000 },
        ]),
    );
    expect(await s.mi('tcp_reload')).toBe('OK');
    const fresh = await connOf(s, await c.connect('127.0.0.1', port));
    expect(fresh.profile).toMatchObject({ id: 1, conLifetime: 1000 });
    expect(tcp.getKeepalive(fresh.id)).toEqual({ enable: true, idle: 1000, count: 7, interval: 11 });
    await expectLifetime(s, fresh, 1000);
    // the connection opened before keeps its copied profile and socket options
    expect(old.profile).toMatchObject({ id: 1, conLifetime: 300, keepIdle: 100 });
    expect(tcp.getKeepalive(old.id)).toEqual({ enable: true, idle: 100, count: 3, interval: 10 });
    const from2 = await connOf(s, await c.connect('127.0.0.1', port, '127.0.0.2'));
    expect(from2.profile.id).toBe(2);

    // rules removed: new connections get the core default profile (id 0)
    await tmp.file('rules.db', SCHEMA);
    expect(await s.mi('tcp_mgm:reload')).toBe('OK');
    const dflt = await connOf(s, await c.connect('127.0.0.1', port));
    expect(dflt.profile).toEqual(tcp.defaultProfile());
    await expectLifetime(s, dflt, 120);

    // back to rules, then two broken tables: the reload fails and the rules stay
    await tmp.file('rules.db', SCHEMA + inserts([{ id: 3, proto: 'tcp', con_lifetime: 333 }]));
    expect(await s.mi('tcp_reload')).toBe('OK');
    writeFileSync(db, 'this is not an SQLite database, not even close............................................');
    await expect(s.mi('tcp_reload')).rejects.toMatchObject({ rpc: { code: 500, message: 'Failed to reload' } });
    await tmp.file('rules.db', 'CREATE TABLE version (table_name TEXT, table_version INT); INSERT INTO version VALUES (\'tcp_mgm\', 1); CREATE TABLE tcp_mgm (id INT, proto TEXT);');
    await expect(s.mi('tcp_reload')).rejects.toMatchObject({ rpc: { code: 500, message: 'Failed to reload' } });
    const after = await connOf(s, await c.connect('127.0.0.1', port));
    expect(after.profile).toMatchObject({ id: 3, conLifetime: 333 });
  });

  it('applies the max_msg_chunks attribute to the connection read limit', async () => {
    tmp = new TmpDb();
    const db = await tmp.file('rules.db', SCHEMA + inserts([{ id: 1, proto: 'tcp', remote_addr: '127.0.0.2', attrs: 'max_msg_chunks=20' }]));
    const s = await c.server(config(`sqlite://${db}`));
    const port = listener(s, '127.0.0.1');
    const msg = 'OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n';
    /** write the message in 10 reads; resolves whether the server closed the connection */
    const trickle = async (from: string): Promise<boolean> => {
      const sock = await c.connect('127.0.0.1', port, from);
      const conn = await connOf(s, sock);
      const step = Math.ceil(msg.length / 10);
      for (let i = 0; i < msg.length && !sock.destroyed && s.server.tcp.get(conn.id); i += step) {
        sock.write(msg.slice(i, i + step));
        await new Promise((r) => setTimeout(r, 15));
      }
      await new Promise((r) => setTimeout(r, 50));
      return s.server.tcp.get(conn.id) === undefined;
    };
    expect(await trickle('127.0.0.2')).toBe(false); // 20 reads allowed by the rule
    expect(await trickle('127.0.0.1')).toBe(true); // no rule: proto_tcp's 4
  });

  it('refuses to start when another module already answers the profile lookup', async () => {
    tmp = new TmpDb();
    const db = await tmp.file('rules.db', SCHEMA);
    const other = defineModule({ name: 'other_mgm', init: (ctx) => void ctx.hooks.tcpProfileFor.tap('other', () => undefined) });
    const cfg = config(`sqlite://${db}`).replace('loadmodule "db_sqlite"', 'loadmodule "other_mgm"\nloadmodule "db_sqlite"');
    await expect(c.server(cfg, undefined, [other])).rejects.toThrow(/another module already provides the TCP profile lookup/);
  });

  it('reads a renamed table and renamed columns (db_table, *_col)', async () => {
    tmp = new TmpDb();
    const renamed = SCHEMA.replace(/\btcp_mgm\b/g, 'paths').replace(/\bcon_lifetime\b/, 'life').replace(/\bremote_addr\b/, 'peer').replace(/\bkeepidle\b/, 'idle');
    const db = await tmp.file('rules.db', renamed + "INSERT INTO paths (id, proto, peer, life, idle) VALUES (4, 'tcp', '127.0.0.1', 444, 44);");
    const params = ['db_table", "paths', 'con_lifetime_col", "life', 'remote_addr_col", "peer', 'keepidle_col", "idle'].map((p) => `modparam("tcp_mgm", "${p}")`).join('\n');
    const s = await c.server(config(`sqlite://${db}`, params));
    const conn = await connOf(s, await c.connect('127.0.0.1', listener(s, '127.0.0.1')));
    expect(conn.profile).toMatchObject({ id: 4, conLifetime: 444, keepIdle: 44 });
  });
});

describe('tcp_mgm start-up errors', () => {
  it('needs a DB module, a db_url, a readable table of version 1', async () => {
    tmp = new TmpDb();
    await expect(c.server('socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\nloadmodule "tcp_mgm"\nmodparam("tcp_mgm", "db_url", "sqlite:///x.db")\nroute { exit; }')).rejects.toThrow(
      /module "tcp_mgm" depends on "db_sqlite", which is not loaded/,
    );
    await expect(c.server(config('').replace(/modparam.*\n/, ''))).rejects.toThrow(/db_url is not set/);
    await expect(c.server(config('mysql://u:p@localhost/db'))).rejects.toMatchObject({
      message: 'tcp_mgm: no loaded DB module serves db_url "mysql://u:p@localhost/db"',
      hint: 'loaded DB schemes: sqlite://',
    });
    await expect(c.server(config(`sqlite://${tmp.dir}/missing.db`))).rejects.toThrow(/cannot load table "tcp_mgm".*ENOENT/);
    const v2 = await tmp.file('v2.db', SCHEMA.replace("('tcp_mgm', 1)", "('tcp_mgm', 2)"));
    await expect(c.server(config(`sqlite://${v2}`))).rejects.toThrow(/has version 2, expected 1/);
    const noVersion = await tmp.file('nov.db', SCHEMA.replace(/INSERT OR REPLACE INTO version.*\n/, ''));
    await expect(c.server(config(`sqlite://${noVersion}`))).rejects.toThrow(/no row in the version table/);
  });
});
