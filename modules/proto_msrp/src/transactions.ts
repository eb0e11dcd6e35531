import { randomBytes } from 'node:crypto';
import type { MsrpHandler, MsrpTransaction } from './api.js';

/*
 * Client transactions (msrp.md §6 "Transaction layer"): a forwarded or new request waits for
 * its response in one of 30 one-second slots. Once a second the oldest slot expires and each
 * of its transactions reaches its handler's onReply with null, so a transaction lives about
 * 30 s (between 29 and 30, as in OpenSIPS) and the timer costs one Map swap per second.
 * The id names its slot: two hex digits of the slot, a dot, 64 random bits in hex (19 chars).
 * The bits are random, not a counter: responses are matched by id alone, whatever connection
 * they come on, so a peer must not be able to guess the ids of other sessions' transactions.
 */

export const TX_SLOTS = 30;
export const TX_ID_LEN = 19;
/** "00." ... "1d.": what an id of each slot starts with */
const SLOT_TAG = Array.from({ length: TX_SLOTS }, (_, i) => `${i.toString(16).padStart(2, '0')}.`);
/** ids tried before giving up on a (vanishingly unlikely) run of collisions */
const ID_TRIES = 8;

/** What a transaction is created with (the MsrpTransaction fields minus the id). */
export type TxFields = Omit<MsrpTransaction, 'id'>;

export class Transaction implements MsrpTransaction {
  readonly method: string;
  readonly prevId: string;
  readonly prevConId: number;
  readonly fromPath: readonly string[];
  readonly toTop: string;
  readonly messageId: string | undefined;
  readonly byteRange: string | undefined;
  readonly failureReport: string | undefined;
  readonly param: unknown;

  constructor(
    readonly id: string,
    readonly slot: number,
    readonly handler: MsrpHandler,
    f: TxFields,
  ) {
    this.method = f.method;
    this.prevId = f.prevId;
    this.prevConId = f.prevConId;
    this.fromPath = f.fromPath;
    this.toTop = f.toTop;
    this.messageId = f.messageId;
    this.byteRange = f.byteRange;
    this.failureReport = f.failureReport;
    this.param = f.param;
  }
}

/** 64 random bits as 16 lower-case hex digits; tests inject a predictable source */
export type RandomSource = () => string;

/** Random hex from a pooled crypto buffer (one call into the CSPRNG per 512 ids). */
export function cryptoRandom(): RandomSource {
  let pool = randomBytes(4096);
  let at = 0;
  return () => {
    if (at === pool.length) {
      pool = randomBytes(4096);
      at = 0;
    }
    at += 8;
    return pool.toString('hex', at - 8, at);
  };
}

const hexDigit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

export class TransactionTable {
  private slots: Map<string, Transaction>[] = Array.from({ length: TX_SLOTS }, () => new Map());
  /** the slot new transactions go into; the next tick expires the one after it */
  private current = 0;
  private live = 0;

  constructor(
    /** a transaction expired (its handler was called) */
    private readonly onExpired: (tx: Transaction, err: unknown) => void,
    private readonly random: RandomSource = cryptoRandom(),
  ) {}

  get size(): number {
    return this.live;
  }

  /** A new transaction with a fresh id; undefined if no free id was found. */
  create(handler: MsrpHandler, fields: TxFields): Transaction | undefined {
    const slot = this.current;
    const map = this.slots[slot]!;
    for (let i = 0; i < ID_TRIES; i++) {
      const id = this.newId(slot);
      if (map.has(id)) continue;
      const tx = new Transaction(id, slot, handler, fields);
      map.set(id, tx);
      this.live++;
      return tx;
    }
    return undefined;
  }

  /** Remove and return the transaction a reply with this id answers. */
  take(id: string): Transaction | undefined {
    if (id.length !== TX_ID_LEN || id.charCodeAt(2) !== 0x2e) return undefined;
    const hi = hexDigit(id.charCodeAt(0));
    const lo = hexDigit(id.charCodeAt(1));
    if (hi < 0 || lo < 0) return undefined;
    const map = this.slots[hi * 16 + lo];
    const tx = map?.get(id);
    if (!tx) return undefined;
    map!.delete(id);
    this.live--;
    return tx;
  }

  /** Drop a transaction before it ends (its request could not be sent); false if already gone. */
  remove(tx: Transaction): boolean {
    if (!this.slots[tx.slot]!.delete(tx.id)) return false;
    this.live--;
    return true;
  }

  /** The one-second timer: expire the oldest slot (onReply(null)), which then takes new transactions. */
  readonly tick = (): void => {
    this.current = (this.current + 1) % TX_SLOTS;
    const expired = this.slots[this.current]!;
    if (expired.size === 0) return;
    this.slots[this.current] = new Map();
    this.live -= expired.size;
    for (const tx of expired.values()) {
      try {
        tx.handler.onReply(null, tx);
        this.onExpired(tx, undefined);
      } catch (err) {
        this.onExpired(tx, err);
      }
    }
  };

  /** An id of the same shape for a frame that opens no transaction (a REPORT). */
  freshId(): string {
    return this.newId(this.current);
  }

  /** Forget everything (shutdown): no callbacks. */
  clear(): void {
    for (const m of this.slots) m.clear();
    this.live = 0;
  }

  private newId(slot: number): string {
    return SLOT_TAG[slot]! + this.random();
  }
}
