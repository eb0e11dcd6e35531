import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReply, createTestServer, firstLine, SipMessage, type SentMessage, type TestServer } from '@tsips/core';

/**
 * UDP in, TCP out through tm: the caller injects over UDP, the callee is a real TCP socket of
 * the test; the dialog's later requests come back over either side with both our Routes.
 */
let t: TestServer | undefined;
let uas: net.Server | undefined;
const conns: net.Socket[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.destroy();
  await t?.stop();
  t = undefined;
  await new Promise<void>((r) => (uas ? uas.close(() => r()) : r()));
  uas = undefined;
});

/** A TCP "UAS" on an OS-assigned port that keeps the connections tsips opens. */
async function tcpUas(): Promise<{ port: number; conn: () => Promise<net.Socket> }> {
  const accepted: net.Socket[] = [];
  uas = net.createServer((s) => {
    s.on('error', () => {});
    conns.push(s);
    accepted.push(s);
  });
  await new Promise<void>((r) => uas!.listen(0, '127.0.0.1', r));
  const port = (uas.address() as net.AddressInfo).port;
  const conn = async (): Promise<net.Socket> => {
    for (let i = 0; i < 200 && accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    if (!accepted[0]) throw new Error('tsips did not connect to the TCP UAS');
    return accepted[0];
  };
  return { port, conn };
}

const cfg = `socket=udp:127.0.0.1:0
socket=tcp:127.0.0.1:0
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "tm"
loadmodule "rr"
modparam("tm", "fr_timer", 2)
route {
  if (loose_route()) { t_relay(); exit; }
  record_route();
  t_relay();
}`;

/** The next hop's reply to a request tsips sent (a UAS copies the Record-Routes into a 2xx). */
const answer = (req: SentMessage, code: number, reason: string, headers: string[] = []): Buffer =>
  buildReply(SipMessage.parse(req.buf), code, reason, { toTag: 'b1', headers });
const rrLines = (m: SentMessage) => m.text.split('\r\n').filter((l) => l.startsWith('Record-Route:'));
const isReq = (method: string, proto: string) => (m: SentMessage) => m.dst.proto === proto && m.text.startsWith(`${method} `);

describe('double Record-Route: UDP in, TCP out (tm)', () => {
  it('the INVITE carries two entries; in-dialog requests from either side lose both and cross back', async () => {
    const callee = await tcpUas();
    t = await createTestServer(cfg);
    const udp = t.listener('udp');
    const tcp = t.listener('tcp');
    const rrTcp = `<sip:127.0.0.1:${tcp.port};transport=tcp;r2=on;lr;ftag=a1>`;
    const rrUdp = `<sip:127.0.0.1:${udp.port};transport=udp;r2=on;lr;ftag=a1>`;

    t.inject(
      'INVITE sip:bob@127.0.0.1:' + callee.port + ';transport=tcp SIP/2.0\r\n' +
      'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKinv1\r\n' +
      'From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: drr-1\r\nCSeq: 1 INVITE\r\n' +
      'Contact: <sip:alice@127.0.0.1:5999>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const inv = await t.waitForSent(isReq('INVITE', 'tcp'));
    expect(inv.dst.port).toBe(callee.port);
    expect(rrLines(inv)).toEqual([`Record-Route: ${rrTcp}`, `Record-Route: ${rrUdp}`]);
    expect(inv.text).toContain(`Via: SIP/2.0/TCP 127.0.0.1:${tcp.port};branch=`);

    // the callee answers over its connection; the 200 goes upstream over UDP with both entries
    const conn = await callee.conn();
    const ok = answer(inv, 200, 'OK', [`Contact: <sip:bob@127.0.0.1:${callee.port};transport=tcp>`, ...rrLines(inv)]);
    conn.write(ok);
    const up = await t.waitForSent((m) => m.dst.proto === 'udp' && firstLine(m) === 'SIP/2.0 200 OK');
    expect(rrLines(up)).toEqual([`Record-Route: ${rrTcp}`, `Record-Route: ${rrUdp}`]);

    // callee -> caller: its route set is the Record-Route list in order
    conn.write(
      `BYE sip:alice@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:${callee.port};branch=z9hG4bKbye1\r\n` +
      `Route: ${rrTcp}, ${rrUdp}\r\n` +
      'From: <sip:bob@127.0.0.1>;tag=b1\r\nTo: <sip:alice@127.0.0.1>;tag=a1\r\nCall-ID: drr-1\r\nCSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const bye = await t.waitForSent(isReq('BYE', 'udp'));
    expect(firstLine(bye)).toBe('BYE sip:alice@127.0.0.1:5999 SIP/2.0');
    expect(bye.dst.port).toBe(5999);
    expect(bye.dst.listener).toBe(udp);
    expect(bye.text).toContain(`Via: SIP/2.0/UDP 127.0.0.1:${udp.port};branch=`);
    expect(bye.text).not.toContain('Route:');
    t.inject(answer(bye, 200, 'OK'), { srcPort: 5999 });

    // caller -> callee: the reversed list, over UDP; out over TCP to the callee's Contact
    t.inject(
      `BYE sip:bob@127.0.0.1:${callee.port};transport=tcp SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbye2\r\n` +
      `Route: ${rrUdp}\r\nRoute: ${rrTcp}\r\n` +
      'From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\nCall-ID: drr-1\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const bye2 = await t.waitForSent(isReq('BYE', 'tcp'));
    expect(firstLine(bye2)).toBe(`BYE sip:bob@127.0.0.1:${callee.port};transport=tcp SIP/2.0`);
    expect(bye2.dst.port).toBe(callee.port);
    expect(bye2.text).toContain(`Via: SIP/2.0/TCP 127.0.0.1:${tcp.port};branch=`);
    expect(bye2.text).not.toContain('Route:');
    conn.write(answer(bye2, 200, 'OK'));
    await t.waitForSent((m) => firstLine(m) === 'SIP/2.0 200 OK' && m.text.includes('CSeq: 2 BYE'));
  });

  it('a branch that stays on the incoming proto gets one entry', async () => {
    t = await createTestServer(cfg);
    const udp = t.listener('udp');
    t.inject(
      'INVITE sip:bob@127.0.0.1:5997 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKinv2\r\n' +
      'From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: drr-2\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const inv = await t.waitForSent(isReq('INVITE', 'udp'));
    expect(rrLines(inv)).toEqual([`Record-Route: <sip:127.0.0.1:${udp.port};lr;ftag=a1>`]);
    t.inject(answer(inv, 486, 'Busy Here'), { srcPort: 5997 });
    await t.waitForSent((m) => firstLine(m) === 'SIP/2.0 486 Busy Here');
  });
});
