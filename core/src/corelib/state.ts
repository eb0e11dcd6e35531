import type { Logger } from 'pino';
import type { SipCore } from '../sip-core.js';
import type { FlagNames } from '../script/flags.js';
import type { EventBus } from '../events/bus.js';
import type { TcpManager } from '../net/tcp/manager.js';

/** What the core's own script functions and pseudo-variables work with. */
export interface CoreLibState {
  sip: SipCore;
  flags: FlagNames;
  events: EventBus;
  log: Logger;
  tcp: TcpManager | null;
  startedAt: number;
}
