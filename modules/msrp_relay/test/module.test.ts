import { createHash } from 'node:crypto';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '@tsips/core';
import { expectedRspauth } from './digest-client.js';
import { freePort, MsrpTestClient, requestFrame, responseFrame } from './msrp-client.js';
import { authenticate, sendFrame } from './msrp-flows.js';

const opened: { servers: TestServer[]; clients: MsrpTestClient[]; listeners: Server[] } = { servers: [], clients: [], listeners: [] };

afterEach(async () => {
  await Promise.all(opened.clients.splice(0).map((c) => c.close()));
  for (const l of opened.listeners.splice(0)) l.close();
  await Promise.all(opened.servers.splice(0).map((s) => s.stop()));
});

const ALICE_ROUTE = `route[msrp_auth] {
    if ($var(username) == "alice" && $var(realm) == "127.0.0.1") { $var(password) = "pw-a"; }
}`;

async function relay(extra = '', authRoute = ALICE_ROUTE): Promise<{ s: TestServer; port: number; uri: string }> {
  const port = await freePort();
  const uri = `msrp://127.0.0.1:${port};tcp`;
  const s = await createTestServer(
    `socket=msrp:127.0.0.1:${port}
loadmodule "proto_msrp"
loadmodule "msrp_relay"
modparam("msrp_relay", "my_uri", "${uri}")
modparam("msrp_relay", "auth_min_expires", 1)
modparam("msrp_relay", "cleanup_interval", 1)
${authRoute === ALICE_ROUTE ? 'modparam("msrp_relay", "calculate_ha1", 1)' : ''}
${extra}
route { drop; }
${authRoute}
`,
  );
  opened.servers.push(s);
  return { s, port, uri };
}

async function client(port: number): Promise<MsrpTestClient> {
  const c = await MsrpTestClient.open(port);
  opened.clients.push(c);
  return c;
}

/** a peer the relay connects to */
async function listeningPeer(): Promise<{ uri: string; accepted: Promise<MsrpTestClient> }> {
  const l = await MsrpTestClient.listen();
  opened.listeners.push(l.server);
  const accepted = l.accepted.then((c) => (opened.clients.push(c), c));
  return { uri: `msrp://127.0.0.1:${l.port}/b1;tcp`, accepted };
}

/** relay + A authenticated as alice; A's session URI */
async function withAlice(extra = '') {
  const r = await relay(extra);
  const a = await client(r.port);
  const aUri = a.uri('a1');
  const { final, usePath } = await authenticate(a, r.uri, aUri, { user: 'alice', password: 'pw-a' });
  expect(final.status).toBe(200);
  return { ...r, a, aUri, ua: usePath! };
}

