import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReply, createTestServer, SipMessage, type TestServer } from '@tsips/core';
import { request, sleep } from './helpers.js';

/** A SIP-over-TCP peer for tests: collects whole messages from a stream (Content-Length framing). */
class StreamPeer {
  readonly messages: Buffer[] = [];
  private pending = Buffer.alloc(0);
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.pending = Buffer.concat([this.pending, d]);
      for (;;) {
        const end = this.pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const cl = Number(/content-length:\s*(\d+)/i.exec(this.pending.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        if (this.pending.length < end + 4 + cl) return;
        this.messages.push(this.pending.subarray(0, end + 4 + cl));
        this.pending = this.pending.subarray(end + 4 + cl);
      }
    });
  }
  starting(prefix: string): Buffer[] {
    return this.messages.filter((m) => m.toString('latin1').startsWith(prefix));
  }
  async waitFor(prefix: string, n = 1): Promise<Buffer> {
    for (let i = 0; i < 200; i++) {
      const got = this.starting(prefix);
      if (got.length >= n) return got[n - 1]!;
      await sleep(10);
    }
    throw new Error(`no "${prefix}" on the stream`);
  }
}

let t: TestServer | undefined;
let uas: Server | undefined;
const socks: Socket[] = [];
afterEach(async () => {
  for (const s of socks.splice(0)) s.destroy();
  await t?.stop();
  await new Promise<void>((r) => (uas ? uas.close(() => r()) : r()));
  t = undefined;
  uas = undefined;
});

describe('reliable transports (RFC 3261 17.1.1.2, 17.2.1: no retransmissions over TCP)', () => {
  it('over TCP neither the INVITE nor the negative final is retransmitted; the hop-by-hop ACK uses the connection', async () => {
    let uasPeer: StreamPeer | undefined;
    uas = createServer((s) => {
      socks.push(s);
      uasPeer = new StreamPeer(s);
    });
    await new Promise<void>((r) => uas!.listen(0, '127.0.0.1', () => r()));
    const uasPort = (uas.address() as { port: number }).port;
    t = await createTestServer(`socket=tcp:127.0.0.1:0
loadmodule "proto_tcp"
loadmodule "tm"
modparam("tm", "T1_timer", 50)
modparam("tm", "T2_timer", 100)
route { if (is_method("ACK")) exit; t_relay("tcp:127.0.0.1:${uasPort}"); }`.replace('loadmodule "tm"', 'loadmodule "tm"\nloadmodule "sipmsgops"'));
    const l = t.listener('tcp');
    const uac = createConnection({ host: '127.0.0.1', port: l.port });
    socks.push(uac);
    const uacPeer = new StreamPeer(uac);
    await new Promise<void>((r) => uac.once('connect', () => r()));
    const via = `SIP/2.0/TCP 127.0.0.1:${uac.localPort};branch=z9hG4bKtcp1`;
    uac.write(request({ via }));
    await uacPeer.waitFor('SIP/2.0 100');
    for (let i = 0; i < 100 && !uasPeer?.starting('INVITE').length; i++) await sleep(10);
    const inv = await uasPeer!.waitFor('INVITE');
    await sleep(300); // 6*T1 without a retransmission
    expect(uasPeer!.starting('INVITE')).toHaveLength(1);
    uasPeer!.sock.write(buildReply(SipMessage.parse(inv), 486, 'Busy Here', { toTag: 'busy' }));
    const ack = await uasPeer!.waitFor('ACK');
    expect(SipMessage.parse(ack).via1.branch).toBe(SipMessage.parse(inv).via1.branch);
    await uacPeer.waitFor('SIP/2.0 486');
    await sleep(300);
    expect(uacPeer.starting('SIP/2.0 486')).toHaveLength(1);
    const st = (await t.mi('get_statistics', [['tm:']])) as Record<string, number>;
    expect(st['tm:retransmission_req_T1_1'] + st['tm:retransmission_rpl_T2']).toBe(0);
  });
});

describe('RFC 3261 17.2.1: Timer G only over unreliable transports', () => {
  // found by tools/fuzz: SIP injected from HEP over hep_tcp arrives without a connection
  // (conId 0) yet is answered over a stream proto; its negative final was retransmitted
  // over TCP every T1..T2, opening a new connection each time the peer had closed it
  const inject = async (proto: string, conId: number): Promise<number> => {
    t = await createTestServer(`socket=udp:127.0.0.1:0
socket=tcp:127.0.0.1:0
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "tm"
modparam("tm", "T1_timer", 20)
modparam("tm", "T2_timer", 40)
route { t_reply(486, "Busy Here"); }`);
    t.inject(request({ via: `SIP/2.0/${proto.toUpperCase()} 127.0.0.1:5999;rport;branch=z9hG4bKg${proto}` }), { proto, conId, srcIp: '127.0.0.1', srcPort: 5999 });
    await sleep(250);
    return t.sent.filter((m) => m.text.startsWith('SIP/2.0 486')).length;
  };

  it('a request on a stream proto without its connection gets its 486 once', async () => {
    expect(await inject('tcp', 0)).toBe(1);
  });

  it('over UDP the 486 is still retransmitted until the ACK', async () => {
    expect(await inject('udp', 0)).toBeGreaterThanOrEqual(3);
  });
});
