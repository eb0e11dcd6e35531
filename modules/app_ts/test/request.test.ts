import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '@tsips/core';
import { options, routingFile, scriptVar, start, statusLines, removeRoutingFiles } from './helpers.js';

afterAll(removeRoutingFiles);

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.stop();
  ts = undefined;
});

const errors = (t: TestServer) => t.server.stats.read('app_ts', 'errors');

describe('app_ts request callback', () => {
  it('answers through ksr.sl.sl_send_reply and the script request route does not run', async () => {
    const file = routingFile(`
import type { Ksr } from '@tsips/app_ts';
export function request(ksr: Ksr): void {
  if (ksr.is_method('INVITE|OPTIONS')) ksr.sl.sl_send_reply(200, 'From TS');
}
`);
    ts = await start(file);
    ts.inject(options());
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 From TS']);
    expect(scriptVar(ts, 'script')).toBeNull();
  });

  it('leaves requests to the script when the routing file exports no request function', async () => {
    ts = await start(routingFile('export function other() { return 1; }\n'));
    ts.inject(options());
    expect(statusLines(ts)).toEqual(['SIP/2.0 404 From Script']);
    expect(scriptVar(ts, 'script')).toBe(1);
  });

  it('uses the function named by request_route_callback', async () => {
    const file = routingFile(`export function ksr_request_route(ksr) { ksr.sl.sl_send_reply(202, 'Named'); }\n`, 'routes.mjs');
    ts = await start(file, 'modparam("app_ts", "request_route_callback", "ksr_request_route")');
    ts.inject(options());
    expect(statusLines(ts)).toEqual(['SIP/2.0 202 Named']);
  });

  it('ksr.pv.sets/seti/get/unset round trip, shared with the script ($var) and the message ($ru, $ci)', async () => {
    const file = routingFile(`
import type { Ksr } from '@tsips/app_ts';
export function request(ksr: Ksr) {
  ksr.pv.sets('$avp(x)', 'hello');
  ksr.pv.seti('$var(n)', 5);
  ksr.pv.sets('$var(gone)', 'soon');
  ksr.pv.unset('$var(gone)');
  const parts = [ksr.pv.get('$avp(x)'), ksr.pv.get('$var(n)'), ksr.pv.get('$ru'), ksr.pv.get('$ci'),
    ksr.pv.is_null('$var(gone)'), ksr.pv.gete('$avp(none)') === '', ksr.pv.getvn('$avp(none)', 7)];
  ksr.sl.sl_send_reply(200, parts.join(' '));
}
`);
    ts = await start(file);
    ts.inject(options('pv-1'));
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 hello 5 sip:alice@127.0.0.1 pv-1 true true 7']);
    expect(scriptVar(ts, 'n')).toBe(5);
  });

  it('a bad pseudo-variable name throws into the routing code', async () => {
    const file = routingFile(`
export function request(ksr) {
  let why = '';
  try { ksr.pv.get('$no_such_pv'); } catch (e) { why = e.message; }
  try { ksr.pv.sets('$ci', 'x'); } catch (e) { why += ' / ' + e.message; }
  ksr.sl.sl_send_reply(500, why.replace(/[\\r\\n]/g, ' '));
}
`);
    ts = await start(file);
    ts.inject(options());
    expect(statusLines(ts)[0]).toMatch(/^SIP\/2.0 500 .*unknown pseudo-variable \$no_such_pv.* \/ pseudo-variable \$ci is read-only/);
  });

  it('a return code of 0 ends the invocation: later ksr calls do nothing', async () => {
    const file = routingFile(`
export function request(ksr) {
  ksr.probe.count();
  const rc = ksr.probe.zero();
  const later = ksr.probe.count();
  ksr.pv.seti('$var(after)', 1);
  ksr.sl.sl_send_reply(200, 'too late ' + rc + later);
}
`);
    ts = await start(file);
    ts.inject(options());
    expect(ts.sent).toHaveLength(0);
    expect(scriptVar(ts, 'after')).toBeNull();
    expect(scriptVar(ts, 'script')).toBeNull();
    ts.inject(options('c2'));
    // one count() per request ran, the one after zero() did not
    const state = ts.server.modules.find((m) => m.def.name === 'probe')!.state.value as { calls: number };
    expect(state.calls).toBe(2);
  });

  it('ksr.x.exit() stops the function', async () => {
    const file = routingFile(`
export function request(ksr) {
  ksr.sl.sl_send_reply(100, 'Trying');
  ksr.x.exit();
  ksr.sl.sl_send_reply(200, 'never');
}
`);
    ts = await start(file);
    ts.inject(options());
    expect(statusLines(ts)).toEqual(['SIP/2.0 100 Trying']);
    expect(errors(ts)).toBe(0);
  });

  it('an exception is caught, logged, counted in app_ts:errors, and the server keeps serving', async () => {
    const file = routingFile(`
export function request(ksr) {
  if (ksr.msg.callId === 'boom') throw new Error('kaboom');
  ksr.probe.fail();
  ksr.sl.sl_send_reply(200, 'OK ' + ksr.pv.get('$rc'));
}
`);
    ts = await start(file);
    ts.inject(options('boom'));
    expect(ts.sent).toHaveLength(0);
    expect(scriptVar(ts, 'script')).toBeNull();
    expect(errors(ts)).toBe(1);
    // a module function that throws is taken as -1 ($rc) and counted; the callback goes on
    ts.inject(options('fine'));
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 OK -1']);
    expect(errors(ts)).toBe(2);
  });

  it('picks the overload by argument count and applies ArgSpec conversions and fixups', async () => {
    const file = routingFile(`
export function request(ksr) {
  const codes = [ksr.probe.pick(), ksr.probe.pick(5), ksr.probe.pick('7'), ksr.probe.pick('a', 'b'), ksr.probe.pick('a', 'b', 'c'),
    ksr.probe.twice(21), ksr.probe.twice('4'), ksr.probe.matches(/^sip:ALICE@/i), ksr.probe.matches('^sip:bob'), ksr.probe.matches('ALICE')];
  let why = '';
  try { ksr.probe.pick(1, 2, 3, 4); } catch (e) { why = e.message; }
  try { ksr.probe.pick('x'); } catch (e) { why += ' / ' + e.message; }
  ksr.sl.sl_send_reply(200, codes.join(',') + ' ' + why);
}
`);
    ts = await start(file);
    ts.inject(options());
    expect(statusLines(ts)).toEqual([
      'SIP/2.0 200 10,25,27,32,33,42,8,1,-1,1 ksr.probe.pick takes 0 or 1 or 2 or 3 argument(s), got 4 / argument 1 of ksr.probe.pick must be an integer, got "x"',
    ]);
  });

  it('ksr.route runs a script route and returns its code; ksr.hdr reads and edits headers', async () => {
    const file = routingFile(`
export function request(ksr) {
  const rc = ksr.route('helper');
  ksr.hdr.remove('X-Old');
  ksr.hdr.append('X-New: ' + ksr.hdr.get('X-Old') + '\\r\\n');
  ksr.core.forward('sip:127.0.0.1:5997');
  ksr.pv.seti('$var(rc)', rc);
}
`);
    ts = await start(file, '', `route { sl_send_reply(404, "no"); }\nroute[helper] { $var(helper) = "ran"; return(3); }`);
    ts.inject(options('h1', 'X-Old: old-value\r\n'));
    expect(scriptVar(ts, 'helper')).toBe('ran');
    expect(scriptVar(ts, 'rc')).toBe(3);
    expect(ts.sent).toHaveLength(1);
    const fwd = ts.sent[0]!;
    expect(fwd.dst.port).toBe(5997);
    expect(fwd.text).toContain('X-New: old-value\r\n');
    expect(fwd.text).not.toContain('X-Old');
  });

  it('ts_run calls a routing-file function from the script with its parameters; its code is $rc, 0 exits the script', async () => {
    const file = routingFile(`
export function helper(ksr, a, b) { ksr.pv.sets('$var(args)', a + '+' + b); return 5; }
export function stop(ksr) { ksr.x.exit(); }
`);
    const script = `route {
    ts_run("helper", "x", "$ci");
    $var(rc) = $rc;
    if (is_method("INFO")) { ts_run("stop"); }
    if (!ts_run("missing")) { $var(missing) = "failed"; }
    sl_send_reply(200, "after $var(rc)");
}`;
    ts = await start(file, '', script);
    ts.inject(options('run-1'));
    expect(scriptVar(ts, 'args')).toBe('x+run-1');
    expect(scriptVar(ts, 'missing')).toBe('failed');
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 after 5']);
    expect(errors(ts)).toBe(1);
    ts.inject(options('run-2').replace(/OPTIONS/g, 'INFO'));
    expect(ts.sent).toHaveLength(1);
  });
});
