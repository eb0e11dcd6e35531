import type { Logger } from '@tsips/core';
import type { HepOrigin } from './receiver.js';
import type { Destinations } from './send/destinations.js';
import type { HepTracer } from './tracer.js';

/** proto_hep's state: what cmds, pvs and destroy work on. */
export interface ProtoHepState {
  dests: Destinations;
  tracer: HepTracer;
  /** the HEP packet each injected SIP message came in */
  origin: HepOrigin;
  log: Logger;
}
