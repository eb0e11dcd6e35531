import type { PeerName } from '../args.js';
import { kamailio } from './kamailio.js';
import { tsips } from './tsips.js';
import type { PeerDriver } from './types.js';

export const PEER_DRIVERS: Readonly<Record<PeerName, PeerDriver>> = { tsips, kamailio };
