import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dummyContext, RouteType, type TestServer } from '@tsips/core';
import { APP_TS_API } from '@tsips/app_ts';
import { options, reply, routingFile, scriptVar, start, statusLines, removeRoutingFiles } from './helpers.js';

afterAll(removeRoutingFiles);

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.stop();
  ts = undefined;
});

/** Resolve when $var(name) is set (events are delivered on a later turn of the event loop). */
async function varSet(t: TestServer, name: string): Promise<unknown> {
  const deadline = Date.now() + 2000;
  while (scriptVar(t, name) === null) {
    if (Date.now() > deadline) throw new Error(`$var(${name}) was not set`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return scriptVar(t, name);
}

describe('app_ts event callbacks', () => {
  it('APP_TS_API.callEvent runs the named function with (ksr, eventName) on the given context', async () => {
    const file = routingFile(`
export function on_tcp(ksr, event) {
  ksr.pv.sets('$var(ev)', event + ' ' + ksr.pv.get('$param(reason)'));
  return 7;
}
export function broken() { throw new Error('bad handler'); }
export function leave(ksr) { ksr.x.exit(); }
`);
    ts = await start(file);
    const api = ts.server.container.resolve(APP_TS_API);
    expect(api.has('on_tcp')).toBe(true);
    expect(api.has('nope')).toBe(false);
    const ctx = dummyContext(RouteType.EVENT);
    ctx.eventParams = [['reason', 'timeout']];
    expect(api.callEvent('on_tcp', 'tcp:closed', ctx)).toBe(7);
    expect(scriptVar(ts, 'ev')).toBe('tcp:closed timeout');
    expect(api.callEvent('leave', 'tcp:closed', ctx)).toBe(0);
    expect(api.callEvent('broken', 'tcp:closed', ctx)).toBe(-1);
    expect(api.callEvent('nope', 'tcp:closed', ctx)).toBe(-1);
    expect(ts.server.stats.read('app_ts', 'errors')).toBe(2);
  });

  it('module functions check the route kind of the current context', async () => {
    const file = routingFile(`
export function on_event(ksr) {
  try { ksr.sl.sl_send_reply(200, 'OK'); } catch (e) { ksr.pv.sets('$var(why)', e.message); }
}
`);
    ts = await start(file);
    ts.server.container.resolve(APP_TS_API).callEvent('on_event', 'E_X', dummyContext(RouteType.EVENT));
    expect(scriptVar(ts, 'why')).toMatch(/^ksr\.sl\.sl_send_reply cannot be used in event_route \(only in request_route/);
  });

  it('subscribe_event calls event_route_callback with raise_event params; raise_event overloads by argument count', async () => {
    const file = routingFile(`
export function request(ksr) {
  ksr.pv.sets('$avp(names)', 'user');
  ksr.pv.sets('$avp(vals)', 'alice');
  ksr.core.raise_event('E_APP', '$avp(names)', '$avp(vals)');
  ksr.core.raise_event('E_APP', '$avp(vals)');
  ksr.core.raise_event('E_OTHER');
  ksr.sl.sl_send_reply(200, 'raised');
}
export function on_event(ksr, event, params) {
  const seen = ksr.pv.gete('$var(seen)');
  ksr.pv.sets('$var(seen)', seen + event + JSON.stringify(params) + ksr.pv.gete('$param(1)') + ';');
  if (event === 'E_OTHER') ksr.pv.seti('$var(done)', 1);
}
`);
    ts = await start(file, 'modparam("app_ts", "event_route_callback", "on_event")\nmodparam("app_ts", "subscribe_event", "E_APP")\nmodparam("app_ts", "subscribe_event", "E_OTHER")');
    ts.inject(options());
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 raised']);
    await varSet(ts, 'done');
    expect(scriptVar(ts, 'seen')).toBe('E_APP{"user":"alice"}alice;E_APP{"1":"alice"}alice;E_OTHER{};');
  });
});

describe('app_ts reply callback', () => {
  const routes = `
export function on_reply(ksr) {
  if (ksr.msg.reason === 'Drop Me') ksr.x.drop();
  ksr.hdr.append('X-Seen: ' + ksr.pv.get('$rs'));
}
`;

  it('runs before the stateless relay, which still happens', async () => {
    ts = await start(routingFile(routes), 'modparam("app_ts", "reply_route_callback", "on_reply")');
    ts.inject(reply(ts, 180, 'Ringing'));
    expect(ts.sent).toHaveLength(1);
    expect(ts.sent[0]!.dst.port).toBe(5998);
    expect(ts.sent[0]!.text).toContain('X-Seen: 180\r\n');
  });

  it('ksr.x.drop() drops the reply', async () => {
    ts = await start(routingFile(routes), 'modparam("app_ts", "reply_route_callback", "on_reply")');
    ts.inject(reply(ts, 486, 'Drop Me'));
    ts.inject(reply(ts, 200, 'OK'));
    expect(statusLines(ts)).toEqual(['SIP/2.0 200 OK']);
  });
});
