import { afterEach, describe, expect, it } from 'vitest';
import { coreServer, request, statusLine } from '../fixtures/server.js';
import type { TestServer } from '../../src/testing.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** Evaluate a format in the request route and return it as the reply's reason phrase. */
async function evaluate(fmt: string, req = request({ method: 'INVITE', ruri: 'sip:bob@example.com:5070;transport=udp', extra: 'User-Agent: tester/1\r\nX-A: one\r\nX-A: two\r\n', body: 'hello' })): Promise<string> {
  t = await coreServer(`route { reply(200, "${fmt}"); }`);
  t.inject(req, { srcPort: 40123 });
  const r = await t.waitForSent(() => true);
  return statusLine(r.text)!.slice('SIP/2.0 200 '.length);
}

describe('core pseudo-variables (OpenSIPS names)', () => {
  it('request URI parts, method, Call-ID, CSeq', async () => {
    expect(await evaluate('$ru|$rU|$rd|$rp|$rm|$ci|$cs')).toBe('sip:bob@example.com:5070;transport=udp|bob|example.com|5070|INVITE|call-1@test|1');
  });

  it('From and To URI, user, domain, tag', async () => {
    expect(await evaluate('$fu|$fU|$fd|$ft|$tu|$tU|$td|$tt')).toBe('sip:alice@127.0.0.1|alice|127.0.0.1|a1|sip:bob@127.0.0.1|bob|127.0.0.1|<null>');
  });

  it('headers, user agent, body, message length', async () => {
    const r = await evaluate('$hdr(X-A)|$hdr(x-a)[1]|$ua|$rb|$hdrcnt(X-A)');
    expect(r).toBe('one|two|tester/1|hello|2');
    expect(Number(await evaluate('$ml'))).toBeGreaterThan(300);
  });

  it('where it came from: $si $sp $Ri $Rp $proto $pr $conid $socket_in(...)', async () => {
    const r = await evaluate('$si|$sp|$Ri|$proto|$pr|$conid|$socket_in(proto)|$socket_in(ip)|$Rp|$socket_in(port)|$socket_in');
    const port = t!.listener('udp').port;
    expect(r).toBe(`127.0.0.1|40123|127.0.0.1|udp|udp|<null>|udp|127.0.0.1|${port}|${port}|udp:127.0.0.1:${port}`);
  });

  it('time: $Ts is now in seconds; $time(format) formats it', async () => {
    const r = await evaluate('$Ts|$time(%Y)');
    const [ts, year] = r.split('|');
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    expect(year).toBe(String(new Date().getFullYear()));
  });

  it('writable: $ru/$rU/$rd/$rp rewrite the forwarded R-URI; $du changes only the next hop', async () => {
    t = await coreServer('route { $rU = "carol"; $rd = "127.0.0.1"; $rp = 5998; $du = "sip:127.0.0.1:5997"; forward(); }');
    t.inject(request({ ruri: 'sip:bob@example.com' }));
    const out = await t.waitForSent(() => true);
    expect(out.text.startsWith('OPTIONS sip:carol@127.0.0.1:5998 SIP/2.0\r\n')).toBe(true);
    expect(out.dst.port).toBe(5997);
  });

  it('$rs and $rr read a reply in onreply_route', async () => {
    t = await coreServer('route { forward("sip:127.0.0.1:5998"); }\nonreply_route { $shv(r) = $rs + 0; $shv(reason) = $rr; }');
    t.inject(request());
    const out = await t.waitForSent(() => true);
    const vias = out.text.split('\r\n').filter((l) => l.startsWith('Via: '));
    t.inject(`SIP/2.0 180 Ringing Now\r\n${vias.join('\r\n')}\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b\r\nCall-ID: call-1@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`, { srcPort: 5998 });
    await t.waitForSent(() => true, { since: 1 });
    const shv = t.server.engine.routes.env.shv;
    expect([shv.get('r'), shv.get('reason')]).toEqual([180, 'Ringing Now']);
  });
});
