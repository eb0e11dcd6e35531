import { RouteType, type CmdSpec, type ScriptContext } from '@tsips/core';
import { correlationOf, type Capture } from './capture.js';
import type { TxTracing } from './tx.js';

/** The module state every handler gets. */
export interface TracerState {
  capture: Capture;
  /** set in childInit when tm is loaded (scope "t") */
  tx: TxTracing | null;
}

export type Scope = 'm' | 't';

const { REQUEST, FAILURE, ONREPLY, BRANCH } = RouteType;

/** scope argument: checked once at compile time */
export function scopeArg(v: string | number): Scope {
  const s = String(v).trim().toLowerCase();
  if (s === 'm' || s === 't') return s;
  if (s === 'd') throw new Error('scope "d" (dialog) is not available: there is no dialog module; use "t" (transaction) or "m" (message)');
  throw new Error(`scope must be "m" (message) or "t" (transaction), got "${v}"`);
}

/** type argument: only SIP messages are traced */
export function typeArg(v: string | number): 'sip' {
  const s = String(v).trim().toLowerCase();
  if (s === 'sip') return s;
  throw new Error(`type "${v}" is not supported: only "sip" (xlog, rest and net tracing are not available)`);
}

/**
 * trace(trace_id [, scope [, type]]). Request and reply routes run for a received message:
 * it is traced, then what is sent while it is processed (scope "m"), or its transaction
 * (scope "t": attached now if it exists, else when tm creates it). Failure and branch routes
 * run on tm's transaction: "t" attaches to it, "m" captures what it sends during the route.
 */
export function traceMessage(st: TracerState, ctx: ScriptContext, id: string, scope: Scope | undefined): number {
  const cap = st.capture;
  if (!cap.on) return -1;
  const t = cap.target(id);
  if (t === undefined) return -1;
  const txs = st.tx;
  const s: Scope = txs === null ? 'm' : (scope ?? 't');
  const msg = ctx.msg;
  const corr = correlationOf(msg);
  const rt = ctx.routeType;
  if (rt === REQUEST || rt === ONREPLY) {
    cap.emitIn(t, msg, ctx.rcv, corr);
    const tx = s === 't' ? txs!.transaction(ctx) : null;
    if (tx !== null) {
      txs!.attach(tx, t);
      return 1;
    }
    const a = cap.arm(msg, corr, null);
    const list = s === 't' && rt === REQUEST ? a.pendingTx : a.targets;
    if (!list.includes(t)) list.push(t);
    return 1;
  }
  const tx = txs?.transaction(ctx) ?? null;
  if (tx === null) return -1;
  if (s === 't') {
    txs!.attach(tx, t);
    return 1;
  }
  txs!.traceOf(tx);
  const a = cap.arm(msg, corr, tx);
  if (!a.targets.includes(t)) a.targets.push(t);
  return 1;
}

export const traceCmd: CmdSpec<TracerState> = {
  args: [
    { kind: 'str' },
    { kind: 'str', optional: true, static: true, fixup: scopeArg },
    { kind: 'str', optional: true, static: true, fixup: typeArg },
  ],
  routes: REQUEST | FAILURE | ONREPLY | BRANCH,
  doc: 'trace(trace_id [, scope [, type]]): send this message ("m") or its transaction ("t") to a HEP destination',
  run: (ctx, st, id: string, scope?: Scope) => traceMessage(st, ctx, id, scope),
};
