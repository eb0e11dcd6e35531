import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { answer, isReplyTo, isRequestTo, request, sleep, stats, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const relay = `route { t_relay("udp:127.0.0.1:${UAS1}"); }`;
const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;
const LEGACY_VIA = 'SIP/2.0/UDP 127.0.0.1:5999;branch=1234old';

describe('transaction matching (RFC 3261 17.2.3, 17.1.3)', () => {
  it('17.2.3 same branch and sent-by: a retransmission; another sent-by: a new transaction', async () => {
    t = await tmServer(relay);
    t.inject(request({ method: 'OPTIONS' }));
    t.inject(request({ method: 'OPTIONS' }));
    t.inject(request({ method: 'OPTIONS', via: 'SIP/2.0/UDP 127.0.0.2:5999;branch=z9hG4bKuac1' }));
    await sleep(20);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBe(2);
    expect((await stats(t))['tm:UAS_transactions']).toBe(2);
  });

  it('17.2.3 the method is part of the key: a CANCEL with the INVITE branch is its own transaction', async () => {
    t = await tmServer(relay);
    t.inject(request());
    await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(request({ method: 'CANCEL' }));
    await t.waitForSent(isReplyTo(5999, 200));
    expect((await stats(t))['tm:UAS_transactions']).toBe(2);
  });

  it('17.1.3 a reply matches its client transaction by branch and CSeq method; unknown branches are left to the core', async () => {
    t = await tmServer(relay);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    // a reply to a CANCEL we never sent shares the branch but not the method: absorbed
    const wrong = answer(inv, 200, 'OK').toString('latin1').replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL');
    t.inject(wrong, { srcPort: UAS1 });
    await sleep(20);
    expect(count(t, isReplyTo(5999, 200))).toBe(0);
    // a reply for a branch tm does not know: relayed statelessly by the core, not counted by tm
    const stray = answer(inv, 180, 'Ringing').toString('latin1').replace(/branch=z9hG4bK[^;\r]+/, 'branch=z9hG4bKnotours');
    t.inject(stray, { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 180));
    expect((await stats(t))['tm:received_replies']).toBe(1);
  });

  it('RFC 2543 fallback: a request without the cookie matches on R-URI, From tag, Call-ID, CSeq and top Via', async () => {
    t = await tmServer(relay);
    t.inject(request({ method: 'OPTIONS', via: LEGACY_VIA }));
    t.inject(request({ method: 'OPTIONS', via: LEGACY_VIA })); // retransmission
    t.inject(request({ method: 'OPTIONS', via: LEGACY_VIA, ruri: 'sip:carol@127.0.0.1' })); // other R-URI: new
    t.inject(request({ method: 'OPTIONS', via: 'SIP/2.0/UDP 127.0.0.1:5999;branch=5678old' })); // other Via: new
    await sleep(20);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBe(3);
  });

  it('RFC 2543 fallback: ruri_matching=0 and via1_matching=0 leave those out', async () => {
    t = await tmServer(relay, { ruri_matching: 0, via1_matching: 0 });
    t.inject(request({ method: 'OPTIONS', via: LEGACY_VIA }));
    t.inject(request({ method: 'OPTIONS', via: LEGACY_VIA, ruri: 'sip:carol@127.0.0.1' }));
    t.inject(request({ method: 'OPTIONS', via: 'SIP/2.0/UDP 127.0.0.1:5999;branch=5678old' }));
    await sleep(20);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBe(1);
  });

  it('RFC 2543 fallback: an ACK matches the INVITE when its To tag is the one of the reply sent', async () => {
    t = await tmServer(`route { if (is_method("ACK")) { if (t_check_trans()) { forward("sip:127.0.0.1:5094"); } else { forward("sip:127.0.0.1:5095"); } exit; } t_relay("udp:127.0.0.1:${UAS1}"); }`);
    t.inject(request({ via: LEGACY_VIA }));
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 486, 'Busy Here', { toTag: 'busy1' }), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 486));
    t.inject(request({ method: 'ACK', via: LEGACY_VIA, toTag: 'other' }));
    await t.waitForSent(isRequestTo(5095, 'ACK'));
    t.inject(request({ method: 'ACK', via: LEGACY_VIA, toTag: 'busy1' }));
    await t.waitForSent(isRequestTo(5094, 'ACK'));
  });

  it('t_check_trans: -1 new, 0 retransmission (reply resent, script stops), 1 CANCEL with INVITE, -2 e2e ACK', async () => {
    t = await tmServer(`
      route {
        $var(r) = t_check_trans();
        if ($var(r) == -2) { forward("sip:127.0.0.1:5096"); exit; }
        if (is_method("CANCEL")) { if ($var(r) == 1) forward("sip:127.0.0.1:5094"); exit; }
        if ($var(r) == -1 && !is_method("ACK")) t_relay("udp:127.0.0.1:${UAS1}");
        forward("sip:127.0.0.1:5095");
      }`);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(request()); // retransmission: 100 resent, script stopped before the probe
    await sleep(10);
    expect(count(t, isReplyTo(5999, 100))).toBe(2);
    expect(count(t, isRequestTo(5095, 'INVITE'))).toBe(1);
    t.inject(request({ method: 'CANCEL' }));
    await t.waitForSent(isRequestTo(5094, 'CANCEL'));
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 200));
    t.inject(request({ method: 'ACK', toTag: 'b1', branch: 'z9hG4bKack' }));
    await t.waitForSent(isRequestTo(5096, 'ACK'));
  });

  it('t_lookup_request: 1 for a request of a known transaction, -1 otherwise (no reply resent)', async () => {
    t = await tmServer(`route { if (t_lookup_request()) { forward("sip:127.0.0.1:5094"); exit; } t_relay("udp:127.0.0.1:${UAS1}"); }`);
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(5094, 'OPTIONS'));
  });
});
