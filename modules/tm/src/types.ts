import type { Destination, ScriptEngine, SipMessage } from '@tsips/core';
import type { Tx } from './transaction.js';

/** A compiled script route (what ScriptEngine.failureRoute() & co. return). */
export type CompiledRoute = NonNullable<ReturnType<ScriptEngine['failureRoute']>>;

/**
 * Per-transaction callback types (OpenSIPS TMCB_*), a bitmask: a transaction keeps the OR of
 * what its callbacks asked for, so "nobody asked" costs one AND.
 */
export const TMCB = {
  /** a new server transaction was created (global registration only) */
  REQUEST_IN: 1 << 0,
  /** a reply arrived on one of its branches (before the reply route) */
  RESPONSE_IN: 1 << 1,
  /** an end-to-end ACK (to its 2xx) passed */
  E2EACK_IN: 1 << 2,
  /** a branch request was sent */
  REQUEST_FWDED: 1 << 3,
  /** a reply was relayed upstream */
  RESPONSE_FWDED: 1 << 4,
  /** every branch failed: before failure_route */
  ON_FAILURE: 1 << 5,
  /** a reply was sent upstream (relayed or local) */
  RESPONSE_OUT: 1 << 6,
  /** a local transaction got its final reply */
  LOCAL_COMPLETED: 1 << 7,
  /** the transaction was cancelled */
  TRANS_CANCELLED: 1 << 8,
  /** the transaction is being freed */
  TRANS_DELETED: 1 << 9,
  /** tm sent a message for it: branch request, reply, local CANCEL/ACK, retransmission (`buf`, `dst` set) */
  MSG_SENT_OUT: 1 << 10,
} as const;

/** What a callback receives. `branch` is -1 when not about one branch. */
export interface TmCallbackParams {
  type: number;
  tx: Tx;
  req: SipMessage | null;
  reply: SipMessage | null;
  code: number;
  branch: number;
  param: unknown;
  /** MSG_SENT_OUT only: the bytes handed to the transport and where they went */
  buf?: Buffer;
  dst?: Destination;
}

export type TmCallback = (p: TmCallbackParams) => void;

export interface TmCallbackEntry {
  types: number;
  fn: TmCallback;
  param: unknown;
}
