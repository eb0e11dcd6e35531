import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { TM_API } from '@tsips/tm';
import { answer, isReplyTo, isRequestTo, request, sleep, summary, tracerServer, UAS1, UAS2, uniqueCallId, waitUntil, type FakeTracer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  if (t) await finish(t);
  await t?.stop();
  t = undefined;
});

/** Answer every request sent downstream with 603 so that stop() has no transaction to drain. */
async function finish(t: TestServer): Promise<void> {
  for (const s of t.sent.slice()) {
    if (s.dst.port !== UAS1 && s.dst.port !== UAS2) continue;
    if (s.text.startsWith('INVITE ') || s.text.startsWith('OPTIONS ')) t.inject(answer(s, 603, 'Decline'), { srcPort: s.dst.port });
  }
  await sleep(5);
}

/**
 * A stateful proxy: every request traced with the default scope ("t" with tm) unless it has
 * X-M (scope "m") or X-No (not traced); failure_route traces with X-FM ("m") / X-FT ("t"),
 * branch_route with X-B ("m"), onreply_route[r] with X-R ("t", on the 180).
 */
const proxy = `
  route {
    if (is_present_hf("X-M")) trace("tid", "m");
    else if (!is_present_hf("X-No")) trace("tid");
    if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
    t_on_failure("f");
    if (is_present_hf("X-B")) t_on_branch("b");
    if (is_present_hf("X-R")) t_on_reply("r");
    $du = "sip:127.0.0.1:${UAS1}";
    t_relay();
  }
  failure_route[f] {
    if (is_present_hf("X-FM")) trace("tid", "m");
    if (is_present_hf("X-FT")) trace("tid", "t");
    if (t_check_status("486")) { $du = "sip:127.0.0.1:${UAS2}"; t_relay(); }
  }
  branch_route[b] { trace("tid", "m"); }
  onreply_route[r] { if (t_check_status("180")) trace("tid", "t"); }`;

const withHdr = (raw: string, ...hdrs: string[]) => raw.replace('Max-Forwards', `${hdrs.map((h) => `${h}: 1\r\n`).join('')}Max-Forwards`);
const start = async (): Promise<FakeTracer> => {
  let fake: FakeTracer;
  ({ t, fake } = await tracerServer(proxy, { tm: true }));
  return fake;
};

describe('scope "t": the whole transaction through tm callbacks', () => {
  it('INVITE, 100, branch, 180 and 200 in and out, then the end-to-end ACK', async () => {
    const fake = await start();
    const port = t!.listener('udp').port;
    const callId = uniqueCallId();
    t!.inject(request({ callId }));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    t!.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 200));
    t!.inject(request({ method: 'ACK', callId, toTag: 'b1', branch: 'z9hG4bKack' }));
    await t!.waitForSent(isRequestTo(UAS1, 'ACK'));
    expect(summary(fake)).toEqual([
      'in INVITE', 'out 100 Trying', 'out INVITE', 'in 180 Ringing', 'out 180 Ringing', 'in 200 OK', 'out 200 OK', 'in ACK', 'out ACK',
    ]);
    expect(new Set(fake.traced.map((x) => x.correlation))).toEqual(new Set([callId]));
    const at = (i: number) => fake.traced[i]!.ev;
    expect(at(1)).toMatchObject({ srcPort: port, dstPort: 5999 });
    expect(at(2)).toMatchObject({ srcPort: port, dstPort: UAS1 });
    expect(at(3)).toMatchObject({ srcPort: UAS1, dstPort: port });
    expect(at(4)).toMatchObject({ srcPort: port, dstPort: 5999 });
    expect(at(8)).toMatchObject({ dstPort: UAS1 });
    const stats = (await t!.mi('get_statistics', [['tracer:']])) as Record<string, number>;
    expect(stats).toMatchObject({ 'tracer:traced_requests': 4, 'tracer:traced_replies': 5 });
  });

  it('retransmissions of the branch request are traced', async () => {
    const fake = await start();
    t!.inject(request({ callId: uniqueCallId() }));
    await waitUntil(() => t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length >= 3);
    await sleep(1);
    const sent = t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length;
    expect(summary(fake).filter((s) => s === 'out INVITE')).toHaveLength(sent);
  });

  it('CANCEL: its 200, the CANCEL to the branch, the 487 in, the local ACK and the 487 out', async () => {
    const fake = await start();
    const callId = uniqueCallId();
    t!.inject(request({ callId }));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    t!.inject(request({ method: 'CANCEL', callId }));
    const cancel = await t!.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    t!.inject(answer(cancel, 200, 'OK'), { srcPort: UAS1 });
    t!.inject(answer(inv, 487, 'Request Terminated'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 487));
    const s = summary(fake);
    expect(s.slice(0, 5)).toEqual(['in INVITE', 'out 100 Trying', 'out INVITE', 'in 180 Ringing', 'out 180 Ringing']);
    for (const x of ['in CANCEL', 'out 200 OK', 'out CANCEL', 'in 487 Request Terminated', 'out ACK', 'out 487 Request Terminated'])
      expect(s.filter((y) => y === x), x).toHaveLength(1);
    expect(s.indexOf('in 487 Request Terminated')).toBeLessThan(s.indexOf('out 487 Request Terminated'));
  });

  it('failure_route with "t": the request, the new branch and what follows', async () => {
    const fake = await start();
    t!.inject(withHdr(request({ callId: uniqueCallId() }), 'X-No', 'X-FT'));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 486, 'Busy Here'), { srcPort: UAS1 });
    const inv2 = await t!.waitForSent(isRequestTo(UAS2, 'INVITE'));
    t!.inject(answer(inv2, 200, 'OK', 'b2'), { srcPort: UAS2 });
    await t!.waitForSent(isReplyTo(5999, 200));
    expect(summary(fake)).toEqual(['in INVITE', 'out INVITE', 'in 200 OK', 'out 200 OK']);
    expect(fake.traced[1]!.ev.dstPort).toBe(UAS2);
  });

  it('onreply_route[name] with "t": the reply, the request, then the rest of the transaction', async () => {
    const fake = await start();
    t!.inject(withHdr(request({ callId: uniqueCallId() }), 'X-No', 'X-R'));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    t!.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 200));
    expect(summary(fake)).toEqual(['in 180 Ringing', 'in INVITE', 'out 180 Ringing', 'in 200 OK', 'out 200 OK']);
    expect(fake.traced[0]!.ev.srcPort).toBe(UAS1);
  });

  it('a transaction traced twice (request route, then onreply_route) carries one tm callback and traces each message once', async () => {
    const fake = await start();
    const callId = uniqueCallId();
    t!.inject(withHdr(request({ callId }), 'X-R'));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 180));
    const tm = t!.server.container.resolve(TM_API);
    const tx = tm.lookupInvite(callId, 1)!;
    expect(tx.cbs!.filter((c) => (c.types & tm.TMCB.MSG_SENT_OUT) !== 0)).toHaveLength(1);
    expect(summary(fake)).toEqual(['in INVITE', 'out 100 Trying', 'out INVITE', 'in 180 Ringing', 'out 180 Ringing']);
  });

  it('MI "trace off" stops a transaction being traced', async () => {
    const fake = await start();
    t!.inject(request({ callId: uniqueCallId() }));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    await t!.mi('trace', ['off']);
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 180));
    expect(summary(fake)).toEqual(['in INVITE', 'out 100 Trying', 'out INVITE']);
  });
});

