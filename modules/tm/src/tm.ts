import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fnv1a, type Listener, type Logger, type ScriptContext, type ScriptEngine, type SipCore, type SipMessage } from '@tsips/core';
import type { TmConfig } from './params.js';
import type { TmStats } from './stats.js';
import { TxTable, COOKIE } from './table.js';
import { TimerWheel, type TimerNode } from './wheel.js';
import { Tx, type UacBranch } from './transaction.js';
import type { CompiledRoute, TmCallbackEntry } from './types.js';

/** Wheel resolution and size: 10 ms ticks, 4096 slots (one turn = 41 s). */
export const TICK_MS = 10;
const WHEEL_SLOTS = 4096;

/**
 * What the script armed before a transaction exists (t_on_failure, t_set_fr ... then
 * t_relay): kept in ctx.tran until the transaction is created, then copied onto it
 * (OpenSIPS keeps these in per-process "current message" variables).
 */
export class TmPending {
  onFailure: CompiledRoute | null = null;
  onReply: CompiledRoute | null = null;
  onBranch: CompiledRoute | null = null;
  /** ms; -1 = the module default */
  frMs = -1;
  frInvMs = -1;
  /** -1 default, 0 off, 1 on */
  auto100 = -1;
  lifeInv = -1;
  lifeNonInv = -1;
  t1 = -1;
  t2 = -1;
}

/** The transaction bound to the message being processed, if any. */
export function txOf(ctx: ScriptContext): Tx | null {
  const t = ctx.tran;
  return t instanceof Tx ? t : null;
}

/** The pre-transaction settings of the message (created on first use). */
export function pendingOf(ctx: ScriptContext): TmPending {
  const t = ctx.tran;
  if (t instanceof TmPending) return t;
  const p = new TmPending();
  ctx.tran = p;
  return p;
}

export interface TimerHandlers {
  uasRetransmit(tm: Tm, tx: Tx): void;
  uasWaitExpired(tm: Tm, tx: Tx): void;
  branchRetransmit(tm: Tm, b: UacBranch): void;
  branchTimeout(tm: Tm, b: UacBranch): void;
}

/**
 * The module's state: configuration, the transaction table, the timer wheel and the core
 * services resolved once in init. Every tm function takes it as its first argument.
 */
export class Tm {
  readonly table: TxTable;
  readonly wheel: TimerWheel;
  /** global TMCB_REQUEST_IN callbacks */
  readonly requestInCbs: TmCallbackEntry[] = [];
  /** prefix of our Via branches: cookie + a per-instance salt, so restarts do not collide */
  readonly branchPrefix = `${COOKIE}${randomBytes(3).toString('hex')}`;
  /** prefix of the To tags of tm's own replies (not sl's: sl absorbs ACKs to its tags) */
  private readonly tagBase = randomBytes(4).toString('hex');
  /** bflag mask of minor_branch_flag (0 = none) */
  minorMask = 0;
  private listenerCache: readonly Listener[] | null = null;
  handlers: TimerHandlers | null = null;
  /** stops the interval driving the wheel */
  stopTicking: () => void = () => {};

  constructor(
    readonly cfg: TmConfig,
    readonly sip: SipCore,
    readonly engine: ScriptEngine,
    readonly log: Logger,
    readonly stats: TmStats,
  ) {
    this.table = new TxTable(cfg);
    this.wheel = new TimerWheel(TICK_MS, WHEEL_SLOTS, this.onTimer);
  }

  /** Sockets, read once they are bound (they never change afterwards). */
  listeners(): readonly Listener[] {
    if (this.listenerCache === null || this.listenerCache.length === 0) this.listenerCache = this.sip.listeners();
    return this.listenerCache;
  }

  /** To tag of a local reply: the same for retransmissions of one request */
  toTagFor(req: SipMessage): string {
    return `${this.tagBase}-${fnv1a(req.callId, req.fromTag ?? '', String(req.cseq.num), req.via1.branch ?? '')}`;
  }

  now(): number {
    return performance.now();
  }

  /** `delay` clamped so that no timer outlives the transaction's max lifetime */
  clampToLife(tx: Tx, delay: number): number {
    const left = tx.endOfLife - performance.now();
    return left < delay ? Math.max(left, 1) : delay;
  }

  /** The one timer callback: dispatch on the node's kind. */
  private readonly onTimer = (node: TimerNode): void => {
    const h = this.handlers!;
    try {
      switch (node.kind) {
        case 0:
          return h.uasRetransmit(this, node.owner as Tx);
        case 1:
          return h.uasWaitExpired(this, node.owner as Tx);
        case 2:
          return h.branchRetransmit(this, node.owner as UacBranch);
        default:
          return h.branchTimeout(this, node.owner as UacBranch);
      }
    } catch (err) {
      this.log.error({ err, kind: node.kind }, 'tm timer handler failed');
    }
  };
}
