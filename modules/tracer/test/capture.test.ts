import { describe, expect, it } from 'vitest';
import { SipMessage, sipRequest, silentLogger, Stat, type TraceEvent } from '@tsips/core';
import { Capture } from '../src/capture.js';
import { TraceTarget } from '../src/trace-id.js';
import { FakeTracer } from './helpers.js';

function capture(): { cap: Capture; fake: FakeTracer; target: TraceTarget } {
  const fake = new FakeTracer();
  const target = new TraceTarget('tid', 'hep1');
  target.dst = fake.destination('hep1')!;
  const cap = new Capture(true, new Map([['tid', target]]), { requests: new Stat('tracer', 'rq'), replies: new Stat('tracer', 'rp') }, silentLogger());
  cap.tracer = fake;
  return { cap, fake, target };
}

const out = (proto: string, text: string): TraceEvent => ({
  direction: 'out', buf: Buffer.from(text), proto, srcIp: '127.0.0.1', srcPort: 5060, dstIp: '127.0.0.1', dstPort: 5080, conId: 0,
});

describe('Capture', () => {
  it('ignores what non-SIP protos send (msrp, hep_*) while armed', () => {
    const { cap, fake, target } = capture();
    const msg = SipMessage.parse(Buffer.from(sipRequest({ callId: 'c1' })));
    cap.arm(msg, 'c1', null).targets.push(target);
    cap.onTrace(out('msrp', 'MSRP a786hjs2 SEND\r\n'));
    cap.onTrace(out('hep_udp', 'HEP3'));
    cap.onTrace(out('tcp', 'SIP/2.0 200 OK\r\n\r\n'));
    expect(fake.traced.map((x) => `${x.ev.proto} ${x.line} ${x.correlation}`)).toEqual(['tcp SIP/2.0 200 OK c1']);
  });

  it('a received message disarms; the same message goes to a target once', () => {
    const { cap, fake, target } = capture();
    const msg = SipMessage.parse(Buffer.from(sipRequest()));
    const rcv = { proto: 'udp', srcIp: '127.0.0.1', srcPort: 5999, dstIp: '127.0.0.1', dstPort: 5060, conId: 0, listener: null, time: 0 };
    cap.emitIn(target, msg, rcv, 'x');
    cap.emitIn(target, msg, rcv, 'x');
    cap.arm(msg, 'x', null).targets.push(target);
    const ev = out('udp', 'OPTIONS sip:a SIP/2.0\r\n\r\n');
    cap.onTrace(ev);
    cap.emitOut(target, ev, 'x'); // another path (tm callback) sees the same send
    cap.onTrace({ ...ev, direction: 'in' });
    cap.onTrace(out('udp', 'OPTIONS sip:b SIP/2.0\r\n\r\n'));
    expect(fake.traced.map((x) => `${x.ev.direction} ${x.line}`)).toEqual(['in OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'out OPTIONS sip:a SIP/2.0']);
  });
});
