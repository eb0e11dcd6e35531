import { apiToken, type ScriptContext } from '@tsips/core';
import { addCallback } from './callbacks.js';
import { cancelTransaction } from './cancel.js';
import { proxyUri, relayArg } from './cmds-relay.js';
import { tRelay } from './relay.js';
import type { Tx } from './transaction.js';
import { txOf, type Tm } from './tm.js';
import { TMCB, type TmCallback } from './types.js';
import { uacRequest, type UacRequest, type UacResult } from './uac.js';
import { newTran, sendReply, type ReplyExtras } from './uas.js';

/** A transaction as other modules see it (read the fields, do not write them). */
export type TmTransaction = Tx;

/**
 * What tm offers other modules (OpenSIPS load_tm_api): resolve `TM_API` once in init.
 * Script-facing functions take the message context; return codes are the script's.
 */
export interface TmApi {
  readonly TMCB: typeof TMCB;
  /** t_relay: `proxy` "proto:host:port" or a URI; `flags` CSV names or a number */
  relay(ctx: ScriptContext, opts?: { proxy?: string; flags?: string | number }): number;
  /** t_reply on the message's transaction (created in a request route when missing) */
  reply(ctx: ScriptContext, code: number, reason: string, extras?: ReplyExtras): number;
  /** t_newtran */
  newTran(ctx: ScriptContext): number;
  /** the transaction bound to the message, if any */
  transaction(ctx: ScriptContext): TmTransaction | null;
  /** an INVITE transaction by Call-ID and CSeq number */
  lookupInvite(callId: string, cseq: number): TmTransaction | null;
  /** reply to a transaction found earlier (async answers) */
  replyTo(tx: TmTransaction, code: number, reason: string, extras?: ReplyExtras): number;
  /** cancel an INVITE transaction's pending branches (and answer it 487 if none) */
  cancel(tx: TmTransaction): void;
  /**
   * Per-transaction callbacks (TMCB bitmask). TMCB.REQUEST_IN is global: register it with
   * `tx` = null and it runs for every new server transaction.
   */
  registerCallback(tx: TmTransaction | null, types: number, fn: TmCallback, param?: unknown): void;
  /** a request originated here (t_uac) */
  uac(req: UacRequest): UacResult;
}

export const TM_API = apiToken<TmApi>('tm');

export function createApi(tm: Tm): TmApi {
  return {
    TMCB,
    relay(ctx, opts = {}) {
      let flags = 0;
      if (opts.flags !== undefined) {
        const a = relayArg(opts.flags);
        if ('flags' in a) flags = a.flags;
      }
      return tRelay(tm, ctx, { proxy: opts.proxy ? proxyUri(opts.proxy) : null, flags });
    },
    reply(ctx, code, reason, extras) {
      let tx = txOf(ctx);
      if (!tx) {
        const r = newTran(tm, ctx);
        if (r <= 0) return r;
        tx = txOf(ctx)!;
      }
      return sendReply(tm, tx, code, reason, extras);
    },
    newTran: (ctx) => newTran(tm, ctx),
    transaction: (ctx) => txOf(ctx),
    lookupInvite: (callId, cseq) => tm.table.inviteByCallId(callId, cseq) ?? null,
    replyTo: (tx, code, reason, extras) => sendReply(tm, tx, code, reason, extras),
    cancel: (tx) => cancelTransaction(tm, tx, null),
    registerCallback(tx, types, fn, param = null) {
      if (tx === null) {
        if (types !== TMCB.REQUEST_IN) throw new Error('only TMCB.REQUEST_IN can be registered without a transaction');
        tm.requestInCbs.push({ types, fn, param });
        return;
      }
      addCallback(tx, types, fn, param);
    },
    uac: (req) => uacRequest(tm, req),
  };
}
