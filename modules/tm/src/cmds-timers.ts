import { ALL_ROUTES, type CmdSpec, type ScriptContext } from '@tsips/core';
import { pendingOf, txOf, type Tm } from './tm.js';
import { TF } from './transaction.js';
import { WAIT } from './uas.js';

type Cmd = CmdSpec<Tm>;

/**
 * Apply timer values (ms, 0 or less = the module default) to the bound transaction, or keep
 * them for the transaction the message will create. Timers already running keep their
 * deadline; new branches and new phases use the new values.
 */
function setTimers(tm: Tm, ctx: ScriptContext, v: { frInv?: number; fr?: number; t1?: number; t2?: number; lifeInv?: number; lifeNonInv?: number }): number {
  const cfg = tm.cfg;
  const tx = txOf(ctx);
  const pick = (x: number | undefined, def: number) => (x === undefined ? undefined : x > 0 ? x : def);
  const frInv = pick(v.frInv, cfg.frInvMs);
  const fr = pick(v.fr, cfg.frMs);
  const t1 = pick(v.t1, cfg.t1);
  const t2 = pick(v.t2, cfg.t2);
  if (t1 !== undefined && t2 !== undefined && t2 <= t1) return -1;
  if (tx) {
    if (frInv !== undefined) tx.frInvMs = frInv;
    if (fr !== undefined) tx.frMs = fr;
    if (t1 !== undefined) tx.t1 = t1;
    if (t2 !== undefined) tx.t2 = t2;
    const life = tx.isInvite ? v.lifeInv : v.lifeNonInv;
    if (life !== undefined) {
      tx.endOfLife = tx.created - Date.now() + tm.now() + (life > 0 ? life : tx.isInvite ? cfg.maxInvLifetime : cfg.maxNonInvLifetime);
      if (tx.waitPhase === WAIT.LIFETIME && (tx.flags & TF.WAITING) === 0) tm.wheel.schedule(tx.waitNode, Math.max(1, tx.endOfLife - tm.now()));
    }
    return 1;
  }
  const p = pendingOf(ctx);
  if (frInv !== undefined) p.frInvMs = frInv;
  if (fr !== undefined) p.frMs = fr;
  if (t1 !== undefined) p.t1 = t1;
  if (t2 !== undefined) p.t2 = t2;
  if (v.lifeInv !== undefined) p.lifeInv = v.lifeInv;
  if (v.lifeNonInv !== undefined) p.lifeNonInv = v.lifeNonInv;
  return 1;
}

/** Per-transaction timer settings (Kamailio names, milliseconds). */
export const timerCmds: Record<string, Cmd | Cmd[]> = {
  t_set_fr: [
    { args: [{ kind: 'int' }], routes: ALL_ROUTES, run: (ctx, tm, inv: number) => setTimers(tm, ctx, { frInv: inv }) },
    { args: [{ kind: 'int' }, { kind: 'int' }], routes: ALL_ROUTES, run: (ctx, tm, inv: number, fr: number) => setTimers(tm, ctx, { frInv: inv, fr }) },
  ],
  t_reset_fr: { routes: ALL_ROUTES, run: (ctx, tm) => setTimers(tm, ctx, { frInv: 0, fr: 0 }) },
  t_set_retr: {
    args: [{ kind: 'int' }, { kind: 'int' }],
    routes: ALL_ROUTES,
    run: (ctx, tm, t1: number, t2: number) => setTimers(tm, ctx, { t1, t2 }),
  },
  t_reset_retr: { routes: ALL_ROUTES, run: (ctx, tm) => setTimers(tm, ctx, { t1: 0, t2: 0 }) },
  t_set_max_lifetime: {
    args: [{ kind: 'int' }, { kind: 'int' }],
    routes: ALL_ROUTES,
    run: (ctx, tm, inv: number, noninv: number) => setTimers(tm, ctx, { lifeInv: inv, lifeNonInv: noninv }),
  },
  t_reset_max_lifetime: { routes: ALL_ROUTES, run: (ctx, tm) => setTimers(tm, ctx, { lifeInv: 0, lifeNonInv: 0 }) },
  t_set_auto_inv_100: {
    args: [{ kind: 'int' }],
    routes: ALL_ROUTES,
    doc: 't_set_auto_inv_100(0|1): the automatic 100 Trying for the INVITE transaction this message creates',
    run: (ctx, _tm, on: number) => {
      if (txOf(ctx)) return -1; // the 100 went (or not) when the transaction was created
      pendingOf(ctx).auto100 = on ? 1 : 0;
      return 1;
    },
  },
};
