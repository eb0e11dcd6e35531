/** A connection that held writes during a batch. */
export interface HeldWrites {
  flushHeld(): void;
}

/**
 * Write coalescing per read: while the messages of one read are dispatched, what is sent to
 * any stream connection is held, and each connection's held writes leave in one socket write
 * (several buffers: one writev) when the dispatch ends, still in the same tick. A relay that
 * reads eight frames at once then makes two write syscalls instead of sixteen; on loopback
 * and LANs the per-write cost, not the bytes, is what a relay spends its CPU on.
 */
export class WriteBatch {
  private depth = 0;
  private readonly held: HeldWrites[] = [];

  /** true while a dispatch runs: sends are held */
  get open(): boolean {
    return this.depth > 0;
  }

  begin(): void {
    this.depth++;
  }

  /** `c` holds writes now; it is flushed when the outermost dispatch ends */
  hold(c: HeldWrites): void {
    this.held.push(c);
  }

  end(): void {
    if (--this.depth > 0) return;
    // a flush may fail a connection, whose onFail callbacks may send: those write at once (depth 0)
    const list = this.held;
    for (let i = 0; i < list.length; i++) list[i]!.flushHeld();
    list.length = 0;
  }
}
