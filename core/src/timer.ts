/**
 * Process-wide periodic work (timer_route, lifetime scans, stats): unref'd intervals that stop
 * together at shutdown. Per-object deadlines (tm retransmissions) use their own wheels: never
 * one JS timer per message.
 */
export class Timers {
  private readonly intervals = new Set<NodeJS.Timeout>();

  every(ms: number, fn: () => void): () => void {
    const h = setInterval(fn, ms);
    h.unref();
    this.intervals.add(h);
    return () => {
      clearInterval(h);
      this.intervals.delete(h);
    };
  }

  stopAll(): void {
    for (const h of this.intervals) clearInterval(h);
    this.intervals.clear();
  }
}
