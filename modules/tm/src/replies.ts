import type { ScriptContext, SipMessage } from '@tsips/core';
import { buildAck } from './ack.js';
import { runCallbacks, txSend } from './callbacks.js';
import { cancelPending, cancelReplied, sendCancel } from './cancel.js';
import { Decide, PICK_NONE, decide, pickBranch } from './reply-select.js';
import { runFailureRoute, runReplyRoute } from './routes.js';
import { BF, TF, type Tx, type UacBranch } from './transaction.js';
import type { Tm } from './tm.js';
import { TMCB } from './types.js';
import { finalSent, maybeFinish, sendReply } from './uas.js';
import { localFinal, localReply } from './uac.js';

/**
 * hooks.replyIn tap: a reply whose top Via branch is one of our client transactions is
 * consumed here (true); anything else is left to the core's stateless relay.
 */
export function onReplyIn(tm: Tm, ctx: ScriptContext): boolean | undefined {
  const reply = ctx.msg;
  const id = reply.via1.branch;
  if (id === undefined) return undefined;
  const b = tm.table.branchOf(id);
  if (b === undefined) return undefined;
  const tx = b.tx;
  tm.stats.receivedReplies.inc();
  const method = reply.cseq.method;
  if (method === 'CANCEL') {
    cancelReplied(tm, b);
    return true;
  }
  if (method !== tx.method) return true; // same branch, other method: not ours to relay
  const code = reply.status;
  b.flags |= BF.REPLIED;
  if (b.finalCode !== 0) {
    lateReply(tm, tx, b, reply, code);
    return true;
  }
  const first = b.status === 0;
  // the branch has a reply from now on (t_cancel_branch in the reply route may CANCEL it)
  if (code < 200) b.status = code;
  if (tx.cbMask & TMCB.RESPONSE_IN) runCallbacks(tm.log, tx, TMCB.RESPONSE_IN, reply, code, b.idx);
  const route = b.onReply ?? tx.onReply;
  if (route !== null) {
    runReplyRoute(tm, tx, b, ctx, route);
    if (b.finalCode !== 0) return true; // the route ended the branch (t_cancel_branch, cancel_b_method 0)
    if (ctx.dropped && code < 200) {
      provisional(tm, tx, b, reply, code, first, false);
      return true;
    }
  }
  if (code < 200) provisional(tm, tx, b, reply, code, first, true);
  else branchFinal(tm, tx, b, reply, code, false);
  return true;
}

/**
 * A 1xx on a pending branch: the INVITE stops retransmitting (17.1.1.2), a non-INVITE
 * retransmits at T2 from now on (17.1.2.2); INVITE branches switch to fr_inv_timeout
 * (re-armed on every 1xx when restart_fr_on_each_reply). 101-199 go upstream.
 */
function provisional(tm: Tm, tx: Tx, b: UacBranch, reply: SipMessage, code: number, first: boolean, relay: boolean): void {
  const w = tm.wheel;
  if (first && (b.flags & BF.CANCEL_SENT) === 0) {
    if (tx.isInvite) w.cancel(b.retrNode);
    else b.retrMs = tx.t2;
  }
  if (tx.isInvite && (first || (code > 100 && tm.cfg.restartFrOnEachReply)) && (b.flags & BF.CANCEL_SENT) === 0)
    w.schedule(b.frNode, tm.clampToLife(tx, tx.frInvMs));
  if ((b.flags & BF.CANCEL_PENDING) !== 0) sendCancel(tm, b);
  if (!relay || code === 100) return;
  if ((tx.flags & TF.LOCAL) !== 0) return localReply(tm, tx, code, reply);
  if (decide(code, tx.uasStatus, tx.isInvite, tx.branches, tx.cancelled, tm.cfg.disable6xxBlock) === Decide.RELAY) relayReply(tm, tx, b, reply, code, '');
}

