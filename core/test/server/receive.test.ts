import { afterEach, describe, expect, it } from 'vitest';
import { coreServer, request, statusLine } from '../fixtures/server.js';
import type { TestServer } from '../../src/testing.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('SIP receive path', () => {
  it('runs the request route; the reply copies Via/From/To/Call-ID/CSeq and adds a To tag (RFC 3261 §8.2.6)', async () => {
    t = await coreServer('route { reply(200, "Fine"); }');
    t.inject(request());
    const r = await t.waitForSent(() => true);
    expect(statusLine(r.text)).toBe('SIP/2.0 200 Fine');
    expect(r.text).toContain('Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-test1\r\n');
    expect(r.text).toMatch(/\r\nTo: <sip:bob@127.0.0.1>;tag=[0-9a-f]+\.[0-9a-f]+\r\n/);
    expect(r.text).toContain('Call-ID: call-1@test\r\n');
    expect(r.text).toContain('CSeq: 1 OPTIONS\r\n');
    expect(r.dst).toMatchObject({ proto: 'udp', ip: '127.0.0.1', port: 5999 });
  });

  it('RFC 3581: with ;rport the reply goes to the source port and Via gets received and rport values', async () => {
    t = await coreServer('route { reply(200, "OK"); }');
    t.inject(request({ via: 'SIP/2.0/UDP 10.0.0.9:5070;rport;branch=z9hG4bK-r' }), { srcPort: 40000 });
    const r = await t.waitForSent(() => true);
    expect(r.dst).toMatchObject({ ip: '127.0.0.1', port: 40000 });
    expect(r.text).toMatch(/Via: SIP\/2.0\/UDP 10.0.0.9:5070;rport=40000;branch=z9hG4bK-r;received=127.0.0.1\r\n|Via: SIP\/2.0\/UDP 10.0.0.9:5070;rport=40000;branch=z9hG4bK-r;received=127.0.0.1/);
  });

  it('RFC 3261 §18.2.1: a sent-by that differs from the source gets received=; without rport the reply goes to the Via port', async () => {
    t = await coreServer('route { reply(200, "OK"); }');
    t.inject(request({ via: 'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK-r2' }), { srcPort: 40001 });
    const r = await t.waitForSent(() => true);
    expect(r.dst).toMatchObject({ ip: '127.0.0.1', port: 5070 });
    expect(r.text).toContain('received=127.0.0.1');
  });

  it('answers a malformed CSeq with 400 naming the header, counts it, and keeps serving', async () => {
    t = await coreServer('route { reply(200, "OK"); }');
    t.inject(request({ cseq: 'abc OPTIONS' }));
    const bad = await t.waitForSent(() => true);
    expect(statusLine(bad.text)).toMatch(/^SIP\/2.0 400 .*CSeq/i);
    expect(((await t.mi('get_statistics', [['core:bad_msg_hdr']])) as Record<string, number>)['core:bad_msg_hdr']).toBe(1);
    t.inject(request());
    const ok = await t.waitForSent(() => true, { since: 1 });
    expect(statusLine(ok.text)).toBe('SIP/2.0 200 OK');
  });

  it('drops garbage without a reply and counts it', async () => {
    t = await coreServer('route { reply(200, "OK"); }');
    t.inject('\x00\x01 this is not SIP at all\r\n\r\n');
    t.inject(request());
    const first = await t.waitForSent(() => true);
    expect(statusLine(first.text)).toBe('SIP/2.0 200 OK');
    expect(t.sent).toHaveLength(1);
    expect(((await t.mi('get_statistics', [['core:']])) as Record<string, number>)['core:bad_msg_hdr']).toBe(1);
  });

  it('answers an unsupported URI scheme with 416 (RFC 4475 unkscm)', async () => {
    t = await coreServer('route { reply(200, "OK"); }');
    t.inject(request({ ruri: 'nobarr.url.com:8000' }).replace('OPTIONS nobarr', 'OPTIONS nobarr'));
    t.inject(request({ ruri: 'http://example.com/x' }));
    const r = await t.waitForSent((m) => m.text.startsWith('SIP/2.0 416'));
    expect(statusLine(r.text)).toBe('SIP/2.0 416 Unsupported URI Scheme');
  });

  it('answers a message over maxbuffer with 513', async () => {
    t = await coreServer('route { reply(200, "OK"); }', 'maxbuffer = 2048');
    t.inject(request({ body: 'x'.repeat(3000) }));
    const r = await t.waitForSent(() => true);
    expect(statusLine(r.text)).toBe('SIP/2.0 513 Message Too Large');
  });

  it('error_route runs on a parse error with $err.* set, instead of the automatic 400', async () => {
    t = await coreServer('route { reply(200, "OK"); }\nerror_route { reply($err.rcode, "E: $err.rreason"); }');
    t.inject(request({ cseq: 'x' }));
    const r = await t.waitForSent(() => true);
    expect(statusLine(r.text)).toMatch(/^SIP\/2.0 400 E: .*CSeq/i);
  });

  it('drops a reply whose top Via is not ours, and a malformed reply, counting both', async () => {
    t = await coreServer('route { exit; }');
    t.inject('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
    t.inject('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\nCall-ID: r2\r\nCSeq: one INVITE\r\nContent-Length: 0\r\n\r\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(t.sent).toHaveLength(0);
    const st = (await t.mi('get_statistics', [['core:']])) as Record<string, number>;
    expect(st['core:drop_replies']).toBe(1);
    expect(st['core:err_replies']).toBe(1);
  });
});

