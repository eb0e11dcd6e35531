import { ALL_ROUTES, RouteType, type CmdSpec } from '@tsips/core';
import { runCallbacks } from './callbacks.js';
import { cancelBranch } from './cancel.js';
import { loadContacts, nextContacts } from './forking.js';
import { BF, TF, type Tx } from './transaction.js';
import { pendingOf, txOf, type Tm } from './tm.js';
import { TMCB } from './types.js';
import { uacRequest } from './uac.js';
import { WAIT, isHopByHopAck, retransmitReply } from './uas.js';

type Cmd = CmdSpec<Tm>;
const { REQUEST, FAILURE, ONREPLY, BRANCH, LOCAL } = RouteType;
const ANY_TM = REQUEST | FAILURE | ONREPLY | BRANCH;

const has = (tx: Tx | null, from: number, flag: number): boolean => {
  if (!tx) return false;
  for (let i = from; i < tx.branches.length; i++) if ((tx.branches[i]!.flags & flag) !== 0) return true;
  return false;
};

/** t_check_trans (OpenSIPS semantics, tm.md §2). */
function checkTrans(tm: Tm, ctx: Parameters<Cmd['run']>[0]): number {
  const msg = ctx.msg;
  if (msg.method === 'CANCEL') return tm.table.lookup(msg, 'INVITE') ? 1 : -1;
  if (txOf(ctx)) return 1;
  if (msg.method === 'ACK') {
    const inv = tm.table.lookup(msg, 'INVITE');
    if (inv && isHopByHopAck(inv)) {
      ctx.tran = inv;
      return 1;
    }
    const e2e = inv ?? tm.table.e2eAckTarget(msg);
    if (!e2e) return -1;
    if (e2e.cbMask & TMCB.E2EACK_IN) runCallbacks(tm.log, e2e, TMCB.E2EACK_IN, null, 0, -1);
    return -2;
  }
  const old = tm.table.lookup(msg, msg.method);
  if (!old) return -1;
  retransmitReply(tm, old);
  return 0;
}

/** Kamailio t_release: stop every retransmission and fr timer, go to the wait state now. */
function release(tm: Tm, tx: Tx): number {
  const w = tm.wheel;
  w.cancel(tx.retrNode);
  for (const b of tx.branches) {
    w.cancel(b.retrNode);
    w.cancel(b.frNode);
  }
  if ((tx.flags & TF.WAITING) === 0) {
    tx.flags |= TF.WAITING;
    tx.waitPhase = WAIT.WAIT;
  }
  w.schedule(tx.waitNode, tm.cfg.waitMs);
  return 1;
}

/** t_cancel_branch([flags]) in a reply route: "a" all pending, "o" all others, "" this one. */
function cancelBranches(tm: Tm, tx: Tx, flags: string, current: number, code: number): number {
  if (!tx.isInvite) return -1;
  const all = flags.includes('a');
  const others = flags.includes('o');
  if (!all && !others) {
    const b = tx.branches[current];
    if (b && code < 200) cancelBranch(tm, b);
    return 1;
  }
  for (const b of tx.branches) {
    if (b.finalCode !== 0) continue;
    if (b.idx === current && (others || code >= 200)) continue;
    cancelBranch(tm, b);
  }
  return 1;
}

const armRoute = (kind: 'failure' | 'onreply' | 'branch'): Cmd => ({
  args: [{ kind: 'route', routeKind: kind }],
  routes: kind === 'failure' ? ANY_TM | LOCAL : ANY_TM,
  run: (ctx, tm, name: string) => {
    const route = (kind === 'failure' ? tm.engine.failureRoute(name) : kind === 'onreply' ? tm.engine.onreplyRoute(name) : tm.engine.branchRoute(name)) ?? null;
    const tx = txOf(ctx);
    if (tx && tx.avps === null) tx.avps = ctx.avpStore(); // the route armed late will read them
    const target = tx ?? pendingOf(ctx);
    if (kind === 'failure') target.onFailure = route;
    else if (kind === 'branch') target.onBranch = route;
    else if (tx?.building) tx.building.onReply = route; // from branch_route: this branch only
    else target.onReply = route;
    return 1;
  },
});

