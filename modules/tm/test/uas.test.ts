import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { answer, isReplyTo, isRequestTo, request, sleep, stats, status, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const relay = `route { t_relay("udp:127.0.0.1:${UAS1}"); }`;
const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;

describe('INVITE server transaction (RFC 3261 17.2.1)', () => {
  it('17.2.1 a 100 Trying goes out at once (auto_100trying), without a To tag added', async () => {
    t = await tmServer(relay);
    t.inject(request());
    const trying = await t.waitForSent(isReplyTo(5999, 100));
    expect(trying.text).toContain('To: <sip:bob@127.0.0.1>\r\n');
    expect(t.sent.findIndex(isReplyTo(5999, 100))).toBeLessThan(t.sent.findIndex(isRequestTo(UAS1, 'INVITE')));
  });

  it('auto_100trying=0 and Kamailio auto_inv_100=0 turn the 100 off; t_set_auto_inv_100(0) per transaction', async () => {
    for (const [params, route] of [
      [{ auto_100trying: 0 }, relay],
      [{ auto_inv_100: 0 }, relay],
      [{}, `route { t_set_auto_inv_100(0); t_relay("udp:127.0.0.1:${UAS1}"); }`],
    ] as const) {
      t = await tmServer(route, params);
      t.inject(request());
      await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
      await sleep(30);
      expect(count(t, isReplyTo(5999, 100))).toBe(0);
      await t.stop();
      t = undefined;
    }
  });

  it('17.2.1 a retransmitted INVITE is absorbed and answered with the last provisional', async () => {
    t = await tmServer(relay);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 180));
    const n = t.sent.length;
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 180), { since: n });
    expect(count(t, isRequestTo(UAS1, 'INVITE'))).toBeLessThanOrEqual(2); // the original (+ maybe one Timer A retransmission)
    expect(t.sent.filter(isRequestTo(UAS1, 'INVITE')).every((s) => s.text === inv.text)).toBe(true);
  });

  it('17.2.1 a negative final is retransmitted over UDP on Timer G (T1, 2T1 ... capped at T2) until the ACK', async () => {
    t = await tmServer(`route { t_reply(486, "Busy Here"); }`, { T1_timer: 100, T2_timer: 200 });
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 486));
    await sleep(50);
    expect(count(t, isReplyTo(5999, 486))).toBe(1);
    await sleep(100); // 150: first retransmission at 100
    expect(count(t, isReplyTo(5999, 486))).toBe(2);
    await sleep(200); // 350: second at 300 (100 + 200)
    expect(count(t, isReplyTo(5999, 486))).toBe(3);
    await sleep(200); // 550: third at 500 (capped at T2 = 200)
    expect(count(t, isReplyTo(5999, 486))).toBe(4);
    const toTag = /To: [^\r]*;tag=([^;\r]+)/.exec(t.sent.find(isReplyTo(5999, 486))!.text)![1];
    t.inject(request({ method: 'ACK', toTag }));
    await sleep(450);
    expect(count(t, isReplyTo(5999, 486))).toBe(4);
    expect((await stats(t))['tm:retransmission_rpl_T2']).toBe(3);
  });

  it('17.2.1 the ACK of a negative final is absorbed: t_relay returns 0 (the script stops), nothing goes downstream', async () => {
    t = await tmServer(`
      route {
        if (is_method("ACK")) { forward("sip:127.0.0.1:5094"); t_relay("udp:127.0.0.1:${UAS1}"); forward("sip:127.0.0.1:5093"); exit; }
        t_reply(404, "Not Found");
      }`);
    t.inject(request());
    const r = await t.waitForSent(isReplyTo(5999, 404));
    const toTag = /To: [^\r]*;tag=([^;\r]+)/.exec(r.text)![1];
    t.inject(request({ method: 'ACK', toTag }));
    await t.waitForSent(isRequestTo(5094, 'ACK'));
    await sleep(20);
    expect(count(t, isRequestTo(5093, 'ACK'))).toBe(0);
    expect(count(t, isRequestTo(UAS1, 'ACK'))).toBe(0);
  });

  it('17.2.1 with sl loaded too, the ACK of a tm reply still reaches tm (tm To tags are not sl tags)', async () => {
    t = await tmServer(`route { t_reply(486, "Busy Here"); }`, { T1_timer: 100, T2_timer: 200 }, 'loadmodule "sl"');
    t.inject(request());
    const r = await t.waitForSent(isReplyTo(5999, 486));
    const toTag = /To: [^\r]*;tag=([^;\r]+)/.exec(r.text)![1];
    t.inject(request({ method: 'ACK', toTag }));
    await sleep(350);
    expect(count(t, isReplyTo(5999, 486))).toBe(1);
  });

  it('17.2.1 Timer I: after the ACK of a negative final (UDP) the transaction lasts T4, not wt_timer', async () => {
    t = await tmServer(`route { t_reply(486, "Busy Here"); }`, { T4_timer: 100, wt_timer: 5000 });
    t.inject(request());
    const r = await t.waitForSent(isReplyTo(5999, 486));
    const toTag = /To: [^\r]*;tag=([^;\r]+)/.exec(r.text)![1];
    t.inject(request({ method: 'ACK', toTag }));
    expect((await stats(t))['tm:inuse_transactions']).toBe(1);
    await sleep(250);
    expect((await stats(t))['tm:inuse_transactions']).toBe(0);
  });

  it('26.3.2.4: a 401/407 final is not retransmitted; the transaction goes to the wait state', async () => {
    t = await tmServer(`route { t_reply(407, "Proxy Authentication Required"); }`, { T1_timer: 50, T2_timer: 100 });
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 407));
    await sleep(300);
    expect(count(t, isReplyTo(5999, 407))).toBe(1);
    const list = (await t.mi('tm.list')) as { tflags: number }[];
    expect(list).toHaveLength(1);
    expect(list[0]!.tflags & 512).toBe(512); // WAITING
  });

  it('17.2.1 Timer H: with no ACK, the transaction ends after 64*T1', async () => {
    t = await tmServer(`route { t_reply(480, "Temporarily Unavailable"); }`, { T1_timer: 5, T2_timer: 20 });
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 480));
    expect((await stats(t))['tm:inuse_transactions']).toBe(1);
    await sleep(64 * 5 + 100);
    expect((await stats(t))['tm:inuse_transactions']).toBe(0);
  });

  it('t_reply: a 2xx ends the INVITE transaction after the wait state (wt_timer), with no retransmission', async () => {
    t = await tmServer(`route { t_reply(200, "OK"); }`, { wt_timer: 1000 });
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 200));
    await sleep(200);
    expect(count(t, isReplyTo(5999, 200))).toBe(1);
    expect((await stats(t))['tm:inuse_transactions']).toBe(1);
    await sleep(1000);
    expect((await stats(t))['tm:inuse_transactions']).toBe(0);
  });
});