describe('stateless forward() (RFC 3261 §16.11)', () => {
  it('relays to the R-URI with our Via on top, and relays the reply back by the next Via', async () => {
    t = await coreServer('route { forward(); }');
    const port = t.listener('udp').port;
    t.inject(request({ ruri: 'sip:bob@127.0.0.1:5998' }));
    const out = await t.waitForSent(() => true);
    expect(out.dst).toMatchObject({ proto: 'udp', ip: '127.0.0.1', port: 5998 });
    const vias = out.text.split('\r\n').filter((l) => l.startsWith('Via: '));
    expect(vias[0]).toMatch(new RegExp(`^Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK[0-9a-f]+\\.[0-9a-f]+$`));
    expect(vias[1]).toBe('Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-test1');
    const branch = /branch=(z9hG4bK[0-9a-f.]+)/.exec(vias[0]!)![1];
    t.inject(
      `SIP/2.0 200 OK\r\n${vias[0]}\r\n${vias[1]}\r\nFrom: "Alice" <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b\r\nCall-ID: call-1@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
      { srcPort: 5998 },
    );
    const back = await t.waitForSent(() => true, { since: 1 });
    expect(back.dst).toMatchObject({ ip: '127.0.0.1', port: 5999 });
    expect(back.text).not.toContain(branch);
    expect(back.text.startsWith('SIP/2.0 200 OK')).toBe(true);
  });

  it('forward(uri) and $du override the R-URI as the next hop without changing it', async () => {
    t = await coreServer('route { if ($rU == "a") forward("sip:127.0.0.1:5997"); else { $du = "sip:127.0.0.1:5996"; forward(); } }');
    t.inject(request({ ruri: 'sip:a@example.com' }));
    t.inject(request({ ruri: 'sip:b@example.com' }));
    const a = await t.waitForSent(() => true);
    const b = await t.waitForSent(() => true, { since: 1 });
    expect([a.dst.port, b.dst.port]).toEqual([5997, 5996]);
    expect(a.text.startsWith('OPTIONS sip:a@example.com SIP/2.0')).toBe(true);
  });

  it('detects a loop: our own Via with the branch we would compute -> 482 (RFC 3261 §16.3 step 4)', async () => {
    t = await coreServer('route { forward(); }');
    t.inject(request({ ruri: 'sip:bob@127.0.0.1:5998' }));
    const out = await t.waitForSent(() => true);
    // the relayed request comes back to us unchanged
    t.inject(out.buf, { srcPort: 5998 });
    const r = await t.waitForSent(() => true, { since: 1 });
    expect(statusLine(r.text)).toBe('SIP/2.0 482 Loop Detected');
  });

  it('refuses to forward with Max-Forwards 0: 483', async () => {
    t = await coreServer('route { forward(); }');
    t.inject(request({ ruri: 'sip:bob@127.0.0.1:5998', maxf: '0' }));
    const r = await t.waitForSent(() => true);
    expect(statusLine(r.text)).toBe('SIP/2.0 483 Too Many Hops');
  });
});

