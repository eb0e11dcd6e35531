import { afterEach, describe, expect, it } from 'vitest';
import { SipMessage, type TestServer } from '@tsips/core';
import { answer, header, isReplyTo, isRequestTo, request, sleep, tmServer, UAS1, UAS2 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;
const fork = (pre = '') => `
  route {
    if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
    ${pre}
    $du = "sip:127.0.0.1:${UAS1}";
    append_branch("sip:bob@127.0.0.1:${UAS2}");
    t_relay();
  }
  failure_route[f] { if (t_was_cancelled()) t_reply(487, "Cancelled Here"); }`;

async function forkedInvite(t: TestServer) {
  t.inject(request());
  const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
  const b = await t.waitForSent(isRequestTo(UAS2, 'INVITE'));
  return [a, b] as const;
}

describe('CANCEL (RFC 3261 9.2, 16.10)', () => {
  it('16.10 CANCEL: 200 to the CANCEL, a CANCEL per branch (same branch id), the 487 relayed', async () => {
    t = await tmServer(fork());
    const [a, b] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing', { toTag: 'ta' }), { srcPort: UAS1 });
    t.inject(answer(b, 180, 'Ringing', { toTag: 'tb' }), { srcPort: UAS2 });
    t.inject(request({ method: 'CANCEL' }));
    const ok = await t.waitForSent(isReplyTo(5999, 200));
    expect(header(ok, 'cseq')).toBe('1 CANCEL');
    const ca = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    const cb = await t.waitForSent(isRequestTo(UAS2, 'CANCEL'));
    expect(SipMessage.parse(ca.buf).via1.branch).toBe(SipMessage.parse(a.buf).via1.branch);
    expect(SipMessage.parse(cb.buf).via1.branch).toBe(SipMessage.parse(b.buf).via1.branch);
    expect(SipMessage.parse(ca.buf).ruri).toBe(SipMessage.parse(a.buf).ruri);
    expect(header(ca, 'to')).toBe('<sip:bob@127.0.0.1>');
    t.inject(answer(ca, 200, 'OK'), { srcPort: UAS1 });
    t.inject(answer(a, 487, 'Request Terminated', { toTag: 'ta' }), { srcPort: UAS1 });
    await sleep(10);
    expect(count(t, isReplyTo(5999, 487))).toBe(0); // the other branch is still pending
    t.inject(answer(b, 487, 'Request Terminated', { toTag: 'tb' }), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 487));
    expect(count(t, isRequestTo(UAS1, 'ACK')) + count(t, isRequestTo(UAS2, 'ACK'))).toBe(2);
  });

  it('9.1 the CANCEL is retransmitted over UDP until answered', async () => {
    t = await tmServer(fork(), { T1_timer: 50, T2_timer: 100 });
    const [a] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(request({ method: 'CANCEL' }));
    const ca = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    await sleep(180);
    expect(count(t, isRequestTo(UAS1, 'CANCEL'))).toBeGreaterThanOrEqual(2);
    t.inject(answer(ca, 200, 'OK'), { srcPort: UAS1 });
    const n = count(t, isRequestTo(UAS1, 'CANCEL'));
    await sleep(250);
    expect(count(t, isRequestTo(UAS1, 'CANCEL'))).toBe(n);
  });

  it('9.1 cancel_b_method=1 (default): a branch with no reply gets its CANCEL when its first reply comes', async () => {
    t = await tmServer(fork());
    const [a, b] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(request({ method: 'CANCEL' }));
    await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    await sleep(20);
    expect(count(t, isRequestTo(UAS2, 'CANCEL'))).toBe(0);
    t.inject(answer(b, 100, 'Trying'), { srcPort: UAS2 });
    await t.waitForSent(isRequestTo(UAS2, 'CANCEL'));
  });

  it('cancel_b_method=0 ends a silent branch with a local 487; =2 sends its CANCEL at once', async () => {
    t = await tmServer(fork(), { cancel_b_method: 0 });
    const [a] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(request({ method: 'CANCEL' }));
    t.inject(answer(a, 487, 'Request Terminated'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 487));
    expect(count(t, isRequestTo(UAS2, 'CANCEL'))).toBe(0);
    await t.stop();
    t = await tmServer(fork(), { cancel_b_method: 2 });
    await forkedInvite(t);
    t.inject(request({ method: 'CANCEL' }));
    await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    await t.waitForSent(isRequestTo(UAS2, 'CANCEL'));
  });

  it('a retransmitted CANCEL gets the 200 again; the INVITE is cancelled once', async () => {
    t = await tmServer(fork());
    const [a] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(request({ method: 'CANCEL' }));
    t.inject(request({ method: 'CANCEL' }));
    await sleep(20);
    expect(count(t, isReplyTo(5999, 200))).toBe(2);
    expect(count(t, isRequestTo(UAS1, 'CANCEL'))).toBe(1);
  });

  it('an INVITE with no branch yet (t_newtran) is answered 487 by tm itself', async () => {
    t = await tmServer(`route { if (is_method("CANCEL")) { t_relay(); exit; } t_newtran(); }`);
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 100));
    t.inject(request({ method: 'CANCEL' }));
    await t.waitForSent(isReplyTo(5999, 487));
    await t.waitForSent(isReplyTo(5999, 200));
  });

  it('t_was_cancelled in failure_route; the Reason of the UAC CANCEL is copied with pass-reason-hdr', async () => {
    t = await tmServer(fork('t_on_failure("f");').replace('t_relay();\n  }', 't_relay("pass-reason-hdr");\n  }'));
    const [a, b] = await forkedInvite(t);
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(answer(b, 486, 'Busy Here'), { srcPort: UAS2 });
    t.inject(request({ method: 'CANCEL', extra: 'Reason: SIP;cause=200;text="Call completed elsewhere"\r\n' }));
    const ca = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    expect(header(ca, 'reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
    t.inject(answer(a, 487, 'Request Terminated'), { srcPort: UAS1 });
    const r = await t.waitForSent(isReplyTo(5999, 487));
    expect(r.text.split('\r\n')[0]).toBe('SIP/2.0 487 Cancelled Here');
  });

  it('t_add_cancel_reason puts a Reason of our own in the generated CANCELs', async () => {
    t = await tmServer(`route { if (is_method("CANCEL")) { t_relay(); exit; } t_newtran(); t_add_cancel_reason("Reason: Q.850;cause=16"); t_relay("udp:127.0.0.1:${UAS1}"); }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(request({ method: 'CANCEL' }));
    const ca = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    expect(header(ca, 'reason')).toBe('Q.850;cause=16');
  });

  it('unmatched_cancel: 0 relays statefully, 1 statelessly, 2 drops', async () => {
    const route = `route { t_relay("udp:127.0.0.1:${UAS1}"); }`;
    for (const mode of [0, 1, 2]) {
      t = await tmServer(route, { unmatched_cancel: mode });
      t.inject(request({ method: 'CANCEL', callId: 'nothing@here' }));
      await sleep(20);
      expect(count(t, isRequestTo(UAS1, 'CANCEL'))).toBe(mode === 2 ? 0 : 1);
      const st = (await t.mi('get_statistics', [['tm:UAS_transactions']])) as Record<string, number>;
      expect(st['tm:UAS_transactions']).toBe(mode === 0 ? 1 : 0);
      await t.stop();
      t = undefined;
    }
  });
});
