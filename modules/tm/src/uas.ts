import { buildReply, replyDestination, type ScriptContext } from '@tsips/core';
import { serverKey } from './table.js';
import { TF, Tx } from './transaction.js';
import { TmPending, type Tm } from './tm.js';
import { TMCB } from './types.js';
import { runCallbacks, txSend } from './callbacks.js';
import { cancelPending } from './cancel.js';

/** Where the wait node of a server transaction stands (Tx.waitPhase). */
export const WAIT = { LIFETIME: 0, H: 1, WAIT: 2 } as const;

export interface ReplyExtras {
  headers?: string[];
  body?: Buffer | string;
  contentType?: string;
  toTag?: string;
}

/**
 * Create the server transaction of ctx.msg (RFC 3261 17.2) and bind it to the context.
 * Settings armed before (TmPending) move onto it; an INVITE gets its 100 Trying here when
 * auto_100trying is on (17.2.1: the TU may not answer within 200 ms).
 */
export function createServerTx(tm: Tm, ctx: ScriptContext, flags: number): Tx {
  const msg = ctx.msg;
  const cfg = tm.cfg;
  const p = ctx.tran instanceof TmPending ? ctx.tran : null;
  const invite = msg.method === 'INVITE';
  const key = serverKey(msg, msg.method);
  const life = invite ? (p && p.lifeInv > 0 ? p.lifeInv : cfg.maxInvLifetime) : p && p.lifeNonInv > 0 ? p.lifeNonInv : cfg.maxNonInvLifetime;
  const tx = new Tx(tm.table.nextId(), flags | (invite ? TF.INVITE : 0) | (key === null ? TF.LEGACY : 0), msg, ctx.rcv, {
    frMs: p && p.frMs > 0 ? p.frMs : cfg.frMs,
    frInvMs: p && p.frInvMs > 0 ? p.frInvMs : cfg.frInvMs,
    t1: p && p.t1 > 0 ? p.t1 : cfg.t1,
    t2: p && p.t2 > 0 ? p.t2 : cfg.t2,
    lifetime: life,
    now: tm.now(),
  });
  tx.uasDst = replyDestination(msg, ctx.rcv);
  // a stream proto is reliable even without the request's connection (SIP injected from HEP
  // over hep_tcp): RFC 3261 17.2.1 Timer G retransmits over unreliable transports only
  tx.uasReliable = ctx.rcv.conId !== 0 || tm.sip.isStreamProto(tx.uasDst.proto);
  tx.msgFlags = ctx.flags;
  tx.ruri = ctx.ruri();
  if (p) {
    tx.onFailure = p.onFailure;
    tx.onReply = p.onReply;
    tx.onBranch = p.onBranch;
  }
  // the transaction shares the message's AVP list (OpenSIPS moves it onto the transaction);
  // it is only created here when a route may read it later, so plain relaying allocates none
  tx.avps = ctx.avps ?? (p !== null || cfg.onreplyAvpMode === 1 ? ctx.avpStore() : null);
  tm.table.insert(tx, key);
  tm.wheel.schedule(tx.waitNode, life);
  tm.stats.uas.inc();
  ctx.tran = tx;
  const gcbs = tm.requestInCbs;
  for (let i = 0; i < gcbs.length; i++) {
    const c = gcbs[i]!;
    c.fn({ type: TMCB.REQUEST_IN, tx, req: msg, reply: null, code: 0, branch: -1, param: c.param });
  }
  const auto100 = p && p.auto100 >= 0 ? p.auto100 === 1 : cfg.auto100;
  if (invite && auto100 && tx.uasStatus === 0) sendReply(tm, tx, 100, cfg.auto100Reason);
  return tx;
}

/**
 * t_newtran: 1 = transaction created (or already bound), 0 = a retransmission (the last
 * reply was resent, or a hop-by-hop ACK absorbed: the script should stop), -1 = error.
 * An ACK never creates a transaction: an e2e ACK returns 1 with none.
 */
export function newTran(tm: Tm, ctx: ScriptContext, flags: number = TF.NEWTRAN): number {
  if (ctx.tran instanceof Tx) return 1;
  const msg = ctx.msg;
  if (!msg.isRequest) return -1;
  const method = msg.method;
  if (method === 'ACK') {
    const inv = tm.table.lookup(msg, 'INVITE');
    if (inv && isHopByHopAck(inv)) {
      absorbAck(tm, inv);
      return 0;
    }
    return 1;
  }
  const old = tm.table.lookup(msg, method);
  if (old) {
    retransmitReply(tm, old);
    return 0;
  }
  createServerTx(tm, ctx, flags);
  return 1;
}

/** An ACK that matched an INVITE transaction acknowledges our (negative) final. */
export function isHopByHopAck(inv: Tx): boolean {
  return inv.uasStatus < 200 || inv.uasStatus >= 300;
}

/** A request retransmission: resend the last reply (RFC 3261 17.2.1 / 17.2.2). */
export function retransmitReply(tm: Tm, tx: Tx): void {
  if (tx.uasReply && tx.uasDst) txSend(tm, tx, -1, tx.uasDst, tx.uasReply);
}

/** ACK for our negative final reply: Confirmed (17.2.1): stop Timer G, go to the wait state. */
export function absorbAck(tm: Tm, tx: Tx): void {
  if ((tx.flags & TF.ACKED) !== 0 || tx.uasStatus < 300) return;
  tx.flags |= TF.ACKED;
  tm.wheel.cancel(tx.retrNode);
  if (tx.waitPhase === WAIT.H) tx.waitPhase = WAIT.LIFETIME;
  maybeFinish(tm, tx);
}

