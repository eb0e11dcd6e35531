import type { MsrpMessage, MsrpTransaction } from '@tsips/proto_msrp';
import { matchMyUri } from './requests.js';
import type { RelayState } from './state.js';

export const STATUS_TIMEOUT = '000 408';

/** Failure-Report absent or anything but "no": failures are reported (RFC 4975 §7.1.2). */
const reportsFailures = (fr: string | undefined): boolean => fr === undefined || fr.trim() !== 'no';

/**
 * proto_msrp's onReply for a request we forwarded. A SEND was already answered 200 upstream, so
 * its 200 is absorbed; an AUTH's 200 carries the next relay's Use-Path and goes back. Other
 * responses go back when their To-Path has hops beyond us, else become a REPORT with their code
 * (when Failure-Report allows). A timeout answers 408 for AUTH; for other requests it is
 * reported only when Failure-Report is explicitly "yes" (OpenSIPS behaviour).
 */
export function handleReply(st: RelayState, reply: MsrpMessage | null, tx: MsrpTransaction): void {
  if (reply === null) {
    if (tx.method === 'AUTH') st.api.sendReplyOnTransaction(st.hdl, tx, 408, 'Request Timeout');
    else if (tx.failureReport?.trim() === 'yes') report(st, tx, STATUS_TIMEOUT);
    return;
  }
  // the common case first: a SEND's 200 was answered upstream already; absorbed whatever its To-Path
  if (reply.status === 200 && tx.method !== 'AUTH') return;
  const top = st.uris.get(reply.toPath[0] ?? '');
  if (top === undefined || matchMyUri(st, top) === undefined) {
    st.log.debug({ toPath: reply.toPath[0], tx: tx.id }, 'msrp_relay: reply not addressed to this relay dropped');
    return;
  }
  if (reply.toPath.length > 1) {
    if (!st.api.forwardReply(st.hdl, reply, tx)) st.log.debug({ tx: tx.id }, 'msrp_relay: reply forwarding failed');
    return;
  }
  // nothing to report an AUTH with (no Message-ID): its response had nowhere to go
  if (tx.method !== 'AUTH' && reportsFailures(tx.failureReport)) report(st, tx, `000 ${reply.status}`);
}

function report(st: RelayState, tx: MsrpTransaction, status: string): void {
  if (st.api.sendReport(st.hdl, status, null, tx)) st.stats.reportsSent.inc();
}