/**
 * A final reply (received, or faked: 408 timeout, 487, 477) ends branch `b`. 2xx go
 * upstream at once and cancel the other branches; a 6xx ends the race (unless
 * disable_6xx_block); other negatives wait for every branch, then the best one wins
 * (failure_route first).
 */
export function branchFinal(tm: Tm, tx: Tx, b: UacBranch, reply: SipMessage | null, code: number, faked: boolean): void {
  b.status = code;
  b.finalCode = code;
  b.reply = reply;
  if (faked) b.flags |= BF.FAKED;
  tm.wheel.cancel(b.frNode);
  // a CANCEL not answered yet keeps retransmitting: it is a transaction of its own
  if ((b.flags & (BF.CANCEL_SENT | BF.CANCEL_ANSWERED)) !== BF.CANCEL_SENT) tm.wheel.cancel(b.retrNode);
  tx.pending--;
  if (reply !== null && tx.isInvite && code >= 300 && b.dst) txSend(tm, tx, b.idx, b.dst, buildAck(b, reply));
  const six = code >= 600 && !tm.cfg.disable6xxBlock;
  const local = (tx.flags & TF.LOCAL) !== 0;
  const d = local && code < 300 ? Decide.RELAY : decide(code, tx.uasStatus, tx.isInvite, tx.branches, tx.cancelled, tm.cfg.disable6xxBlock);
  if (d === Decide.RELAY) {
    const firstFinal = local ? tx.relayedBranch < 0 : tx.uasStatus < 200;
    if (local) localFinal(tm, tx, b, code, reply);
    else relayReply(tm, tx, b, reply!, code, '');
    if (firstFinal && (tx.flags & TF.MULTI_200) === 0) cancelPending(tm, tx, b.idx);
  } else if (d === Decide.COMPLETE) {
    if (six) {
      tx.flags |= TF.NO_NEW_BRANCHES;
      cancelPending(tm, tx, b.idx);
    }
    complete(tm, tx, six ? b.idx : pickBranch(tx.branches, tx.cancelled));
  }
  maybeFinish(tm, tx);
}

/**
 * Every branch is done (or a 6xx won): minor branches still running are cancelled,
 * failure_route runs once (it may add a new branch set or reply itself), else the best
 * reply goes upstream.
 */
function complete(tm: Tm, tx: Tx, picked: number): void {
  if (tx.pending > 0 && (tx.flags & TF.NO_NEW_BRANCHES) === 0) cancelPending(tm, tx, -1); // minor branches
  tx.picked = picked;
  const pb = tx.branches[picked];
  if (tx.cbMask & TMCB.ON_FAILURE) runCallbacks(tm.log, tx, TMCB.ON_FAILURE, pb?.reply ?? null, pb?.finalCode ?? 0, picked);
  const route = tx.onFailure;
  if (route !== null) {
    tx.onFailure = null; // one shot: the failure route re-arms it for the next round
    const before = tx.branches.length;
    runFailureRoute(tm, tx, picked, route);
    if (tx.uasStatus >= 200 || ((tx.flags & TF.LOCAL) !== 0 && tx.relayedBranch >= 0)) return;
    for (let i = before; i < tx.branches.length; i++) if (tx.branches[i]!.finalCode === 0) return; // a new branch set runs
    if ((tx.flags & TF.NO_NEW_BRANCHES) === 0) picked = pickBranch(tx.branches, tx.cancelled);
  }
  sendPicked(tm, tx, picked);
}

