import { isIP } from 'node:net';
import {
  RouteType, forwardStateless, pickListener, resolveTarget, targetOfUri, viaValue,
  type Destination, type Listener, type ScriptContext, type Target,
} from '@tsips/core';
import { runCallbacks, txSend } from './callbacks.js';
import { relayMatchedCancel } from './cancel.js';
import { branchFinal } from './replies.js';
import { runBranchRoute } from './routes.js';
import { BF, TF, UacBranch, type Tx } from './transaction.js';
import { pendingOf, txOf, type Tm } from './tm.js';
import { TMCB } from './types.js';
import { absorbAck, isHopByHopAck, newTran, sendReply } from './uas.js';

/** t_relay flags (OpenSIPS names and their old hex values). */
export const RELAY_FLAGS: Record<string, number> = {
  'no-auto-477': 0x02,
  'no-dns-failover': 0x04,
  'pass-reason-hdr': 0x08,
  'allow-no-cancel': 0x10,
};

/** More branches than this per transaction are refused. */
export const MAX_BRANCHES = 64;

export interface RelayOptions {
  /** next hop overriding $du and the R-URI (a SIP URI) */
  proxy: string | null;
  flags: number;
  /** t_relay_to_udp / t_relay_to_tcp */
  proto?: string;
}

/**
 * t_relay / t_forward_nonack: stateful forwarding (RFC 3261 16.6) to the R-URI branch and
 * the appended branches, creating the transaction when needed. Returns OpenSIPS codes:
 * 1 sent; 0 retransmission or hop-by-hop ACK absorbed (stop the script) or error replied;
 * -1 generic, -2 bad message, -3 no destination, -4 bad destination, -6 send failed.
 */
export function tRelay(tm: Tm, ctx: ScriptContext, o: RelayOptions): number {
  const msg = ctx.msg;
  if (!msg.isRequest) return -2;
  let tx = txOf(ctx);
  const method = msg.method;
  if (method === 'ACK') return relayAck(tm, ctx, tx, o);
  if (ctx.routeType === RouteType.FAILURE) return tx ? forwardBranches(tm, tx, ctx, o) : -1;
  if (method === 'CANCEL' && (tx === null || tx.method === 'CANCEL')) {
    const r = relayMatchedCancel(tm, ctx, (o.flags & RELAY_FLAGS['pass-reason-hdr']!) !== 0);
    if (r !== undefined) return r;
    if (tm.cfg.unmatchedCancel === 1) return forwardStateless(tm.sip, ctx, o.proxy ?? undefined);
    if (tm.cfg.unmatchedCancel === 2) return 0;
  }
  if (tx === null) {
    const r = newTran(tm, ctx, 0);
    if (r <= 0) return r;
    tx = txOf(ctx)!;
  }
  applyRelayFlags(tx, o.flags, ctx);
  tx.ruri = ctx.ruri();
  return forwardBranches(tm, tx, ctx, o);
}

function applyRelayFlags(tx: Tx, flags: number, ctx: ScriptContext): void {
  if (flags === 0) return;
  if (flags & RELAY_FLAGS['no-auto-477']!) tx.flags |= TF.NO_AUTO_477;
  if (flags & RELAY_FLAGS['pass-reason-hdr']!) tx.flags |= TF.PASS_REASON;
  if (flags & RELAY_FLAGS['allow-no-cancel']!) {
    const disp = ctx.msg.headerValues('request-disposition');
    if (disp.some((v) => v.toLowerCase() === 'no-cancel')) tx.flags |= TF.MULTI_200;
  }
}

/**
 * An ACK: the hop-by-hop ACK of our negative final is absorbed (1 when t_check_trans bound
 * it, else 0 as OpenSIPS' t_newtran); an end-to-end ACK (to a 2xx) is forwarded statelessly.
 */
