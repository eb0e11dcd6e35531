import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, firstLine, type TestServer } from '@tsips/core';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const server = (routes: string) =>
  createTestServer(`socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "sipmsgops"\n${routes}`);

const stats = async (t: TestServer) => (await t.mi('get_statistics', [['sl:']])) as Record<string, number>;

describe('sl', () => {
  it('sl_send_reply sends the code and a formatted reason back to the source, counting by class', async () => {
    t = await server('route { sl_send_reply(404, "No $rU here"); }');
    t.inject(sipRequest({ ruri: 'sip:carol@127.0.0.1' }));
    const r = await t.waitForSent(() => true);
    expect(firstLine(r)).toBe('SIP/2.0 404 No carol here');
    expect(r.dst).toMatchObject({ ip: '127.0.0.1', port: 5999 });
    expect(await stats(t)).toMatchObject({ 'sl:4xx_replies': 1, 'sl:sent_replies': 1, 'sl:sent_err_replies': 1, 'sl:2xx_replies': 0 });
  });

  it('the To tag is the same for a retransmitted request (RFC 3261 §8.2.6.2)', async () => {
    t = await server('route { sl_send_reply(486, "Busy"); }');
    t.inject(sipRequest({ method: 'INVITE' }));
    t.inject(sipRequest({ method: 'INVITE' }));
    const a = await t.waitForSent(() => true);
    const b = await t.waitForSent(() => true, { since: 1 });
    const tag = (m: typeof a) => /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(m.text)?.[1];
    expect(tag(a)).toBeDefined();
    expect(tag(a)).toBe(tag(b));
  });

  it('absorbs the ACK for its own negative reply before the script runs', async () => {
    t = await server('route { if (is_method("ACK")) { sl_send_reply(500, "ACK reached the script"); exit; } sl_send_reply(486, "Busy"); }');
    t.inject(sipRequest({ method: 'INVITE' }));
    const r = await t.waitForSent(() => true);
    const tag = /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(r.text)![1];
    t.inject(sipRequest({ method: 'ACK', to: `<sip:bob@127.0.0.1>;tag=${tag}` }));
    await new Promise((res) => setTimeout(res, 20));
    expect(t.sent).toHaveLength(1);
    expect((await stats(t))['sl:received_ACKs']).toBe(1);
  });

  it('sl_reply_error answers with the error of the parse failure in error_route, else 500', async () => {
    t = await server('route { sl_reply_error(); }\nerror_route { sl_reply_error(); }');
    t.inject(sipRequest({ extra: 'Max-Forwards: many\r\n' }));
    const bad = await t.waitForSent(() => true);
    expect(firstLine(bad)).toMatch(/^SIP\/2.0 400 .*Max-Forwards/i);
    t.inject(sipRequest({ callId: 'ok-2' }));
    const plain = await t.waitForSent(() => true, { since: 1 });
    expect(firstLine(plain)).toBe('SIP/2.0 500 Server Internal Error');
  });

  it('refuses codes outside 100..699 and never answers an ACK', async () => {
    t = await server('route { if (!sl_send_reply(700, "x")) sl_send_reply(299, "refused"); }');
    t.inject(sipRequest());
    expect(firstLine(await t.waitForSent(() => true))).toBe('SIP/2.0 299 refused');
    t.inject(sipRequest({ method: 'ACK', to: '<sip:bob@127.0.0.1>;tag=remote' }));
    await new Promise((res) => setTimeout(res, 20));
    expect(t.sent).toHaveLength(1);
  });
});