/** Send the winning reply: relayed, or generated here when it was faked (408, 487, 477). */
function sendPicked(tm: Tm, tx: Tx, picked: number): void {
  const b = picked === PICK_NONE || picked < 0 ? undefined : tx.branches[picked];
  if ((tx.flags & TF.LOCAL) !== 0) {
    if (b) localFinal(tm, tx, b, b.finalCode, b.reply);
    return;
  }
  if (!b) {
    sendReply(tm, tx, 408, 'Request Timeout');
    return;
  }
  tx.picked = b.idx;
  if (b.reply === null) {
    sendReply(tm, tx, b.finalCode, reasonOf(b.finalCode));
    return;
  }
  let extra = '';
  if ((b.finalCode === 401 || b.finalCode === 407) && tm.cfg.aggregateChallenges) extra = otherChallenges(tx, b);
  relayReply(tm, tx, b, b.reply, b.finalCode, extra);
}

/**
 * Relay a reply upstream (RFC 3261 16.7 step 9): our Via removed, bytes copied. A chosen
 * 503 goes up as 500 (16.7 step 6). Keeps the bytes for request retransmissions.
 */
export function relayReply(tm: Tm, tx: Tx, b: UacBranch, reply: SipMessage, code: number, extraHeaders: string): void {
  if ((tx.flags & TF.NO_RELAY) !== 0 || tx.uasDst === null) return;
  reply.removeFirstValue('via');
  let buf = reply.build(extraHeaders ? { extraHeaders } : undefined);
  if (code === 503) buf = withStatus(buf, '500 Server Internal Error');
  txSend(tm, tx, -1, tx.uasDst, buf);
  if (tx.uasStatus < 200) tx.uasReply = buf; // what request retransmissions get (later 2xx do not replace the final)
  if (tx.cbMask & (TMCB.RESPONSE_FWDED | TMCB.RESPONSE_OUT)) runCallbacks(tm.log, tx, TMCB.RESPONSE_FWDED | TMCB.RESPONSE_OUT, reply, code, b.idx);
  if (code < 200 || tx.uasStatus >= 200) {
    if (tx.uasStatus < 200) tx.uasStatus = code;
    return;
  }
  tx.uasStatus = code === 503 ? 500 : code;
  tx.relayedBranch = b.idx;
  if ((tx.flags & TF.LEGACY) !== 0) tx.uasToTag = reply.toTag ?? null;
  finalSent(tm, tx, tx.uasStatus, false);
}

/**
 * A reply on a branch that already has its final: a retransmitted (or late, after a
 * timeout) negative INVITE final is ACKed again; a 2xx to an INVITE always goes upstream
 * (retransmissions of 2xx are end-to-end, 13.3.1.4).
 */
function lateReply(tm: Tm, tx: Tx, b: UacBranch, reply: SipMessage, code: number): void {
  if (!tx.isInvite || code < 200) return;
  if (code >= 300) {
    if (b.dst) txSend(tm, tx, b.idx, b.dst, buildAck(b, reply));
    return;
  }
  if ((tx.flags & TF.LOCAL) !== 0) localFinal(tm, tx, b, code, reply);
  else relayReply(tm, tx, b, reply, code, '');
}

/** WWW-/Proxy-Authenticate values of the other 401/407 branches (16.7 step 7). */
function otherChallenges(tx: Tx, winner: UacBranch): string {
  let out = '';
  for (const o of tx.branches) {
    if (o === winner || o.reply === null || (o.finalCode !== 401 && o.finalCode !== 407) || o.dropped) continue;
    for (const name of ['WWW-Authenticate', 'Proxy-Authenticate'])
      for (const v of o.reply.headerAll(name)) out += `${name}: ${v}\r\n`;
  }
  return out;
}

/** Replace the status of a built reply's first line. */
function withStatus(buf: Buffer, status: string): Buffer {
  const eol = buf.indexOf('\r\n');
  return Buffer.concat([Buffer.from(`SIP/2.0 ${status}`, 'latin1'), buf.subarray(eol)]);
}

const REASONS: Record<number, string> = {
  408: 'Request Timeout',
  477: 'Send failed',
  478: 'Unresolvable destination',
  487: 'Request Terminated',
  500: 'Server Internal Error',
};

export function reasonOf(code: number): string {
  return REASONS[code] ?? 'Failure';
}
