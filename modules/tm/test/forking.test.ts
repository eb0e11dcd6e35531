import { afterEach, describe, expect, it } from 'vitest';
import { SipMessage, type TestServer } from '@tsips/core';
import { answer, header, isReplyTo, isRequestTo, request, sleep, status, tmServer, UAS1, UAS2 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const UAS3 = 5093;
const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;
const parallel = (pre = '', routes = '') => `
  route {
    ${pre}
    $du = "sip:127.0.0.1:${UAS1}";
    append_branch("sip:bob@127.0.0.1:${UAS2}");
    t_relay();
  }
  ${routes}`;

async function forked(t: TestServer, n = 2) {
  t.inject(request());
  const out = [await t.waitForSent(isRequestTo(UAS1, 'INVITE')), await t.waitForSent(isRequestTo(UAS2, 'INVITE'))];
  if (n === 3) out.push(await t.waitForSent(isRequestTo(UAS3, 'INVITE')));
  return out;
}

describe('parallel forking and best reply (RFC 3261 16.7)', () => {
  it('16.6 one branch per target, each with its own Via branch; same Call-ID and CSeq', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    const ma = SipMessage.parse(a!.buf);
    const mb = SipMessage.parse(b!.buf);
    expect(ma.via1.branch).not.toBe(mb.via1.branch);
    expect(ma.via1.branch!.startsWith('z9hG4bK')).toBe(true);
    expect(ma.ruri).toBe('sip:bob@127.0.0.1');
    expect(mb.ruri).toBe('sip:bob@127.0.0.1:5092');
    expect([ma.callId, ma.cseq.num]).toEqual([mb.callId, mb.cseq.num]);
    expect(ma.vias()).toHaveLength(2);
  });

  it('a 486 on one branch and a 200 on the other: the caller gets the 200, the 486 is ACKed and absorbed', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    t.inject(answer(a!, 486, 'Busy Here'), { srcPort: UAS1 });
    await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    t.inject(answer(b!, 200, 'OK'), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 200));
    await sleep(20);
    expect(count(t, isReplyTo(5999, 486))).toBe(0);
  });

  it('16.7 step 5: a 2xx goes up at once and the other pending branches are cancelled', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    t.inject(answer(a!, 180, 'Ringing', { toTag: 'x' }), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 180));
    t.inject(answer(b!, 200, 'OK'), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 200));
    await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    t.inject(answer(a!, 487, 'Request Terminated', { toTag: 'x' }), { srcPort: UAS1 });
    await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    expect(count(t, isReplyTo(5999, 487))).toBe(0);
  });

  it('16.7 step 6: with every branch negative the best reply wins (404 before 486)', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    t.inject(answer(a!, 486, 'Busy Here'), { srcPort: UAS1 });
    t.inject(answer(b!, 404, 'Not Found'), { srcPort: UAS2 });
    const r = await t.waitForSent((s) => s.dst.port === 5999 && !s.text.startsWith('SIP/2.0 100'));
    expect(status(r)).toBe('SIP/2.0 404 Not Found');
  });

  it('16.7 step 7: a chosen 401 carries the challenges of every 401/407 (aggregate_challenges)', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    t.inject(answer(a!, 407, 'Proxy Authentication Required', { headers: ['Proxy-Authenticate: Digest realm="b"'] }), { srcPort: UAS1 });
    t.inject(answer(b!, 401, 'Unauthorized', { headers: ['WWW-Authenticate: Digest realm="a"'] }), { srcPort: UAS2 });
    const r = await t.waitForSent(isReplyTo(5999, 401));
    expect(header(r, 'www-authenticate')).toBe('Digest realm="a"');
    expect(header(r, 'proxy-authenticate')).toBe('Digest realm="b"');
    await t.stop();
    t = await tmServer(parallel(), { aggregate_challenges: 0 });
    const [c, d] = await forked(t);
    t.inject(answer(c!, 407, 'Proxy Authentication Required', { headers: ['Proxy-Authenticate: Digest realm="b"'] }), { srcPort: UAS1 });
    t.inject(answer(d!, 401, 'Unauthorized', { headers: ['WWW-Authenticate: Digest realm="a"'] }), { srcPort: UAS2 });
    const r2 = await t.waitForSent(isReplyTo(5999, 401));
    expect(header(r2, 'proxy-authenticate')).toBeUndefined();
  });

  it('16.7: a 6xx ends the race at once and cancels the rest; disable_6xx_block=1 waits like any negative', async () => {
    t = await tmServer(parallel());
    const [a, b] = await forked(t);
    t.inject(answer(b!, 180, 'Ringing'), { srcPort: UAS2 });
    t.inject(answer(a!, 603, 'Decline'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 603));
    await t.waitForSent(isRequestTo(UAS2, 'CANCEL'));
    await t.stop();
    t = await tmServer(parallel(), { disable_6xx_block: 1 });
    const [c, d] = await forked(t);
    t.inject(answer(d!, 180, 'Ringing'), { srcPort: UAS2 });
    t.inject(answer(c!, 603, 'Decline'), { srcPort: UAS1 });
    await sleep(30);
    expect(count(t, isReplyTo(5999, 603))).toBe(0);
    expect(count(t, isRequestTo(UAS2, 'CANCEL'))).toBe(0);
    t.inject(answer(d!, 200, 'OK'), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 200));
  });

  it('16.7 step 6: a lone 503 goes upstream as 500', async () => {
    t = await tmServer(`route { t_relay("udp:127.0.0.1:${UAS1}"); }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 503, 'Service Unavailable'), { srcPort: UAS1 });
    const r = await t.waitForSent(isReplyTo(5999, 500));
    expect(status(r)).toBe('SIP/2.0 500 Server Internal Error');
  });

  it('minor_branch_flag: a minor branch is not waited for and is cancelled when the others are done', async () => {
    t = await tmServer(`
      route {
        $du = "sip:127.0.0.1:${UAS1}";
        setbflag(MINOR);
        append_branch("sip:bob@127.0.0.1:${UAS2}");
        resetbflag(MINOR);
        t_relay();
      }`, { minor_branch_flag: 'MINOR' });
    const [a, b] = await forked(t);
    t.inject(answer(b!, 180, 'Ringing'), { srcPort: UAS2 });
    t.inject(answer(a!, 486, 'Busy Here'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 486));
    await t.waitForSent(isRequestTo(UAS2, 'CANCEL'));
  });
});

describe('serial forking (failure_route, t_load_contacts/t_next_contacts)', () => {
  it('failure_route adds a new branch: first UAS 486, second UAS 200; the 486 never reaches the caller', async () => {
    t = await tmServer(`
      route { t_on_failure("next"); t_relay("udp:127.0.0.1:${UAS1}"); }
      failure_route[next] {
        if (t_check_status("486")) { $ru = "sip:voicemail@127.0.0.1:${UAS2}"; t_relay(); }
      }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 486, 'Busy Here'), { srcPort: UAS1 });
    const b = await t.waitForSent(isRequestTo(UAS2, 'INVITE'));
    expect(SipMessage.parse(b.buf).ruri).toBe('sip:voicemail@127.0.0.1:5092');
    expect(SipMessage.parse(b.buf).cseq.num).toBe(1);
    t.inject(answer(b, 200, 'OK'), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 200));
    expect(count(t, isReplyTo(5999, 486))).toBe(0);
  });

  it('the failure route is one-shot: without re-arming, the second failure goes upstream (best of all branches)', async () => {
    t = await tmServer(`
      route { t_on_failure("next"); t_relay("udp:127.0.0.1:${UAS1}"); }
      failure_route[next] { $ru = "sip:vm@127.0.0.1:${UAS2}"; t_relay(); }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 404, 'Not Found'), { srcPort: UAS1 });
    const b = await t.waitForSent(isRequestTo(UAS2, 'INVITE'));
    t.inject(answer(b, 486, 'Busy Here'), { srcPort: UAS2 });
    const r = await t.waitForSent((s) => s.dst.port === 5999 && !s.text.startsWith('SIP/2.0 100'));
    expect(status(r)).toBe('SIP/2.0 404 Not Found');
  });

  it('t_drop_replies() leaves earlier replies out: the last branch set decides', async () => {
    t = await tmServer(`
      route { t_on_failure("next"); t_relay("udp:127.0.0.1:${UAS1}"); }
      failure_route[next] { t_drop_replies(); $ru = "sip:vm@127.0.0.1:${UAS2}"; t_relay(); }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 404, 'Not Found'), { srcPort: UAS1 });
    const b = await t.waitForSent(isRequestTo(UAS2, 'INVITE'));
    t.inject(answer(b, 486, 'Busy Here'), { srcPort: UAS2 });
    await t.waitForSent(isReplyTo(5999, 486));
  });

  it('t_load_contacts/t_next_contacts: highest q first, equal q in parallel, next group from failure_route', async () => {
    t = await tmServer(`
      route {
        $ru = "sip:low@127.0.0.1:${UAS3}";
        append_branch("sip:high@127.0.0.1:${UAS1}", "1.0");
        append_branch("sip:mid@127.0.0.1:${UAS2}", "0.5");
        append_branch("sip:mid2@127.0.0.1:${UAS2}", "0.5");
        t_load_contacts();
        t_next_contacts();
        t_on_failure("serial");
        t_relay();
      }
      failure_route[serial] {
        if (!t_next_contacts()) exit;
        t_on_failure("serial");
        t_relay();
      }`, { contacts_avp: 'tm_contacts' });
    t.inject(request());
    const first = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    expect(SipMessage.parse(first.buf).ruri).toBe('sip:high@127.0.0.1:5091');
    await sleep(20);
    expect(count(t, (s) => s.text.startsWith('INVITE ') && s.dst.port !== UAS1)).toBe(0);
    t.inject(answer(first, 486, 'Busy Here'), { srcPort: UAS1 });
    await sleep(30);
    const mids = t.sent.filter(isRequestTo(UAS2, 'INVITE')).map((s) => SipMessage.parse(s.buf).ruri);
    expect(mids).toEqual(['sip:mid@127.0.0.1:5092', 'sip:mid2@127.0.0.1:5092']);
    for (const s of t.sent.filter(isRequestTo(UAS2, 'INVITE'))) t.inject(answer(s, 480, 'Unavailable'), { srcPort: UAS2 });
    const low = await t.waitForSent(isRequestTo(UAS3, 'INVITE'));
    expect(SipMessage.parse(low.buf).ruri).toBe('sip:low@127.0.0.1:5093');
    t.inject(answer(low, 408, 'Timeout'), { srcPort: UAS3 });
    const r = await t.waitForSent((s) => s.dst.port === 5999 && !s.text.startsWith('SIP/2.0 100'));
    expect(status(r)).toBe('SIP/2.0 480 Unavailable');
  });

  it('t_load_contacts with one destination only does nothing; without contacts_avp it fails', async () => {
    t = await tmServer(`route { if (t_load_contacts()) { if (!t_next_contacts()) forward("sip:127.0.0.1:${UAS3}"); } }`, { contacts_avp: 'c' });
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(UAS3, 'OPTIONS'));
    await t.stop();
    t = await tmServer(`route { if (!t_load_contacts()) forward("sip:127.0.0.1:${UAS3}"); }`);
    t.inject(request({ method: 'OPTIONS' }));
    await t.waitForSent(isRequestTo(UAS3, 'OPTIONS'));
  });
});

