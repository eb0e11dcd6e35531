import type { AvpStore, Destination, Listener, ReceiveInfo, SipMessage } from '@tsips/core';
import { TimerNode } from './wheel.js';
import type { CompiledRoute, TmCallbackEntry } from './types.js';

/** Transaction flags (Tx.flags). */
export const TF = {
  INVITE: 1,
  /** originated here (t_uac): no server side, replies go to a local handler */
  LOCAL: 2,
  /** the UAC cancelled the INVITE (or t_uac_cancel / t_cancel_branch("a")) */
  CANCELED: 4,
  /** t_relay flag no-auto-477 */
  NO_AUTO_477: 8,
  /** t_relay flag allow-no-cancel with Content-Disposition no-cancel: keep branches after a 2xx */
  MULTI_200: 16,
  /** a 6xx won: no branch may be added */
  NO_NEW_BRANCHES: 32,
  /** t_replicate: replies stop here */
  NO_RELAY: 64,
  /** created by t_newtran() (no automatic 477 on send failure) */
  NEWTRAN: 128,
  /** t_relay flag pass-reason-hdr: copy the Reason of the UAC's CANCEL */
  PASS_REASON: 256,
  /** on the wait timer (completed, absorbing retransmissions) */
  WAITING: 512,
  /** removed from the table */
  FREED: 1024,
  /** the request came without the RFC 3261 branch cookie: RFC 2543 matching */
  LEGACY: 2048,
  /** the negative final reply to the INVITE was ACKed (RFC 3261 Confirmed) */
  ACKED: 4096,
  /** a failure_route is running (t_relay there adds a serial branch set) */
  IN_FAILURE: 8192,
} as const;

/** Branch flags (UacBranch.flags). */
export const BF = {
  /** a reply came from the network on it (t_branch_replied, t_any_replied) */
  REPLIED: 1,
  /** its final reply is a local 408 after fr timeout */
  TIMED_OUT: 2,
  /** to be cancelled when its first provisional arrives (RFC 3261 9.1) */
  CANCEL_PENDING: 4,
  /** CANCEL sent (its retransmissions use the branch's retr timer) */
  CANCEL_SENT: 8,
  /** t_drop_replies(): not a candidate for the final reply */
  DROPPED: 16,
  /** minor_branch_flag set: not waited for */
  MINOR: 32,
  /** the final reply was generated here (408, 477, 487) */
  FAKED: 64,
  /** a reply to our CANCEL arrived: stop retransmitting it */
  CANCEL_ANSWERED: 128,
} as const;

/** Timer kinds (TimerNode.kind). */
export const TK = {
  /** Timer G: retransmit the negative final reply to an INVITE (UDP) */
  UAS_RETR: 0,
  /** Timer H (no ACK), then the wait state (J/I/L, wt_timer), then the end */
  UAS_WAIT: 1,
  /** Timer A/E: retransmit the branch request, or its CANCEL (UDP) */
  BR_RETR: 2,
  /** fr_timeout / fr_inv_timeout (RFC Timers B/F/C) */
  BR_FR: 3,
} as const;

/**
 * A client transaction: one branch of a forwarded request (RFC 3261 17.1) with its CANCEL.
 * The request bytes are built once (msg.build()) and resent from here.
 */
export class UacBranch {
  /** the Via branch parameter (the client transaction key) */
  id = '';
  uri: string;
  dstUri: string | null;
  path: string | undefined;
  q: number;
  bflags: number;
  /** the socket to send from ($fs of the branch) */
  socket: Listener | null = null;
  flags = 0;
  /** last status received or faked (0 none) */
  status = 0;
  /** its final status (0 while pending) */
  finalCode = 0;
  /** the final reply (null: none yet or faked) */
  reply: SipMessage | null = null;
  dst: Destination | null = null;
  reliable = false;
  /** the request as sent */
  req: Buffer | null = null;
  /** our Via value on it */
  via = '';
  cancelBuf: Buffer | null = null;
  /** current retransmission interval and count (stats) */
  retrMs = 0;
  retrCount = 0;
  /** onreply_route armed for this branch (t_on_reply in branch_route) */
  onReply: CompiledRoute | null = null;
  readonly retrNode: TimerNode;
  readonly frNode: TimerNode;

  constructor(
    readonly tx: Tx,
    readonly idx: number,
    uri: string,
    dstUri: string | null,
    q: number,
    bflags: number,
    path: string | undefined,
  ) {
    this.uri = uri;
    this.dstUri = dstUri;
    this.q = q;
    this.bflags = bflags;
    this.path = path;
    this.retrNode = new TimerNode(this, TK.BR_RETR);
    this.frNode = new TimerNode(this, TK.BR_FR);
  }

