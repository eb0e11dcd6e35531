import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { answer, isRequestTo, request, sleep, summary, tracerServer, UAS1, uniqueCallId, waitUntil, type FakeTracer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** stateless proxy: requests with X-Trace traced to tid (scope m, the default without tm) */
const proxy = (traceCall = 'trace("tid")') => `
  route {
    if (is_method("OPTIONS")) { ${traceCall}; sl_send_reply(200, "OK"); exit; }
    if (is_present_hf("X-Trace")) { ${traceCall}; }
    forward("sip:127.0.0.1:${UAS1}");
  }
  onreply_route { if (is_present_hf("X-Trace")) trace("tid", "m"); }`;

const withHdr = (raw: string, hdr: string) => raw.replace('Max-Forwards', `${hdr}\r\nMax-Forwards`);

describe('scope "m" (no tm): the message and what is sent while it is processed', () => {
  it('a forwarded request: in as received, out as relayed, with addresses and the Call-ID', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy()));
    const port = t.listener('udp').port;
    const callId = uniqueCallId();
    t.inject(withHdr(request({ callId }), 'X-Trace: 1'));
    await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    expect(summary(fake)).toEqual(['in INVITE', 'out INVITE']);
    const [inn, out] = fake.traced;
    expect(inn!.dst).toBe('hep1');
    expect(inn!.correlation).toBe(callId);
    expect(inn!.ev).toMatchObject({ proto: 'udp', srcIp: '127.0.0.1', srcPort: 5999, dstIp: '127.0.0.1', dstPort: port });
    expect(out!.ev).toMatchObject({ proto: 'udp', srcIp: '127.0.0.1', srcPort: port, dstIp: '127.0.0.1', dstPort: UAS1 });
    expect(out!.correlation).toBe(callId);
    // the relayed copy carries our Via: it is the bytes sent, not the bytes received
    expect(out!.ev.buf.toString('latin1')).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=/m);
    expect(out!.ev.buf.length).toBeGreaterThan(inn!.ev.buf.length);
  });

  it('a stateless reply is traced out; statistics count requests and replies', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy()));
    t.inject(request({ method: 'OPTIONS' }));
    await sleep(5);
    expect(summary(fake)).toEqual(['in OPTIONS', 'out 200 OK']);
    expect(fake.traced[1]!.ev).toMatchObject({ dstPort: 5999, srcPort: t.listener('udp').port });
    const stats = (await t.mi('get_statistics', [['tracer:']])) as Record<string, number>;
    expect(stats).toMatchObject({ 'tracer:traced_requests': 1, 'tracer:traced_replies': 1 });
  });

  it('messages without trace() are not captured, also right after a traced one', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy()));
    t.inject(withHdr(request({ callId: 'a' }), 'X-Trace: 1'));
    await sleep(1); // the task that processed it ended
    t.inject(request({ callId: 'b', branch: 'z9hG4bKb' }));
    await sleep(5);
    expect(t.sent.filter(isRequestTo(UAS1, 'INVITE'))).toHaveLength(2);
    expect(fake.traced.map((x) => x.correlation)).toEqual(['a', 'a']);
  });

  it('UDP datagrams back to back: only the traced one and its relayed copy', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy()));
    const port = t.listener('udp').port;
    const sock = dgram.createSocket('udp4');
    try {
      for (const [callId, traced] of [['u1', true], ['u2', false], ['u3', false]] as const) {
        const raw = request({ callId, branch: `z9hG4bK${callId}` });
        sock.send(traced ? withHdr(raw, 'X-Trace: 1') : raw, port, '127.0.0.1');
      }
      await waitUntil(() => t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length === 3);
    } finally {
      sock.close();
    }
    expect(fake.traced.map((x) => `${x.ev.direction} ${x.correlation}`)).toEqual(['in u1', 'out u1']);
  });

  it('TCP: several messages in one read; the next message ends the capture of the traced one', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy(), { tcp: true }));
    const port = t.listener('tcp').port;
    const c = net.connect(port, '127.0.0.1');
    try {
      await new Promise((r) => c.once('connect', r));
      const raws = ['k1', 'k2', 'k3'].map((callId, i) => {
        const raw = request({ callId, branch: `z9hG4bK${callId}` }).replace('SIP/2.0/UDP 127.0.0.1:5999', `SIP/2.0/TCP 127.0.0.1:${c.localPort}`);
        return i === 0 ? withHdr(raw, 'X-Trace: 1') : raw;
      });
      c.write(raws.join(''));
      await waitUntil(() => t!.sent.filter(isRequestTo(UAS1, 'INVITE')).length === 3);
    } finally {
      c.destroy();
    }
    expect(fake.traced.map((x) => `${x.ev.direction} ${x.ev.proto} ${x.correlation}`)).toEqual(['in tcp k1', 'out udp k1']);
    expect(fake.traced[0]!.ev.conId).toBeGreaterThan(0);
  });

  it('onreply_route: the reply as received and as relayed', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy()));
    t.inject(request({ callId: 'r1' }));
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    expect(fake.traced).toHaveLength(0);
    const reply = answer(inv, 180, 'Ringing').toString('latin1').replace('Content-Length', 'X-Trace: 1\r\nContent-Length');
    t.inject(reply, { srcPort: UAS1 });
    await sleep(5);
    expect(summary(fake)).toEqual(['in 180 Ringing', 'out 180 Ringing']);
    expect(fake.traced[0]!.ev).toMatchObject({ srcPort: UAS1 });
    expect(fake.traced[1]!.ev).toMatchObject({ dstPort: 5999 });
    expect(fake.traced[1]!.correlation).toBe('r1');
  });

  it('two trace ids get a copy each; the same id twice gets one', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(proxy('trace("tid"); trace("tid2"); trace("tid")')));
    t.inject(request({ method: 'OPTIONS' }));
    await sleep(5);
    expect(fake.traced.map((x) => `${x.dst} ${x.ev.direction}`).sort()).toEqual(['hep1 in', 'hep1 out', 'hep2 in', 'hep2 out']);
  });

  it('trace() returns 1, or -1 for an unknown trace id', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(`route {
      if (trace("nope")) { sl_send_reply(500, "Unexpected"); exit; }
      if (trace("tid")) sl_send_reply(200, "OK");
    }`));
    t.inject(request({ method: 'OPTIONS' }));
    await sleep(5);
    expect(t.sent.map((s) => s.text.split('\r\n', 1)[0])).toEqual(['SIP/2.0 200 OK']);
    expect(summary(fake)).toEqual(['in OPTIONS', 'out 200 OK']);
  });
});