describe('msrp_relay on proto_msrp (RFC 4976)', () => {
  it('AUTH: 401 challenge, then 200 with Use-Path, Expires and a correct rspauth; wrong password 403', async () => {
    const r = await relay();
    const a = await client(r.port);
    const aUri = a.uri('a1');
    const ok = await authenticate(a, r.uri, aUri, { user: 'alice', password: 'pw-a' });
    expect(ok.challenge!.status).toBe(401);
    const www = ok.challenge!.headers.get('www-authenticate')!;
    expect(www).toMatch(/^Digest realm="127\.0\.0\.1", nonce="[0-9a-f]+", .*qop="auth", algorithm=MD5$/);
    expect(ok.final.status).toBe(200);
    expect(ok.final.toPath).toEqual([aUri]);
    expect(ok.usePath).toMatch(new RegExp(`^msrp://127\\.0\\.0\\.1:${r.port}/[A-Za-z0-9_-]+;tcp$`));
    expect(ok.final.headers.get('expires')).toBe('1800');
    expect(ok.final.headers.get('authentication-info')).toContain(`rspauth="${expectedRspauth(www, 'alice', 'pw-a', r.uri)}"`);

    const bad = await authenticate(a, r.uri, aUri, { user: 'alice', password: 'nope' });
    expect(bad.final.status).toBe(403);
    const unknown = await authenticate(a, r.uri, aUri, { user: 'eve', password: 'pw-a' });
    expect(unknown.final.status).toBe(403);
    const sessions = (await r.s.mi('msrp_relay_sessions')) as { Sessions: { id: string; user: string; client_uri: string }[] };
    expect(sessions.Sessions).toHaveLength(1);
    expect(sessions.Sessions[0]).toMatchObject({ user: 'alice', client_uri: aUri });
    expect(await r.s.mi('get_statistics', ['msrp_relay:'])).toMatchObject({ 'msrp_relay:auth_ok': 1, 'msrp_relay:auth_failed': 2, 'msrp_relay:sessions': 1 });
  });

  it('A -> relay -> B: 200 from the relay, B gets the SEND with rewritten paths, B\'s 200 is absorbed', async () => {
    const { a, aUri, ua } = await withAlice();
    const b = await listeningPeer();
    const m = sendFrame({ toPath: [ua, b.uri], fromPath: [aUri], messageId: 'msg1', body: 'hello B', range: '1-7/7' });
    a.write(m.buf);
    const ok = await a.next((f) => f.id === m.tid);
    expect([ok.status, ok.toPath, ok.fromPath]).toEqual([200, [aUri], [ua]]);
    const bc = await b.accepted;
    const got = await bc.next((f) => f.method === 'SEND');
    expect(got.toPath).toEqual([b.uri]);
    expect(got.fromPath).toEqual([ua, aUri]);
    expect(got.id).not.toBe(m.tid);
    expect(got.body!.toString()).toBe('hello B');
    expect(got.headers.get('message-id')).toBe('msg1');
    bc.write(responseFrame(got, 200, 'OK'));
    await new Promise((res) => setTimeout(res, 100));
    expect(a.pending()).toEqual([]);
  });

  it('chunks keep their order, flags and bytes; an abort (#) is relayed', async () => {
    const { a, aUri, ua } = await withAlice();
    const b = await listeningPeer();
    const parts = ['first-', 'second-', 'third'];
    let at = 1;
    parts.forEach((p, i) => {
      const flag = i === parts.length - 1 ? '$' : '+';
      a.write(sendFrame({ toPath: [ua, b.uri], fromPath: [aUri], messageId: 'big', body: p, range: `${at}-${at + p.length - 1}/18`, flag }).buf);
      at += p.length;
    });
    a.write(sendFrame({ toPath: [ua, b.uri], fromPath: [aUri], messageId: 'gone', body: 'part', range: '1-4/*', flag: '#' }).buf);
    const bc = await b.accepted;
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await bc.next((f) => f.method === 'SEND'));
    expect(got.map((f) => [f.body!.toString(), f.flag, f.headers.get('byte-range')])).toEqual([
      ['first-', '+', '1-6/18'],
      ['second-', '+', '7-13/18'],
      ['third', '$', '14-18/18'],
      ['part', '#', '1-4/*'],
    ]);
  });

  it('REPORT from B reaches A on its connection, unanswered; a failure response from B becomes REPORT 000 <code>', async () => {
    const { a, aUri, ua } = await withAlice();
    const b = await listeningPeer();
    const m = sendFrame({ toPath: [ua, b.uri], fromPath: [aUri], messageId: 'm2', body: 'x', range: '1-1/1', successReport: 'yes' });
    a.write(m.buf);
    await a.next((f) => f.id === m.tid);
    const bc = await b.accepted;
    const got = await bc.next((f) => f.method === 'SEND');
    bc.write(responseFrame(got, 413, 'Stop sending'));
    const rep = await a.next((f) => f.method === 'REPORT');
    expect([rep.toPath, rep.headers.get('status'), rep.headers.get('message-id')]).toEqual([[aUri], '000 413', 'm2']);

    const report = requestFrame({
      method: 'REPORT',
      toPath: got.fromPath,
      fromPath: [b.uri],
      headers: [['Message-ID', 'm2'], ['Byte-Range', '1-1/1'], ['Status', '000 200 OK']],
    });
    bc.write(report.buf);
    const fwd = await a.next((f) => f.method === 'REPORT');
    expect([fwd.id, fwd.toPath, fwd.fromPath, fwd.headers.get('status')]).toEqual([report.tid, [aUri], [ua, b.uri], '000 200 OK']);
    await new Promise((res) => setTimeout(res, 100));
    expect(bc.pending()).toEqual([]);
  });

  it('the peer connecting first: both directions use the connections the endpoints opened', async () => {
    const { a, aUri, ua, port } = await withAlice();
    const b = await client(port);
    const bUri = 'msrp://192.0.2.1:9/unreachable;tcp'; // B's URI cannot be connected to: only its connection works
    const fromB = sendFrame({ toPath: [ua, aUri], fromPath: [bUri], messageId: 'mb', body: 'hi A', range: '1-4/4' });
    b.write(fromB.buf);
    expect((await b.next((f) => f.id === fromB.tid)).status).toBe(200);
    const atA = await a.next((f) => f.method === 'SEND');
    expect([atA.toPath, atA.fromPath, atA.body!.toString()]).toEqual([[aUri], [ua, bUri], 'hi A']);
    a.write(responseFrame(atA, 200, 'OK'));
    const fromA = sendFrame({ toPath: [ua, bUri], fromPath: [aUri], messageId: 'ma', body: 'hi B', range: '1-4/4' });
    a.write(fromA.buf);
    const atB = await b.next((f) => f.method === 'SEND');
    expect([atB.toPath, atB.fromPath, atB.body!.toString()]).toEqual([[bUri], [ua, aUri], 'hi B']);
  });

  it('unknown session: 200 then REPORT 000 481; unknown method: 501', async () => {
    const { a, aUri, port } = await withAlice();
    const bogus = `msrp://127.0.0.1:${port}/nosuchsession;tcp`;
    const m = sendFrame({ toPath: [bogus, 'msrp://127.0.0.1:9/x;tcp'], fromPath: [aUri], messageId: 'm3', body: 'x', range: '1-1/1' });
    a.write(m.buf);
    expect((await a.next((f) => f.id === m.tid)).status).toBe(200);
    const rep = await a.next((f) => f.method === 'REPORT');
    expect([rep.headers.get('status'), rep.headers.get('message-id'), rep.headers.get('byte-range')]).toEqual(['000 481', 'm3', '1-1/1']);
    const other = requestFrame({ method: 'FOO', toPath: [bogus], fromPath: [aUri], headers: [['Message-ID', 'm4']] });
    a.write(other.buf);
    expect((await a.next((f) => f.id === other.tid)).status).toBe(501);
  });

  it('a next hop refusing the connection ends the transaction at once: REPORT 000 408 with Failure-Report: yes', async () => {
    const { a, aUri, ua } = await withAlice();
    const dead = `msrp://127.0.0.1:${await freePort()}/x;tcp`;
    const quiet = sendFrame({ toPath: [ua, dead], fromPath: [aUri], messageId: 'q1', body: 'x', range: '1-1/1' });
    const loud = sendFrame({ toPath: [ua, dead], fromPath: [aUri], messageId: 'l1', body: 'x', range: '1-1/1', failureReport: 'yes' });
    a.write(quiet.buf);
    a.write(loud.buf);
    const rep = await a.next((f) => f.method === 'REPORT');
    expect([rep.headers.get('message-id'), rep.headers.get('status')]).toEqual(['l1', '000 408']);
    await new Promise((res) => setTimeout(res, 100));
    expect(a.pending().filter((f) => f.method === 'REPORT')).toEqual([]);
  });

  it('a session expires: its URI answers 481 afterwards and the sweep removes it', async () => {
    const r = await relay();
    const a = await client(r.port);
    const aUri = a.uri('a1');
    const { final, usePath } = await authenticate(a, r.uri, aUri, { user: 'alice', password: 'pw-a', expires: 1 });
    expect(final.headers.get('expires')).toBe('1');
    await new Promise((res) => setTimeout(res, 2200));
    expect(((await r.s.mi('msrp_relay_sessions')) as { Sessions: unknown[] }).Sessions).toEqual([]);
    expect(await r.s.mi('get_statistics', ['msrp_relay:sessions'])).toEqual({ 'msrp_relay:sessions': 0 });
    const m = sendFrame({ toPath: [usePath!, 'msrp://127.0.0.1:9/x;tcp'], fromPath: [aUri], messageId: 'm5', body: 'x', range: '1-1/1' });
    a.write(m.buf);
    expect((await a.next((f) => f.method === 'REPORT')).headers.get('status')).toBe('000 481');
  });

  it('auth_route by name with $avp variables and a ready HA1 (calculate_ha1 0)', async () => {
    const ha1 = createHash('md5').update('bob:example.org:pw-b').digest('hex');
    const r = await relay(
      `modparam("msrp_relay", "auth_route", "creds")
modparam("msrp_relay", "username_var", "$avp(u)")
modparam("msrp_relay", "realm_var", "$avp(r)")
modparam("msrp_relay", "password_var", "$avp(p)")
modparam("msrp_relay", "auth_realm", "example.org")`,
      `route[creds] { if ($avp(u) == "bob" && $avp(r) == "example.org") { $avp(p) = "${ha1}"; } }`,
    );
    const a = await client(r.port);
    const ok = await authenticate(a, r.uri, a.uri('b'), { user: 'bob', password: 'pw-b' });
    expect(ok.final.status).toBe(200);
    expect(ok.challenge!.headers.get('www-authenticate')).toContain('realm="example.org"');
    expect((await authenticate(a, r.uri, a.uri('b'), { user: 'bob', password: 'pw-x' })).final.status).toBe(403);
  });

  it('no auth route at all: an open relay, AUTH gets a session without a challenge', async () => {
    const r = await relay('', '');
    const a = await client(r.port);
    const ok = await authenticate(a, r.uri, a.uri('o'));
    expect([ok.final.status, ok.challenge]).toEqual([200, undefined]);
    expect(ok.usePath).toMatch(/^msrp:\/\/127\.0\.0\.1:\d+\/.+;tcp$/);
  });

  it('start-up: my_uri without an msrp socket and an unknown auth_route are refused', async () => {
    const port = await freePort();
    const base = `socket=msrp:127.0.0.1:${port}\nloadmodule "proto_msrp"\nloadmodule "msrp_relay"\nroute { drop; }\n`;
    await expect(createTestServer(`${base}modparam("msrp_relay", "my_uri", "msrp://127.0.0.1:${port + 1};tcp")`)).rejects.toThrow(/matches no msrp socket/);
    await expect(createTestServer(`${base}modparam("msrp_relay", "my_uri", "msrp://127.0.0.1:${port};tcp")\nmodparam("msrp_relay", "auth_route", "nope")`)).rejects.toThrow(
      /auth_route "nope" does not exist/,
    );
    await expect(createTestServer(base)).rejects.toThrow(/my_uri must be set/);
  });
});
