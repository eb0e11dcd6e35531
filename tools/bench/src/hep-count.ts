/**
 * Counting HEP packets for the `trace` suite's collector (shared/reference/hep.md §1):
 * each datagram is checked as a HEPv3 packet and its chunks walked far enough to tell a
 * SIP payload (protocol type 1 with a payload chunk) from anything else.
 */

export interface HepCounts {
  packets: number;
  bytes: number;
  /** HEPv3 packets carrying a SIP payload */
  sip: number;
  /** of those, SIP requests (the payload does not start with "SIP/2.0 ") */
  requests: number;
  /** valid HEPv3 packets without a SIP payload (logs, events) */
  other: number;
  /** not HEPv3, or chunks that overrun the packet */
  malformed: number;
}

export function emptyCounts(): HepCounts {
  return { packets: 0, bytes: 0, sip: 0, requests: 0, other: 0, malformed: 0 };
}

const PROTO_TYPE = 0x000b;
const PAYLOAD = 0x000f;
const COMPRESSED = 0x0010;
const SIP = 1;
const REPLY = Buffer.from('SIP/2.0 ');

/** What one datagram holds: 'sip-request', 'sip-reply', 'other' or 'malformed'. */
export function classifyHep(p: Buffer): 'sip-request' | 'sip-reply' | 'other' | 'malformed' {
  if (p.length < 6 || p[0] !== 0x48 || p[1] !== 0x45 || p[2] !== 0x50 || (p[3] !== 0x33)) return 'malformed'; // "HEP3"
  const total = p.readUInt16BE(4);
  if (total < 6 || total > p.length) return 'malformed';
  let proto = -1;
  let payloadAt = -1;
  let payloadLen = 0;
  for (let at = 6; at < total; ) {
    if (at + 6 > total) return 'malformed';
    const vendor = p.readUInt16BE(at);
    const type = p.readUInt16BE(at + 2);
    const len = p.readUInt16BE(at + 4);
    if (len < 6 || at + len > total) return 'malformed';
    if (vendor === 0) {
      if (type === PROTO_TYPE && len === 7) proto = p[at + 6]!;
      else if (type === PAYLOAD || type === COMPRESSED) { payloadAt = at + 6; payloadLen = len - 6; }
    }
    at += len;
  }
  if (proto !== SIP || payloadAt < 0) return 'other';
  const isReply = payloadLen >= REPLY.length && p.compare(REPLY, 0, REPLY.length, payloadAt, payloadAt + REPLY.length) === 0;
  return isReply ? 'sip-reply' : 'sip-request';
}

export function countHep(p: Buffer, c: HepCounts): void {
  c.packets++;
  c.bytes += p.length;
  const k = classifyHep(p);
  if (k === 'malformed') c.malformed++;
  else if (k === 'other') c.other++;
  else {
    c.sip++;
    if (k === 'sip-request') c.requests++;
  }
}

/** `after - before`, field by field (the counts of one step). */
export function diffCounts(after: HepCounts, before: HepCounts): HepCounts {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof HepCounts)[]) out[k] = after[k] - before[k];
  return out;
}
