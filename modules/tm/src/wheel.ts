import { performance } from 'node:perf_hooks';

/**
 * One deadline of a transaction or branch: an intrusive node of a circular doubly linked
 * list (one list per wheel slot), so arming, re-arming and cancelling cost O(1) and
 * allocate nothing. A node belongs to its owner for the owner's whole life.
 */
export class TimerNode {
  prev: TimerNode = this;
  next: TimerNode = this;
  /** the wheel tick at which it fires */
  expires = 0;
  constructor(
    /** the transaction or branch the deadline belongs to */
    readonly owner: unknown,
    /** what fires (the owner's dispatcher switches on it) */
    readonly kind: number,
  ) {}

  get active(): boolean {
    return this.next !== this;
  }
}

function unlink(n: TimerNode): void {
  n.prev.next = n.next;
  n.next.prev = n.prev;
  n.next = n;
  n.prev = n;
}

/** append before the list head (at the tail): nodes due in the same tick fire in arming order */
function pushBack(head: TimerNode, n: TimerNode): void {
  n.prev = head.prev;
  n.next = head;
  head.prev.next = n;
  head.prev = n;
}

/**
 * A hashed timing wheel (Varghese & Lauck scheme 6): `slots` lists indexed by tick modulo the
 * wheel size; a node far in the future stays in its slot for several turns and is skipped
 * until its tick comes. One interval (owned by the caller, see start()) drives `advance()`,
 * which fires every node that is due, in tick order, catching up after a stalled loop.
 * Nothing here creates a JS timer per deadline.
 */
export class TimerWheel {
  private readonly heads: TimerNode[];
  private readonly mask: number;
  private readonly scratch = new TimerNode(null, -1);
  private readonly t0: number;
  /** last tick processed */
  private cursor = 0;
  private live = 0;

  constructor(
    readonly resolutionMs: number,
    slots: number,
    private readonly onExpire: (node: TimerNode) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    if ((slots & (slots - 1)) !== 0 || slots < 2) throw new Error('timer wheel size must be a power of two');
    this.heads = Array.from({ length: slots }, () => new TimerNode(null, -1));
    this.mask = slots - 1;
    this.t0 = now();
  }

  /** the current tick by the clock (it may be ahead of what advance() processed) */
  nowTick(): number {
    return Math.floor((this.now() - this.t0) / this.resolutionMs);
  }

  /** armed nodes */
  get size(): number {
    return this.live;
  }

  /** Arm (or re-arm) `node` to fire after `delayMs` (at least one tick from now). */
  schedule(node: TimerNode, delayMs: number): void {
    if (node.active) unlink(node);
    else this.live++;
    const ticks = Math.max(1, Math.ceil(delayMs / this.resolutionMs));
    const at = Math.max(this.nowTick(), this.cursor) + ticks;
    node.expires = at;
    pushBack(this.heads[at & this.mask]!, node);
  }

  cancel(node: TimerNode): void {
    if (!node.active) return;
    unlink(node);
    this.live--;
  }

  /** ms until the node fires (0 when due or not armed) */
  remainingMs(node: TimerNode): number {
    if (!node.active) return 0;
    return Math.max(0, (node.expires - this.nowTick()) * this.resolutionMs);
  }

  /** Fire everything due up to now. A callback may arm or cancel any node, itself included. */
  advance(): void {
    const target = this.nowTick();
    if (target <= this.cursor) return;
    const span = target - this.cursor;
    if (span > this.mask) {
      // stalled for more than a turn: every slot may hold due nodes; sweep each once
      for (let i = 0; i <= this.mask; i++) this.sweep(this.heads[i]!, target);
    } else {
      for (let t = this.cursor + 1; t <= target; t++) this.sweep(this.heads[t & this.mask]!, t);
    }
    this.cursor = target;
  }

  /**
   * Move the slot's list aside, then take nodes off it one by one: due ones fire, others go
   * back. Cancelling or re-arming any node from a callback is safe because the node is
   * unlinked from whatever list holds it.
   */
  private sweep(head: TimerNode, tick: number): void {
    if (head.next === head) return;
    const s = this.scratch;
    s.next = head.next;
    s.prev = head.prev;
    s.next.prev = s;
    s.prev.next = s;
    head.next = head;
    head.prev = head;
    while (s.next !== s) {
      const n = s.next;
      unlink(n);
      if (n.expires <= tick) {
        this.live--;
        this.onExpire(n);
      } else pushBack(head, n);
    }
  }
}
