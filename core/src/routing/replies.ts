import type { SipMessage } from '../sip/message.js';
import type { Destination, ReceiveInfo } from '../net/types.js';
import { DEFAULT_PORTS } from '../config/globals.js';

/**
 * Where a response to `req` goes (RFC 3261 §18.2.2 with RFC 3581 rport): over a stream
 * transport, back on the connection the request came on; over UDP, to the source IP
 * (`received`) and the source port when the client asked for rport, else the Via port.
 */
export function replyDestination(req: SipMessage, rcv: ReceiveInfo): Destination {
  if (rcv.conId !== 0) return { proto: rcv.proto, ip: rcv.srcIp, port: rcv.srcPort, conId: rcv.conId, listener: rcv.listener };
  let port = rcv.srcPort; // an unusable Via (the 400 that says so) goes back to the source
  try {
    const via = req.via1;
    if (via.rport === undefined) port = via.port ?? DEFAULT_PORTS[rcv.proto] ?? 5060;
  } catch {
    // keep the source port
  }
  return { proto: rcv.proto, ip: rcv.srcIp, port, listener: rcv.listener };
}

/**
 * Where a response is relayed to: the Via below ours (RFC 3261 §18.2.2): its `received`
 * address and `rport` port when present, else its sent-by; the transport it names.
 */
export function nextViaDestination(reply: SipMessage): Destination | null {
  const vias = reply.vias();
  const v = vias[1];
  if (!v) return null;
  const proto = v.transport.toLowerCase();
  const host = v.received ?? v.host;
  const ip = host.startsWith('[') ? host.slice(1, -1) : host;
  const port = typeof v.rport === 'number' ? v.rport : (v.port ?? DEFAULT_PORTS[proto] ?? 5060);
  return { proto, ip, port };
}
