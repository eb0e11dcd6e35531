import type { Rng } from './rng.js';

/** Where generated requests say they come from and go to. */
export interface SipAddr {
  /** the server: host:port of the R-URI for requests aimed at the proxy itself */
  server: string;
  /** the fuzzer's socket that answers come back to (Via sent-by, Contact) */
  self: string;
  transport: 'UDP' | 'TCP';
}

const SDP = [
  'v=0', 'o=fuzz 2890844526 2890844526 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 49170 RTP/AVP 0 8 97', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:97 iLBC/8000', '',
].join('\r\n');

export const METHODS = ['INVITE', 'REGISTER', 'OPTIONS', 'BYE', 'CANCEL', 'ACK', 'MESSAGE', 'SUBSCRIBE', 'INFO'] as const;

/**
 * A valid request: Via with rport (answers come back to `self`), Max-Forwards, To/From with
 * tags as the method wants, Call-ID, CSeq, Contact, and an SDP body for INVITE / text for
 * MESSAGE. The R-URI is the proxy itself or the fuzzer's own socket: even a config that relays
 * sends nothing off this machine.
 */
export function validRequest(rng: Rng, a: SipAddr, method: string = rng.pick(METHODS)): string {
  const user = rng.pick(['alice', 'bob', '+15551234567', 'fuzz']);
  const ruri = method === 'REGISTER' ? `sip:${a.server}` : rng.chance(0.5) ? `sip:${user}@${a.server}` : `sip:${user}@${a.self}`;
  const inDialog = method === 'BYE' || (method === 'ACK' && rng.chance(0.5));
  const body = method === 'INVITE' ? SDP : method === 'MESSAGE' ? 'hello fuzz \u00e9\u00e8' : '';
  const bodyBytes = Buffer.byteLength(body);
  const lines = [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/${a.transport} ${a.self};rport;branch=z9hG4bK${rng.token(12)}`,
    `Max-Forwards: ${rng.int(1, 70)}`,
    `From: "Fuzz" <sip:fuzz@${a.self}>;tag=${rng.token(8)}`,
    `To: <sip:${user}@${a.server}>${inDialog ? `;tag=${rng.token(8)}` : ''}`,
    `Call-ID: ${rng.token(16)}@fuzz`,
    `CSeq: ${rng.int(1, 99999)} ${method}`,
    `Contact: <sip:fuzz@${a.self};transport=${a.transport.toLowerCase()}>${method === 'REGISTER' ? ';expires=60' : ''}`,
  ];
  if (rng.chance(0.3)) lines.push(`Route: <sip:${a.server};lr>`);
  if (rng.chance(0.3)) lines.push('User-Agent: tsips-fuzz');
  if (method === 'INVITE') lines.push('Content-Type: application/sdp');
  if (method === 'MESSAGE') lines.push('Content-Type: text/plain;charset=utf-8');
  if (method === 'SUBSCRIBE') lines.push('Event: presence', 'Expires: 60');
  lines.push(`Content-Length: ${bodyBytes}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A response whose top Via is the proxy's own (so it reaches reply processing). */
export function validResponse(rng: Rng, a: SipAddr): string {
  const code = rng.pick([100, 180, 183, 200, 202, 302, 404, 486, 487, 500, 503, 603]);
  const method = rng.pick(['INVITE', 'OPTIONS', 'BYE', 'REGISTER']);
  return [
    `SIP/2.0 ${code} Fuzz`,
    `Via: SIP/2.0/${a.transport} ${a.server};branch=z9hG4bK${rng.token(12)}`,
    `Via: SIP/2.0/${a.transport} ${a.self};rport;branch=z9hG4bK${rng.token(12)}`,
    `From: <sip:fuzz@${a.self}>;tag=${rng.token(8)}`,
    `To: <sip:bob@${a.server}>;tag=${rng.token(8)}`,
    `Call-ID: ${rng.token(16)}@fuzz`,
    `CSeq: ${rng.int(1, 999)} ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The liveness probe: an OPTIONS to the proxy itself, which the fuzz config answers 200. */
export function optionsPing(a: SipAddr, id: string): string {
  return [
    `OPTIONS sip:ping@${a.server} SIP/2.0`,
    `Via: SIP/2.0/${a.transport} ${a.self};rport;branch=z9hG4bKping${id}`,
    'Max-Forwards: 70',
    `From: <sip:fuzz@${a.self}>;tag=ping${id}`,
    `To: <sip:ping@${a.server}>`,
    `Call-ID: ping-${id}@fuzz`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * Requests of one INVITE transaction, for tm's matching: the INVITE, maybe its retransmission,
 * then a CANCEL and/or the hop-by-hop ACK (same branch, sent-by and CSeq number), in an order
 * that is sometimes wrong (ACK or CANCEL first).
 */
export function transactionSet(rng: Rng, a: SipAddr): string[] {
  const invite = validRequest(rng, a, 'INVITE');
  const lines = invite.slice(0, invite.indexOf('\r\n\r\n')).split('\r\n');
  const keep = lines.filter((l) => /^(Via|From|To|Call-ID|Max-Forwards|Route):/.test(l));
  const cseq = /^CSeq: (\d+)/m.exec(invite)![1];
  const ruri = lines[0]!.split(' ')[1];
  const derived = (method: string, toTag: boolean): string =>
    [`${method} ${ruri} SIP/2.0`, ...keep.map((l) => (toTag && l.startsWith('To:') ? `${l};tag=${rng.token(6)}` : l)), `CSeq: ${cseq} ${method}`, 'Content-Length: 0', '', ''].join('\r\n');
  const out = [invite];
  if (rng.chance(0.4)) out.push(invite);
  if (rng.chance(0.6)) out.push(derived('CANCEL', false));
  if (rng.chance(0.6)) out.push(derived('ACK', true));
  if (rng.chance(0.2)) out.reverse();
  return out;
}
