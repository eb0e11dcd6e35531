import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDriver } from '@tsips/db_sqlite';
import { REPO, startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { keepaliveTimer, localTimeMs, mi, miConn, request, SipTcpClient, statusOf, until } from './tcp-helpers.js';

// tcp_mgm acceptance with the real CLI: overlapping rules (two CIDRs, port rules, a priority
// override, IPv6) give connections from and to 127.0.0.1, 127.0.0.2 and ::1 their profile;
// checked on the live sockets (ss: keepalive timer = TCP_KEEPIDLE) and in MI list_tcp_conns
// (Lifetime). tcp_reload changes the profile of new connections only; a broken table is a 500.
const P1 = 15710; // tcp:127.0.0.1
const P2 = 15711; // tcp:127.0.0.2
const P6 = 15712; // tcp:[::1]
const CLIENT_PORT = 15719; // a client bound to this port hits the port rule
const PEER = 15718; // an outbound peer on 127.0.0.2
const MI_PORT = 18710;

const SCHEMA = readFileSync(join(REPO, 'config/db/tcp_mgm-sqlite.sql'), 'utf8');

interface R {
  id: number;
  proto: string;
  remote_addr?: string;
  remote_port?: number;
  local_addr?: string;
  local_port?: number;
  priority?: number;
  con_lifetime: number;
  keepidle: number;
}
const sql = (rules: R[]) =>
  SCHEMA +
  rules
    .map(
      (r) =>
        `INSERT INTO tcp_mgm (id, proto, remote_addr, remote_port, local_addr, local_port, priority, con_lifetime, keepidle, keepinterval, keepcount) VALUES ` +
        `(${r.id}, '${r.proto}', ${r.remote_addr ? `'${r.remote_addr}'` : 'NULL'}, ${r.remote_port ?? 0}, ${r.local_addr ? `'${r.local_addr}'` : 'NULL'}, ` +
        `${r.local_port ?? 0}, ${r.priority ?? 0}, ${r.con_lifetime}, ${r.keepidle}, 10, 3);`,
    )
    .join('\n');

const RULES: R[] = [
  { id: 1, proto: 'tcp', remote_addr: '127.0.0.0/8', con_lifetime: 300, keepidle: 100 },
  { id: 2, proto: 'tcp', remote_addr: '127.0.0.2', con_lifetime: 600, keepidle: 200 },
  { id: 3, proto: 'any', remote_addr: '::1', con_lifetime: 900, keepidle: 300 },
  { id: 4, proto: 'tcp', remote_addr: '127.0.0.1', local_addr: '127.0.0.2', local_port: P2, priority: -1, con_lifetime: 50, keepidle: 50 },
  { id: 5, proto: 'tcp', remote_addr: '127.0.0.0/8', remote_port: CLIENT_PORT, con_lifetime: 777, keepidle: 77 },
  { id: 6, proto: 'tcp', remote_addr: '127.0.0.2', remote_port: PEER, con_lifetime: 1500, keepidle: 150 },
];

const config = `
log_level = 2
log_stderror = yes
socket = tcp:127.0.0.1:${P1}
socket = tcp:127.0.0.2:${P2}
socket = tcp:[::1]:${P6}
tcp_connection_lifetime = 120
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "db_sqlite"
loadmodule "tcp_mgm"
loadmodule "httpd"
loadmodule "mi_http"
modparam("tcp_mgm", "db_url", "sqlite://./rules.db")
modparam("httpd", "ip", "127.0.0.1")
modparam("httpd", "port", ${MI_PORT})
route {
    if ($rU == "peer") {
        forward();
        exit;
    }
    sl_send_reply(200, "OK");
}
`;

const fmt = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

describe('tcp_mgm with the real CLI', () => {
  let tsips: TsipsProcess;
  let dbFile: string;
  const clients: SipTcpClient[] = [];
  const peerSockets: net.Socket[] = [];
  let peer: net.Server;
  const driver = new SqliteDriver();

  beforeAll(async () => {
    const cfg = writeConfig(config);
    dbFile = join(dirname(cfg), 'rules.db');
    await driver.createFile(dbFile, sql(RULES));
    peer = net.createServer((s) => {
      peerSockets.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => peer.listen(PEER, '127.0.0.2', () => r()));
    tsips = await startTsips(cfg);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of peerSockets) s.destroy();
    await tsips?.stop();
    await new Promise((r) => peer?.close(r));
  });

  /** connect, exchange one OPTIONS (so the connection surely exists), return the client */
  async function open(host: string, port: number, from: string): Promise<SipTcpClient> {
    const c = await SipTcpClient.connect(host, port, from);
    clients.push(c);
    expect(statusOf(await c.ask(request()))).toBe('SIP/2.0 200 OK');
    return c;
  }

  /** the profile the server gave the connection: MI lifetime (s from now) and the ss keepalive timer */
  async function profileOf(c: SipTcpClient, server: string): Promise<{ lifetime: number; keepalive: number | null }> {
    // MI prints "ip:port" (IPv6 without brackets), ss "[ip]:port"
    const miRemote = `${c.sock.localAddress!}:${c.sock.localPort!}`;
    const conn = await miConn(MI_PORT, miRemote);
    if (!conn) throw new Error(`MI does not list ${miRemote}`);
    return {
      lifetime: Math.round((localTimeMs(conn.Lifetime) - Date.now()) / 1000),
      keepalive: keepaliveTimer(server, fmt(c.sock.localAddress!, c.sock.localPort!)),
    };
  }

  function expectProfile(got: { lifetime: number; keepalive: number | null }, lifetime: number, keepidle: number): void {
    expect(got.lifetime).toBeGreaterThanOrEqual(lifetime - 3);
    expect(got.lifetime).toBeLessThanOrEqual(lifetime + 1);
    expect(got.keepalive).not.toBeNull();
    expect(got.keepalive!).toBeGreaterThan(keepidle - 5);
    expect(got.keepalive!).toBeLessThanOrEqual(keepidle);
  }

  it('gives every connection the profile of its first matching rule', async () => {
    // 127.0.0.1 -> 127.0.0.1: the /8
    expectProfile(await profileOf(await open('127.0.0.1', P1, '127.0.0.1'), fmt('127.0.0.1', P1)), 300, 100);
    // 127.0.0.2 -> 127.0.0.1: the /32 beats the /8
    expectProfile(await profileOf(await open('127.0.0.1', P1, '127.0.0.2'), fmt('127.0.0.1', P1)), 600, 200);
    // ::1 -> ::1
    expectProfile(await profileOf(await open('::1', P6, '::1'), fmt('::1', P6)), 900, 300);
    // 127.0.0.1 -> our 127.0.0.2 socket: the priority -1 rule for that socket
    expectProfile(await profileOf(await open('127.0.0.2', P2, '127.0.0.1'), fmt('127.0.0.2', P2)), 50, 50);
    // 127.0.0.2 -> our 127.0.0.2 socket: that rule wants remote 127.0.0.1, so the /32
    expectProfile(await profileOf(await open('127.0.0.2', P2, '127.0.0.2'), fmt('127.0.0.2', P2)), 600, 200);
    // 127.0.0.1:CLIENT_PORT -> 127.0.0.1: the port rule beats the plain /8
    const fixed = await SipTcpClient.connect('127.0.0.1', P1, '127.0.0.1', CLIENT_PORT);
    clients.push(fixed);
    expect(statusOf(await fixed.ask(request()))).toBe('SIP/2.0 200 OK');
    expectProfile(await profileOf(fixed, fmt('127.0.0.1', P1)), 777, 77);
  });

  it('gives an outbound connection (forward to 127.0.0.2) the profile of its destination', async () => {
    const c = await open('127.0.0.1', P1, '127.0.0.1');
    const before = peerSockets.length;
    c.write(request({ ruri: `sip:peer@127.0.0.2:${PEER};transport=tcp` }));
    await until(() => peerSockets.length > before, 'outbound connection to the peer');
    const conn = await miConn(MI_PORT, fmt('127.0.0.2', PEER));
    expect(conn).toBeDefined();
    const lifetime = Math.round((localTimeMs(conn!.Lifetime) - Date.now()) / 1000);
    expect(lifetime).toBeGreaterThanOrEqual(1497);
    expect(lifetime).toBeLessThanOrEqual(1501);
    const ours = peerSockets[peerSockets.length - 1]!;
    const ka = keepaliveTimer(fmt(ours.remoteAddress!, ours.remotePort!), fmt('127.0.0.2', PEER));
    expect(ka).toBeGreaterThan(145);
    expect(ka).toBeLessThanOrEqual(150);
  });

  it('tcp_reload applies a changed table to new connections only; a broken table keeps the rules and answers 500', async () => {
    const old = await open('127.0.0.1', P1, '127.0.0.1');
    await driver.createFile(dbFile, sql(RULES.map((r) => (r.id === 1 ? { ...r, con_lifetime: 1000, keepidle: 400 } : r))));
    expect(await mi(MI_PORT, 'tcp_reload')).toMatchObject({ result: 'OK' });
    const fresh = await open('127.0.0.1', P1, '127.0.0.1');
    expectProfile(await profileOf(fresh, fmt('127.0.0.1', P1)), 1000, 400);
    // the old connection keeps its copied profile, also after new traffic refreshed its lifetime
    expect(statusOf(await old.ask(request()))).toBe('SIP/2.0 200 OK');
    expectProfile(await profileOf(old, fmt('127.0.0.1', P1)), 300, 100);

    writeFileSync(dbFile, 'not a database '.repeat(100));
    expect(await mi(MI_PORT, 'tcp_reload')).toMatchObject({ error: { code: 500, message: 'Failed to reload' } });
    expect(await mi(MI_PORT, 'tcp_mgm:reload')).toMatchObject({ error: { code: 500, message: 'Failed to reload' } });
    expectProfile(await profileOf(await open('127.0.0.1', P1, '127.0.0.1'), fmt('127.0.0.1', P1)), 1000, 400);
    expect(tsips.output()).toMatch(/tcp_mgm: reload failed, previous rules stay active: file is not a database/);
  });
});
