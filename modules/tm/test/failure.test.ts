import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { answer, isReplyTo, isRequestTo, request, status, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** The failure route answers with a reason phrase listing what its checks returned. */
const probe = (pre: string) => `
  route { ${pre} t_on_failure("f"); t_relay("udp:127.0.0.1:${UAS1}"); }
  failure_route[f] {
    $var(s) = "code=" + $T_reply_code + " idx=" + $T_branch_idx;
    if (t_check_status("4[0-9][0-9]")) $var(s) = $var(s) + " 4xx";
    if (t_branch_timeout()) $var(s) = $var(s) + " branch_timeout";
    if (t_any_timeout()) $var(s) = $var(s) + " any_timeout";
    if (t_branch_replied()) $var(s) = $var(s) + " branch_replied";
    if (t_any_replied()) $var(s) = $var(s) + " any_replied";
    if (t_local_replied("all")) $var(s) = $var(s) + " local_all";
    if (t_local_replied("last")) $var(s) = $var(s) + " local_last";
    if (t_was_cancelled()) $var(s) = $var(s) + " cancelled";
    t_reply(500, "$var(s)");
  }`;

describe('failure_route (RFC 3261 16.7 step 6 hook)', () => {
  it('after a timeout: the local 408 wins; timeout and local checks are true, replied ones false', async () => {
    t = await tmServer(probe('t_set_fr(5000, 200);'));
    t.inject(request());
    const r = await t.waitForSent(isReplyTo(5999, 500), { timeoutMs: 1500 });
    expect(status(r)).toBe('SIP/2.0 500 code=408 idx=0 4xx branch_timeout any_timeout local_all local_last');
  });

  it('after a received 486: replied checks true, timeout checks false, $T_reply_code 486', async () => {
    t = await tmServer(probe(''));
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 486, 'Busy Here'), { srcPort: UAS1 });
    const r = await t.waitForSent(isReplyTo(5999, 500));
    expect(status(r)).toBe('SIP/2.0 500 code=486 idx=0 4xx branch_replied any_replied');
  });

  it('t_reply in failure_route replaces the final; the winning reply is not relayed', async () => {
    t = await tmServer(probe(''));
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 404, 'Not Found'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 500));
    expect(t.sent.filter(isReplyTo(5999, 404))).toHaveLength(0);
  });

  it('a 6xx (with the 6xx block) still runs failure_route, but it cannot add branches', async () => {
    t = await tmServer(`
      route { t_on_failure("f"); t_relay("udp:127.0.0.1:${UAS1}"); }
      failure_route[f] { $ru = "sip:x@127.0.0.1:5093"; if (!t_relay()) t_reply(599, "refused $retcode"); }`);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 603, 'Decline'), { srcPort: UAS1 });
    const r = await t.waitForSent(isReplyTo(5999, 599));
    expect(status(r)).toBe('SIP/2.0 599 refused -3');
    expect(t.sent.filter(isRequestTo(5093, 'INVITE'))).toHaveLength(0);
  });
});
