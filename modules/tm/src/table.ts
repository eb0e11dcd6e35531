import type { SipMessage } from '@tsips/core';
import { TF, type Tx, type UacBranch } from './transaction.js';

/** RFC 3261 magic cookie: a branch starting with it is unique (17.2.3). */
export const COOKIE = 'z9hG4bK';

const SEP = '\u0001';

/**
 * The server-table key of a request (RFC 3261 17.2.3): top Via branch + sent-by + method,
 * where ACK counts as the INVITE it acknowledges and a CANCEL looked up for its INVITE is
 * given method 'INVITE'. null when the branch lacks the cookie (RFC 2543 client).
 */
export function serverKey(msg: SipMessage, method: string): string | null {
  const via = msg.via1;
  const b = via.branch;
  if (b === undefined || !b.startsWith(COOKIE)) return null;
  return `${b}${SEP}${via.host}:${via.port ?? ''}${SEP}${method}`;
}

function dialogKey(callId: string, cseq: number): string {
  return `${callId}${SEP}${cseq}`;
}

export interface LegacyMatching {
  ruriMatching: boolean;
  via1Matching: boolean;
}

/**
 * Every live transaction. Requests match with one Map lookup on the RFC 3261 key; replies
 * with one lookup on our Via branch. A second index by (Call-ID, CSeq number) holds INVITE
 * and RFC 2543 transactions: the fallback matching, end-to-end ACKs and the MI look-ups by
 * Call-ID use it. Per-bucket counters give MI t_hash its OpenSIPS shape.
 */
export class TxTable {
  readonly byId = new Map<number, Tx>();
  private readonly server = new Map<string, Tx>();
  private readonly dialog = new Map<string, Tx>();
  private readonly client = new Map<string, UacBranch>();
  readonly current = new Uint32Array(65536);
  readonly total = new Float64Array(65536);
  private lastId = 0;

  constructor(private readonly matching: LegacyMatching) {}

  /** transactions still waiting for a final reply (not those only absorbing retransmissions) */
  unfinished(): number {
    let n = 0;
    for (const tx of this.byId.values()) if (tx.pending > 0 || (tx.uasDst !== null && tx.uasStatus < 200)) n++;
    return n;
  }

  get size(): number {
    return this.byId.size;
  }

  nextId(): number {
    this.lastId = (this.lastId + 1) % 0x7fffffff || 1;
    return this.lastId;
  }

  insert(tx: Tx, key: string | null): void {
    this.byId.set(tx.id, tx);
    this.current[tx.hash]!++;
    this.total[tx.hash]!++;
    if (key !== null) {
      tx.key = key;
      this.server.set(key, tx);
    }
    if ((tx.flags & (TF.INVITE | TF.LEGACY)) !== 0) {
      const k = dialogKey(tx.callId, tx.cseqNum);
      tx.nextSame = this.dialog.get(k) ?? null;
      this.dialog.set(k, tx);
      tx.inDialogIndex = true;
    }
  }

  remove(tx: Tx): void {
    if (!this.byId.delete(tx.id)) return;
    this.current[tx.hash]!--;
    if (tx.key !== null && this.server.get(tx.key) === tx) this.server.delete(tx.key);
    if (tx.inDialogIndex) this.unchain(tx);
    for (const b of tx.branches) if (b.id && this.client.get(b.id) === b) this.client.delete(b.id);
  }

  private unchain(tx: Tx): void {
    const k = dialogKey(tx.callId, tx.cseqNum);
    let head = this.dialog.get(k);
    if (head === tx) {
      if (tx.nextSame) this.dialog.set(k, tx.nextSame);
      else this.dialog.delete(k);
    } else {
      while (head && head.nextSame !== tx) head = head.nextSame ?? undefined;
      if (head) head.nextSame = tx.nextSame;
    }
    tx.nextSame = null;
    tx.inDialogIndex = false;
  }

  addBranch(b: UacBranch): void {
    this.client.set(b.id, b);
  }

  /** The client transaction a reply belongs to (its top Via branch), or undefined. */
  branchOf(id: string): UacBranch | undefined {
    return this.client.get(id);
  }

  /**
   * The server transaction `msg` belongs to, looked up as `method` (its own, 'INVITE' for
   * an ACK or for the INVITE a CANCEL cancels). RFC 3261 key first, then RFC 2543 rules.
   */
  lookup(msg: SipMessage, method: string): Tx | undefined {
    const key = serverKey(msg, method);
    if (key !== null) return this.server.get(key);
    return this.legacy(msg, method);
  }

  /** RFC 3261 17.2.3 for requests without the cookie (RFC 2543 8.1.3 / 17 rules). */
  private legacy(msg: SipMessage, method: string): Tx | undefined {
    const isAck = msg.method === 'ACK';
    const ftag = msg.fromTag;
    const ttag = msg.toTag;
    for (let tx = this.dialog.get(dialogKey(msg.callId, msg.cseq.num)); tx; tx = tx.nextSame ?? undefined) {
      if ((tx.flags & TF.LEGACY) === 0 || (tx.flags & TF.LOCAL) !== 0 || tx.method !== method) continue;
      const r = tx.req;
      if (r.fromTag !== ftag) continue;
      if (this.matching.ruriMatching && r.ruri !== msg.ruri) continue;
      if (this.matching.via1Matching && r.via1.raw !== msg.via1.raw) continue;
      // an ACK carries the To tag of the reply it acknowledges; others the request's own
      if (isAck ? ttag !== (tx.uasToTag ?? undefined) : ttag !== r.toTag) continue;
      return tx;
    }
    return undefined;
  }

  /** The INVITE transaction an ACK with no match of its own acknowledges a 2xx of (e2e ACK). */
  e2eAckTarget(ack: SipMessage): Tx | undefined {
    const ftag = ack.fromTag;
    for (let tx = this.dialog.get(dialogKey(ack.callId, ack.cseq.num)); tx; tx = tx.nextSame ?? undefined) {
      if (tx.isInvite && (tx.flags & TF.LOCAL) === 0 && tx.uasStatus >= 200 && tx.uasStatus < 300 && tx.req.fromTag === ftag) return tx;
    }
    return undefined;
  }

  /** An INVITE transaction by Call-ID and CSeq number (MI t_uac_cancel, t_reply_by_callid). */
  inviteByCallId(callId: string, cseq: number): Tx | undefined {
    for (let tx = this.dialog.get(dialogKey(callId, cseq)); tx; tx = tx.nextSame ?? undefined) if (tx.isInvite) return tx;
    return undefined;
  }
}
