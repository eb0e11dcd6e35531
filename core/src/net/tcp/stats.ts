import type { Stat, StatsRegistry } from '../../stats/registry.js';
import type { CloseKind } from './types.js';

export const TCP_STATS_GROUP = 'tcp';

const CLOSE_KINDS: readonly CloseKind[] = ['eof', 'reset', 'timeout', 'keepalive', 'read-timeout', 'local', 'error', 'write-error', 'protocol'];

/**
 * The TCP manager's statistics (group `tcp`): `tcp:connections` (current, computed),
 * `accepted`, `connected`, `connect_failed`, `rejected_max_conns`, `write_errors`,
 * `read_timeouts`, `send_failed` and one `closed_<kind>` counter per close reason
 * (`closed_eof`, `closed_reset`, `closed_read_timeout` ...).
 */
export class TcpStats {
  readonly accepted: Stat;
  readonly connected: Stat;
  readonly connectFailed: Stat;
  readonly rejectedMaxConns: Stat;
  readonly writeErrors: Stat;
  readonly readTimeouts: Stat;
  /** sends refused at once (no connection and no new ones allowed, queue full ...) */
  readonly sendFailed: Stat;
  readonly closed: Record<CloseKind, Stat>;

  constructor(registry: StatsRegistry, current: () => number) {
    const c = (name: string): Stat => registry.counter(TCP_STATS_GROUP, name);
    registry.fn(TCP_STATS_GROUP, 'connections', current);
    this.accepted = c('accepted');
    this.connected = c('connected');
    this.connectFailed = c('connect_failed');
    this.rejectedMaxConns = c('rejected_max_conns');
    this.writeErrors = c('write_errors');
    this.readTimeouts = c('read_timeouts');
    this.sendFailed = c('send_failed');
    const closed = {} as Record<CloseKind, Stat>;
    for (const k of CLOSE_KINDS) closed[k] = c(`closed_${k.replace('-', '_')}`);
    this.closed = closed;
  }
}
