import { SipMessage } from '@tsips/core';
import type { UacBranch } from './transaction.js';

/**
 * Requests tm builds from a branch request as it was sent: the hop-by-hop ACK for a
 * non-2xx final (RFC 3261 17.1.1.3) and the CANCEL (9.1). Both carry the branch's own Via
 * (same branch id), its R-URI, From, Call-ID, CSeq number and Route set.
 */
function base(b: UacBranch, r: SipMessage, method: string, to: string, extra: string): Buffer {
  let text = `${method} ${r.ruri} SIP/2.0\r\nVia: ${b.via}\r\n`;
  for (const route of r.headerAll('route')) text += `Route: ${route}\r\n`;
  text +=
    `From: ${r.header('from') ?? ''}\r\n` +
    `To: ${to}\r\n` +
    `Call-ID: ${r.callId}\r\n` +
    `CSeq: ${r.cseq.num} ${method}\r\n` +
    `Max-Forwards: 70\r\n` +
    extra +
    b.tx.extraHdrs +
    `Content-Length: 0\r\n\r\n`;
  return Buffer.from(text, 'latin1');
}

/** ACK for a non-2xx final reply on branch `b`: To (with its tag) from the reply. */
export function buildAck(b: UacBranch, reply: SipMessage): Buffer {
  return base(b, SipMessage.parse(b.req!), 'ACK', reply.header('to') ?? '', '');
}

/** CANCEL for branch `b` (To without tag, as in the request; optional Reason). */
export function buildCancel(b: UacBranch, reason: string | null): Buffer {
  const r = SipMessage.parse(b.req!);
  return base(b, r, 'CANCEL', r.header('to') ?? '', reason ? `Reason: ${reason}\r\n` : '');
}