/** Functions that look at or steer the transaction of the message. */
export const transCmds: Record<string, Cmd | Cmd[]> = {
  t_check_trans: { routes: REQUEST | BRANCH, run: (ctx, tm) => checkTrans(tm, ctx) },
  t_lookup_request: { routes: REQUEST, run: (ctx, tm) => (ctx.msg.isRequest && tm.table.lookup(ctx.msg, ctx.msg.method === 'ACK' ? 'INVITE' : ctx.msg.method) ? 1 : -1) },
  t_release: { routes: REQUEST, run: (ctx, tm) => (txOf(ctx) ? release(tm, txOf(ctx)!) : -1) },
  t_on_failure: armRoute('failure'),
  t_on_reply: armRoute('onreply'),
  t_on_branch: armRoute('branch'),
  t_is_set: {
    args: [{ kind: 'str', static: true }],
    routes: ANY_TM,
    doc: 't_is_set("failure_route" | "branch_route" | "onreply_route"): is such a route armed',
    run: (ctx, _tm, what: string) => {
      const t = txOf(ctx) ?? (ctx.tran as { onFailure?: unknown; onBranch?: unknown; onReply?: unknown } | null);
      if (!t) return -1;
      const v = what === 'failure_route' ? t.onFailure : what === 'branch_route' ? t.onBranch : what === 'onreply_route' ? t.onReply : null;
      return v ? 1 : -1;
    },
  },
  t_check_status: {
    args: [{ kind: 'regex' }],
    routes: ANY_TM,
    run: (ctx, _tm, re: RegExp) => {
      const tx = txOf(ctx);
      if (!tx) return -1;
      let code = tx.uasStatus;
      if (ctx.routeType === ONREPLY) code = ctx.msg.status;
      else if (ctx.routeType === FAILURE) code = tx.branches[tx.picked]?.finalCode ?? 0;
      return re.test(String(code)) ? 1 : -1;
    },
  },
  t_local_replied: {
    args: [{ kind: 'str', static: true, fixup: (v) => { const s = String(v); if (s !== 'all' && s !== 'last') throw new Error('expected "all" or "last"'); return s; } }],
    routes: ANY_TM,
    run: (ctx, _tm, what: string) => {
      const tx = txOf(ctx);
      if (!tx) return -1;
      if (what === 'all') return has(tx, 0, BF.REPLIED) ? -1 : 1;
      if (ctx.routeType === FAILURE) return (tx.branches[tx.picked]?.flags ?? 0) & BF.FAKED ? 1 : -1;
      return tx.relayedBranch === -2 ? 1 : -1;
    },
  },
  t_was_cancelled: { routes: ANY_TM, run: (ctx) => (txOf(ctx)?.cancelled ? 1 : -1) },
  t_is_canceled: { routes: ANY_TM, run: (ctx) => (txOf(ctx)?.cancelled ? 1 : -1) },
  t_branch_timeout: { routes: FAILURE | ONREPLY, run: (ctx) => ((txOf(ctx)?.branches[ctx.branchIdx]?.flags ?? 0) & BF.TIMED_OUT ? 1 : -1) },
  t_branch_replied: { routes: FAILURE | ONREPLY, run: (ctx) => ((txOf(ctx)?.branches[ctx.branchIdx]?.flags ?? 0) & BF.REPLIED ? 1 : -1) },
  t_any_timeout: { routes: ANY_TM, run: (ctx) => (has(txOf(ctx), 0, BF.TIMED_OUT) ? 1 : -1) },
  t_any_replied: { routes: ANY_TM, run: (ctx) => (has(txOf(ctx), 0, BF.REPLIED) ? 1 : -1) },
  t_cancel_branch: {
    args: [{ kind: 'str', optional: true, static: true }],
    routes: ONREPLY,
    run: (ctx, tm, flags?: string) => {
      const tx = txOf(ctx);
      return tx ? cancelBranches(tm, tx, flags ?? '', ctx.branchIdx, ctx.msg.status) : -1;
    },
  },
  t_drop_replies: {
    args: [{ kind: 'str', optional: true, static: true }],
    routes: FAILURE,
    doc: 't_drop_replies(["a" | "l" | "n"]): leave the replies of all branches / of the last branch set / none out of reply selection',
    run: (ctx, _tm, mode?: string) => {
      const tx = txOf(ctx);
      if (!tx) return -1;
      const m = mode ?? 'a';
      if (m === 'n') return 1;
      for (let i = m === 'l' ? tx.firstBranch : 0; i < tx.branches.length; i++) tx.branches[i]!.flags |= BF.DROPPED;
      return 1;
    },
  },
  t_flush_flags: { routes: REQUEST | BRANCH, run: (ctx) => (txOf(ctx) ? ((txOf(ctx)!.msgFlags = ctx.flags), 1) : -1) },
  t_add_hdrs: {
    args: [{ kind: 'str' }],
    routes: REQUEST,
    run: (ctx, _tm, hdrs: string) => {
      const tx = txOf(ctx);
      if (!tx) return -1;
      tx.extraHdrs = hdrs.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => `${l}\r\n`).join('');
      return 1;
    },
  },
  t_add_cancel_reason: {
    args: [{ kind: 'str' }],
    routes: REQUEST,
    run: (ctx, _tm, hdr: string) => {
      const tx = txOf(ctx);
      if (!tx) return -1;
      tx.cancelReason = hdr.replace(/^\s*reason\s*:\s*/i, '').replace(/\r?\n$/, '');
      return 1;
    },
  },
  t_load_contacts: [
    { routes: REQUEST | FAILURE, run: (ctx, tm) => loadContacts(tm, ctx, 0) },
    { args: [{ kind: 'int' }], routes: REQUEST | FAILURE, run: (ctx, tm, mode: number) => loadContacts(tm, ctx, mode) },
  ],
  t_next_contacts: { routes: REQUEST | FAILURE, run: (ctx, tm) => nextContacts(tm, ctx) },
  t_uac_send: {
    args: [{ kind: 'str' }, { kind: 'str' }, { kind: 'str' }, { kind: 'str' }, { kind: 'str' }, { kind: 'str', optional: true }],
    routes: ALL_ROUTES,
    doc: 't_uac_send(method, ruri, nexthop, socket, headers[, body]): send a request in a new local transaction ("" = none)',
    run: (_ctx, tm, method: string, ruri: string, nexthop: string, socket: string, headers: string, body?: string) => {
      const r = uacRequest(tm, { method, ruri, nextHop: nexthop || undefined, socket: socket || undefined, headers, body: body || undefined });
      if (!r.ok) tm.log.warn({ code: r.code, reason: r.reason }, 't_uac_send failed');
      return r.ok ? 1 : -1;
    },
  },
};