  /** BranchView for reply selection */
  get dropped(): boolean {
    return (this.flags & BF.DROPPED) !== 0;
  }

  get minor(): boolean {
    return (this.flags & BF.MINOR) !== 0;
  }
}

/**
 * A transaction: the server side (the request received and the replies sent back) plus
 * its client branches (RFC 3261 16.6: one per target). Local transactions (t_uac) have no
 * server side. Plain fields: the hot path reads and writes them directly.
 */
export class Tx {
  flags: number;
  /** hash bucket of (Call-ID, CSeq number) in 0..65535 (MI t_hash, $T_id) */
  readonly hash: number;
  readonly method: string;
  readonly callId: string;
  readonly cseqNum: number;
  /** key in the server table (null: local transaction or not inserted) */
  key: string | null = null;
  /** next transaction with the same Call-ID/CSeq number (dialog index chain) */
  nextSame: Tx | null = null;
  inDialogIndex = false;
  readonly created = Date.now();

  // ---- server side ----
  /** where replies go (null for local transactions) */
  uasDst: Destination | null = null;
  uasReliable = true;
  /** last status sent upstream (0 none) */
  uasStatus = 0;
  /** last reply sent upstream: resent for request retransmissions */
  uasReply: Buffer | null = null;
  /** To tag of our local replies / of the relayed final (RFC 2543 ACK matching) */
  uasToTag: string | null = null;
  /** branch whose reply went upstream as final; -2 = local reply; -1 none */
  relayedBranch = -1;
  uasRetrMs = 0;
  /** what the wait node currently measures (uas.ts WAIT): max lifetime, Timer H, wait state */
  waitPhase = 0;

  // ---- client side ----
  readonly branches: UacBranch[] = [];
  /** first branch of the current (serial) branch set */
  firstBranch = 0;
  /** branches without a final reply */
  pending = 0;
  /** the branch being prepared (branch_route runs for it) */
  building: UacBranch | null = null;
  /** branch picked as the best final reply (failure_route reads it) */
  picked = -1;
  /** R-URI the running failure_route started with (t_relay there adds it only if changed) */
  failRuri: string | null = null;

  // ---- script state ----
  onFailure: CompiledRoute | null = null;
  onReply: CompiledRoute | null = null;
  onBranch: CompiledRoute | null = null;
  avps: AvpStore | null = null;
  msgFlags = 0;
  /** the R-URI of the request when the transaction was relayed ($T_ruri) */
  ruri = '';
  frMs: number;
  frInvMs: number;
  t1: number;
  t2: number;
  /** performance.now() by which the transaction must have its final reply */
  endOfLife: number;
  /** t_add_hdrs(): lines added to every request tm generates for it */
  extraHdrs = '';
  /** t_add_cancel_reason() or the UAC's CANCEL Reason (pass-reason-hdr) */
  cancelReason: string | null = null;

  // ---- per-object callbacks (bitmask + short list, DESIGN §4) ----
  cbMask = 0;
  cbs: TmCallbackEntry[] | null = null;
  /** local transactions: called with every reply (final last), then released */
  localHandler: ((tx: Tx, code: number, reply: SipMessage | null) => void) | null = null;

  readonly retrNode: TimerNode;
  readonly waitNode: TimerNode;

  constructor(
    readonly id: number,
    flags: number,
    /** the request (received, or built here for local transactions) */
    readonly req: SipMessage,
    readonly rcv: ReceiveInfo | null,
    timing: { frMs: number; frInvMs: number; t1: number; t2: number; lifetime: number; now: number },
  ) {
    this.flags = flags;
    this.method = req.method;
    this.callId = req.callId;
    this.cseqNum = req.cseq.num;
    this.hash = hashCallCseq(this.callId, this.cseqNum);
    this.frMs = timing.frMs;
    this.frInvMs = timing.frInvMs;
    this.t1 = timing.t1;
    this.t2 = timing.t2;
    this.endOfLife = timing.now + timing.lifetime;
    this.retrNode = new TimerNode(this, TK.UAS_RETR);
    this.waitNode = new TimerNode(this, TK.UAS_WAIT);
  }

  get isInvite(): boolean {
    return (this.flags & TF.INVITE) !== 0;
  }

  get cancelled(): boolean {
    return (this.flags & TF.CANCELED) !== 0;
  }

  /** $T_id / trans_id "hash:label" */
  get transId(): string {
    return `${this.hash}:${this.id}`;
  }
}

/** OpenSIPS-style table bucket: a 16-bit hash of Call-ID and CSeq number. */
export function hashCallCseq(callId: string, cseq: number): number {
  let h = 0x811c9dc5 ^ cseq;
  for (let i = 0; i < callId.length; i++) h = Math.imul(h ^ callId.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) & 0xffff;
}
