import { describe, expect, it } from 'vitest';
import { RouteType, ScriptContext, SipMessage, sipRequest, viaValue, type Listener, type ReceiveInfo } from '@tsips/core';
import { recordRoute, recordRoutePreset, type RrConfig } from '../src/record.js';

const sock = (proto: string, ip: string, port: number, as?: { host: string; port: number }): Listener => ({
  proto, ip, port, family: ip.includes(':') ? 6 : 4, name: `${proto}:${ip}:${port}`,
  advertisedHost: as?.host, advertisedPort: as?.port,
});

const UDP = sock('udp', '127.0.0.1', 5060);
const cfg = (o: Partial<RrConfig> = {}): RrConfig => ({ appendFromtag: true, doubleRr: 1, lr: ';lr', ...o });

function ctxOn(l: Listener, method = 'INVITE'): ScriptContext {
  const rcv: ReceiveInfo = { proto: l.proto, srcIp: '127.0.0.1', srcPort: 5999, dstIp: l.ip, dstPort: l.port, conId: 0, listener: l, time: 0 };
  return new ScriptContext(SipMessage.parse(Buffer.from(sipRequest({ method }), 'latin1')), rcv, RouteType.REQUEST);
}

/** The Record-Route lines of the request built to leave on `out` (as forward/t_relay build it). */
function rrOut(ctx: ScriptContext, out: Listener): string[] {
  const text = ctx.msg.build({ via: viaValue(out, 'z9hG4bKtest') }).toString('latin1');
  return text.split('\r\n').filter((l) => l.startsWith('Record-Route:'));
}

