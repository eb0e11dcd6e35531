import { SipMessage } from '../sip/message.js';
import { ScriptContext } from '../script/context.js';
import type { ReceiveInfo } from '../net/types.js';
import type { TcpConnInfo } from '../net/tcp/types.js';

const DUMMY = Buffer.from(
  'OPTIONS sip:tsips@127.0.0.1 SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKdummy\r\n' +
    'From: <sip:tsips@127.0.0.1>;tag=dummy\r\n' +
    'To: <sip:tsips@127.0.0.1>\r\n' +
    'Call-ID: dummy\r\n' +
    'CSeq: 1 OPTIONS\r\n' +
    'Content-Length: 0\r\n\r\n',
);

const LOCAL: ReceiveInfo = Object.freeze({
  proto: 'udp',
  srcIp: '127.0.0.1',
  srcPort: 0,
  dstIp: '127.0.0.1',
  dstPort: 0,
  conId: 0,
  listener: null,
  time: 0,
});

/**
 * A context for routes that run without a SIP message (startup, timer, event routes), on a
 * faked request as OpenSIPS does, so message pseudo-variables read something harmless.
 */
export function dummyContext(routeType: number, rcv: ReceiveInfo = LOCAL): ScriptContext {
  return new ScriptContext(SipMessage.parse(DUMMY), rcv, routeType);
}

/** The receive info of a route run for a connection (events, trace filters): $conid $si $sp $Ri $Rp $proto. */
export function connReceiveInfo(conn: TcpConnInfo): ReceiveInfo {
  return {
    proto: conn.proto,
    srcIp: conn.remoteIp,
    srcPort: conn.remotePort,
    dstIp: conn.localIp,
    dstPort: conn.localPort,
    conId: conn.id,
    listener: conn.listener,
    time: performance.now(),
  };
}
