import type { Logger, SipMessage } from '@tsips/core';
import type { Tx } from './transaction.js';
import type { TmCallback } from './types.js';

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
