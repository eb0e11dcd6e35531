import type { ProtoHandler } from '@tsips/core';
import { createSipFramer } from './framing.js';

/** SIP over TCP: the core TCP manager owns the sockets; this handler frames the byte stream. */
export const tcpProto: ProtoHandler = Object.freeze({
  name: 'tcp',
  defaultPort: 5060,
  stream: true,
  createFramer: createSipFramer,
});
