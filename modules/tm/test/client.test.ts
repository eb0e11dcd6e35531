import { afterEach, describe, expect, it } from 'vitest';
import { SipMessage, type TestServer } from '@tsips/core';
import { answer, header, isReplyTo, isRequestTo, request, sleep, stats, status, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const relay = (pre = '') => `route { ${pre} t_relay("udp:127.0.0.1:${UAS1}"); }`;
const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;

describe('INVITE client transaction (RFC 3261 17.1.1)', () => {
  it('17.1.1.2 INVITE client: Timer A doubles up to T2 over UDP', async () => {
    t = await tmServer(relay(), { T1_timer: 100, T2_timer: 400 });
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    // sends at 0, 100, 300, 700, 1100 (100, 200, 400, 400 apart)
    const at = async (ms: number, n: number) => {
      await sleep(ms);
      expect(count(t!, isRequestTo(UAS1, 'INVITE'))).toBe(n);
    };
    await at(50, 1);
    await at(150, 2); // 200
    await at(300, 3); // 500
    await at(400, 4); // 900
    await at(400, 5); // 1300
    expect(t.sent.filter(isRequestTo(UAS1, 'INVITE')).every((s) => s.text === inv.text)).toBe(true);
    const st = await stats(t);
    expect([st['tm:retransmission_req_T1_1'], st['tm:retransmission_req_T1_2'], st['tm:retransmission_req_T1_3'], st['tm:retransmission_req_T2']]).toEqual([1, 1, 1, 1]);
  });

  it('17.1.1.2 a provisional stops the INVITE retransmissions', async () => {
    t = await tmServer(relay());
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 100, 'Trying'), { srcPort: UAS1 });
    const n = count(t, isRequestTo(UAS1, 'INVITE'));
    await sleep(300);
    expect(count(t, isRequestTo(UAS1, 'INVITE'))).toBe(n);
    expect(count(t, isReplyTo(5999, 100))).toBe(1); // our own 100; the downstream 100 is not relayed
  });

  it('17.1.1.3 a non-2xx final is ACKed hop-by-hop (same branch, To tag of the reply, Route kept) and relayed once', async () => {
    t = await tmServer(relay());
    t.inject(request({ extra: 'Route: <sip:next.example;lr>\r\n' }));
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 486, 'Busy Here', { toTag: 'uas486' }), { srcPort: UAS1 });
    const ack = await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    const a = SipMessage.parse(ack.buf);
    const i = SipMessage.parse(inv.buf);
    expect(a.ruri).toBe(i.ruri);
    expect(a.vias()).toHaveLength(1);
    expect(a.via1.branch).toBe(i.via1.branch);
    expect(a.toTag).toBe('uas486');
    expect(a.cseq).toEqual({ num: 1, method: 'ACK' });
    expect(a.header('route')).toBe('<sip:next.example;lr>');
    const busy = await t.waitForSent(isReplyTo(5999, 486));
    expect(SipMessage.parse(busy.buf).vias()).toHaveLength(1); // our Via removed
    // a retransmitted final is ACKed again and not relayed again (Completed)
    t.inject(answer(inv, 486, 'Busy Here', { toTag: 'uas486' }), { srcPort: UAS1 });
    await sleep(20);
    expect(count(t, isRequestTo(UAS1, 'ACK'))).toBe(2);
    expect(count(t, isReplyTo(5999, 486))).toBe(1);
  });

  it('17.1.1.2 a 2xx is relayed and not ACKed by tm; its retransmissions are relayed too (end to end)', async () => {
    t = await tmServer(relay());
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 200));
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await sleep(20);
    expect(count(t, isReplyTo(5999, 200))).toBe(2);
    expect(count(t, isRequestTo(UAS1, 'ACK'))).toBe(0);
    // the end-to-end ACK has its own branch: forwarded statelessly by t_relay
    t.inject(request({ method: 'ACK', toTag: 'b1', branch: 'z9hG4bKack2xx' }));
    const ack = await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    expect(SipMessage.parse(ack.buf).vias()).toHaveLength(2);
  });

  it('fr_inv_timeout after a provisional (Timer C): CANCEL downstream, 408 upstream, timeout_finalresponse_inv', async () => {
    t = await tmServer(relay('t_set_fr(300, 2000);'));
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    const cancel = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'), { timeoutMs: 1000 });
    expect(SipMessage.parse(cancel.buf).via1.branch).toBe(SipMessage.parse(inv.buf).via1.branch);
    await t.waitForSent(isReplyTo(5999, 408));
    const st = await stats(t);
    expect(st['tm:timeout_finalresponse_inv']).toBe(1);
    expect(st['tm:timeout_finalresponse']).toBe(0);
    expect(st['tm:local_replies']).toBe(1);
    // the late 487 of the cancelled branch is ACKed, not relayed
    t.inject(answer(inv, 487, 'Request Terminated'), { srcPort: UAS1 });
    await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    expect(count(t, isReplyTo(5999, 487))).toBe(0);
  });

  it('fr_timeout with no reply at all (Timer B): 408, no CANCEL, timeout_finalresponse', async () => {
    t = await tmServer(relay('t_set_fr(5000, 250);'));
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 408), { timeoutMs: 1000 });
    expect(count(t, isRequestTo(UAS1, 'CANCEL'))).toBe(0);
    expect((await stats(t))['tm:timeout_finalresponse']).toBe(1);
  });

  it('restart_fr_on_each_reply: every 1xx re-arms fr_inv_timeout; with 0 only the first does', async () => {
    for (const [restart, expectTimeoutBy] of [[1, false], [0, true]] as const) {
      t = await tmServer(relay('t_set_fr(300, 2000);'), { restart_fr_on_each_reply: restart });
      t.inject(request());
      const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
      t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
      for (let i = 0; i < 3; i++) {
        await sleep(150);
        t.inject(answer(inv, 183, 'Progress'), { srcPort: UAS1 });
      }
      await sleep(50); // 500 ms after the first 180
      expect(count(t, isReplyTo(5999, 408)) > 0).toBe(expectTimeoutBy);
      await t.stop();
      t = undefined;
    }
  });

  it('noisy_ctimer=0: a lone INVITE branch that never answered ends without a 408', async () => {
    t = await tmServer(relay('t_set_fr(5000, 200);'), { noisy_ctimer: 0 });
    t.inject(request());
    await sleep(500);
    expect(count(t, isReplyTo(5999, 408))).toBe(0);
    expect((await stats(t))['tm:timeout_finalresponse']).toBe(1);
  });

  it('t_set_max_lifetime: the INVITE gets its final (408) when the lifetime ends, whatever fr_inv_timeout says', async () => {
    t = await tmServer(relay('t_set_max_lifetime(300, 300);'));
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 408), { timeoutMs: 1000 });
    await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
  });
});

