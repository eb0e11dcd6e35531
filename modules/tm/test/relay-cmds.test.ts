import { afterEach, describe, expect, it } from 'vitest';
import { SipMessage, type TestServer } from '@tsips/core';
import { proxyUri, relayArg } from '../src/cmds-relay.js';
import { header, isReplyTo, isRequestTo, request, sleep, status, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const count = (t: TestServer, pred: (s: TestServer['sent'][number]) => boolean) => t.sent.filter(pred).length;
/** Route whose reply reason phrase shows t_relay's return code. */
const SL = 'loadmodule "sl"';
const rc = (call: string, pre = '') => `route { ${pre} $var(r) = ${call}; sl_send_reply(500, "rc $var(r)"); }`;

describe('t_relay arguments (OpenSIPS and Kamailio forms)', () => {
  it('classifies flags (CSV names, hex, decimal) and next hops', () => {
    expect(relayArg('no-auto-477,pass-reason-hdr')).toEqual({ flags: 0x0a });
    expect(relayArg('0x10')).toEqual({ flags: 0x10 });
    expect(relayArg(4)).toEqual({ flags: 4 });
    expect(relayArg('udp:127.0.0.1:5080')).toEqual({ proxy: 'sip:127.0.0.1:5080;transport=udp', raw: 'udp:127.0.0.1:5080' });
    expect(proxyUri('[::1]:5070', 'tcp')).toBe('sip:[::1]:5070;transport=tcp');
    expect(proxyUri('sip:x@example.com')).toBe('sip:x@example.com');
    expect(() => proxyUri('a:b:c:d')).toThrow(/bad destination/);
  });

  it('t_relay(proxy, flags) in either order, and Kamailio t_relay(host, port)', async () => {
    t = await tmServer(`route {
      if ($rU == "a") t_relay("udp:127.0.0.1:${UAS1}", "no-auto-477");
      else if ($rU == "b") t_relay("0x02", "127.0.0.1:${UAS1}");
      else t_relay("127.0.0.1", "${UAS1}");
    }`);
    for (const [user, branch] of [['a', 'z9hG4bKa'], ['b', 'z9hG4bKb'], ['c', 'z9hG4bKc']]) {
      t.inject(request({ method: 'OPTIONS', ruri: `sip:${user}@127.0.0.1:9`, branch, callId: `${user}@x` }));
    }
    await sleep(30);
    expect(count(t, isRequestTo(UAS1, 'OPTIONS'))).toBe(3);
  });

  it('$du wins over the R-URI; the proxy argument wins over both', async () => {
    t = await tmServer(`route { $du = "sip:127.0.0.1:5093"; if ($rU == "p") t_relay("udp:127.0.0.1:${UAS1}"); else t_relay(); }`);
    t.inject(request({ method: 'OPTIONS', ruri: 'sip:d@127.0.0.1:9', branch: 'z9hG4bKd' }));
    t.inject(request({ method: 'OPTIONS', ruri: 'sip:p@127.0.0.1:9', branch: 'z9hG4bKp', callId: 'p@x' }));
    await t.waitForSent(isRequestTo(5093, 'OPTIONS'));
    const p = await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    expect(SipMessage.parse(p.buf).ruri).toBe('sip:p@127.0.0.1:9');
  });

  it('send failure: 477 upstream and 0 (script stops); with no-auto-477 nothing is sent and -6 returned', async () => {
    t = await tmServer(rc('t_relay("tcp:127.0.0.1:5093")'), {}, SL);
    t.inject(request({ method: 'OPTIONS' }));
    const r = await t.waitForSent((s) => s.dst.port === 5999);
    expect(status(r)).toBe('SIP/2.0 477 Send failed');
    await sleep(20);
    expect(count(t, isReplyTo(5999, 500))).toBe(0);
    await t.stop();
    t = await tmServer(rc('t_relay("tcp:127.0.0.1:5093", "no-auto-477")'), {}, SL);
    t.inject(request({ method: 'OPTIONS' }));
    expect(status(await t.waitForSent((s) => s.dst.port === 5999))).toBe('SIP/2.0 500 rc -6');
  });

  it('-4 for an unusable destination, -3 when branch_route dropped every branch, -2 for a reply context', async () => {
    t = await tmServer(rc('t_relay()', '$du = "not a uri";'), {}, SL);
    t.inject(request({ method: 'OPTIONS' }));
    expect(status(await t.waitForSent((s) => s.dst.port === 5999))).toBe('SIP/2.0 500 rc -4');
    await t.stop();
    t = await tmServer(`${rc('t_relay()', 't_on_branch("b");')} branch_route[b] { drop; }`, {}, SL);
    t.inject(request({ method: 'OPTIONS' }));
    expect(status(await t.waitForSent((s) => s.dst.port === 5999))).toBe('SIP/2.0 500 rc -3');
  });

  it('t_relay_to_tcp / t_relay_to_udp force the transport', async () => {
    t = await tmServer(`route { t_relay_to_udp("127.0.0.1", ${UAS1}); }`);
    t.inject(request({ method: 'OPTIONS' }));
    const r = await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    expect(r.dst.proto).toBe('udp');
    expect(header(r, 'via')).toMatch(/^SIP\/2.0\/UDP /);
  });

  it('t_add_hdrs: the lines go into every request tm generates (branch, ACK, CANCEL)', async () => {
    t = await tmServer(`route { t_newtran(); t_add_hdrs("X-T: 1"); t_relay("udp:127.0.0.1:${UAS1}"); }`);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    expect(header(inv, 'x-t')).toBe('1');
  });

  it('t_replicate: a stateful copy whose replies stop here (no 100, nothing relayed)', async () => {
    t = await tmServer(`route { t_replicate("sip:127.0.0.1:${UAS1}"); }`);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    const { answer } = await import('./helpers.js');
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await sleep(30);
    expect(t.sent.filter((s) => s.dst.port === 5999)).toHaveLength(0);
  });
});
