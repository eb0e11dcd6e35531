import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, firstLine, type TestServer } from '@tsips/core';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const server = (routes: string, head = '') =>
  createTestServer(`socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "rr"\n${head}\n${routes}`);

describe('rr: record_route', () => {
  it('inserts our Record-Route first, with ;lr and the From tag (append_fromtag)', async () => {
    t = await server('route { record_route(); forward("sip:127.0.0.1:5998"); }');
    const port = t.listener('udp').port;
    t.inject(sipRequest({ method: 'INVITE', extra: 'Record-Route: <sip:upstream.example;lr>\r\n' }));
    const out = await t.waitForSent(() => true);
    const rr = out.text.split('\r\n').filter((l) => l.startsWith('Record-Route:'));
    expect(rr).toEqual([`Record-Route: <sip:127.0.0.1:${port};lr;ftag=a1>`, 'Record-Route: <sip:upstream.example;lr>']);
  });

  it('record_route(params) and record_route_preset(host;params)', async () => {
    t = await server('route { if ($rU == "p") record_route_preset("proxy.example.com:5080;x=1"); else record_route(";nat=yes"); forward("sip:127.0.0.1:5998"); }', 'modparam("rr", "append_fromtag", 0)');
    const port = t.listener('udp').port;
    t.inject(sipRequest({ method: 'INVITE' }));
    t.inject(sipRequest({ method: 'INVITE', ruri: 'sip:p@127.0.0.1', callId: 'p' }));
    const a = await t.waitForSent(() => true);
    const b = await t.waitForSent(() => true, { since: 1 });
    expect(a.text).toContain(`Record-Route: <sip:127.0.0.1:${port};lr;nat=yes>\r\n`);
    expect(b.text).toContain('Record-Route: <sip:proxy.example.com:5080;x=1;lr>\r\n');
  });
});

describe('rr: loose_route (RFC 3261 §16.4, §16.12)', () => {
  const routes = `route {
    if (loose_route()) { xlog("L_INFO", "rr_params=$rr_params\\n"); if (is_direction("downstream")) $var(d) = "down"; else $var(d) = "up"; forward(); exit; }
    sl_send_reply(404, "no route");
  }`;

  it('removes our own Route and sends to the next Route ($du), keeping the R-URI', async () => {
    t = await server(routes);
    const me = `127.0.0.1:${t.listener('udp').port}`;
    t.inject(sipRequest({ method: 'BYE', ruri: 'sip:bob@203.0.113.9', to: '<sip:bob@127.0.0.1>;tag=b', extra: `Route: <sip:${me};lr;ftag=a1>, <sip:127.0.0.1:5998;lr>\r\n` }));
    const out = await t.waitForSent(() => true);
    expect(firstLine(out)).toBe('BYE sip:bob@203.0.113.9 SIP/2.0');
    expect(out.dst.port).toBe(5998);
    expect(out.text).toContain('Route: <sip:127.0.0.1:5998;lr>\r\n');
    expect(out.text).not.toContain(me + ';lr;ftag');
  });

  it('with only our Route left, the request goes to the R-URI', async () => {
    t = await server(routes);
    const me = `127.0.0.1:${t.listener('udp').port}`;
    t.inject(sipRequest({ method: 'BYE', ruri: 'sip:bob@127.0.0.1:5997', to: '<sip:bob@127.0.0.1>;tag=b', extra: `Route: <sip:${me};lr>\r\n` }));
    const out = await t.waitForSent(() => true);
    expect(out.dst.port).toBe(5997);
    expect(out.text).not.toContain('Route:');
  });

  it('returns -1 without Route headers', async () => {
    t = await server(routes);
    t.inject(sipRequest({ method: 'BYE', to: '<sip:bob@127.0.0.1>;tag=b' }));
    expect(firstLine(await t.waitForSent(() => true))).toBe('SIP/2.0 404 no route');
  });

  it('a strict router left our URI in the R-URI: the last Route becomes the R-URI (16.4)', async () => {
    t = await server(routes);
    const me = `127.0.0.1:${t.listener('udp').port}`;
    t.inject(sipRequest({ method: 'BYE', ruri: `sip:${me};lr`, to: '<sip:bob@127.0.0.1>;tag=b', extra: 'Route: <sip:bob@127.0.0.1:5996>\r\n' }));
    const out = await t.waitForSent(() => true);
    expect(firstLine(out)).toBe('BYE sip:bob@127.0.0.1:5996 SIP/2.0');
    expect(out.dst.port).toBe(5996);
  });

  it('is_direction and check_route_param read our Route parameters', async () => {
    t = await server(`route {
      if (!loose_route()) { sl_send_reply(404, "x"); exit; }
      if (check_route_param("nat=yes") && is_direction("upstream")) sl_send_reply(200, "up nat $rr_params");
      else sl_send_reply(200, "other");
    }`);
    const me = `127.0.0.1:${t.listener('udp').port}`;
    // From tag b2 differs from ftag a1: the callee is sending, i.e. upstream
    t.inject(sipRequest({ method: 'BYE', from: '<sip:bob@127.0.0.1>;tag=b2', to: '<sip:alice@127.0.0.1>;tag=a1', extra: `Route: <sip:${me};lr;ftag=a1;nat=yes>\r\n` }));
    expect(firstLine(await t.waitForSent(() => true))).toBe('SIP/2.0 200 up nat lr;ftag=a1;nat=yes');
  });
});

