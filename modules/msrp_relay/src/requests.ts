import type { MsrpMessage } from '@tsips/proto_msrp';
import { handleAuth } from './auth.js';
import type { RelaySession } from './sessions.js';
import type { RelayState } from './state.js';
import { sameRelayUri, type MsrpUri } from './uri.js';

export const STATUS_FORBIDDEN = '000 403';
export const STATUS_NO_SESSION = '000 481';

/** The my_uri entry the top To-Path URI names, if any. */
export function matchMyUri(st: RelayState, top: MsrpUri): MsrpUri | undefined {
  for (const my of st.cfg.myUris) if (sameRelayUri(top, my)) return my;
  return undefined;
}

/**
 * proto_msrp's onRequest: a request whose top To-Path URI passed the handler filter. Requests
 * not addressed to one of our URIs are dropped (logged at debug); AUTH is answered or
 * forwarded, SEND and REPORT relayed within their session, anything else gets 501.
 */
export function handleRequest(st: RelayState, req: MsrpMessage): void {
  const parsed = st.uris.get(req.toPath[0] ?? '');
  if (parsed === undefined) return drop(st, req, 'bad To-Path URI');
  let top = parsed;
  if (top.port === 0) {
    // a client may AUTH to the relay's host without a port: take the port it reached us on
    if (req.method !== 'AUTH') return drop(st, req, 'no port in the To-Path URI');
    top = { ...top, port: req.rcv.dstPort };
  }
  const my = matchMyUri(st, top);
  if (my === undefined) return drop(st, req, 'not addressed to this relay');

  switch (req.method) {
    case 'AUTH':
      if (req.toPath.length > 1) {
        if (forward(st, req, 0) !== 0) st.api.sendReply(st.hdl, req, 403, 'Forbidden');
      } else handleAuth(st, req, top, my);
      return;
    case 'SEND':
    case 'REPORT':
      relayInSession(st, req, top);
      return;
    default:
      st.api.sendReply(st.hdl, req, 501, 'Unknown method');
  }
}

/**
 * SEND/REPORT through a session (OpenSIPS order): a SEND that wants reports gets its 200 at
 * once, then the session is looked up (481 REPORT when it is gone), then the request goes on.
 */
function relayInSession(st: RelayState, req: MsrpMessage, top: MsrpUri): void {
  const fr = req.header('failure-report');
  const report = req.method === 'SEND' && (fr === undefined || fr.trim() !== 'no');
  if (report) st.api.sendReply(st.hdl, req, 200, 'OK');

  const session = top.session === '' ? undefined : st.sessions.get(top.session);
  if (session === undefined) {
    st.log.debug({ session: top.session, conId: req.rcv.conId }, 'msrp_relay: no such session');
    if (report) sendReport(st, req, STATUS_NO_SESSION);
    return;
  }

  const conId = nextHopConnection(session, req);
  const firstSend = req.method === 'SEND' && !session.havePeerConn;
  const rc = forward(st, req, conId);
  if (rc === 0) {
    if (firstSend) session.havePeerConn = true;
    return;
  }
  st.log.debug({ session: session.id, rc }, 'msrp_relay: forwarding failed');
  if (report) sendReport(st, req, STATUS_FORBIDDEN);
}

/**
 * Which connection the request goes out on (0 = connect to the next To-Path URI). Towards the
 * client: the connection it authenticated (or last sent) on, since a client behind a NAT cannot
 * be reached any other way. Towards the peer: the connection the peer opened to us when its
 * SEND came first, else a connection to the peer's URI.
 */
function nextHopConnection(session: RelaySession, req: MsrpMessage): number {
  if (req.fromPath[0] === session.clientUri) {
    // the client may have reconnected since its AUTH: follow it
    if (req.rcv.conId !== 0) session.clientConId = req.rcv.conId;
    return session.peerConId;
  }
  if (req.method === 'SEND' && !session.havePeerConn) session.peerConId = req.rcv.conId;
  return req.toPath[1] === session.clientUri ? session.clientConId : 0;
}

/** forwardRequest; a request bound to a connection that is gone is retried the usual way. */
function forward(st: RelayState, req: MsrpMessage, conId: number): number {
  let rc = st.api.forwardRequest(st.hdl, req, conId !== 0 ? { conId } : undefined);
  if (rc !== 0 && rc !== -1 && conId !== 0) rc = st.api.forwardRequest(st.hdl, req);
  if (rc === 0) st.stats.forwarded.inc();
  return rc;
}

export function sendReport(st: RelayState, req: MsrpMessage, status: string): void {
  if (st.api.sendReport(st.hdl, status, req, null)) st.stats.reportsSent.inc();
}

function drop(st: RelayState, req: MsrpMessage, why: string): void {
  st.log.debug({ toPath: req.toPath[0], method: req.method, conId: req.rcv.conId }, `msrp_relay: request dropped: ${why}`);
}