describe('non-INVITE server transaction (RFC 3261 17.2.2)', () => {
  it('17.2.2 no 100 for non-INVITE; a retransmission in Trying is discarded', async () => {
    t = await tmServer(relay);
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    t.inject(request({ method: 'OPTIONS' }));
    await sleep(30);
    expect(t.sent.filter((s) => s.dst.port === 5999)).toHaveLength(0);
  });

  it('17.2.2 a retransmission after the final gets the final again (Completed)', async () => {
    t = await tmServer(relay);
    t.inject(request({ method: 'OPTIONS' }));
    const req = await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    t.inject(answer(req, 200, 'OK'), { srcPort: UAS1 });
    const first = await t.waitForSent(isReplyTo(5999, 200));
    t.inject(request({ method: 'OPTIONS' }));
    const again = await t.waitForSent(isReplyTo(5999, 200), { since: t.sent.indexOf(first) + 1 });
    expect(again.text).toBe(first.text);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBeLessThanOrEqual(2);
  });

  it('17.2.2 a provisional is resent for a retransmission in Proceeding', async () => {
    t = await tmServer(relay);
    t.inject(request({ method: 'MESSAGE' }));
    const req = await t.waitForSent(isRequestTo(UAS1, 'MESSAGE'));
    t.inject(answer(req, 182, 'Queued'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 182));
    t.inject(request({ method: 'MESSAGE' }));
    await sleep(30);
    expect(count(t, isReplyTo(5999, 182))).toBe(2);
  });

  it('t_newtran returns 0 for a retransmission (script stops) and t_reply answers statefully', async () => {
    t = await tmServer(`route { $var(r) = t_newtran(); if ($var(r) == 0) { forward("sip:127.0.0.1:5093"); exit; } t_reply(202, "Accepted"); }`);
    t.inject(request({ method: 'MESSAGE' }));
    await t.waitForSent(isReplyTo(5999, 202));
    t.inject(request({ method: 'MESSAGE' }));
    await t.waitForSent(isReplyTo(5999, 202), { since: 1 });
    expect(count(t, isRequestTo(5093, 'MESSAGE'))).toBe(0);
    expect(status(t.sent[1]!)).toBe('SIP/2.0 202 Accepted');
  });

  it('t_reply with a non-numeric code uses default_code / default_reason', async () => {
    t = await tmServer(`route { t_reply("$var(nothing)", "x"); }`, { default_code: 503, default_reason: 'Try Later' });
    t.inject(request({ method: 'MESSAGE' }));
    const r = await t.waitForSent((s) => s.dst.port === 5999);
    expect(status(r)).toBe('SIP/2.0 503 Try Later');
  });
});
