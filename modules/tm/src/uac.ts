import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { RouteType, ScriptContext, SipMessage, pickListener, targetOfUri, viaValue } from '@tsips/core';
import { runCallbacks, txSend } from './callbacks.js';
import { addBranch } from './relay.js';
import { localRcv, runLocalRoute } from './routes.js';
import { TF, Tx, type UacBranch } from './transaction.js';
import type { Tm } from './tm.js';
import { TMCB } from './types.js';
import { freeTx } from './uas.js';

/** A request originated here (t_uac_send, MI t_uac_dlg, TmApi.uac). */
export interface UacRequest {
  method: string;
  ruri: string;
  /** header lines ("Name: value", CRLF or LF separated); From and To are required */
  headers: string;
  body?: string;
  /** next hop URI instead of the R-URI */
  nextHop?: string;
  /** local socket "proto:ip:port" */
  socket?: string;
  /** every reply (the final one last); code 408 with no reply on timeout */
  onReply?: (code: number, reply: SipMessage | null, tx: Tx) => void;
}

export type UacResult = { ok: true; tx: Tx } | { ok: false; code: number; reason: string };

const fail = (code: number, reason: string): UacResult => ({ ok: false, code, reason });

/**
 * Start a local client transaction: the request is assembled from the given headers (a
 * From tag, Call-ID, CSeq and Max-Forwards are added when missing), local_route may change
 * or drop it, and it goes out as the single branch of a transaction with no server side.
 */
export function uacRequest(tm: Tm, r: UacRequest): UacResult {
  const lines = r.headers.split(/\r?\n/).filter((l) => l.trim() !== '');
  const has = (name: string) => lines.some((l) => l.toLowerCase().startsWith(`${name}:`));
  if (!has('from') && !has('f')) return fail(400, 'From missing');
  if (!has('to') && !has('t')) return fail(400, 'To missing');
  const body = r.body ?? '';
  if (body && !has('content-type') && !has('c')) return fail(400, 'Content-Type missing');
  const out = lines.map((l) => (/^(from|f)\s*:/i.test(l) && !/;\s*tag=/i.test(l) ? `${l};tag=${randomBytes(6).toString('hex')}` : l));
  if (!has('call-id') && !has('i')) out.push(`Call-ID: ${randomBytes(10).toString('hex')}@tsips`);
  if (!has('cseq')) out.push(`CSeq: 1 ${r.method}`);
  if (!has('max-forwards')) out.push('Max-Forwards: 70');
  const text = `${r.method} ${r.ruri} SIP/2.0\r\n${out.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  let msg: SipMessage;
  try {
    msg = SipMessage.parse(Buffer.from(text, 'utf8'));
    if (msg.cseq.method !== r.method) return fail(400, 'CSeq method mismatch');
    void msg.callId;
  } catch (err) {
    return fail(400, `Bad request: ${(err as Error).message}`);
  }
  if (!runLocalRoute(tm, msg)) return fail(500, 'Dropped by local_route');
  const invite = r.method === 'INVITE';
  const cfg = tm.cfg;
  const life = invite ? cfg.maxInvLifetime : cfg.maxNonInvLifetime;
  const tx = new Tx(tm.table.nextId(), TF.LOCAL | (invite ? TF.INVITE : 0), msg, null, {
    frMs: cfg.frMs, frInvMs: cfg.frInvMs, t1: cfg.t1, t2: cfg.t2, lifetime: life, now: tm.now(),
  });
  tx.localHandler = r.onReply ? (t, code, reply) => r.onReply!(code, reply, t) : null;
  tm.table.insert(tx, null);
  tm.wheel.schedule(tx.waitNode, life);
  tm.stats.uac.inc();
  const ctx = new ScriptContext(msg, localRcv(tm), RouteType.LOCAL);
  const socket = r.socket ? tm.listeners().find((l) => `${l.proto}:${l.ip}:${l.port}` === r.socket!.toLowerCase()) ?? null : null;
  if (r.socket && !socket) {
    freeTx(tm, tx);
    return fail(404, 'Local socket not found');
  }
  const res = addBranch(tm, tx, ctx, r.ruri, r.nextHop ?? null, -1, 0, undefined, socket, { proxy: null, flags: 0 });
  if (res <= 0) {
    freeTx(tm, tx);
    return fail(res === -4 ? 400 : 477, res === -4 ? 'Invalid next hop' : 'Send failed');
  }
  return { ok: true, tx };
}

/** A provisional reply to a local transaction. */
export function localReply(_tm: Tm, tx: Tx, code: number, reply: SipMessage): void {
  tx.localHandler?.(tx, code, reply);
}

/**
 * A final reply to a local transaction: the first one completes it (TMCB_LOCAL_COMPLETED);
 * later 2xx (forked INVITE) are passed on too. A 2xx to an INVITE is ACKed here (the TU's
 * job, RFC 3261 13.2.2.4).
 */
export function localFinal(tm: Tm, tx: Tx, b: UacBranch, code: number, reply: SipMessage | null): void {
  const first = tx.relayedBranch < 0;
  if (!first && code >= 300) return;
  if (tx.isInvite && code >= 200 && code < 300 && reply) ack2xx(tm, b, reply);
  tx.relayedBranch = b.idx;
  if (first && tx.cbMask & TMCB.LOCAL_COMPLETED) runCallbacks(tm.log, tx, TMCB.LOCAL_COMPLETED, reply, code, b.idx);
  tx.localHandler?.(tx, code, reply);
}

/** The max lifetime of a local transaction passed without a final reply. */
export function localTimeout(_tm: Tm, tx: Tx): void {
  if (tx.relayedBranch >= 0) return;
  tx.relayedBranch = -2;
  tx.localHandler?.(tx, 408, null);
}

/** ACK for a 2xx: to the remote target (Contact), through the route set (Record-Route reversed). */
function ack2xx(tm: Tm, b: UacBranch, reply: SipMessage): void {
  try {
    const r = SipMessage.parse(b.req!);
    const contacts = reply.contacts();
    const target = contacts !== '*' && contacts[0] ? contacts[0].uri : r.ruri;
    const routes = reply.recordRoutes().map((x) => x.raw).reverse();
    const next = routes.length > 0 ? /<([^>]+)>/.exec(routes[0]!)?.[1] ?? target : target;
    const t = targetOfUri(next);
    if (!isIP(t.host)) return;
    const l = pickListener(tm.listeners(), t.proto, t.host, b.socket);
    if (!l) return;
    let text = `ACK ${target} SIP/2.0\r\nVia: ${viaValue(l, `${tm.branchPrefix}${b.tx.id.toString(36)}.a${b.idx}`)}\r\n`;
    for (const route of routes) text += `Route: ${route}\r\n`;
    text += `From: ${r.header('from')}\r\nTo: ${reply.header('to')}\r\nCall-ID: ${r.callId}\r\nCSeq: ${r.cseq.num} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    txSend(tm, b.tx, b.idx, { proto: t.proto, ip: t.host, port: t.port, listener: l }, Buffer.from(text, 'latin1'));
  } catch (err) {
    tm.log.warn({ err, tx: b.tx.transId }, 'tm: cannot ACK the 2xx of a local INVITE');
  }
}
