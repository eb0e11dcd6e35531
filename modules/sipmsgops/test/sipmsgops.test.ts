import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, firstLine, type TestServer } from '@tsips/core';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const server = (routes: string) =>
  createTestServer(`socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "sipmsgops"\n${routes}`);

async function answer(t: TestServer, req: string): Promise<string> {
  const before = t.sent.length;
  t.inject(req);
  return firstLine(await t.waitForSent(() => true, { since: before }));
}

describe('sipmsgops', () => {
  it('is_method matches one of a | or , separated list, case-insensitively', async () => {
    t = await server('route { if (is_method("invite|BYE,options")) sl_send_reply(200, "yes"); else sl_send_reply(200, "no"); }');
    expect(await answer(t, sipRequest({ method: 'OPTIONS' }))).toBe('SIP/2.0 200 yes');
    expect(await answer(t, sipRequest({ method: 'REGISTER', callId: 'r' }))).toBe('SIP/2.0 200 no');
  });

  it('has_totag tells initial from in-dialog requests', async () => {
    t = await server('route { if (has_totag()) sl_send_reply(200, "dialog"); else sl_send_reply(200, "initial"); }');
    expect(await answer(t, sipRequest())).toBe('SIP/2.0 200 initial');
    expect(await answer(t, sipRequest({ to: '<sip:bob@127.0.0.1>;tag=b', callId: 'd' }))).toBe('SIP/2.0 200 dialog');
  });

  it('append_hf / insert_hf / remove_hf change the relayed request; is_present_hf sees received headers', async () => {
    t = await server(`route {
      if (!is_present_hf("X-Drop")) { sl_send_reply(500, "no X-Drop"); exit; }
      remove_hf("X-Drop");
      append_hf("X-Added: $rU\\r\\n");
      insert_hf("X-First: 1\\r\\n");
      forward("sip:127.0.0.1:5998");
    }`);
    t.inject(sipRequest({ ruri: 'sip:dave@example.com', extra: 'X-Drop: a\r\nX-Drop: b\r\n' }));
    const out = await t.waitForSent(() => true);
    const lines = out.text.split('\r\n');
    expect(lines.filter((l) => l.startsWith('X-Drop'))).toEqual([]);
    expect(lines).toContain('X-Added: dave');
    expect(lines.findIndex((l) => l === 'X-First: 1')).toBeLessThan(lines.findIndex((l) => l.startsWith('From:')));
  });

  it('remove_hf returns -1 when there is nothing to remove; append_hf refuses a line that is not a header', async () => {
    t = await server('route { if (remove_hf("X-None")) sl_send_reply(200, "removed"); else if (!append_hf("not a header")) sl_send_reply(200, "both false"); }');
    expect(await answer(t, sipRequest())).toBe('SIP/2.0 200 both false');
  });

  it('has_body with and without a content type', async () => {
    t = await server('route { if (has_body("application/sdp")) sl_send_reply(200, "sdp"); else if (has_body()) sl_send_reply(200, "other"); else sl_send_reply(200, "none"); }');
    expect(await answer(t, sipRequest({ extra: 'Content-Type: application/sdp\r\n', body: 'v=0\r\n' }))).toBe('SIP/2.0 200 sdp');
    expect(await answer(t, sipRequest({ callId: 'b', extra: 'Content-Type: text/plain\r\n', body: 'hi' }))).toBe('SIP/2.0 200 other');
    expect(await answer(t, sipRequest({ callId: 'c' }))).toBe('SIP/2.0 200 none');
  });
});