describe('scope "m" with tm: what is sent while the message is processed, nothing later', () => {
  it('the relayed INVITE is traced once; its retransmissions and the replies are not', async () => {
    const fake = await start();
    const callId = uniqueCallId();
    t!.inject(withHdr(request({ callId }), 'X-M'));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    await waitUntil(() => t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length >= 3);
    t!.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await t!.waitForSent(isReplyTo(5999, 180));
    expect(summary(fake)).toEqual(['in INVITE', 'out 100 Trying', 'out INVITE']);
  });

  it('timer-driven sends of an untraced transaction are not traced while others are', async () => {
    const fake = await start();
    t!.inject(withHdr(request({ callId: 'untraced', branch: 'z9hG4bKu' }), 'X-No'));
    await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    // traced messages keep arriving while the untraced INVITE is retransmitted
    for (let i = 0; i < 8; i++) {
      t!.inject(withHdr(request({ method: 'OPTIONS', callId: `m${i}`, branch: `z9hG4bKm${i}` }), 'X-M'));
      await sleep(25);
    }
    expect(t!.sent.filter((s) => s.text.startsWith('INVITE ') && s.text.includes('Call-ID: untraced')).length).toBeGreaterThanOrEqual(3);
    expect(fake.traced.filter((x) => x.ev.buf.includes('Call-ID: untraced'))).toEqual([]);
    expect(new Set(summary(fake))).toEqual(new Set(['in OPTIONS', 'out OPTIONS']));
    expect(fake.traced.length).toBeGreaterThanOrEqual(16); // each OPTIONS in and relayed
  });

  it('branch_route with "m": the branch request once, not its retransmissions', async () => {
    const fake = await start();
    t!.inject(withHdr(request({ callId: uniqueCallId() }), 'X-No', 'X-B'));
    await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    await waitUntil(() => t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length >= 3);
    expect(summary(fake)).toEqual(['out INVITE']);
    expect(fake.traced[0]!.ev.dstPort).toBe(UAS1);
  });

  it('failure_route with "m": only the new branch request, not its retransmissions', async () => {
    const fake = await start();
    t!.inject(withHdr(request({ callId: uniqueCallId() }), 'X-No', 'X-FM'));
    const inv = await t!.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t!.inject(answer(inv, 486, 'Busy Here'), { srcPort: UAS1 });
    await t!.waitForSent(isRequestTo(UAS2, 'INVITE'));
    await waitUntil(() => t!.sent.filter(isRequestTo(UAS2, 'INVITE')).length >= 3);
    expect(summary(fake)).toEqual(['out INVITE']);
    expect(fake.traced[0]!.ev.dstPort).toBe(UAS2);
  });
});