/**
 * Send a locally generated reply statefully (t_reply, 100 Trying, 408 on timeout ...).
 * Returns 1, or -1 when the transaction already has a final reply or cannot reply.
 */
export function sendReply(tm: Tm, tx: Tx, code: number, reason: string, extras?: ReplyExtras): number {
  if (tx.uasDst === null || tx.uasStatus >= 200 || (tx.flags & TF.NO_RELAY) !== 0) return -1;
  if (code < 100 || code > 699) return -1;
  let toTag = extras?.toTag;
  if (toTag === undefined && code > 100) toTag = tx.uasToTag ??= tm.toTagFor(tx.req);
  else if (toTag !== undefined) tx.uasToTag = toTag;
  const buf = buildReply(tx.req, code, reason, { toTag, headers: extras?.headers, body: extras?.body, contentType: extras?.contentType });
  txSend(tm, tx, -1, tx.uasDst, buf);
  tx.uasReply = buf;
  tx.uasStatus = code;
  if (tx.cbMask & TMCB.RESPONSE_OUT) runCallbacks(tm.log, tx, TMCB.RESPONSE_OUT, null, code, -1);
  if (code >= 200) {
    tx.relayedBranch = -2;
    if (tx.pending > 0) cancelPending(tm, tx, -1);
    finalSent(tm, tx, code, true);
  }
  return 1;
}

/**
 * Bookkeeping once a final reply went upstream: statistics, Timer G for a negative INVITE
 * reply over UDP (not for 401/407, RFC 3261 26.3.2.4: the transaction goes straight to the
 * wait state), then the wait state when no branch is pending.
 */
export function finalSent(tm: Tm, tx: Tx, code: number, local: boolean): void {
  tm.stats.finalSent(code, local);
  if (tx.isInvite && code >= 300) {
    if (code === 401 || code === 407) tx.flags |= TF.ACKED;
    else if (!tx.uasReliable) {
      tx.uasRetrMs = tx.t1;
      tm.wheel.schedule(tx.retrNode, tx.t1);
    }
  }
  maybeFinish(tm, tx);
}

/** Timer G fired: resend the final, double the interval up to T2. */
export function uasRetransmit(tm: Tm, tx: Tx): void {
  if ((tx.flags & (TF.ACKED | TF.FREED)) !== 0 || !tx.uasReply || !tx.uasDst) return;
  txSend(tm, tx, -1, tx.uasDst, tx.uasReply);
  tm.stats.rplRetr.inc();
  tx.uasRetrMs = Math.min(tx.uasRetrMs * 2, tx.t2);
  tm.wheel.schedule(tx.retrNode, tx.uasRetrMs);
}

/**
 * Move to the wait state once the transaction is complete: a final reply sent (or, for a
 * local transaction, received) and no branch pending. A negative INVITE final first waits
 * for its ACK (Timer H = 64*T1). The wait (RFC Timers D/I/J/K, RFC 6026 L) follows waitDelay.
 */
export function maybeFinish(tm: Tm, tx: Tx): void {
  if ((tx.flags & (TF.WAITING | TF.FREED)) !== 0 || tx.pending > 0) return;
  const local = (tx.flags & TF.LOCAL) !== 0;
  if (!local && tx.uasStatus < 200) return;
  if (!local && tx.isInvite && tx.uasStatus >= 300 && (tx.flags & TF.ACKED) === 0) {
    if (tx.waitPhase !== WAIT.H) {
      tx.waitPhase = WAIT.H;
      tm.wheel.schedule(tx.waitNode, 64 * tx.t1);
    }
    return;
  }
  tx.flags |= TF.WAITING;
  tx.waitPhase = WAIT.WAIT;
  tm.wheel.schedule(tx.waitNode, waitDelay(tm, tx));
}

/**
 * Server side over UDP: Timer I (T4) after the ACK of a negative INVITE final, else J/L
 * (wt_timer). UDP branches keep it at least wt_timer (Timers D/K: re-ACK or absorb their
 * retransmitted finals). Reliable everywhere: 0.
 */
function waitDelay(tm: Tm, tx: Tx): number {
  let d = 0;
  if (!tx.uasReliable && (tx.flags & TF.LOCAL) === 0)
    d = tx.isInvite && tx.uasStatus >= 300 && tx.uasStatus !== 401 && tx.uasStatus !== 407 ? tm.cfg.t4 : tm.cfg.waitMs;
  for (const b of tx.branches) if (b.dst !== null && !b.reliable) return Math.max(d, tm.cfg.waitMs);
  return d;
}

/** Remove the transaction: timers, table entries, TMCB_TRANS_DELETED. */
export function freeTx(tm: Tm, tx: Tx): void {
  if ((tx.flags & TF.FREED) !== 0) return;
  tx.flags |= TF.FREED;
  const w = tm.wheel;
  w.cancel(tx.retrNode);
  w.cancel(tx.waitNode);
  for (const b of tx.branches) {
    w.cancel(b.retrNode);
    w.cancel(b.frNode);
  }
  tm.table.remove(tx);
  tm.stats.freed++;
  if (tx.cbMask & TMCB.TRANS_DELETED) runCallbacks(tm.log, tx, TMCB.TRANS_DELETED, null, tx.uasStatus, -1);
}
