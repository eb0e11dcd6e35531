import {
  buildReply, createTestServer, defineModule, SipMessage, TRACER,
  type ModuleDefinition, type SentMessage, type TestServer, type TraceDestination, type TraceEvent, type Tracer,
} from '@tsips/core';
import tracerModule from '../src/index.js';

/** What the fake HEP sender got: one entry per tracer.message() call. */
export interface Traced {
  dst: string;
  ev: TraceEvent;
  correlation: string | undefined;
  /** the SIP first line ('INVITE sip:... SIP/2.0', 'SIP/2.0 200 OK') */
  line: string;
}

/** A Tracer recording every message; destinations hep1 and hep2 exist. */
export class FakeTracer implements Tracer {
  readonly traced: Traced[] = [];
  private readonly dests = new Map<string, TraceDestination>(
    ['hep1', 'hep2'].map((name, i) => [name, { name, version: 3, transport: 'udp', host: '127.0.0.1', port: 9060 + i }]),
  );
  destination(name: string): TraceDestination | undefined {
    return this.dests.get(name);
  }
  message(dst: TraceDestination, ev: TraceEvent, correlation?: string): void {
    const text = ev.buf.toString('latin1');
    this.traced.push({ dst: dst.name, ev: { ...ev }, correlation, line: text.slice(0, text.indexOf('\r\n')) });
  }
  connEvent(): void {}
}

/** A stand-in proto_hep that only provides the TRACER service. */
export const fakeHep = (tracer: Tracer): ModuleDefinition =>
  defineModule({
    name: 'proto_hep',
    init(ctx) {
      ctx.provide(TRACER, tracer);
    },
  }) as ModuleDefinition;

export const UAS1 = 5091;
export const UAS2 = 5092;

/**
 * A server with the fake proto_hep, tracer (trace_id "tid" -> hep1, "tid2" -> hep2) and,
 * with `tm`, tm with fast timers (T1 50 ms, T2 200 ms); without it, sl. `head` goes before
 * the routes (extra modparams).
 */
export async function tracerServer(routes: string, o: { tm?: boolean; tcp?: boolean; head?: string; tracer?: FakeTracer } = {}): Promise<{ t: TestServer; fake: FakeTracer }> {
  const fake = o.tracer ?? new FakeTracer();
  const tm = o.tm
    ? 'loadmodule "tm"\nmodparam("tm", "T1_timer", 50)\nmodparam("tm", "T2_timer", 200)\nmodparam("tm", "wt_timer", 1000)\n'
    : 'loadmodule "sl"\n';
  const cfg =
    'socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "proto_hep"\n' +
    (o.tcp ? 'socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\n' : '') +
    tm +
    'loadmodule "sipmsgops"\nloadmodule "tracer"\n' +
    'modparam("tracer", "trace_id", "[tid]uri=hep:hep1")\nmodparam("tracer", "trace_id", "[tid2]hep:hep2")\n' +
    (o.head ?? '') +
    '\n' +
    routes;
  const t = await createTestServer(cfg, { modules: [fakeHep(fake), tracerModule as ModuleDefinition] });
  return { t, fake };
}

let seq = 0;
export const uniqueCallId = (): string => `trace-${++seq}-${Date.now()}@test`;

/** A request from the UAC at 127.0.0.1:5999. */
export function request(o: { method?: string; callId?: string; branch?: string; toTag?: string; cseq?: number; ruri?: string } = {}): string {
  const method = o.method ?? 'INVITE';
  return (
    `${method} ${o.ruri ?? 'sip:bob@127.0.0.1'} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=${o.branch ?? 'z9hG4bKuac1'}\r\n` +
    `From: "Alice" <sip:alice@127.0.0.1>;tag=a1\r\n` +
    `To: <sip:bob@127.0.0.1>${o.toTag ? `;tag=${o.toTag}` : ''}\r\n` +
    `Call-ID: ${o.callId ?? 'call-1@test'}\r\n` +
    `CSeq: ${o.cseq ?? 1} ${method}\r\n` +
    `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

/** A downstream UAS's reply to a request tsips sent. */
export function answer(req: SentMessage, code: number, reason: string, toTag = 'b1'): Buffer {
  return buildReply(SipMessage.parse(req.buf), code, reason, { toTag: code > 100 ? toTag : undefined });
}

export const isRequestTo = (port: number, m: string) => (s: SentMessage) => s.dst.port === port && s.text.startsWith(`${m} `);
export const isReplyTo = (port: number, code: number) => (s: SentMessage) => s.dst.port === port && s.text.startsWith(`SIP/2.0 ${code} `);

/** "in INVITE", "out SIP/2.0 100 Trying" ... of what was traced, in order */
export const summary = (fake: FakeTracer): string[] =>
  fake.traced.map((x) => `${x.ev.direction} ${x.line.startsWith('SIP/2.0 ') ? x.line.slice(8) : x.line.split(' ', 1)[0]}`);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `cond` every 5 ms for up to `ms`; throws when it never holds. */
export async function waitUntil(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(5);
  }
}
