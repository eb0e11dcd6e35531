import { defineModule, FLAGS, SCRIPT, SIP_CORE, TIMERS } from '@tsips/core';
import { TM_PARAMS, resolveConfig } from './params.js';
import { TM_STATS, TmStats } from './stats.js';
import { Tm, TICK_MS } from './tm.js';
import { timerHandlers } from './timers.js';
import { onReplyIn } from './replies.js';
import { absorbAck, isHopByHopAck } from './uas.js';
import { relayCmds } from './cmds-relay.js';
import { transCmds } from './cmds-trans.js';
import { timerCmds } from './cmds-timers.js';
import { tmPvs } from './pvs.js';
import { tmMi } from './mi.js';
import { TM_API, createApi } from './api.js';

export { TM_API, type TmApi, type TmTransaction } from './api.js';
export { TMCB, type TmCallback, type TmCallbackParams } from './types.js';
export type { UacRequest, UacResult } from './uac.js';
export type { ReplyExtras } from './uas.js';

/**
 * tm: transaction-stateful processing (RFC 3261 §17 transactions, §16 stateful proxying with
 * parallel/serial forking), OpenSIPS tm semantics with the Kamailio names beside them.
 * README.md lists every parameter, function, pseudo-variable, statistic and MI command.
 */
/** How long shutdown waits for transactions to get their final reply (the closing stage allows 5 s). */
const DRAIN_MS = 4000;

async function drain(tm: Tm, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (tm.table.unfinished() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const left = tm.table.unfinished();
  if (left > 0) tm.log.warn({ unfinished: left }, 'shutdown: transactions without a final reply after the drain deadline');
}

export default defineModule({
  name: 'tm',
  doc: 'transaction-stateful proxying (RFC 3261 transactions, forking)',
  params: TM_PARAMS,
  stats: TM_STATS,
  cmds: { ...relayCmds, ...transCmds, ...timerCmds },
  pvs: tmPvs,
  mi: tmMi,
  init(ctx): Tm {
    const cfg = resolveConfig(ctx.params);
    let table: { size: number } = { size: 0 };
    const stats = new TmStats(cfg.enableStats ? ctx : null, () => table.size);
    const tm = new Tm(cfg, ctx.resolve(SIP_CORE), ctx.resolve(SCRIPT), ctx.log, stats);
    table = tm.table;
    tm.handlers = timerHandlers;
    // a flag name or number, in the same name table as setbflag()
    if (cfg.minorBranchFlag !== undefined) tm.minorMask = ctx.resolve(FLAGS).mask(cfg.minorBranchFlag);
    ctx.hooks.replyIn.tap('tm', (sctx) => onReplyIn(tm, sctx));
    // the ACK of our negative final stops Timer G even if the script never looks at it
    ctx.hooks.requestIn.tap('tm', (sctx) => {
      if (sctx.msg.method === 'ACK') {
        const inv = tm.table.lookup(sctx.msg, 'INVITE');
        if (inv && isHopByHopAck(inv)) absorbAck(tm, inv);
      }
      return undefined;
    });
    tm.stopTicking = ctx.resolve(TIMERS).every(TICK_MS, () => tm.wheel.advance());
    // lifecycle `closing`: let live transactions finish before the listeners close
    ctx.hooks.closing.tapPromise('tm', () => drain(tm, DRAIN_MS));
    ctx.provide(TM_API, createApi(tm));
    return tm;
  },
  destroy(tm) {
    tm.stopTicking();
  },
});