function relayAck(tm: Tm, ctx: ScriptContext, bound: Tx | null, o: RelayOptions): number {
  if (bound && bound.isInvite && isHopByHopAck(bound)) {
    absorbAck(tm, bound);
    return 1;
  }
  const inv = tm.table.lookup(ctx.msg, 'INVITE');
  if (inv && isHopByHopAck(inv)) {
    absorbAck(tm, inv);
    return 0;
  }
  const target = inv ?? tm.table.e2eAckTarget(ctx.msg);
  if (target && target.cbMask & TMCB.E2EACK_IN) runCallbacks(tm.log, target, TMCB.E2EACK_IN, null, 0, -1);
  const next = o.proxy ?? (o.proto ? withTransport(ctx.dstUri ?? ctx.ruri(), o.proto) : undefined);
  return forwardStateless(tm.sip, ctx, next);
}

/** The URI with its transport parameter set (t_relay_to_tcp of a stateless ACK). */
function withTransport(uri: string, proto: string): string {
  const q = uri.indexOf('?');
  const base = (q < 0 ? uri : uri.slice(0, q)).replace(/;transport=[^;]*/i, '');
  return `${base};transport=${proto}${q < 0 ? '' : uri.slice(q)}`;
}

/**
 * Add and send a branch per destination: the R-URI branch (in failure_route only when the
 * R-URI or $du changed, or nothing was appended) and every appended branch. When no branch
 * could be sent and the transaction was created by t_relay itself, 477 goes upstream.
 */
export function forwardBranches(tm: Tm, tx: Tx, ctx: ScriptContext, o: RelayOptions): number {
  if ((tx.flags & TF.NO_NEW_BRANCHES) !== 0 || (tx.isInvite && tx.cancelled) || (tx.uasStatus >= 200 && (tx.flags & TF.LOCAL) === 0)) return -3;
  if (tm.now() >= tx.endOfLife) return -3; // max lifetime reached: no new branch set
  const failure = (tx.flags & TF.IN_FAILURE) !== 0;
  if (failure) tx.firstBranch = tx.branches.length;
  const appended = ctx.branches;
  ctx.branches = null;
  let sent = 0;
  let err = -3;
  let r = 0;
  if (!failure || ctx.newRuri !== tx.failRuri || ctx.dstUri !== null || !appended || appended.length === 0) {
    r = addBranch(tm, tx, ctx, ctx.ruri(), ctx.dstUri, ctx.ruriQ, ctx.bflags, undefined, ctx.forcedSocket, o);
    if (r > 0) sent++;
    else if (r < 0) err = r;
  }
  if (appended) {
    for (const a of appended) {
      r = addBranch(tm, tx, ctx, a.uri, a.dstUri, a.q, a.flags, a.path, a.socket ?? null, o);
      if (r > 0) sent++;
      else if (r < 0) err = r;
    }
  }
  if (sent > 0) return 1;
  if (err === -6 && !failure && (tx.flags & (TF.NO_AUTO_477 | TF.NEWTRAN | TF.NO_RELAY)) === 0 && sendReply(tm, tx, 477, 'Send failed') > 0) return 0;
  return err;
}

/**
 * Build and send one branch: branch_route first (its header changes and `drop` are this
 * branch's only), then Path as Route, our Via with a fresh branch id, the request built from
 * the received bytes. Returns 1 sent, 0 dropped by branch_route, or a negative code.
 */
