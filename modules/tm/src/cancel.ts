import type { ScriptContext, SipMessage } from '@tsips/core';
import { buildCancel } from './ack.js';
import { BF, TF, Tx, type UacBranch } from './transaction.js';
import type { Tm } from './tm.js';
import { TMCB } from './types.js';
import { runCallbacks, txSend } from './callbacks.js';
import { createServerTx, retransmitReply, sendReply } from './uas.js';
import { branchFinal } from './replies.js';

/**
 * Cancel one pending INVITE branch. RFC 3261 9.1: a CANCEL may only follow a provisional
 * reply; before one, cancel_b_method decides: 0 end the branch at once with a local 487,
 * 1 send the CANCEL when the first reply arrives, 2 send it right away.
 */
export function cancelBranch(tm: Tm, b: UacBranch): void {
  if (b.finalCode !== 0 || (b.flags & (BF.CANCEL_SENT | BF.CANCEL_PENDING)) !== 0 || !b.tx.isInvite || b.req === null) return;
  if (b.status === 0) {
    const m = tm.cfg.cancelBMethod;
    if (m === 0) return branchFinal(tm, b.tx, b, null, 487, true);
    if (m === 1) {
      b.flags |= BF.CANCEL_PENDING;
      return;
    }
  }
  sendCancel(tm, b);
}

/** Send the CANCEL of branch `b` and retransmit it over UDP (Timer E) until a reply comes. */
export function sendCancel(tm: Tm, b: UacBranch): void {
  const tx = b.tx;
  b.flags = (b.flags | BF.CANCEL_SENT) & ~BF.CANCEL_PENDING;
  b.cancelBuf = buildCancel(b, tx.cancelReason);
  if (b.dst) txSend(tm, tx, b.idx, b.dst, b.cancelBuf);
  if (!b.reliable) {
    b.retrMs = tx.t1;
    b.retrCount = 0;
    tm.wheel.schedule(b.retrNode, tx.t1);
  } else tm.wheel.cancel(b.retrNode);
  // the 487 must come within a non-INVITE timeout now, not fr_inv_timeout
  if (!b.frNode.active || tm.wheel.remainingMs(b.frNode) > tx.frMs) tm.wheel.schedule(b.frNode, tm.clampToLife(tx, tx.frMs));
}

/** Cancel every pending branch except `except` (a 2xx or 6xx won, or the UAC cancelled). */
export function cancelPending(tm: Tm, tx: Tx, except: number): void {
  const bs = tx.branches;
  for (let i = 0; i < bs.length; i++) if (i !== except && bs[i]!.finalCode === 0) cancelBranch(tm, bs[i]!);
}

/** A reply to one of our CANCELs: stop retransmitting it (the INVITE's own reply follows). */
export function cancelReplied(tm: Tm, b: UacBranch): void {
  b.flags |= BF.CANCEL_ANSWERED;
  if ((b.flags & BF.CANCEL_SENT) !== 0) tm.wheel.cancel(b.retrNode);
}

/**
 * Mark an INVITE transaction cancelled and cancel its branches (RFC 3261 16.10). With no
 * branch to cancel and no final reply yet, the INVITE is answered 487 here.
 */
export function cancelTransaction(tm: Tm, inv: Tx, reason: string | null): void {
  if (inv.uasStatus >= 200 && (inv.flags & TF.LOCAL) === 0) return;
  inv.flags |= TF.CANCELED;
  if (reason !== null && inv.cancelReason === null) inv.cancelReason = reason;
  if (inv.cbMask & TMCB.TRANS_CANCELLED) runCallbacks(tm.log, inv, TMCB.TRANS_CANCELLED, null, 0, -1);
  if (inv.pending > 0) cancelPending(tm, inv, -1);
  else if ((inv.flags & TF.LOCAL) === 0) sendReply(tm, inv, 487, 'Request Terminated');
}

/**
 * t_relay() of a CANCEL whose INVITE transaction exists: the CANCEL gets a transaction of
 * its own answered 200 (retransmissions get the 200 again), and the INVITE is cancelled.
 * Returns the script code, or undefined when no INVITE matched (unmatched_cancel applies).
 */
export function relayMatchedCancel(tm: Tm, ctx: ScriptContext, passReason: boolean): number | undefined {
  const msg: SipMessage = ctx.msg;
  const inv = tm.table.lookup(msg, 'INVITE');
  if (!inv || (inv.flags & TF.LOCAL) !== 0) return undefined;
  let own = ctx.tran instanceof Tx ? ctx.tran : null;
  if (own === null) {
    const old = tm.table.lookup(msg, 'CANCEL');
    if (old) {
      retransmitReply(tm, old);
      return 0;
    }
    own = createServerTx(tm, ctx, 0);
  }
  sendReply(tm, own, 200, 'OK');
  const reason = passReason || (inv.flags & TF.PASS_REASON) !== 0 ? (msg.header('reason') ?? null) : null;
  cancelTransaction(tm, inv, reason);
  return 1;
}
