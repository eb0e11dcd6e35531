import { performance } from 'node:perf_hooks';
import { RouteType, ScriptContext, type ReceiveInfo, type SipMessage } from '@tsips/core';
import { TF, type Tx, type UacBranch } from './transaction.js';
import type { Tm } from './tm.js';
import type { CompiledRoute } from './types.js';

/** The receive info of requests generated here (local transactions, local_route). */
export function localRcv(tm: Tm): ReceiveInfo {
  const l = tm.listeners()[0] ?? null;
  return { proto: l?.proto ?? 'udp', srcIp: l?.ip ?? '127.0.0.1', srcPort: l?.port ?? 0, dstIp: l?.ip ?? '127.0.0.1', dstPort: l?.port ?? 0, conId: 0, listener: l, time: performance.now() };
}

/**
 * onreply_route[name] armed for the transaction or the branch, on the reply's own context
 * (the core ran the global onreply_route on it before). $T_branch_idx is the branch;
 * transaction AVPs are visible and written back only with onreply_avp_mode=1.
 */
export function runReplyRoute(tm: Tm, tx: Tx, b: UacBranch, ctx: ScriptContext, route: CompiledRoute): void {
  ctx.tran = tx;
  ctx.branchIdx = b.idx;
  ctx.bflags = b.bflags;
  ctx.avps = tm.cfg.onreplyAvpMode === 1 ? (tx.avps ??= new Map()) : null;
  ctx.dropped = false;
  tm.engine.run(route, ctx);
  b.bflags = ctx.bflags;
}

/**
 * failure_route: on the transaction's request, R-URI and branch flags of the winning
 * branch, the transaction's AVPs and flags. Header changes made here apply to the branches
 * it adds and are undone afterwards, as OpenSIPS runs it on a copy of the request.
 */
export function runFailureRoute(tm: Tm, tx: Tx, picked: number, route: CompiledRoute): void {
  const ctx = new ScriptContext(tx.req, tx.rcv ?? localRcv(tm), RouteType.FAILURE);
  const pb = tx.branches[picked];
  ctx.tran = tx;
  ctx.branchIdx = picked;
  ctx.newRuri = pb ? pb.uri : null;
  ctx.bflags = pb ? pb.bflags : 0;
  ctx.avps = tx.avps ??= new Map();
  ctx.flags = tx.msgFlags;
  const mark = tx.req.changeMark();
  tx.flags |= TF.IN_FAILURE;
  tx.failRuri = ctx.newRuri;
  try {
    tm.engine.run(route, ctx);
  } finally {
    tx.flags &= ~TF.IN_FAILURE;
    tx.req.revertTo(mark);
    tx.msgFlags = ctx.flags;
  }
}

/**
 * branch_route for branch `b` on the request's context: the route sees the branch's R-URI,
 * $du, branch flags and socket, may change them and the headers (undone by the caller after
 * building the branch), and `drop` discards the branch. Returns false when dropped.
 */
export function runBranchRoute(tm: Tm, tx: Tx, b: UacBranch, ctx: ScriptContext, route: CompiledRoute): boolean {
  const saved = { type: ctx.routeType, ruri: ctx.newRuri, du: ctx.dstUri, bflags: ctx.bflags, fs: ctx.forcedSocket, idx: ctx.branchIdx, flow: ctx.flow, ret: ctx.ret };
  ctx.newRuri = b.uri;
  ctx.dstUri = b.dstUri;
  ctx.bflags = b.bflags;
  ctx.branchIdx = b.idx;
  ctx.forcedSocket = b.socket;
  ctx.dropped = false;
  tx.building = b;
  tm.engine.run(route, ctx);
  tx.building = null;
  const dropped = ctx.dropped;
  b.uri = ctx.ruri();
  b.dstUri = ctx.dstUri;
  b.bflags = ctx.bflags;
  b.socket = ctx.forcedSocket;
  ctx.routeType = saved.type;
  ctx.newRuri = saved.ruri;
  ctx.dstUri = saved.du;
  ctx.bflags = saved.bflags;
  ctx.forcedSocket = saved.fs;
  ctx.branchIdx = saved.idx;
  ctx.dropped = false;
  ctx.flow = saved.flow;
  ctx.ret = saved.ret;
  return !dropped;
}

/**
 * local_route for a request generated here (t_uac): it may change headers; `drop` stops the
 * request. Returns false when dropped.
 */
export function runLocalRoute(tm: Tm, msg: SipMessage): boolean {
  const route = tm.engine.routes.local;
  if (!route) return true;
  const ctx = new ScriptContext(msg, localRcv(tm), RouteType.LOCAL);
  tm.engine.run(route, ctx);
  return !ctx.dropped;
}