describe('timer parameters', () => {
  it('fr_timer (Kamailio, ms) and fr_inv_timer: 408 after the configured time', async () => {
    t = await tmServer(relay(), { fr_timer: 1000, fr_inv_timer: 3000 });
    const t0 = Date.now();
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 408), { timeoutMs: 2000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('max_noninv_lifetime caps the fr timer of a non-INVITE', async () => {
    t = await tmServer(relay(), { max_noninv_lifetime: 300 });
    const t0 = Date.now();
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isReplyTo(5999, 408), { timeoutMs: 1000 });
    expect(Date.now() - t0).toBeLessThan(600);
  });

  it('auto_inv_100_reason sets the reason of the automatic 100', async () => {
    t = await tmServer(relay(), { auto_inv_100_reason: 'Giving a try' });
    t.inject(request());
    expect(status(await t.waitForSent(isReplyTo(5999, 100)))).toBe('SIP/2.0 100 Giving a try');
  });
});

describe('non-INVITE client transaction (RFC 3261 17.1.2)', () => {
  it('17.1.2.2 Timer E doubles to T2, then continues at T2 after a provisional', async () => {
    t = await tmServer(relay(), { T1_timer: 100, T2_timer: 200 });
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    await sleep(150); // retransmission at 100
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBe(2);
    const req = t.sent.find(isRequestTo(UAS1, 'OPTIONS'))!;
    t.inject(answer(req, 180, 'Ringing'), { srcPort: UAS1 });
    await sleep(500); // 300 (interval 200), 500 (T2 in Proceeding) ...
    const n = count(t, isRequestTo(UAS1, 'OPTIONS'));
    expect(n).toBeGreaterThanOrEqual(3);
    t.inject(answer(req, 200, 'OK'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 200));
    await sleep(450);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBeLessThanOrEqual(n + 1);
  });

  it('Timer F / fr_timeout: a non-INVITE without final gets a local 408', async () => {
    t = await tmServer(relay('t_set_fr(5000, 200);'));
    t.inject(request({ method: 'OPTIONS' }));
    const r = await t.waitForSent(isReplyTo(5999, 408), { timeoutMs: 1000 });
    expect(status(r)).toBe('SIP/2.0 408 Request Timeout');
    expect(header(r, 'to')).toMatch(/;tag=/);
  });
});
