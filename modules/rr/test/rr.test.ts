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

  it('record_route(params) and record_route_preset(host, params)', async () => {
    t = await server('route { if ($rU == "p") record_route_preset("proxy.example.com:5080", "x=1"); else record_route(";nat=yes"); forward("sip:127.0.0.1:5998"); }', 'modparam("rr", "append_fromtag", 0)');
    const port = t.listener('udp').port;
    t.inject(sipRequest({ method: 'INVITE' }));
    t.inject(sipRequest({ method: 'INVITE', ruri: 'sip:p@127.0.0.1', callId: 'p' }));
    const a = await t.waitForSent(() => true);
    const b = await t.waitForSent(() => true, { since: 1 });
    expect(a.text).toContain(`Record-Route: <sip:127.0.0.1:${port};lr;nat=yes>\r\n`);
    expect(b.text).toContain('Record-Route: <sip:proxy.example.com:5080;lr;x=1>\r\n');
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
