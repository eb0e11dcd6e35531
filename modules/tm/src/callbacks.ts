import type { Destination, Logger, SendResult, SipMessage } from '@tsips/core';
import type { Tx } from './transaction.js';
import type { Tm } from './tm.js';
import { TMCB, type TmCallback } from './types.js';

/**
 * Register a per-transaction callback (OpenSIPS register_tmcb): the transaction keeps the
 * OR of all types in cbMask, so callers test `tx.cbMask & TYPE` before calling runCallbacks.
 */
export function addCallback(tx: Tx, types: number, fn: TmCallback, param: unknown = null): void {
  (tx.cbs ??= []).push({ types, fn, param });
  tx.cbMask |= types;
}

/**
 * Run the callbacks of `tx` registered for any bit of `type` (each sees the bits it asked for);
 * one throwing does not stop the others.
 */
export function runCallbacks(log: Logger, tx: Tx, type: number, reply: SipMessage | null, code: number, branch: number): void {
  const list = tx.cbs;
  if (!list) return;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    const hit = c.types & type;
    if (hit === 0) continue;
    try {
      c.fn({ type: hit, tx, req: tx.req, reply, code, branch, param: c.param });
    } catch (err) {
      // a module's callback failing must not break the transaction machine
      log.error({ err, type, tx: tx.transId }, 'tm callback failed');
    }
  }
}

/**
 * Every message tm sends for a transaction goes out here, so MSG_SENT_OUT callbacks (tracing)
 * see each one once, retransmissions included. `branch` is -1 for the server side.
 */
export function txSend(tm: Tm, tx: Tx, branch: number, dst: Destination, buf: Buffer, onFail?: (error: string) => void): SendResult {
  const r = tm.sip.send(dst, buf, onFail);
  if (r.ok && (tx.cbMask & TMCB.MSG_SENT_OUT) !== 0) {
    for (const c of tx.cbs!) {
      if ((c.types & TMCB.MSG_SENT_OUT) === 0) continue;
      try {
        c.fn({ type: TMCB.MSG_SENT_OUT, tx, req: tx.req, reply: null, code: 0, branch, param: c.param, buf, dst });
      } catch (err) {
        tm.log.error({ err, tx: tx.transId }, 'tm MSG_SENT_OUT callback failed');
      }
    }
  }
  return r;
}
