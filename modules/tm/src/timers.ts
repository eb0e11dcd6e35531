import { txSend } from './callbacks.js';
import { sendCancel } from './cancel.js';
import { branchFinal } from './replies.js';
import { BF, TF, type Tx, type UacBranch } from './transaction.js';
import type { Tm, TimerHandlers } from './tm.js';
import { TMCB } from './types.js';
import { localTimeout } from './uac.js';
import { WAIT, freeTx, maybeFinish, sendReply, uasRetransmit } from './uas.js';

/** A CANCEL is retransmitted at most this often (about Timer F with the default T1/T2). */
const MAX_CANCEL_RETR = 10;

/**
 * Timer A/E (RFC 3261 17.1.1.2 / 17.1.2.2): resend the branch request over UDP, doubling the
 * interval up to T2; an INVITE stops at its first provisional, a non-INVITE goes on at T2.
 * After a CANCEL was sent the same node retransmits the CANCEL until it is answered.
 */
function branchRetransmit(tm: Tm, b: UacBranch): void {
  const tx = b.tx;
  if ((tx.flags & TF.FREED) !== 0) return;
  if ((b.flags & BF.CANCEL_SENT) !== 0) {
    if ((b.flags & BF.CANCEL_ANSWERED) !== 0 || b.retrCount >= MAX_CANCEL_RETR || !b.dst) return;
    txSend(tm, tx, b.idx, b.dst, b.cancelBuf!);
  } else {
    if (b.finalCode !== 0 || (tx.isInvite && b.status > 0)) return;
    if (b.dst) txSend(tm, tx, b.idx, b.dst, b.req!);
  }
  b.retrCount++;
  tm.stats.requestRetransmitted(b.retrCount);
  b.retrMs = !tx.isInvite && b.status > 0 ? tx.t2 : Math.min(b.retrMs * 2, tx.t2);
  tm.wheel.schedule(b.retrNode, b.retrMs);
}

/**
 * fr_timeout / fr_inv_timeout of a branch (RFC Timers B, F, C): an INVITE branch that got a
 * provisional is CANCELled, and the branch ends with a local 408 (487 when the transaction
 * was cancelled). noisy_ctimer=0 lets a lone silent INVITE branch end without any reply.
 */
export function branchTimeout(tm: Tm, b: UacBranch): void {
  const tx = b.tx;
  if (b.finalCode !== 0 || (tx.flags & TF.FREED) !== 0) return;
  b.flags |= BF.TIMED_OUT;
  if (b.status === 0 || !tx.isInvite) tm.stats.timeoutFinal.inc();
  else tm.stats.timeoutFinalInv.inc();
  if (tx.isInvite && b.status > 0 && (b.flags & BF.CANCEL_SENT) === 0) sendCancel(tm, b);
  if (silentTimeout(tm, tx, b)) {
    b.status = b.finalCode = 408;
    b.flags |= BF.FAKED;
    tm.wheel.cancel(b.retrNode);
    tm.wheel.cancel(b.frNode);
    tx.pending--;
    tx.uasStatus = 408; // nothing goes upstream: the UAC times out by itself
    tx.flags |= TF.ACKED;
    maybeFinish(tm, tx);
    return;
  }
  branchFinal(tm, tx, b, null, tx.isInvite && tx.cancelled ? 487 : 408, true);
}

function silentTimeout(tm: Tm, tx: Tx, b: UacBranch): boolean {
  return (
    !tm.cfg.noisyCtimer &&
    tx.isInvite &&
    tx.branches.length === 1 &&
    b.status === 0 &&
    tx.onFailure === null &&
    (tx.cbMask & TMCB.ON_FAILURE) === 0 &&
    (tx.flags & TF.LOCAL) === 0
  );
}

/**
 * The wait node fired: the end of the wait state, Timer H (no ACK for our negative final:
 * RFC 17.2.1 says the transaction terminates), or the max lifetime (max_inv_lifetime /
 * max_noninv_lifetime): every pending branch times out and the request gets its final.
 */
function uasWaitExpired(tm: Tm, tx: Tx): void {
  if (tx.waitPhase === WAIT.WAIT) return freeTx(tm, tx);
  if (tx.waitPhase === WAIT.H) {
    tm.log.debug({ tx: tx.transId }, 'tm: no ACK for the negative final reply (Timer H)');
    return freeTx(tm, tx);
  }
  const n = tx.branches.length;
  for (let i = 0; i < n; i++) if (tx.branches[i]!.finalCode === 0) branchTimeout(tm, tx.branches[i]!);
  if ((tx.flags & TF.LOCAL) !== 0) localTimeout(tm, tx);
  else if (tx.uasStatus < 200) sendReply(tm, tx, 408, 'Request Timeout');
  maybeFinish(tm, tx);
  // nothing else can end it (e.g. no reply could be sent): free it now
  if ((tx.flags & (TF.WAITING | TF.FREED)) === 0 && tx.waitPhase === WAIT.LIFETIME && tx.pending === 0) freeTx(tm, tx);
}

export const timerHandlers: TimerHandlers = { uasRetransmit, uasWaitExpired, branchRetransmit, branchTimeout };