describe('rr: loose_route with our double Record-Route (r2 pair)', () => {
  // two UDP sockets: the pair names both, and $fs decides which one the request leaves from
  const two = () =>
    createTestServer(`socket=udp:127.0.0.1:0\nsocket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "rr"
      route { if (loose_route()) { forward(); exit; } sl_send_reply(404, "no route"); }`);
  const sockets = (ts: TestServer) => ts.server.config.listeners.filter((l) => l.proto === 'udp');

  it('removes both entries, sends to the next Route and leaves from the socket the second entry names', async () => {
    t = await two();
    const [a, b] = sockets(t);
    const ra = `<sip:127.0.0.1:${a!.port};transport=udp;r2=on;lr;ftag=a1>`;
    const rb = `<sip:127.0.0.1:${b!.port};transport=udp;r2=on;lr;ftag=a1>`;
    // the caller's side: came in on A (our inbound entry first), goes on via B
    t.inject(sipRequest({ method: 'BYE', ruri: 'sip:bob@127.0.0.1:5997', to: '<sip:bob@127.0.0.1>;tag=b', extra: `Route: ${ra}, ${rb}, <sip:127.0.0.1:5998;lr>\r\n` }), { listener: a });
    const out = await t.waitForSent(() => true);
    expect(out.dst.port).toBe(5998);
    expect(out.dst.listener).toBe(b);
    expect(out.text).toContain(`Via: SIP/2.0/UDP 127.0.0.1:${b!.port};branch=`);
    expect(out.text.match(/^Route: .*$/gm)).toEqual(['Route: <sip:127.0.0.1:5998;lr>']);
  });

  it('the callee side (entries in the other order, separate headers): both go, the R-URI is the target, out on A', async () => {
    t = await two();
    const [a, b] = sockets(t);
    const extra = `Route: <sip:127.0.0.1:${b!.port};transport=udp;r2=on;lr;ftag=a1>\r\nRoute: <sip:127.0.0.1:${a!.port};transport=udp;r2=on;lr;ftag=a1>\r\n`;
    t.inject(sipRequest({ method: 'BYE', ruri: 'sip:alice@127.0.0.1:5996', from: '<sip:bob@127.0.0.1>;tag=b', to: '<sip:alice@127.0.0.1>;tag=a1', extra }), { listener: b });
    const out = await t.waitForSent(() => true);
    expect(firstLine(out)).toBe('BYE sip:alice@127.0.0.1:5996 SIP/2.0');
    expect(out.dst.port).toBe(5996);
    expect(out.dst.listener).toBe(a);
    expect(out.text).not.toContain('Route:');
  });

  it('an r2 entry whose twin is not ours: only ours goes, the twin is the next hop', async () => {
    t = await two();
    const [a] = sockets(t);
    t.inject(sipRequest({ method: 'BYE', to: '<sip:bob@127.0.0.1>;tag=b', extra: `Route: <sip:127.0.0.1:${a!.port};r2=on;lr>, <sip:127.0.0.1:5995;r2=on;lr>\r\n` }), { listener: a });
    const out = await t.waitForSent(() => true);
    expect(out.dst.port).toBe(5995);
    expect(out.text).toContain('Route: <sip:127.0.0.1:5995;r2=on;lr>\r\n');
  });

  it('enable_double_rr=0: an r2 entry is handled like any other (its twin stays as the next hop)', async () => {
    t = await createTestServer(`socket=udp:127.0.0.1:0\nsocket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "rr"\nmodparam("rr", "enable_double_rr", 0)
      route { if (loose_route()) sl_send_reply(200, "du=$du"); }`);
    const [a, b] = sockets(t);
    t.inject(sipRequest({ method: 'BYE', to: '<sip:bob@127.0.0.1>;tag=b', extra: `Route: <sip:127.0.0.1:${a!.port};r2=on;lr>, <sip:127.0.0.1:${b!.port};r2=on;lr>\r\n` }), { listener: a });
    expect(firstLine(await t.waitForSent(() => true))).toBe(`SIP/2.0 200 du=sip:127.0.0.1:${b!.port};r2=on;lr`);
  });
});