describe('global switch: trace_on and MI trace', () => {
  const cond = `route { if (trace("tid")) { sl_send_reply(200, "traced"); } else { sl_send_reply(200, "not traced"); } }`;

  it('trace_on=0: trace() returns -1 and sends nothing until MI "trace on"', async () => {
    let fake: FakeTracer;
    ({ t, fake } = await tracerServer(cond, { head: 'modparam("tracer", "trace_on", 0)' }));
    expect(await t.mi('trace')).toEqual({ global: 'off' });
    t.inject(request({ method: 'OPTIONS', callId: 'off' }));
    await sleep(5);
    expect(t.sent[0]!.text).toMatch(/^SIP\/2\.0 200 not traced/);
    expect(fake.traced).toHaveLength(0);
    expect(await t.mi('trace', { trace_mode: 'on' })).toBe('OK');
    expect(await t.mi('trace')).toEqual({ global: 'on' });
    t.inject(request({ method: 'OPTIONS', callId: 'on' }));
    await sleep(5);
    expect(t.sent[1]!.text).toMatch(/^SIP\/2\.0 200 traced/);
    expect(summary(fake)).toEqual(['in OPTIONS', 'out 200 traced']);
    expect(await t.mi('trace', ['off'])).toBe('OK');
    expect(await t.mi('trace')).toEqual({ global: 'off' });
  });

  it('a bad trace_mode is refused with -32602', async () => {
    ({ t } = await tracerServer(cond));
    await expect(t.mi('trace', { trace_mode: 'maybe' })).rejects.toMatchObject({
      rpc: { code: -32602, message: 'Invalid params', data: "trace_mode should be 'on' or 'off'" },
    });
    expect(await t.mi('trace')).toEqual({ global: 'on' });
  });
});