export function addBranch(
  tm: Tm, tx: Tx, ctx: ScriptContext,
  uri: string, dstUri: string | null, q: number, bflags: number, path: string | undefined, socket: Listener | null,
  o: RelayOptions,
): number {
  const idx = tx.branches.length;
  if (idx >= MAX_BRANCHES) return -1;
  const b = new UacBranch(tx, idx, uri, dstUri, q, bflags, path);
  b.socket = socket;
  const msg = tx.req;
  const mark = msg.changeMark();
  let target: Target;
  let l: Listener | undefined;
  try {
    if (tx.onBranch !== null && !runBranchRoute(tm, tx, b, ctx, tx.onBranch)) return 0;
    if (b.path) msg.insertHeaderFirst(`Route: ${b.path}`);
    const next = o.proxy ?? b.dstUri ?? firstPathUri(b.path) ?? b.uri;
    try {
      target = targetOfUri(next);
    } catch {
      return -4;
    }
    if (o.proto) target.proto = o.proto;
    l = pickListener(tm.listeners(), target.proto, isIP(target.host) ? target.host : '0.0.0.0', b.socket ?? tx.rcv?.listener ?? null);
    if (!l) return -6;
    b.id = `${tm.branchPrefix}${tx.id.toString(36)}.${idx}`;
    b.via = viaValue(l, b.id);
    b.req = msg.build({ ruri: b.uri, via: b.via, extraHeaders: tx.extraHdrs || undefined });
  } finally {
    msg.revertTo(mark);
  }
  b.reliable = tm.sip.isStreamProto(l.proto); // hep_udp is a datagram proto too: Timer A applies
  if ((b.bflags & tm.minorMask) !== 0) b.flags |= BF.MINOR;
  const noNewConn = (b.bflags & tm.sip.noNewConnMask) !== 0 || undefined;
  if (isIP(target.host)) {
    const dst: Destination = { proto: target.proto, ip: target.host, port: target.port, listener: l, conId: ctx.outConId || undefined, noNewConn };
    if (!sendFirst(tm, b, dst)) return -6;
    started(tm, tx, b);
    return 1;
  }
  // a name: the branch waits for the resolver (its fr timer already runs)
  started(tm, tx, b);
  const listener = l;
  resolveTarget(target, { listener, noNewConn }, (dst, error) => {
    if ((tx.flags & TF.FREED) !== 0 || b.finalCode !== 0) return;
    if (!dst || (dst.ip.includes(':') !== (listener.family === 6))) {
      tm.log.warn({ target: target.host, error }, 'tm: branch destination unresolvable');
      return branchFinal(tm, tx, b, null, 478, true);
    }
    if (!sendFirst(tm, b, dst)) branchFinal(tm, tx, b, null, 477, true);
  });
  return 1;
}

/** Send the branch request the first time; stream sends that fail later end the branch with 477. */
function sendFirst(tm: Tm, b: UacBranch, dst: Destination): boolean {
  b.dst = dst;
  const r = txSend(tm, b.tx, b.idx, dst, b.req!, b.reliable ? (_e: string) => sendFailedLater(tm, b) : undefined);
  if (!r.ok) {
    b.dst = null;
    return false;
  }
  if (r.conId) dst.conId = r.conId;
  const tx = b.tx;
  if (tx.cbMask & TMCB.REQUEST_FWDED) runCallbacks(tm.log, tx, TMCB.REQUEST_FWDED, null, 0, b.idx);
  return true;
}

function sendFailedLater(tm: Tm, b: UacBranch): void {
  if (b.finalCode === 0 && (b.flags & BF.REPLIED) === 0 && (b.tx.flags & TF.FREED) === 0) branchFinal(tm, b.tx, b, null, 477, true);
}

/** The branch joins the transaction: client table, Timer A/E (UDP), fr timer. */
function started(tm: Tm, tx: Tx, b: UacBranch): void {
  tx.branches.push(b);
  tx.pending++;
  tm.table.addBranch(b);
  if (!b.reliable) {
    b.retrMs = tx.t1;
    tm.wheel.schedule(b.retrNode, tx.t1);
  }
  tm.wheel.schedule(b.frNode, tm.clampToLife(tx, tx.frMs));
}

function firstPathUri(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const m = /<([^>]+)>/.exec(path);
  return m ? m[1] : path.split(',')[0]!.trim();
}

/** t_replicate(uri): a stateful copy whose replies stop here (no 100, no 477). */
export function tReplicate(tm: Tm, ctx: ScriptContext, uri: string): number {
  let tx = txOf(ctx);
  if (tx === null) {
    if (ctx.msg.method === 'ACK' || ctx.msg.method === 'CANCEL') return -1;
    pendingOf(ctx).auto100 = 0;
    const r = newTran(tm, ctx, TF.NO_RELAY);
    if (r <= 0) return r;
    tx = txOf(ctx)!;
  }
  const saved = ctx.branches;
  ctx.branches = null;
  const r = addBranch(tm, tx, ctx, ctx.ruri(), null, -1, ctx.bflags, undefined, ctx.forcedSocket, { proxy: uri, flags: 0 });
  ctx.branches = saved;
  return r > 0 ? 1 : r === 0 ? -3 : r;
}
