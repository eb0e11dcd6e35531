import { RouteType, toInt, type PvSpec, type ScriptContext, type ScriptValue } from '@tsips/core';
import { TmPending, pendingOf, txOf, type Tm } from './tm.js';

type Pv = PvSpec<Tm>;

/** $T_fr_timeout / $T_fr_inv_timeout: seconds, per transaction; NULL resets to the param. */
function frPv(field: 'frMs' | 'frInvMs'): Pv {
  return {
    get: (ctx, tm) => {
      const tx = txOf(ctx);
      if (tx) return Math.round(tx[field] / 1000);
      const p = ctx.tran instanceof TmPending ? ctx.tran : null;
      const v = p && p[field] > 0 ? p[field] : tm.cfg[field];
      return Math.round(v / 1000);
    },
    set: (ctx, tm, _n, v: ScriptValue) => {
      const ms = v === null ? tm.cfg[field] : toInt(v) * 1000;
      if (ms <= 0) return;
      const tx = txOf(ctx);
      if (tx) tx[field] = ms;
      else pendingOf(ctx)[field] = ms;
    },
  };
}

function replyCode(ctx: ScriptContext): number {
  const tx = txOf(ctx);
  if (ctx.routeType === RouteType.ONREPLY) return ctx.msg.status;
  if (!tx) return 0;
  if (ctx.routeType === RouteType.FAILURE) return tx.branches[tx.picked]?.finalCode ?? 0;
  return tx.uasStatus;
}

/** tm pseudo-variables (tm.md §2). */
export const tmPvs: Record<string, Pv> = {
  T_branch_idx: { get: (ctx) => (ctx.branchIdx >= 0 && txOf(ctx) ? ctx.branchIdx : null) },
  T_reply_code: { get: (ctx) => replyCode(ctx) },
  T_branch_last_reply_code: { get: (ctx) => txOf(ctx)?.branches[ctx.branchIdx]?.status ?? null },
  T_ruri: { get: (ctx) => txOf(ctx)?.ruri ?? null },
  T_id: { get: (ctx) => txOf(ctx)?.transId ?? null },
  T_fr_timeout: frPv('frMs'),
  T_fr_inv_timeout: frPv('frInvMs'),
};
