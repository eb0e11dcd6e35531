import { buildReply, createLogger, createTestServer, SipMessage, type SentMessage, type TestServer } from '@tsips/core';

/** The UAC and UAS addresses the tests pretend to be (nothing listens there). */
export const UAC = { srcIp: '127.0.0.1', srcPort: 5999 };
export const UAS1 = 5091;
export const UAS2 = 5092;

/**
 * A tm test server on an OS-assigned UDP port with fast timers (T1 50 ms, T2 200 ms) and the
 * given routes. `params` are extra modparams for tm.
 */
export function tmServer(routes: string, params: Record<string, string | number> = {}, head = ''): Promise<TestServer> {
  const mp = Object.entries({ T1_timer: 50, T2_timer: 200, T4_timer: 100, wt_timer: 1000, ...params })
    .map(([k, v]) => `modparam("tm", "${k}", ${typeof v === 'number' ? v : `"${v}"`})`)
    .join('\n');
  const logger = process.env.TM_DEBUG ? (createLogger({ level: 'debug', toStderr: true }) as never) : undefined;
  return createTestServer(`socket=udp:127.0.0.1:0\n${head}\nloadmodule "proto_udp"\nloadmodule "tm"\nloadmodule "sipmsgops"\n${mp}\n${routes}`, { logger });
}

let seq = 0;

/** A request as a UAC would send it. */
export function request(o: { method?: string; ruri?: string; branch?: string; callId?: string; cseq?: number; toTag?: string; extra?: string; via?: string; body?: string } = {}): string {
  const method = o.method ?? 'INVITE';
  const body = o.body ?? '';
  return (
    `${method} ${o.ruri ?? 'sip:bob@127.0.0.1'} SIP/2.0\r\n` +
    `Via: ${o.via ?? `SIP/2.0/UDP 127.0.0.1:5999;branch=${o.branch ?? 'z9hG4bKuac1'}`}\r\n` +
    `From: "Alice" <sip:alice@127.0.0.1>;tag=a1\r\n` +
    `To: <sip:bob@127.0.0.1>${o.toTag ? `;tag=${o.toTag}` : ''}\r\n` +
    `Call-ID: ${o.callId ?? 'call-1@test'}\r\n` +
    `CSeq: ${o.cseq ?? 1} ${method === 'ACK' || method === 'CANCEL' ? method : method}\r\n` +
    `Max-Forwards: 70\r\n` +
    (o.extra ?? '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export function uniqueCallId(): string {
  return `call-${++seq}-${Date.now()}@test`;
}

/** A downstream UAS's reply to a request tsips sent (its Via lines copied). */
export function answer(req: SentMessage, code: number, reason: string, opts: { toTag?: string; headers?: string[] } = {}): Buffer {
  return buildReply(SipMessage.parse(req.buf), code, reason, { toTag: code > 100 ? (opts.toTag ?? 'b1') : undefined, headers: opts.headers });
}

export const status = (m: SentMessage): string => m.text.split('\r\n', 1)[0]!;
export const method = (m: SentMessage): string => m.text.split(' ', 1)[0]!;
export const isRequestTo = (port: number, m: string) => (s: SentMessage) => s.dst.port === port && s.text.startsWith(`${m} `);
export const isReplyTo = (port: number, code: number) => (s: SentMessage) => s.dst.port === port && s.text.startsWith(`SIP/2.0 ${code} `);
export const header = (m: SentMessage, name: string): string | undefined => SipMessage.parse(m.buf).header(name);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stats(t: TestServer): Promise<Record<string, number>> {
  return (await t.mi('get_statistics', [['tm:']])) as Record<string, number>;
}
