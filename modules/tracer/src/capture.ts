import type { Logger, ReceiveInfo, SipMessage, Stat, TraceEvent, Tracer } from '@tsips/core';
import type { TraceTarget } from './trace-id.js';

/** The SIP transports; hooks.trace also reports stream deliveries of msrp, hep_* ...: skipped. */
const SIP_PROTOS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'ws', 'wss', 'sctp']);

/**
 * The targets armed for one message being processed: what is sent meanwhile goes to them.
 * `tx` null: every SIP send counts (request and reply routes, run for a received message);
 * set: only what that transaction sends (failure and branch routes, which tm may run from its
 * timers, where other transactions' retransmissions go out in the same tick).
 */
export interface Armed {
  msg: SipMessage;
  correlation: string | undefined;
  tx: object | null;
  /** traced as long as the message is being processed */
  targets: TraceTarget[];
  /** scope "t" before the transaction exists: moved onto it when tm creates it */
  pendingTx: TraceTarget[];
}

export interface CaptureStats {
  requests: Stat;
  replies: Stat;
}

const SETTLED = Promise.resolve();

/** "SIP/" opens a reply; nothing else starts that way */
const isReply = (b: Buffer): boolean => b.length > 4 && b[0] === 0x53 && b[1] === 0x49 && b[2] === 0x50 && b[3] === 0x2f;

/**
 * The sending side of the module: the global switch, the targets, the last message handed to
 * a SIP transport (from hooks.trace), and the message capture of scope "m". Each message
 * reaches a target at most once, whichever path (script, armed capture, tm callback) saw it.
 */
export class Capture {
  /** trace_on / MI `trace` */
  on: boolean;
  tracer: Tracer | null = null;
  /** the last SIP message sent (hooks.trace direction 'out') and its generation */
  lastOut: TraceEvent | null = null;
  private outGen = 0;
  /** armed in a request/reply route: every SIP send */
  armed: Armed | null = null;
  /** armed in a failure/branch route: the sends of one transaction (tx.ts) */
  armedTx: Armed | null = null;
  /** a disarm runs at the end of the current task */
  private disarmQueued = false;
  private readonly warned = new Set<string>();

  constructor(
    on: boolean,
    readonly targets: ReadonlyMap<string, TraceTarget>,
    private readonly stats: CaptureStats,
    private readonly log: Logger,
  ) {
    this.on = on;
  }

  /** The target named by the script, or undefined (warned once per name). */
  target(name: string): TraceTarget | undefined {
    const t = this.targets.get(name);
    if (t?.dst) return t;
    if (!this.warned.has(name)) {
      this.warned.add(name);
      this.log.warn({ traceId: name }, `trace(): unknown trace_id "${name}" (define it with modparam("tracer", "trace_id", ...))`);
    }
    return undefined;
  }

  /** hooks.trace tap: remember each SIP send, copy it to the globally armed targets. */
  readonly onTrace = (ev: TraceEvent): void => {
    if (ev.direction === 'in') {
      // a new message: the previous one is done (a TCP read may deliver several in one tick)
      this.armed = this.armedTx = null;
      return;
    }
    if (!SIP_PROTOS.has(ev.proto)) return;
    this.lastOut = ev;
    this.outGen++;
    const a = this.armed;
    if (a === null || !this.on) return;
    this.emitArmed(a, ev);
  };

  /** Send the armed targets a copy of `ev` (the message just sent). */
  emitArmed(a: Armed, ev: TraceEvent): void {
    for (let i = 0; i < a.targets.length; i++) this.emitOut(a.targets[i]!, ev, a.correlation);
    for (let i = 0; i < a.pendingTx.length; i++) this.emitOut(a.pendingTx[i]!, ev, a.correlation);
  }

  /** `ev` must be `lastOut`: it is sent to `t` unless `t` already has it. */
  emitOut(t: TraceTarget, ev: TraceEvent, correlation: string | undefined): void {
    if (t.outGen === this.outGen) return;
    t.outGen = this.outGen;
    this.send(t, ev, correlation);
  }

  /** A received message, once per target. */
  emitIn(t: TraceTarget, msg: SipMessage, rcv: ReceiveInfo, correlation: string | undefined): void {
    if (t.lastIn === msg) return;
    t.lastIn = msg;
    const ev: TraceEvent = {
      direction: 'in',
      buf: msg.buf,
      proto: rcv.proto,
      srcIp: rcv.srcIp,
      srcPort: rcv.srcPort,
      dstIp: rcv.dstIp,
      dstPort: rcv.dstPort,
      conId: rcv.conId,
    };
    this.send(t, ev, correlation);
  }

  private send(t: TraceTarget, ev: TraceEvent, correlation: string | undefined): void {
    this.tracer!.message(t.dst!, ev, correlation);
    (isReply(ev.buf) ? this.stats.replies : this.stats.requests).inc();
  }

  /**
   * Capture what is sent for `msg` while it is processed: until the next message arrives or
   * the current task ends (processing is synchronous; timer-driven sends run in later tasks
   * and are not captured). `tx`: only that transaction's sends. Returns the record to add
   * targets to.
   */
  arm(msg: SipMessage, correlation: string | undefined, tx: object | null): Armed {
    const cur = tx === null ? this.armed : this.armedTx;
    if (cur !== null && cur.msg === msg && cur.tx === tx) return cur;
    const a: Armed = { msg, correlation, tx, targets: [], pendingTx: [] };
    if (tx === null) this.armed = a;
    else this.armedTx = a;
    if (!this.disarmQueued) {
      // one reaction per task, not queueMicrotask: node wraps each of those in an AsyncResource
      this.disarmQueued = true;
      void SETTLED.then(this.disarm);
    }
    return a;
  }

  /** The end of the task that armed: nothing processed later (timers, new messages) is captured. */
  private readonly disarm = (): void => {
    this.disarmQueued = false;
    this.armed = this.armedTx = null;
  };
}

/** The Call-ID of a message for the correlation chunk (undefined if it has none). */
export function correlationOf(msg: SipMessage): string | undefined {
  try {
    return msg.callId;
  } catch {
    return undefined;
  }
}
