import type { ProtoHandler } from '@tsips/core';
import { createMsrpFramer } from './codec/framing.js';

/**
 * MSRP over TCP: the core TCP manager owns the sockets, this handler frames the stream.
 * OpenSIPS has no default MSRP port; 2855 (the IANA msrp port) only fills in destinations
 * that lack one, while forwarding always needs an explicit port in the next-hop URI.
 */
export const msrpProto: ProtoHandler = Object.freeze({
  name: 'msrp',
  defaultPort: 2855,
  stream: true,
  createFramer: createMsrpFramer,
});