describe('branch_route, onreply_route', () => {
  it('branch_route runs per branch with $T_branch_idx; its header changes stay on that branch; drop removes it', async () => {
    t = await tmServer(parallel('t_on_branch("b");', `
      branch_route[b] {
        append_hf("X-Branch: $T_branch_idx\\r\\n");
        if ($du == "sip:127.0.0.1:${UAS1}") $du = "sip:127.0.0.1:${UAS3}";
        if ($ru =~ "5092") drop;
      }`));
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS3, 'INVITE'));
    expect(header(a, 'x-branch')).toBe('0');
    await sleep(30);
    expect(count(t, isRequestTo(UAS2, 'INVITE'))).toBe(0);
    expect(count(t, isRequestTo(UAS1, 'INVITE'))).toBe(0);
    // the dropped branch did not count: the 486 of branch 0 is final
    t.inject(answer(a, 486, 'Busy Here'), { srcPort: UAS3 });
    await t.waitForSent(isReplyTo(5999, 486));
  });

  it('header changes of one branch_route do not leak into the next branch', async () => {
    t = await tmServer(parallel('t_on_branch("b");', `branch_route[b] { if ($T_branch_idx == 0) append_hf("X-Only-First: 1\\r\\n"); }`));
    const [a, b] = await forked(t);
    expect(header(a!, 'x-only-first')).toBe('1');
    expect(header(b!, 'x-only-first')).toBeUndefined();
  });

  it('onreply_route armed by t_on_reply sees the replies; drop discards a provisional', async () => {
    t = await tmServer(`
      route { t_on_reply("r"); t_relay("udp:127.0.0.1:${UAS1}"); }
      onreply_route[r] { if ($rs == 183) drop; append_hf("X-Seen: $T_reply_code/$T_branch_idx\\r\\n"); }`);
    t.inject(request());
    const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(a, 183, 'Session Progress'), { srcPort: UAS1 });
    t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
    const ringing = await t.waitForSent(isReplyTo(5999, 180));
    expect(header(ringing, 'x-seen')).toBe('180/0');
    expect(count(t, isReplyTo(5999, 183))).toBe(0);
  });

  it('t_on_reply in branch_route arms that branch only', async () => {
    t = await tmServer(parallel('t_on_branch("b");', `
      branch_route[b] { if ($T_branch_idx == 1) t_on_reply("r"); }
      onreply_route[r] { append_hf("X-Seen: $T_branch_idx\\r\\n"); }`));
    const [a, b] = await forked(t);
    t.inject(answer(a!, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(answer(b!, 183, 'Progress'), { srcPort: UAS2 });
    const r180 = await t.waitForSent(isReplyTo(5999, 180));
    const r183 = await t.waitForSent(isReplyTo(5999, 183));
    expect(header(r180, 'x-seen')).toBeUndefined();
    expect(header(r183, 'x-seen')).toBe('1');
  });

  it('t_cancel_branch("o") in onreply_route cancels the other branches', async () => {
    t = await tmServer(parallel('t_on_reply("r");', `onreply_route[r] { if ($rs == 183) t_cancel_branch("o"); }`));
    const [a, b] = await forked(t);
    t.inject(answer(a!, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(answer(b!, 183, 'Progress'), { srcPort: UAS2 });
    await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    await sleep(10);
    expect(count(t, isRequestTo(UAS2, 'CANCEL'))).toBe(0);
  });

  it('onreply_avp_mode: 0 = reply routes start without AVPs; 1 = they see the transaction AVPs', async () => {
    for (const mode of [0, 1]) {
      t = await tmServer(`
        route { $avp(who) = "alice"; t_on_reply("r"); t_relay("udp:127.0.0.1:${UAS1}"); }
        onreply_route[r] { append_hf("X-Avp: $avp(who)\\r\\n"); }`, { onreply_avp_mode: mode });
      t.inject(request());
      const a = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
      t.inject(answer(a, 180, 'Ringing'), { srcPort: UAS1 });
      const r = await t.waitForSent(isReplyTo(5999, 180));
      expect(header(r, 'x-avp')).toBe(mode === 1 ? 'alice' : '<null>');
      await t.stop();
      t = undefined;
    }
  });
});
