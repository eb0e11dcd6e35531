import type { ScriptContext } from '@tsips/core';
import type { TmApi, TmCallbackParams, TmTransaction } from '@tsips/tm';
import type { Capture } from './capture.js';
import type { TraceTarget } from './trace-id.js';

/** The targets one transaction is traced to (the param of its tm callback). */
class TxTrace {
  readonly targets: TraceTarget[] = [];
  constructor(readonly correlation: string) {}
}

/**
 * Scope "t" through tm's per-transaction callbacks: the request in, every reply in
 * (RESPONSE_IN), everything tm sends for it (MSG_SENT_OUT: branches, replies, local CANCEL
 * and ACK, retransmissions). A transaction nobody traces carries no callback of ours.
 */
export class TxTracing {
  /** the reply tm is about to match (hooks.replyIn runs before RESPONSE_IN) */
  private replyCtx: ScriptContext | null = null;
  private readonly sentOut: number;
  private readonly cbTypes: number;

  constructor(
    readonly tm: TmApi,
    private readonly cap: Capture,
  ) {
    this.sentOut = tm.TMCB.MSG_SENT_OUT;
    this.cbTypes = tm.TMCB.RESPONSE_IN | tm.TMCB.MSG_SENT_OUT;
  }

  /** hooks.replyIn tap, staged before tm's: keeps the receive info of the reply. */
  readonly onReplyIn = (ctx: ScriptContext): undefined => {
    this.replyCtx = ctx;
    return undefined;
  };

  /** global TMCB.REQUEST_IN: a request armed with scope "t" got its transaction. */
  readonly onRequestIn = (p: TmCallbackParams): void => {
    const a = this.cap.armed;
    if (a === null || a.msg !== p.req || a.pendingTx.length === 0) return;
    for (const t of a.pendingTx) this.attach(p.tx, t);
    // its callbacks trace these from now on (the automatic 100 Trying is the first)
    a.pendingTx = [];
  };

  transaction(ctx: ScriptContext): TmTransaction | null {
    return this.tm.transaction(ctx);
  }

  /** Trace all of `tx` to `t` from now on; its request (as received) goes first, once. */
  attach(tx: TmTransaction, t: TraceTarget): void {
    const tt = this.traceOf(tx);
    if (tt.targets.includes(t)) return;
    tt.targets.push(t);
    if (tx.rcv) this.cap.emitIn(t, tx.req, tx.rcv, tt.correlation);
  }

  /**
   * The trace record of `tx`, registering our callback on first use. The record is that
   * callback's param: found again by scanning the transaction's few callbacks, which is
   * cheaper than a WeakMap entry per traced transaction (an insert per INVITE and BYE).
   */
  traceOf(tx: TmTransaction): TxTrace {
    const cbs = tx.cbs;
    if (cbs !== null)
      for (let i = 0; i < cbs.length; i++) if (cbs[i]!.fn === this.onTxEvent) return cbs[i]!.param as TxTrace;
    const tt = new TxTrace(tx.callId);
    this.tm.registerCallback(tx, this.cbTypes, this.onTxEvent, tt);
    return tt;
  }

  private readonly onTxEvent = (p: TmCallbackParams): void => {
    const cap = this.cap;
    if (!cap.on) return;
    const tt = p.param as TxTrace;
    if ((p.type & this.sentOut) !== 0) {
      // hooks.trace reported this send just before (with the addresses used); a send over a
      // non-SIP proto is not reported
      const ev = cap.lastOut;
      if (ev === null || ev.buf !== p.buf) return;
      for (let i = 0; i < tt.targets.length; i++) cap.emitOut(tt.targets[i]!, ev, tt.correlation);
      const a = cap.armedTx;
      if (a !== null && a.tx === p.tx) cap.emitArmed(a, ev);
      return;
    }
    const reply = p.reply;
    const c = this.replyCtx;
    if (reply === null || c === null || c.msg !== reply) return;
    for (let i = 0; i < tt.targets.length; i++) cap.emitIn(tt.targets[i]!, reply, c.rcv, tt.correlation);
  };
}