describe('record_route: double Record-Route resolved per build', () => {
  it('same socket out as in: one entry, as without double RR', () => {
    const ctx = ctxOn(UDP);
    expect(recordRoute(ctx, cfg(), undefined)).toBe(1);
    expect(rrOut(ctx, UDP)).toEqual(['Record-Route: <sip:127.0.0.1:5060;lr;ftag=a1>']);
  });

  it('UDP in, TCP out: the outgoing socket topmost, both marked r2 with their transports', () => {
    const ctx = ctxOn(UDP);
    recordRoute(ctx, cfg(), 'nat=yes');
    expect(rrOut(ctx, sock('tcp', '127.0.0.1', 5060))).toEqual([
      'Record-Route: <sip:127.0.0.1:5060;transport=tcp;r2=on;lr;ftag=a1;nat=yes>',
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr;ftag=a1;nat=yes>',
    ]);
  });

  it('IPv4 in, IPv6 out, and another port of the same proto, each give a pair', () => {
    const ctx = ctxOn(UDP);
    recordRoute(ctx, cfg({ appendFromtag: false }), undefined);
    expect(rrOut(ctx, sock('udp', '::1', 5060))).toEqual([
      'Record-Route: <sip:[::1]:5060;transport=udp;r2=on;lr>',
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr>',
    ]);
    expect(rrOut(ctx, sock('udp', '127.0.0.1', 5070))).toEqual([
      'Record-Route: <sip:127.0.0.1:5070;transport=udp;r2=on;lr>',
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr>',
    ]);
    // the same recorded change builds a single entry for a branch on the incoming socket
    expect(rrOut(ctx, UDP)).toEqual(['Record-Route: <sip:127.0.0.1:5060;lr>']);
  });

  it('compares the advertised addresses (`as`), and writes them', () => {
    const natIn = sock('udp', '10.0.0.1', 5060, { host: 'pub.example.com', port: 5060 });
    const ctx = ctxOn(natIn);
    recordRoute(ctx, cfg({ appendFromtag: false }), undefined);
    expect(rrOut(ctx, sock('tcp', '10.0.0.1', 5060, { host: 'pub.example.com', port: 5060 }))).toEqual([
      'Record-Route: <sip:pub.example.com:5060;transport=tcp;r2=on;lr>',
      'Record-Route: <sip:pub.example.com:5060;transport=udp;r2=on;lr>',
    ]);
  });

  it('the entries sit above the Record-Routes already in the request', () => {
    const rcv = ctxOn(UDP).rcv;
    const msg = SipMessage.parse(Buffer.from(sipRequest({ method: 'INVITE', extra: 'Record-Route: <sip:up.example;lr>\r\n' }), 'latin1'));
    const ctx = new ScriptContext(msg, rcv, RouteType.REQUEST);
    recordRoute(ctx, cfg({ appendFromtag: false }), undefined);
    expect(rrOut(ctx, sock('tcp', '127.0.0.1', 5061))).toEqual([
      'Record-Route: <sip:127.0.0.1:5061;transport=tcp;r2=on;lr>',
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr>',
      'Record-Route: <sip:up.example;lr>',
    ]);
  });

  it('enable_double_rr=0: one entry for the incoming socket whatever the outgoing one', () => {
    const ctx = ctxOn(UDP);
    recordRoute(ctx, cfg({ doubleRr: 0, appendFromtag: false }), undefined);
    expect(rrOut(ctx, sock('tcp', '127.0.0.1', 5060))).toEqual(['Record-Route: <sip:127.0.0.1:5060;lr>']);
  });

  it('enable_double_rr=2 (Kamailio): a pair even on the same socket', () => {
    const ctx = ctxOn(UDP);
    recordRoute(ctx, cfg({ doubleRr: 2, appendFromtag: false }), undefined);
    expect(rrOut(ctx, UDP)).toEqual([
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr>',
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr>',
    ]);
  });

  it('enable_full_lr writes ;lr=on', () => {
    const ctx = ctxOn(sock('tcp', '127.0.0.1', 5060));
    recordRoute(ctx, cfg({ lr: ';lr=on', appendFromtag: false }), undefined);
    expect(rrOut(ctx, UDP)).toEqual([
      'Record-Route: <sip:127.0.0.1:5060;transport=udp;r2=on;lr=on>',
      'Record-Route: <sip:127.0.0.1:5060;transport=tcp;r2=on;lr=on>',
    ]);
  });

  it('a branch that reverts its own changes keeps the recorded entry', () => {
    const ctx = ctxOn(UDP);
    recordRoute(ctx, cfg({ appendFromtag: false }), undefined);
    const mark = ctx.msg.changeMark();
    ctx.msg.addHeader('X-Branch: 1');
    ctx.msg.revertTo(mark);
    expect(rrOut(ctx, sock('tcp', '127.0.0.1', 5060))).toHaveLength(2);
  });
});

describe('record_route_preset', () => {
  it('one address: a single entry (with ftag) whatever the outgoing socket', () => {
    const ctx = ctxOn(UDP);
    expect(recordRoutePreset(ctx, cfg(), '192.0.2.1:5080;x=1', undefined)).toBe(1);
    expect(rrOut(ctx, sock('tcp', '127.0.0.1', 5060))).toEqual(['Record-Route: <sip:192.0.2.1:5080;x=1;lr;ftag=a1>']);
  });

  it('two addresses: the first (outbound) topmost, both marked r2 once', () => {
    const ctx = ctxOn(UDP);
    expect(recordRoutePreset(ctx, cfg({ appendFromtag: false }), 'sip:192.0.2.1:5080;transport=tcp', '198.51.100.1;r2=on')).toBe(1);
    expect(rrOut(ctx, UDP)).toEqual([
      'Record-Route: <sip:192.0.2.1:5080;transport=tcp;r2=on;lr>',
      'Record-Route: <sip:198.51.100.1;r2=on;lr>',
    ]);
  });

  it('two addresses with enable_double_rr=0 is refused (-1), nothing added', () => {
    const ctx = ctxOn(UDP);
    expect(recordRoutePreset(ctx, cfg({ doubleRr: 0 }), '192.0.2.1', '198.51.100.1')).toBe(-1);
    expect(rrOut(ctx, UDP)).toEqual([]);
  });
});
