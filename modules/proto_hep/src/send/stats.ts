import type { Stat } from '@tsips/core';

/** The sending-side counters every sender shares. */
export interface SendStats {
  /** packets handed to a socket */
  sent: Stat;
  /** failed sends, connects and writes */
  failures: Stat;
  /** packets never sent: queue full, destination suppressed, lost with a failed connection */
  dropped: Stat;
}
